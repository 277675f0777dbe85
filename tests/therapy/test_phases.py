"""Tests of the phase schedule (therapy/phases.py): the pure rules, without Home Assistant."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.therapy.phases import Phase, PhaseSchedule
from custom_components.back_recovery.therapy.session import Modality

from ..helpers.clock import INJURY

DEFAULTS: dict[str, int] = {}
NON_DEFAULT = {
    "rest_weeks": 2,
    "rehabilitation_weeks": 4,
    "return_weeks": 8,
    "ice_days": 3,
}
PHASES = list(Phase)


def _table(schedule: PhaseSchedule) -> list[str]:
    """Return one line per day, from the day before the injury to a day after recovery."""
    first = schedule.injury_date - timedelta(days=1)
    last = schedule.starts()[Phase.RECOVERED] + timedelta(days=1)
    lines = []
    day = first
    while day <= last:
        lines.append(
            f"{day.isoformat()} day {schedule.days_since_injury(day):>3}: "
            f"{schedule.phase_on(day).value:<18} {schedule.recommended_therapy(day).value}"
        )
        day += timedelta(days=1)
    return lines


@pytest.mark.parametrize(
    "options", [DEFAULTS, NON_DEFAULT], ids=["default", "non_default"]
)
def test_day_by_day_schedule(
    options: dict[str, Any], snapshot: SnapshotAssertion
) -> None:
    """The phase and the recommended therapy of every day of the recovery match the table."""
    assert _table(PhaseSchedule(INJURY, **options)) == snapshot


def test_default_lengths_follow_the_contract() -> None:
    """Rest 6 weeks, rehabilitation 6, return to activity 12, then recovered."""
    schedule = PhaseSchedule(INJURY)
    assert schedule.starts() == {
        Phase.REST: INJURY,
        Phase.REHABILITATION: INJURY + timedelta(weeks=6),
        Phase.RETURN_TO_ACTIVITY: INJURY + timedelta(weeks=12),
        Phase.RECOVERED: INJURY + timedelta(weeks=24),
    }


@pytest.mark.parametrize(
    ("days_since", "phase", "therapy"),
    [
        (0, Phase.REST, Modality.ICE),
        (1, Phase.REST, Modality.ICE),
        (2, Phase.REST, Modality.HEAT),
        (41, Phase.REST, Modality.HEAT),
        (42, Phase.REHABILITATION, Modality.HEAT),
        (83, Phase.REHABILITATION, Modality.HEAT),
        (84, Phase.RETURN_TO_ACTIVITY, Modality.HEAT),
        (167, Phase.RETURN_TO_ACTIVITY, Modality.HEAT),
        (168, Phase.RECOVERED, Modality.HEAT),
    ],
)
def test_injury_today_yesterday_and_boundaries(
    days_since: int, phase: Phase, therapy: Modality
) -> None:
    """The injury date itself, the day after it and each boundary day fall on the right side."""
    schedule = PhaseSchedule(INJURY)
    day = INJURY + timedelta(days=days_since)
    assert schedule.days_since_injury(day) == days_since
    assert schedule.phase_on(day) is phase
    assert schedule.recommended_therapy(day) is therapy


def test_boundary_day_starts_the_next_phase() -> None:
    """On a boundary day the new phase has started today and the one after is announced."""
    schedule = PhaseSchedule(INJURY)
    boundary = INJURY + timedelta(weeks=6)
    assert schedule.phase_started(boundary) == boundary
    assert schedule.next_change(boundary - timedelta(days=1)) == (
        Phase.REHABILITATION,
        boundary,
    )
    assert schedule.next_change(boundary) == (
        Phase.RETURN_TO_ACTIVITY,
        boundary + timedelta(weeks=6),
    )


@pytest.mark.parametrize(("ice_days", "last_ice_day"), [(0, 0), (1, 1), (7, 7)])
def test_ice_days_at_minimum_and_maximum(ice_days: int, last_ice_day: int) -> None:
    """Ice on the injury date and the ``ice_days`` days after it, heat from then on."""
    schedule = PhaseSchedule(INJURY, ice_days=ice_days)
    assert (
        schedule.recommended_therapy(INJURY + timedelta(days=last_ice_day))
        is Modality.ICE
    )
    assert (
        schedule.recommended_therapy(INJURY + timedelta(days=last_ice_day + 1))
        is Modality.HEAT
    )


@pytest.mark.parametrize("weeks", [1, 52])
def test_lengths_at_minimum_and_maximum(weeks: int) -> None:
    """Each phase lasts exactly its configured number of weeks at the limits."""
    schedule = PhaseSchedule(
        INJURY, rest_weeks=weeks, rehabilitation_weeks=weeks, return_weeks=weeks
    )
    length = timedelta(weeks=weeks)
    assert schedule.phase_on(INJURY + length - timedelta(days=1)) is Phase.REST
    assert schedule.phase_on(INJURY + length) is Phase.REHABILITATION
    assert schedule.phase_on(INJURY + 2 * length) is Phase.RETURN_TO_ACTIVITY
    assert schedule.phase_on(INJURY + 3 * length - timedelta(days=1)) is (
        Phase.RETURN_TO_ACTIVITY
    )
    assert schedule.phase_on(INJURY + 3 * length) is Phase.RECOVERED


def test_leap_day_counts_as_a_day() -> None:
    """A schedule across 29 February counts it, and a phase may start on it."""
    schedule = PhaseSchedule(date(2028, 1, 18))
    assert schedule.starts()[Phase.REHABILITATION] == date(2028, 2, 29)
    assert schedule.phase_on(date(2028, 2, 28)) is Phase.REST
    assert schedule.phase_on(date(2028, 2, 29)) is Phase.REHABILITATION
    assert schedule.days_since_injury(date(2028, 3, 1)) == 43


def test_injury_on_a_leap_day() -> None:
    """An injury on 29 February counts its weeks from that day."""
    schedule = PhaseSchedule(date(2028, 2, 29))
    assert schedule.recommended_therapy(date(2028, 3, 1)) is Modality.ICE
    assert schedule.recommended_therapy(date(2028, 3, 2)) is Modality.HEAT
    assert schedule.starts()[Phase.REHABILITATION] == date(2028, 4, 11)
    assert schedule.days_since_injury(date(2029, 2, 28)) == 365


def test_injury_years_ago_is_recovered() -> None:
    """An injury years ago is recovered, with no next phase."""
    schedule = PhaseSchedule(date(2019, 6, 1))
    today = date(2026, 11, 25)
    assert schedule.phase_on(today) is Phase.RECOVERED
    assert schedule.phase_started(today) == date(2019, 6, 1) + timedelta(weeks=24)
    assert schedule.next_change(today) is None
    assert schedule.recommended_therapy(today) is Modality.HEAT
    assert schedule.days_since_injury(today) == (today - date(2019, 6, 1)).days


def test_set_phase_starts_that_phase_today() -> None:
    """A rebase starts the chosen phase today; later phases follow with their lengths."""
    today = INJURY + timedelta(days=10)
    schedule = PhaseSchedule(INJURY).rebased(Phase.REHABILITATION, today)
    assert schedule.spans() == [
        (Phase.REST, INJURY, today),
        (Phase.REHABILITATION, today, today + timedelta(weeks=6)),
        (
            Phase.RETURN_TO_ACTIVITY,
            today + timedelta(weeks=6),
            today + timedelta(weeks=18),
        ),
        (Phase.RECOVERED, today + timedelta(weeks=18), None),
    ]
    assert schedule.phase_on(today - timedelta(days=1)) is Phase.REST
    assert schedule.phase_on(today) is Phase.REHABILITATION


def test_set_phase_recovered_and_back_to_rest() -> None:
    """Recovered today, then back to rest the next day: rest starts again then."""
    today = INJURY + timedelta(days=20)
    recovered = PhaseSchedule(INJURY).rebased(Phase.RECOVERED, today)
    assert recovered.phase_on(today) is Phase.RECOVERED
    assert recovered.next_change(today) is None
    tomorrow = today + timedelta(days=1)
    rest = recovered.rebased(Phase.REST, tomorrow)
    assert rest.phase_on(tomorrow) is Phase.REST
    assert rest.phase_started(tomorrow) == tomorrow
    assert rest.next_change(tomorrow) == (
        Phase.REHABILITATION,
        tomorrow + timedelta(weeks=6),
    )
    assert rest.spans()[-1] == (Phase.RECOVERED, tomorrow + timedelta(weeks=24), None)


def test_set_phase_keeps_the_therapy_of_the_injury_date() -> None:
    """The recommended therapy counts from the injury date, whatever the phase."""
    schedule = PhaseSchedule(INJURY).rebased(Phase.RECOVERED, INJURY)
    assert schedule.recommended_therapy(INJURY) is Modality.ICE
    assert schedule.recommended_therapy(INJURY + timedelta(days=2)) is Modality.HEAT


def test_set_phase_on_the_injury_date_skips_earlier_phases() -> None:
    """Rehabilitation from the injury date on: rest lasts no day and is not a span."""
    schedule = PhaseSchedule(INJURY).rebased(Phase.REHABILITATION, INJURY)
    assert [span[0] for span in schedule.spans()] == PHASES[1:]
    assert schedule.phase_on(INJURY) is Phase.REHABILITATION


def test_day_before_the_schedule_starts() -> None:
    """Before its first day the schedule answers with its first phase and never fails."""
    schedule = PhaseSchedule(INJURY).rebased(Phase.RETURN_TO_ACTIVITY, INJURY)
    before = INJURY - timedelta(days=3)
    assert schedule.phase_on(before) is Phase.RETURN_TO_ACTIVITY
    assert schedule.phase_started(before) == INJURY
    assert schedule.next_change(before) == (
        Phase.RECOVERED,
        INJURY + timedelta(weeks=12),
    )


@st.composite
def schedules(draw: st.DrawFn) -> PhaseSchedule:
    """Draw a schedule with options in their allowed ranges, maybe rebased."""
    injury = draw(st.dates(date(2000, 1, 1), date(2030, 12, 31)))
    fields: dict[str, Any] = {
        "rest_weeks": draw(st.integers(1, 52)),
        "rehabilitation_weeks": draw(st.integers(1, 52)),
        "return_weeks": draw(st.integers(1, 52)),
        "ice_days": draw(st.integers(0, 7)),
    }
    schedule = PhaseSchedule(injury, **fields)
    for _ in range(draw(st.integers(0, 2))):
        schedule = schedule.rebased(
            draw(st.sampled_from(PHASES)),
            injury + timedelta(days=draw(st.integers(0, 600))),
        )
    return schedule


@settings(max_examples=150, deadline=None)
@given(schedule=schedules(), offset=st.integers(-10, 1200))
def test_schedule_is_consistent(schedule: PhaseSchedule, offset: int) -> None:
    """Phases never go back, and the next change is the first day of a new phase."""
    day = schedule.injury_date + timedelta(days=offset)
    phase = schedule.phase_on(day)
    tomorrow = schedule.phase_on(day + timedelta(days=1))
    assert PHASES.index(tomorrow) >= PHASES.index(phase)
    started = schedule.phase_started(day)
    assert schedule.phase_on(started) is phase
    if started != schedule.spans()[0][1]:
        assert started <= day
        assert schedule.phase_on(started - timedelta(days=1)) is not phase
    upcoming = schedule.next_change(day)
    if upcoming is None:
        assert phase is Phase.RECOVERED
    else:
        next_phase, starts = upcoming
        assert starts > day
        assert next_phase is not phase
        assert schedule.phase_on(starts) is next_phase
        assert schedule.phase_on(starts - timedelta(days=1)) is phase


@settings(max_examples=100, deadline=None)
@given(schedule=schedules())
def test_spans_are_contiguous(schedule: PhaseSchedule) -> None:
    """The phases follow in order, each ending the day the next one starts."""
    spans = schedule.spans()
    order = [PHASES.index(span[0]) for span in spans]
    assert order == sorted(set(order))
    assert spans[-1][0] is Phase.RECOVERED
    assert spans[-1][2] is None
    for (_, start, end), (_, next_start, _) in zip(spans, spans[1:], strict=False):
        assert end == next_start
        assert end is not None and end > start
