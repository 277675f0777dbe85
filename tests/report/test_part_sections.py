"""The clinician report's sections of the exercises and the brace, on plain data (issue 25).

``therapy.exercises_over_period`` and ``BraceLog.days_between`` read a period of
local days; ``report/part_sections.py`` makes the section and its CSV rows.
Through Home Assistant: tests/test_clinician_report_parts.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from custom_components.back_recovery.report import ReportRequest, report_period
from custom_components.back_recovery.report.part_sections import (
    brace_section,
    exercise_section,
)
from custom_components.back_recovery.therapy import (
    BraceLog,
    ExerciseDiary,
    PainRule,
    Phase,
    SkipReason,
    exercises_over_period,
)

from ..helpers.clock import BERLIN, INJURY, at, days
from ..therapy.test_exercises import done, exercise, pains

TEXTS = {
    "exercise_each_side": ", each side",
    "report_decimal": ",",
    "report_date_format": "%d.%m.%Y",
    "report_exercises_explained": "Explained.",
    "report_brace_explained": "Worn against prescribed.",
    "report_brace_summary": "{days} days, {percent} %, reached on {reached}.",
}
FIRST = INJURY + days(14)
TODAY = FIRST + days(6)


def _rehab(_day: date) -> Phase:
    return Phase.REHABILITATION


def test_exercise_period_counts_due_done_skips_and_each_sessions_response() -> None:
    """Inside the period only; today's open item not missed; pain above the rule amber, 7 or more red."""
    ham = exercise("ham", pain_rule=PainRule.MONITORING, max_pain_during=3)
    cat = exercise("cat")
    diary = ExerciseDiary()
    diary.add(done(ham, FIRST - days(1), pain=9))  # before the period
    diary.add(done(ham, FIRST, pain=2))  # green
    diary.add(done(ham, FIRST + days(1), pain=5))  # amber: above 3
    diary.add(
        done(ham, FIRST + days(2), slot=None, skipped=True, skip_reason=SkipReason.PAIN)
    )
    diary.add(done(ham, FIRST + days(3), pain=7))  # red
    diary.add(done(ham, FIRST + days(4)))  # no pain given
    period = report_period(ReportRequest(days=7, last=TODAY), INJURY, TODAY, BERLIN)

    ham_period, cat_period = exercises_over_period(
        diary,
        [ham, cat],
        first=period.first,
        last=period.last,
        today=TODAY,
        phase_on=_rehab,
        since={"cat": TODAY},
        pain=pains({}),
        tz=BERLIN,
    )

    # 7 days, today open: 6 due, 4 done.
    assert (ham_period.due, ham_period.done, ham_period.skipped) == (6, 4, 1)
    assert ham_period.adherence == 67
    assert (ham_period.green, ham_period.amber, ham_period.red) == (1, 1, 1)
    assert ham_period.highest_pain == 7
    # Added today and not done: nothing due, nothing to show.
    assert cat_period.empty
    assert cat_period.adherence is None

    section = exercise_section([ham_period, cat_period], period, TEXTS)
    assert section is not None
    assert section.table is not None
    assert section.table.rows == (
        ("Ham", "3 × 30 s, each side", "6", "4", "67 %", "1", "1 / 1 / 1", "7"),
    )
    assert section.lines == ("Explained.",)
    (row,) = section.rows
    assert (row.kind, row.value, row.unit, row.detail) == ("exercise", "67", "%", "Ham")
    assert (row.start, row.end) == (period.start, period.end)
    assert exercise_section([cat_period], period, TEXTS) is None


def test_brace_days_of_a_period_against_the_prescription() -> None:
    """Each day the log holds, hours in the language's decimal; the summary over complete prescribed days only."""
    log = BraceLog()
    first_day = FIRST
    log.new_day(first_day, 4)  # the first day of the prescription does not count
    log.observe(at(first_day, 8), True, BERLIN)
    log.observe(at(first_day, 9, 30), False, BERLIN)
    second = first_day + days(1)
    log.new_day(second, 4)
    log.observe(at(second, 8), True, BERLIN)
    log.observe(at(second, 13), False, BERLIN)  # 5 h: counts 4
    third = first_day + days(2)
    log.new_day(third, 4)
    log.observe(at(third, 8), True, BERLIN)
    log.observe(at(third, 10), False, BERLIN)  # 2 h of 4
    today = first_day + days(3)
    log.new_day(today, 4)
    log.observe(at(today, 8), True, BERLIN)  # worn now, today not complete
    now = at(today, 9)
    period = report_period(ReportRequest(days=7, last=today), INJURY, today, BERLIN)

    totals = log.days_between(period.first, period.last, now, BERLIN)

    assert [(t.day, t.hours, t.prescribed_hours) for t in totals] == [
        (first_day, 1.5, None),
        (second, 5.0, 4),
        (third, 2.0, 4),
        (today, 1.0, 4),
    ]
    section = brace_section(totals, period, today, TEXTS)
    assert section is not None
    assert section.table is not None
    assert [list(cells[1:]) for cells in section.table.rows] == [
        ["1,5", "–"],
        ["5,0", "4"],
        ["2,0", "4"],
        ["1,0", "4"],
    ]
    assert section.table.rows[0][0] == first_day.strftime("%d.%m.%Y")
    # 4 + 2 of 8 prescribed hours on the 2 complete days: 75 %, reached on 1.
    assert section.lines == ("Worn against prescribed.", "2 days, 75 %, reached on 1.")
    assert [(r.kind, r.value, r.unit, r.detail) for r in section.rows][:2] == [
        ("brace_day", "1.5", "h", ""),
        ("brace_day", "5.0", "h", "4"),
    ]
    first_row = section.rows[0]
    assert first_row.end is not None
    assert first_row.end - first_row.start == timedelta(days=1)
    assert brace_section([], period, today, TEXTS) is None
    assert BraceLog().days_between(period.first, period.last, now, BERLIN) == []
