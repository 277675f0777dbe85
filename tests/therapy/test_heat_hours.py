"""Rule 19 in the pure rules (therapy/heat_hours.py, therapy/log.py): heat starts in the heat hours only.

The window is local wall-clock time, may cross midnight, and equal times mean
any time. Outside it a heat start is refused with ``outside_heat_hours`` and
the next start of the window, a plug switched on is switched off and blocked;
ice is not limited; a session started inside runs to its planned end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo

import pytest

from custom_components.back_recovery.therapy.heat_hours import HeatHours
from custom_components.back_recovery.therapy.log import Blocked, Outcome, TherapyLog
from custom_components.back_recovery.therapy.session import (
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySettings,
)

from ..helpers.clock import BERLIN, at
from ..helpers.therapy import heat_off, heat_running

DAY = date(2026, 11, 25)
DAYTIME = HeatHours(time(8, 0), time(21, 0), zone=lambda: BERLIN)
"""Heat from 08:00 to 21:00 in Berlin."""
EVENING = HeatHours(time(20, 0), time(2, 0), zone=lambda: BERLIN)
"""Heat from 20:00 to 02:00 in Berlin: across midnight."""


def _log(hours: HeatHours = DAYTIME) -> TherapyLog:
    return TherapyLog(TherapySettings(heat_hours=hours))


@pytest.mark.parametrize(
    ("hour", "minute", "allowed_at"),
    [
        (7, 59, at(DAY, 8)),
        (8, 0, None),
        (12, 0, None),
        (20, 59, None),
        (21, 0, at(date(2026, 11, 26), 8)),
        (23, 30, at(date(2026, 11, 26), 8)),
        (0, 0, at(DAY, 8)),
    ],
)
def test_rule_19_daytime_window(
    hour: int, minute: int, allowed_at: datetime | None
) -> None:
    """08:00 to 21:00: the start is included, the end excluded; outside, the next 08:00."""
    assert DAYTIME.allowed_at(at(DAY, hour, minute)) == allowed_at
    assert DAYTIME.allows(at(DAY, hour, minute)) is (allowed_at is None)


@pytest.mark.parametrize(
    ("hour", "allowed_at"),
    [
        (19, at(DAY, 20)),
        (20, None),
        (23, None),
        (0, None),
        (1, None),
        (2, at(DAY, 20)),
        (12, at(DAY, 20)),
    ],
)
def test_rule_19_window_across_midnight(hour: int, allowed_at: datetime | None) -> None:
    """20:00 to 02:00 crosses midnight: heat from 20:00 until 02:00 the next morning."""
    assert EVENING.allowed_at(at(DAY, hour)) == allowed_at


def test_rule_19_window_ending_at_midnight() -> None:
    """08:00 to 00:00 allows heat until midnight, not after it."""
    hours = HeatHours(time(8, 0), time(0, 0), zone=lambda: BERLIN)
    assert hours.allows(at(DAY, 23, 59))
    assert hours.allowed_at(at(date(2026, 11, 26), 0)) == at(date(2026, 11, 26), 8)


@pytest.mark.parametrize("clock", [time(0, 0), time(8, 0)])
def test_rule_19_equal_times_mean_any_time(clock: time) -> None:
    """Equal times (the default 00:00 both) allow heat at any time of day."""
    hours = HeatHours(clock, clock, zone=lambda: BERLIN)
    for hour in range(24):
        assert hours.allows(at(DAY, hour))
    assert HeatHours().any_time
    assert TherapySettings().heat_hours.any_time


def test_rule_19_the_moment_is_read_in_the_zone_given() -> None:
    """The same UTC moment is inside the window in Berlin and outside it in UTC."""
    moment = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert DAYTIME.allows(moment)
    assert not HeatHours(time(8, 0), time(21, 0)).allows(moment)
    assert HeatHours(time(8, 0), time(21, 0)).allowed_at(moment) == datetime(
        2026, 11, 25, 8, 0, tzinfo=UTC
    )


def test_rule_19_daylight_saving_time_keeps_the_wall_clock() -> None:
    """Across the change to summer time the window still opens at 08:00 on the wall clock."""
    saturday = date(2026, 3, 28)  # Berlin changes to summer time on Sunday 29 March
    allowed = DAYTIME.allowed_at(at(saturday, 22))
    assert allowed == at(date(2026, 3, 29), 8)
    assert allowed == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)  # 08:00 CEST
    # And back to winter time: 08:00 CET is 07:00 UTC.
    assert DAYTIME.allowed_at(at(date(2026, 10, 24), 22)) == datetime(
        2026, 10, 25, 7, 0, tzinfo=UTC
    )


def test_rule_19_a_start_the_clock_skips_opens_after_the_change() -> None:
    """A window opening at 02:30 on the day the clock skips 02:00 to 03:00 opens once it is later."""
    hours = HeatHours(time(2, 30), time(6, 0), zone=lambda: BERLIN)
    sunday = date(2026, 3, 29)
    opens = hours.allowed_at(at(sunday, 1, 0))
    assert opens is not None
    assert opens > at(sunday, 1, 0)
    assert hours.allows(opens)
    assert hours.allows(at(sunday, 4, 0))


def test_rule_19_heat_start_refused_outside_with_the_next_start() -> None:
    """A heat start outside the heat hours is refused with ``outside_heat_hours`` and 08:00."""
    log = _log()
    with pytest.raises(TherapyRefusedError) as info:
        log.request_start(Modality.HEAT, at(DAY, 22))
    assert info.value.reason is Refusal.OUTSIDE_HEAT_HOURS
    assert info.value.modality is Modality.HEAT
    assert info.value.allowed_at == at(date(2026, 11, 26), 8)
    assert log.starting is None
    assert log.blocked_outcome(info.value) == Outcome(
        blocked=Blocked(
            Modality.HEAT, at(date(2026, 11, 26), 8), Refusal.OUTSIDE_HEAT_HOURS
        )
    )


def test_rule_19_ice_is_not_limited() -> None:
    """Ice starts outside the heat hours."""
    log = _log()
    outcome = log.request_start(Modality.ICE, at(DAY, 22))
    assert outcome.started is not None
    assert outcome.started.modality is Modality.ICE


def test_rule_19_heat_start_inside_the_window() -> None:
    """Inside the heat hours heat starts as always."""
    log = _log()
    assert log.request_start(Modality.HEAT, at(DAY, 20, 59)).switch_on


def test_rule_19_plug_switched_on_outside_is_switched_off_and_blocked() -> None:
    """A plug switched on outside the heat hours is switched off at once; the start is blocked."""
    log = _log()
    outcome = log.plug_state(at(DAY, 23), is_on=True)
    assert outcome == Outcome(
        switch_off=True,
        blocked=Blocked(
            Modality.HEAT, at(date(2026, 11, 26), 8), Refusal.OUTSIDE_HEAT_HOURS
        ),
    )
    assert log.plug_must_be_off
    assert log.running is None


def test_rule_19_a_session_started_inside_runs_to_its_planned_end() -> None:
    """Heat started at 20:55 is not cut short at 21:00: it ends at its planned end."""
    log = _log()
    session = heat_running(log, at(DAY, 20, 55))
    assert log.plug_state(at(DAY, 21, 5), is_on=True) == Outcome()
    assert log.running == session
    outcome = log.deadline(session.planned_end)
    ended = heat_off(log, outcome, session.planned_end)
    assert ended.end_reason is EndReason.COMPLETED
    assert ended.ended == at(DAY, 21, 15)


def test_rule_19_rest_gap_refusal_comes_first() -> None:
    """During the rest gap the refusal is the rest gap's, with its own end."""
    log = _log()
    session = heat_running(log, at(DAY, 20))
    heat_off(log, log.request_stop(at(DAY, 20, 10)), at(DAY, 20, 10))
    with pytest.raises(TherapyRefusedError) as info:
        log.request_start(Modality.HEAT, at(DAY, 21, 30))
    assert info.value.reason is Refusal.REST_GAP_ACTIVE
    assert info.value.allowed_at == at(DAY, 22, 10)
    assert session.started == at(DAY, 20)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(DAY, 12), None),
        (at(DAY, 7), at(DAY, 8)),
        (at(DAY, 22), at(date(2026, 11, 26), 8)),
    ],
)
def test_rule_19_heat_allowed_at_without_sessions(
    now: datetime, expected: datetime | None
) -> None:
    """With no session, heat is allowed now inside the window, else at its next start."""
    assert _log().heat_allowed_at(now) == expected


