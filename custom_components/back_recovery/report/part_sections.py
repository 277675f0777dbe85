"""The clinician report's sections of the rehabilitation programme and of the brace.

Nothing here imports Home Assistant. The parts (``engine/exercises.py``,
``engine/brace.py``) copy their period on the event loop
(``therapy.exercises_over_period``, ``BraceLog.days_between``) and make their
``SectionData`` here, with the texts of the person's language (``common``:
``report_exercise*``, ``report_brace*``). A part without data in the period
gives ``None``: its section is left out.

CSV rows: ``exercise`` (one per exercise with something due or logged in the
period: ``value`` its adherence in %, empty when nothing was due; ``detail``
its name) and ``brace_day`` (one per local day the brace's log holds:
``value`` the hours worn, ``unit`` ``h``, ``detail`` the hours prescribed,
empty on a day that does not count).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from ..therapy import BraceDayTotal, ExercisePeriod
from .model import ONE_DAY, local_midnight
from .sections import ReportPeriod, ReportRow, SectionData, SectionTable

type Texts = Mapping[str, str]

NONE = "–"
"""A cell with nothing to say (nothing due, no pain given)."""
EXERCISE_COLUMNS = (
    "report_exercise",
    "report_exercise_target",
    "report_exercise_due",
    "report_exercise_done",
    "report_exercise_adherence",
    "report_exercise_skipped",
    "report_exercise_responses",
    "report_exercise_highest_pain",
)
BRACE_COLUMNS = ("report_brace_day", "report_brace_worn", "report_brace_prescribed")


def _percent(value: int | None) -> str:
    return NONE if value is None else f"{value} %"


def exercise_section(
    periods: Sequence[ExercisePeriod], period: ReportPeriod, texts: Texts
) -> SectionData | None:
    """Return the programme's section: per exercise due, done, adherence, skips, responses, highest pain.

    ``None`` when no exercise had anything due or logged in the period.
    """
    shown = [summary for summary in periods if not summary.empty]
    if not shown:
        return None
    each_side = texts.get("exercise_each_side", "")
    rows = tuple(
        (
            summary.exercise.name,
            summary.exercise.target.text(each_side),
            str(summary.due),
            str(summary.done),
            _percent(summary.adherence),
            str(summary.skipped),
            f"{summary.green} / {summary.amber} / {summary.red}",
            NONE if summary.highest_pain is None else str(summary.highest_pain),
        )
        for summary in shown
    )
    return SectionData(
        key="exercises",
        title="report_exercises",
        lines=(texts.get("report_exercises_explained", ""),),
        table=SectionTable(EXERCISE_COLUMNS, rows),
        rows=tuple(
            ReportRow(
                "exercise",
                period.start,
                period.end,
                value="" if summary.adherence is None else str(summary.adherence),
                unit="%",
                detail=summary.exercise.name,
            )
            for summary in shown
        ),
    )


def brace_section(
    days: Sequence[BraceDayTotal], period: ReportPeriod, today: date, texts: Texts
) -> SectionData | None:
    """Return the brace's section: hours worn each day against the hours prescribed.

    Its summary counts the complete days (before ``today``) with a
    prescription, each at most its prescribed hours, as
    ``brace_adherence_7d`` does. ``None`` when the log holds no day of the
    period.
    """
    if not days:
        return None
    decimal = texts.get("report_decimal", ".")
    date_format = texts.get("report_date_format", "%Y-%m-%d")

    def hours(value: float) -> str:
        return f"{value:.1f}".replace(".", decimal)

    counted = [day for day in days if day.day < today and day.prescribed_hours]
    lines = [texts.get("report_brace_explained", "")]
    if counted:
        due = sum((day.prescribed_hours or 0) * 3600.0 for day in counted)
        worn = sum(
            min((day.prescribed_hours or 0) * 3600.0, day.worn_seconds)
            for day in counted
        )
        reached = sum(
            1
            for day in counted
            if day.worn_seconds >= (day.prescribed_hours or 0) * 3600
        )
        lines.append(
            texts.get("report_brace_summary", "{percent} %").format(
                days=len(counted), percent=round(100 * worn / due), reached=reached
            )
        )
    return SectionData(
        key="brace",
        title="report_brace",
        lines=tuple(line for line in lines if line),
        table=SectionTable(
            BRACE_COLUMNS,
            tuple(
                (
                    day.day.strftime(date_format),
                    hours(day.hours),
                    NONE if not day.prescribed_hours else str(day.prescribed_hours),
                )
                for day in days
            ),
        ),
        rows=tuple(
            ReportRow(
                "brace_day",
                local_midnight(day.day, period.tz),
                local_midnight(day.day + ONE_DAY, period.tz),
                value=f"{day.hours:.1f}",
                unit="h",
                detail=str(day.prescribed_hours) if day.prescribed_hours else "",
            )
            for day in days
        ),
    )
