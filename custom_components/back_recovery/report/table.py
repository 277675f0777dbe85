"""The clinician report as CSV: one row per event, its ``kind`` first, times in ISO 8601 with offset.

Nothing here imports Home Assistant. The columns are ``CSV_COLUMNS``; every
moment is written in the local time zone with its offset
(``2026-11-25T10:00:00+01:00``). Kinds: ``phase``, ``pain``, ``ice_session``,
``heat_session``, ``review_recommended`` (a run of days), the safety events
(``switch_off_late``, ``start_refused``, ``switch_off_owed``) and the kinds of
the parts' sections. Notes only with ``include_notes``.
"""

from __future__ import annotations

import csv
from datetime import datetime, tzinfo
import io

from ..therapy import TherapySession
from .model import ONE_DAY, ReportModel, local_midnight
from .sections import ReportRow

CSV_COLUMNS = ("kind", "start", "end", "value", "unit", "detail", "note")


def _session_row(session: TherapySession) -> ReportRow:
    ended = session.ended
    minutes = (ended - session.started).total_seconds() / 60 if ended else None
    return ReportRow(
        f"{session.modality.value}_session",
        session.started,
        ended,
        value=f"{minutes:.1f}" if minutes is not None else "",
        unit="min",
        detail=session.end_reason.value if session.end_reason else "running",
    )


def _review_rows(model: ReportModel) -> list[ReportRow]:
    """Return each run of days on which a review was recommended, as one row."""
    rows: list[ReportRow] = []
    tz = model.period.tz
    first = None
    for day in (*model.pain, None):
        if day is not None and day.review:
            first = first or day.day
            continue
        if first is not None:
            last = day.day if day is not None else model.period.last + ONE_DAY
            rows.append(
                ReportRow(
                    "review_recommended",
                    local_midnight(first, tz),
                    local_midnight(last, tz),
                )
            )
            first = None
    return rows


def report_rows(model: ReportModel) -> list[ReportRow]:
    """Return every event of the report, in the order they began."""
    notes = model.period.include_notes
    rows = [
        *model.phase_rows,
        *(
            ReportRow(
                "pain",
                entry.recorded_at,
                value=str(entry.level),
                unit="0-10",
                note=(entry.note or "") if notes else "",
            )
            for entry in model.entries
        ),
        *(_session_row(session) for session in model.sessions),
        *_review_rows(model),
        *model.safety,
        *(row for section in model.sections for row in section.rows),
    ]
    rows.sort(key=lambda row: row.start)
    return rows


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Return the person's own text so a spreadsheet never reads it as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _iso(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat() if moment is not None else ""


def render_csv(model: ReportModel) -> str:
    """Return the report's CSV text: a header, then one row per event."""
    tz = model.period.tz
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in report_rows(model):
        writer.writerow(
            (
                row.kind,
                _iso(row.start, tz),
                _iso(row.end, tz),
                row.value,
                row.unit,
                _cell(row.detail),
                _cell(row.note) if model.period.include_notes else "",
            )
        )
    return buffer.getvalue()