def test_rule_19_heat_allowed_at_after_the_rest_gap_and_the_window() -> None:
    """The later of the rest gap's end and the window: a rest ending at 22:10 waits for 08:00."""
    log = _log()
    heat_running(log, at(DAY, 19, 50))
    assert log.heat_allowed_at(at(DAY, 19, 55)) == at(date(2026, 11, 26), 8)
    heat_off(log, log.request_stop(at(DAY, 20, 10)), at(DAY, 20, 10))
    assert log.heat_allowed_at(at(DAY, 20, 30)) == at(date(2026, 11, 26), 8)
    # Without heat hours it is the rest gap's end.
    log.settings = TherapySettings()
    assert log.heat_allowed_at(at(DAY, 20, 30)) == at(DAY, 22, 10)


def test_rule_19_heat_allowed_at_unknown_while_a_switch_off_is_owed() -> None:
    """While heat may be on the skin, the moment is unknown (``None``)."""
    log = _log()
    log.plug_state(at(DAY, 23), is_on=True)
    assert log.heat_allowed_at(at(DAY, 23)) is None


def test_rule_19_the_rest_gap_counts_from_a_plug_switched_off_for_heat_hours() -> None:
    """A plug undone for the heat hours starts no session and no rest gap."""
    log = _log()
    log.plug_state(at(DAY, 23), is_on=True)
    assert log.plug_state(at(DAY, 23), is_on=False) == Outcome()
    assert log.sessions == []
    assert log.next_allowed() is None
    assert not log.plug_must_be_off


@pytest.mark.parametrize(
    ("hours", "hour", "change"),
    [
        (DAYTIME, 7, at(DAY, 8)),
        (DAYTIME, 12, at(DAY, 21)),
        (DAYTIME, 22, at(date(2026, 11, 26), 8)),
        (EVENING, 23, at(date(2026, 11, 26), 2)),
        (EVENING, 1, at(DAY, 2)),
        (EVENING, 12, at(DAY, 20)),
        (HeatHours(), 12, None),
    ],
)
def test_rule_19_next_change_opens_or_closes(
    hours: HeatHours, hour: int, change: datetime | None
) -> None:
    """The next moment the heat hours open or close (the engine shows the change then)."""
    assert hours.next_change(at(DAY, hour)) == change


def test_rule_19_the_zone_is_asked_at_each_decision() -> None:
    """A change of the time zone applies to the next decision without new settings."""
    zones: list[tzinfo] = [BERLIN]
    hours = HeatHours(time(8, 0), time(21, 0), zone=lambda: zones[0])
    moment = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    assert hours.allows(moment)
    zones[0] = UTC
    assert not hours.allows(moment)
