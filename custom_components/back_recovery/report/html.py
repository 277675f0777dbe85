"""The clinician report as one printable HTML page (A4 or Letter, black and white).

Nothing here imports Home Assistant. Every text that is not the page's own
markup is escaped (the question and the notes are the person's input; a
part's texts are plain text too). The page is laid out 182 mm wide, the width
both A4 and Letter print with the 14 mm margins of ``@page``, and says
nothing through colour alone: the chart uses shapes, dashes and hatching.
Texts are the ``common`` translations (``report_*``) in the person's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from html import escape

from .chart import pain_chart
from .model import ReportModel
from .sections import ReportRow, SectionData, SectionTable

type Texts = Mapping[str, str]

STYLE = """
@page { margin: 14mm; }
html { font: 10.5pt/1.4 "Helvetica Neue", Arial, sans-serif; color: #000; background: #fff; }
body { margin: 0; }
.page { max-width: 182mm; margin: 0 auto; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 0.3mm solid #000; }
p { margin: 1mm 0; }
.muted { color: #333; font-size: 9pt; }
.question { border: 0.5mm solid #000; padding: 2mm 3mm; margin: 3mm 0; }
.question h2 { margin-top: 0; }
.question p { font-size: 12pt; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
th, td { border-bottom: 0.2mm solid #888; padding: 0.8mm 2mm; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td:first-child { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.figures td { border: 0.2mm solid #888; width: 20%; }
.figures b { display: block; font-size: 13pt; }
.pain { break-inside: avoid; }
svg { display: block; width: 100%; height: auto; margin-top: 2mm; }
tr { break-inside: avoid; }
.csv { margin: 2mm 0; }
@media print { .csv { display: none; } }
footer { margin-top: 6mm; border-top: 0.2mm solid #888; padding-top: 2mm; }
@media screen {
  html { background: #e8e8e8; }
  .page { background: #fff; padding: 14mm; margin: 6mm auto; box-shadow: 0 0 3mm #999; }
}
"""


def _t(texts: Texts, key: str, **values: object) -> str:
    """Return text ``key`` filled with ``values``, escaped; the key itself without a text."""
    template = texts.get(key, key)
    try:
        said = template.format(**values) if values else template
    except KeyError, IndexError, ValueError:
        said = template
    return escape(said)


def number(value: float | None, texts: Texts) -> str:
    """Say a number to one decimal with the language's separator; a dash when unknown."""
    if value is None:
        return "–"
    return f"{value:.1f}".replace(".", texts.get("report_decimal", "."))


def day_text(day: date, texts: Texts) -> str:
    """Say a date in the language's short form (``2026-11-25``, ``25.11.2026``)."""
    return day.strftime(texts.get("report_date_format", "%Y-%m-%d"))


def moment_text(moment: datetime, model: ReportModel, texts: Texts) -> str:
    """Say a moment in local time: its date and clock time."""
    local = moment.astimezone(model.period.tz)
    if texts.get("clock_hours") == "12":
        clock = f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
    else:
        clock = local.strftime("%H:%M")
    return f"{day_text(local.date(), texts)} {clock}"


def render_html(
    model: ReportModel,
    texts: Texts,
    language: str = "en",
    *,
    csv_href: str | None = None,
) -> str:
    """Return the whole report page of ``model`` in the language of ``texts``.

    ``csv_href``: the link to the same period as CSV (not printed); none without it.
    """
    period = model.period
    head = _t(texts, "report_title")
    parts = [
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{head}: {escape(model.title)}</title><style>{STYLE}</style></head>"
        '<body><main class="page"><header>'
        f"<h1>{head}: {escape(model.title)}</h1>"
        '<p class="period">'
        + _t(
            texts,
            "report_period",
            first=day_text(period.first, texts),
            last=day_text(period.last, texts),
            days=period.days,
        )
        + "</p>"
    ]
    if csv_href is not None:
        parts.append(
            f'<p class="csv"><a href="{escape(csv_href)}" download>'
            f"{_t(texts, 'report_csv_link')}</a></p>"
        )
    if model.question:
        parts.append(
            f'<section class="question"><h2>{_t(texts, "report_question")}</h2>'
            f"<p>{escape(model.question)}</p></section>"
        )
    parts.append(
        '<p class="phase">'
        + _t(
            texts,
            "report_phase",
            phase=texts.get(f"phase_{model.phase.value}", model.phase.value),
            days=model.days_since_injury,
            injury=day_text(model.injury_date, texts),
        )
        + "</p></header>"
    )
    if model.has_pain:
        parts.append(_pain(model, texts))
    if model.sessions:
        parts.append(_sessions(model, texts))
    parts.extend(_section(section, texts) for section in model.sections)
    if model.safety:
        parts.append(_safety(model, texts))
    if model.notes:
        parts.append(_notes(model, texts))
    parts.append(_footer(model, texts))
    parts.append("</main></body></html>")
    return "".join(parts)


def _pain(model: ReportModel, texts: Texts) -> str:
    days = [day for day in model.pain if day.average is not None]
    first = days[0] if days else None
    end = model.pain[-1].average if model.pain else None
    review = "report_review_on" if model.review else "report_review_off"
    figures = [
        (_t(texts, "report_baseline"), number(model.baseline, texts)),
        (
            # The first day of the period with a 7-day average (3 days with entries).
            _t(
                texts,
                "report_average_start",
                date=day_text(first.day, texts) if first else "–",
            ),
            number(first.average if first else None, texts),
        ),
        (_t(texts, "report_average_end"), number(end, texts)),
        (_t(texts, "report_trend"), _t(texts, f"report_trend_{model.trend.value}")),
        (_t(texts, "report_review"), _t(texts, review)),
    ]
    cells = "".join(f"<td>{label}<b>{value}</b></td>" for label, value in figures)
    return (
        f'<section class="pain"><h2>{_t(texts, "report_pain")}</h2>'
        f'<table class="figures"><tr>{cells}</tr></table>'
        f"{pain_chart(model, texts)}"
        f'<p class="muted">{_t(texts, "report_pain_explained")}</p></section>'
    )


def _sessions(model: ReportModel, texts: Texts) -> str:
    table = SectionTable(
        (
            "report_week",
            "report_ice_sessions",
            "report_ice_minutes",
            "report_heat_sessions",
            "report_heat_minutes",
        ),
        tuple(
            (
                f"{day_text(week.first, texts)} – {day_text(week.last, texts)}",
                str(week.ice),
                f"{week.ice_minutes:.0f}",
                str(week.heat),
                f"{week.heat_minutes:.0f}",
            )
            for week in model.weeks
        ),
    )
    cut = ""
    if model.sessions_cut is not None:
        cut = (
            '<p class="muted">'
            + _t(texts, "report_sessions_cut", date=day_text(model.sessions_cut, texts))
            + "</p>"
        )
    return (
        f'<section class="sessions"><h2>{_t(texts, "report_sessions")}</h2>'
        f"{_table(table, texts, numeric_from=1)}{cut}</section>"
    )


def _table(table: SectionTable, texts: Texts, numeric_from: int | None = None) -> str:
    def cls(index: int) -> str:
        return (
            ' class="num"' if numeric_from is not None and index >= numeric_from else ""
        )

    head = "".join(
        f"<th{cls(i)}>{_t(texts, column)}</th>"
        for i, column in enumerate(table.columns)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{cls(i)}>{escape(cell)}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(section: SectionData, texts: Texts) -> str:
    lines = "".join(f"<p>{escape(line)}</p>" for line in section.lines)
    table = _table(section.table, texts) if section.table and section.table.rows else ""
    key = escape(section.key)
    return (
        f'<section class="part part-{key}"><h2>{_t(texts, section.title)}</h2>'
        f"{lines}{table}</section>"
    )


def _safety_line(row: ReportRow, model: ReportModel, texts: Texts) -> str:
    return _t(
        texts,
        f"report_safety_{row.kind}",
        moment=moment_text(row.start, model, texts),
        minutes=number(float(row.value), texts) if row.value else "",
        reason=texts.get(f"report_refusal_{row.detail}", row.detail.replace("_", " ")),
    )


def _safety(model: ReportModel, texts: Texts) -> str:
    items = "".join(
        f"<li>{_safety_line(row, model, texts)}</li>" for row in model.safety
    )
    return (
        f'<section class="safety"><h2>{_t(texts, "report_safety")}</h2>'
        f"<ul>{items}</ul></section>"
    )


def _notes(model: ReportModel, texts: Texts) -> str:
    rows = "".join(
        f"<tr><td>{escape(moment_text(entry.recorded_at, model, texts))}</td>"
        f'<td class="num">{entry.level}</td><td>{escape(entry.note or "")}</td></tr>'
        for entry in model.notes
    )
    return (
        f'<section class="notes"><h2>{_t(texts, "report_notes")}</h2><table><thead><tr>'
        f'<th>{_t(texts, "report_when")}</th><th class="num">{_t(texts, "report_level")}</th>'
        f"<th>{_t(texts, 'report_note')}</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _footer(model: ReportModel, texts: Texts) -> str:
    return (
        '<footer class="muted"><p>'
        + _t(texts, "report_created", moment=moment_text(model.created, model, texts))
        + "</p><p>"
        + _t(texts, "report_refusals_not_stored")
        + "</p><p>"
        + _t(texts, "report_no_advice")
        + "</p></footer>"
    )
