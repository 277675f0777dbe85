"""The clinician report's rendering on plain data (``report/``): no Home Assistant runs.

The period and its limits, the chart's points thinned to what a page shows,
the baseline band, the late switch-off as a heating-pad event, the CSV's
rows and a note that a spreadsheet must not run.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
import io

import pytest

from custom_components.back_recovery.report import (
    MAX_CHART_POINTS,
    ReportRefusal,
    ReportRefusedError,
    ReportRequest,
    ReportSource,
    build_model,
    pain_chart,
    render_csv,
    render_html,
    report_period,
    thin,
)
from custom_components.back_recovery.therapy import (
    EndReason,
    Modality,
    PainDiary,
    PainEntry,
    PhaseSchedule,
    TherapySession,
)

from ..helpers.clock import BERLIN, INJURY, at, days, minutes
from ..helpers.files import translations

TODAY = INJURY + days(364)


def source(
    pain_days: int = 365,
    sessions: tuple[TherapySession, ...] = (),
    note: str | None = None,
) -> ReportSource:
    """Return a recovery a year after ``INJURY``: pain 8 falling by 1 every 6 weeks, one entry a day."""
    entries = tuple(
        PainEntry(max(0, 8 - offset // 42), at(INJURY + days(offset), 9), note)
        for offset in range(pain_days)
    )
    return ReportSource(
        title="Alex",
        now=at(TODAY, 18),
        today=TODAY,
        schedule=PhaseSchedule(INJURY),
        pain_entries=entries,
        sessions=sessions,
    )


def made(request: ReportRequest, recovery: ReportSource | None = None) -> str:
    """Return the page of ``request`` over ``recovery`` (default ``source()``)."""
    recovery = recovery or source()
    period = report_period(request, INJURY, TODAY, BERLIN)
    return render_html(build_model(recovery, request, period), {})


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (ReportRequest(days=6), ReportRefusal.DAYS_OUT_OF_RANGE),
        (ReportRequest(days=366), ReportRefusal.DAYS_OUT_OF_RANGE),
        (ReportRequest(last=INJURY - days(1)), ReportRefusal.BEFORE_INJURY),
        (ReportRequest(last=TODAY + days(1)), ReportRefusal.IN_FUTURE),
    ],
)
def test_period_outside_the_recovery_is_refused(
    request_: ReportRequest, reason: ReportRefusal
) -> None:
    """7 to 365 days, not after today, not wholly before the injury."""
    with pytest.raises(ReportRefusedError) as refused:
        report_period(request_, INJURY, TODAY, BERLIN)
    assert refused.value.reason is reason


def test_period_starts_no_earlier_than_the_injury() -> None:
    """Eight weeks ending 10 days after the injury start on the injury date, at local midnight."""
    period = report_period(ReportRequest(last=INJURY + days(10)), INJURY, TODAY, BERLIN)

    assert (period.first, period.last, period.days) == (INJURY, INJURY + days(10), 11)
    assert period.start == datetime(2026, 3, 2, tzinfo=BERLIN)
    assert period.end == datetime(2026, 3, 13, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("length", "points"), [(7, 7), (56, 56), (92, 92), (93, 47), (365, 92)]
)
def test_chart_draws_at_most_what_a_page_shows(length: int, points: int) -> None:
    """One point per day up to 92 days; longer periods in buckets of whole days."""
    period = report_period(ReportRequest(days=length), INJURY, TODAY, BERLIN)
    model = build_model(source(), ReportRequest(days=length), period)

    svg = pain_chart(model, {})

    assert len(thin(model.pain)) == points <= MAX_CHART_POINTS
    assert svg.count('class="pain-point"') == points


def test_chart_shows_the_baseline_and_the_improvement_expected() -> None:
    """Baseline 8 (the first week): a dashed line at 8, the band down to 6 (2 points below)."""
    request = ReportRequest(days=56)
    period = report_period(request, INJURY, TODAY, BERLIN)
    model = build_model(source(), request, period)

    svg = pain_chart(model, {})

    assert model.baseline == 8
    assert model.expected == 6
    assert 'data-level="8.00"' in svg
    assert 'class="baseline-band"' in svg


def test_chart_marks_the_days_a_review_was_recommended() -> None:
    """Pain that stays at 8 after 6 weeks recommends a review from day 42; the chart marks it."""
    recovery = source(pain_days=60)
    flat = ReportSource(
        title="Alex",
        now=recovery.now,
        today=INJURY + days(59),
        schedule=recovery.schedule,
        pain_entries=tuple(
            PainEntry(8, entry.recorded_at) for entry in recovery.pain_entries
        ),
        sessions=(),
    )
    request = ReportRequest(days=14, last=INJURY + days(59))
    period = report_period(request, INJURY, flat.today, BERLIN)

    model = build_model(flat, request, period)

    assert all(day.review for day in model.pain)
    assert pain_chart(model, {}).count('class="review"') == 14


def test_late_switch_off_is_a_heating_pad_event() -> None:
    """Heat that ended 12 minutes after its planned end: the plug did not confirm the switch-off."""
    start = at(TODAY - days(1), 9)
    late = TherapySession(
        Modality.HEAT,
        start,
        start + minutes(20),
        start + minutes(32),
        EndReason.COMPLETED,
    )
    on_time = TherapySession(
        Modality.HEAT,
        start + timedelta(hours=3),
        start + timedelta(hours=3, minutes=20),
        start + timedelta(hours=3, minutes=20, seconds=2),
        EndReason.COMPLETED,
    )
    request = ReportRequest(days=7)
    period = report_period(request, INJURY, TODAY, BERLIN)

    model = build_model(source(sessions=(late, on_time)), request, period)

    (event,) = model.safety
    assert (event.kind, event.start, event.end, event.value) == (
        "switch_off_late",
        late.planned_end,
        late.ended,
        "12.0",
    )
    assert sum(week.heat for week in model.weeks) == 2


def test_csv_note_never_becomes_a_formula_and_only_with_notes() -> None:
    """A note starting with ``=`` is written as text; without ``include_notes`` no note at all."""
    recovery = source(pain_days=365, note='=HYPERLINK("x")')
    for include in (False, True):
        request = ReportRequest(days=7, include_notes=include)
        period = report_period(request, INJURY, TODAY, BERLIN)
        rows = list(
            csv.DictReader(
                io.StringIO(render_csv(build_model(recovery, request, period)))
            )
        )
        notes = {row["note"] for row in rows if row["kind"] == "pain"}
        assert notes == ({'\'=HYPERLINK("x")'} if include else {""})


def test_page_without_pain_leaves_the_pain_out() -> None:
    """A period without entries has no pain section and no chart (never shown empty)."""
    page = made(ReportRequest(days=7), source(pain_days=0))

    assert "pain-chart" not in page
    assert "report_pain" not in page


def test_page_fits_a4_and_letter() -> None:
    """182 mm wide: what A4 (210 mm) and Letter (216 mm) both print with 14 mm margins."""
    page = made(ReportRequest())

    assert "@page { margin: 14mm; }" in page
    assert "max-width: 182mm" in page


def test_statuses_are_each_days_status() -> None:
    """The report's one-pass statuses equal the diary's status on each day (the same rules)."""
    recovery = source(pain_days=80)
    diary = PainDiary(recovery.pain_entries)
    first, last = INJURY + days(30), INJURY + days(79)

    assert diary.statuses(first, last, INJURY, BERLIN) == [
        diary.status(first + days(offset), INJURY, BERLIN) for offset in range(50)
    ]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "First 7-day average (2026-03-04)<b>8.0</b>"),
        ("de", "Erstes 7-Tage-Mittel (04.03.2026)<b>8,0</b>"),
    ],
)
def test_first_7_day_average_names_its_date(language: str, said: str) -> None:
    """A period from the injury date has its first 7-day average on the 3rd day with entries: that date is shown."""
    request = ReportRequest(days=56, last=INJURY + days(55))
    period = report_period(request, INJURY, TODAY, BERLIN)
    model = build_model(source(), request, period)

    page = render_html(model, translations(language)["common"], language)

    assert said in page


@pytest.mark.parametrize(
    ("language", "first"), [("en", ">2026-03-02</text>"), ("de", ">02.03.2026</text>")]
)
def test_chart_dates_are_in_the_page_s_date_format(language: str, first: str) -> None:
    """The x-axis says its dates as the rest of the page does (German: 02.03.2026)."""
    request = ReportRequest(days=56, last=INJURY + days(55))
    period = report_period(request, INJURY, TODAY, BERLIN)
    model = build_model(source(), request, period)

    svg = pain_chart(model, translations(language)["common"])

    assert first in svg
    assert ("2026-03-02" in svg) is (language == "en")
