"""Tests of the therapy rules (therapy/log.py): what each request, plug reading and deadline means."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.back_recovery.therapy.log import (
    NOTHING,
    Blocked,
    Outcome,
    TherapyLog,
)
from custom_components.back_recovery.therapy.session import (
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)

from ..helpers.clock import T0, minutes
from ..helpers.therapy import heat_off, heat_running


def refusal(call: Any) -> TherapyRefusedError:
    """Return the refusal ``call()`` raises."""
    with pytest.raises(TherapyRefusedError) as info:
        call()
    return info.value


def test_request_start_heat_switches_on() -> None:
    """A heat start plans the end session_minutes later and switches the plug on."""
    log = TherapyLog(TherapySettings(session_minutes=15))
    outcome = log.request_start(Modality.HEAT, T0)
    assert outcome.switch_on
    # Rule 11: nothing is recorded before the plug confirms on.
    assert outcome.started is None
    assert log.running is None
    assert log.sessions == []
    assert log.starting == TherapySession(Modality.HEAT, T0, T0 + minutes(15))
    confirmed = log.settle_start(confirmed=True)
    assert confirmed.started == TherapySession(Modality.HEAT, T0, T0 + minutes(15))
    assert log.running == confirmed.started


def test_rule_11_unconfirmed_start_records_nothing_and_owes_a_switch_off() -> None:
    """A start the plug did not confirm records nothing, begins no rest gap, owes an off."""
    log = TherapyLog()
    log.request_start(Modality.HEAT, T0)
    assert log.settle_start(confirmed=False) == Outcome(switch_off=True)
    assert log.sessions == []
    assert log.next_allowed() is None
    assert log.plug_must_be_off
    # Seen on later (50 minutes, back on the network): switched off, no start.
    assert log.plug_state(T0 + minutes(50), is_on=True) == Outcome(switch_off=True)
    assert log.sessions == []


def test_rule_11_stop_during_the_confirmation_cancels_the_start() -> None:
    """A stop while the plug confirms: the start does not count, even if the plug confirms."""
    log = TherapyLog()
    log.request_start(Modality.HEAT, T0)
    assert log.request_stop(T0 + minutes(0)) == Outcome(switch_off=True)
    # The plug seen on meanwhile is switched off.
    assert log.plug_state(T0, is_on=True) == Outcome(switch_off=True)
    assert log.settle_start(confirmed=True) == Outcome(switch_off=True)
    assert log.sessions == []
    assert log.running is None
    assert log.next_allowed() is None


def test_request_start_ice_does_not_touch_the_plug() -> None:
    """An ice start plans its end and leaves the plug alone."""
    log = TherapyLog()
    outcome = log.request_start(Modality.ICE, T0, 10)
    assert not outcome.switch_on
    assert outcome.started is not None
    assert outcome.started.planned_end == T0 + minutes(10)


@pytest.mark.parametrize("asked", [0, 21, -3])
def test_request_start_minutes_out_of_range(asked: int) -> None:
    """Minutes outside 1..session_minutes are refused with the maximum."""
    log = TherapyLog()
    error = refusal(lambda: log.request_start(Modality.ICE, T0, asked))
    assert error.reason is Refusal.MINUTES_OUT_OF_RANGE
    assert error.max_minutes == 20
    assert log.blocked_outcome(error) is NOTHING
    assert log.sessions == []


def test_request_start_refused_while_a_session_runs() -> None:
    """A second start is refused until the running session's planned end."""
    log = TherapyLog()
    running = heat_running(log)
    error = refusal(lambda: log.request_start(Modality.ICE, T0 + minutes(1)))
    assert error.reason is Refusal.SESSION_RUNNING
    assert error.allowed_at == running.planned_end
    assert log.blocked_outcome(error) == Outcome(
        blocked=Blocked(Modality.ICE, running.planned_end, Refusal.SESSION_RUNNING)
    )


def test_request_start_refused_during_the_rest_gap() -> None:
    """After a session, a start is refused until the rest gap is over."""
    log = TherapyLog()
    heat_running(log)
    heat_off(log, log.request_stop(T0 + minutes(10)), T0 + minutes(10))
    error = refusal(lambda: log.request_start(Modality.HEAT, T0 + minutes(60)))
    assert error.reason is Refusal.REST_GAP_ACTIVE
    assert error.allowed_at == T0 + minutes(130)
    assert log.request_start(Modality.HEAT, T0 + minutes(130)).switch_on


def test_request_start_heat_with_unreachable_plug_refused_after_the_rules() -> None:
    """An unreachable plug refuses heat, but the rest gap is reported first."""
    log = TherapyLog()
    error = refusal(lambda: log.request_start(Modality.HEAT, T0, plug_reachable=False))
    assert error.reason is Refusal.HEATING_PAD_UNAVAILABLE
    assert error.allowed_at == T0
    assert log.sessions == []
    assert log.request_start(Modality.ICE, T0, plug_reachable=False).started
    log.request_stop(T0 + minutes(5))
    error = refusal(
        lambda: log.request_start(Modality.HEAT, T0 + minutes(10), plug_reachable=False)
    )
    assert error.reason is Refusal.REST_GAP_ACTIVE


def test_request_stop_without_session_does_nothing() -> None:
    """Stopping with nothing running does nothing and raises nothing (contract: actions)."""
    log = TherapyLog()
    assert log.request_stop(T0) is NOTHING
    assert log.sessions == []
    assert not log.plug_must_be_off


def test_request_stop_heat_switches_off_and_remembers() -> None:
    """Stopping heat switches off and remembers it until the plug is seen off."""
    log = TherapyLog()
    heat_running(log)
    outcome = log.request_stop(T0 + minutes(4))
    assert outcome == Outcome(switch_off=True)
    assert log.plug_must_be_off
    # Heat is on the skin until the plug confirms off (contract: "The truth
    # while the pad heats"): no start, no rest gap.
    assert log.switch_off_owed
    assert not log.skin_resting(T0 + minutes(5))
    error = refusal(lambda: log.request_start(Modality.ICE, T0 + minutes(5)))
    assert error.reason is Refusal.HEATING_PAD_NOT_RESPONDING
    assert log.request_stop(T0 + minutes(5)) == Outcome(switch_off=True)
    ended = log.plug_state(T0 + minutes(6), is_on=False).ended
    assert ended is not None
    assert ended.end_reason is EndReason.STOPPED
    assert ended.ended == T0 + minutes(6)
    assert log.as_dict()["plug_must_be_off"] is False
    assert log.next_allowed() == T0 + minutes(126)


def test_turn_off_pad_without_heat_just_switches_off() -> None:
    """The pad switched off with no heat running switches the plug off only."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    assert log.turn_off_pad(T0) == Outcome(switch_off=True)
    assert log.running is not None


def test_plug_on_from_outside_starts_heat() -> None:
    """A plug seen on with no session and no rest gap starts heat, full length."""
    log = TherapyLog(TherapySettings(session_minutes=12))
    outcome = log.plug_state(T0, is_on=True)
    assert not outcome.switch_off
    assert outcome.started == TherapySession(Modality.HEAT, T0, T0 + minutes(12))


def test_plug_on_during_rest_gap_switched_off_and_blocked() -> None:
    """A plug seen on during the rest gap is switched off and the start blocked."""
    log = TherapyLog()
    heat_running(log)
    log.request_stop(T0 + minutes(20))
    log.plug_state(T0 + minutes(20), is_on=False)
    outcome = log.plug_state(T0 + minutes(30), is_on=True)
    assert outcome.switch_off
    assert outcome.blocked == Blocked(
        Modality.HEAT, T0 + minutes(140), Refusal.REST_GAP_ACTIVE
    )
    assert outcome.started is None
    assert log.plug_must_be_off


def test_plug_on_during_ice_switched_off_and_blocked() -> None:
    """A plug seen on during an ice session is a refused start."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    outcome = log.plug_state(T0 + minutes(2), is_on=True)
    assert outcome.switch_off
    assert outcome.blocked == Blocked(
        Modality.HEAT, T0 + minutes(20), Refusal.SESSION_RUNNING
    )
    assert log.running is not None
    assert log.running.modality is Modality.ICE


def test_plug_off_from_outside_ends_heat_external() -> None:
    """The plug seen off ends heat with reason external, at that moment (rule 6).

    The switch-off is still sent (rule 12): a plug may report off with its relay on.
    """
    log = TherapyLog()
    heat_running(log)
    outcome = log.plug_state(T0 + minutes(6), is_on=False)
    assert outcome.switch_off
    assert log.plug_must_be_off
    assert outcome.ended is not None
    assert outcome.ended.end_reason is EndReason.EXTERNAL
    assert log.last_end == T0 + minutes(6)
    assert log.next_allowed() == T0 + minutes(126)


def test_plug_off_during_ice_changes_nothing() -> None:
    """The plug seen off during ice leaves the ice session running."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    assert log.plug_state(T0 + minutes(1), is_on=False) is NOTHING
    assert log.running is not None


def test_plug_seen_on_after_planned_end_ends_heat() -> None:
    """Heat seen on after its planned end completes and switches off."""
    log = TherapyLog()
    heat_running(log)
    outcome = log.plug_state(T0 + minutes(25), is_on=True)
    ended = heat_off(log, outcome, T0 + minutes(25))
    assert ended.end_reason is EndReason.COMPLETED


def test_plug_on_while_it_must_be_off_switched_off() -> None:
    """A plug that must be off is switched off when seen on, without a new session."""
    log = TherapyLog(plug_must_be_off=True)
    outcome = log.plug_state(T0, is_on=True)
    assert outcome == Outcome(switch_off=True)
    assert log.sessions == []


def test_deadline_before_planned_end_does_nothing() -> None:
    """The deadline does nothing before the planned end."""
    log = TherapyLog()
    heat_running(log)
    assert log.deadline(T0 + minutes(19)) is NOTHING
    assert TherapyLog().deadline(T0) is NOTHING


def test_deadline_ends_heat_now_and_switches_off() -> None:
    """At the planned end heat completes now and the plug must go off."""
    log = TherapyLog()
    heat_running(log)
    outcome = log.deadline(T0 + minutes(20))
    assert log.plug_must_be_off
    # The plug confirms off a minute later: heat ended then (its rest too).
    ended = heat_off(log, outcome, T0 + minutes(21))
    assert ended.ended == T0 + minutes(21)
    assert ended.end_reason is EndReason.COMPLETED
    assert log.next_allowed() == T0 + minutes(141)


def test_deadline_with_plug_unreachable_keeps_it_must_be_off() -> None:
    """Heat past its end with the plug unreachable ends now; the plug must go off."""
    log = TherapyLog()
    heat_running(log)
    outcome = log.deadline(T0 + minutes(90), plug_on=None)
    assert log.plug_must_be_off
    # Deadlines that come again meanwhile change nothing.
    assert log.deadline(T0 + minutes(91), plug_on=None) is NOTHING
    assert heat_off(log, outcome, T0 + minutes(95)).ended == T0 + minutes(95)


def test_deadline_with_plug_off_ended_at_planned_end() -> None:
    """Heat that outlived a restart with the plug off ended at its planned end."""
    log = TherapyLog()
    heat_running(log)
    outcome = log.deadline(T0 + minutes(90), plug_on=False, at_load=True)
    assert outcome.ended is not None
    assert outcome.ended.ended == T0 + minutes(20)


def test_deadline_ice_ended_at_planned_end() -> None:
    """An overdue ice session ended at its planned end, with no switching."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    outcome = log.deadline(T0 + minutes(300), at_load=True)
    assert not outcome.switch_off
    assert outcome.ended is not None
    assert outcome.ended.ended == T0 + minutes(20)


@pytest.mark.parametrize(
    ("modality", "plug_on"), [(Modality.ICE, None), (Modality.HEAT, False)]
)
def test_rule_7_rule_12_deadline_while_running_ends_now(
    modality: Modality, plug_on: bool | None
) -> None:
    """The wall clock alone says the planned end has passed (it jumped): the session ends now.

    An end set back to the planned end would shorten the rest gap that follows.
    """
    log = TherapyLog()
    log.request_start(modality, T0)
    log.settle_start(confirmed=True)
    outcome = log.deadline(T0 + minutes(110), plug_on=plug_on)
    ended = (
        heat_off(log, outcome, T0 + minutes(110))
        if modality is Modality.HEAT
        else outcome.ended
    )
    assert ended is not None
    assert ended.ended == T0 + minutes(110)
    assert log.next_allowed() == T0 + minutes(230)


def test_deadline_late_on_both_clocks_ends_ice_at_its_planned_end() -> None:
    """A timer that fires late (the monotonic clock agrees the end passed): ice ended at its planned end."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    outcome = log.deadline(T0 + minutes(25), due=True)
    assert outcome.ended is not None
    assert outcome.ended.ended == T0 + minutes(20)


def test_deadline_due_on_the_monotonic_clock_or_with_a_start_in_the_future() -> None:
    """A wall clock stepped back cannot keep a session going (rule 12)."""
    log = TherapyLog()
    heat_running(log)
    assert log.deadline(T0 + minutes(5)) is NOTHING
    outcome = log.deadline(T0 + minutes(5), due=True)
    heat_off(log, outcome, T0 + minutes(5))
    log = TherapyLog()
    heat_running(log)
    outcome = log.deadline(T0 - minutes(55))
    assert heat_off(log, outcome, T0 - minutes(55)).ended == T0


def test_rest_floor_keeps_the_rest_gap_after_a_forward_step() -> None:
    """The monotonic clock's end of the rest gap wins when it is later (rule 12)."""
    log = TherapyLog()
    heat_running(log)
    heat_off(log, log.request_stop(T0 + minutes(20)), T0 + minutes(20))
    assert log.next_allowed() == T0 + minutes(140)
    floor = T0 + minutes(200)
    assert log.next_allowed(floor) == T0 + minutes(200)
    assert log.skin_resting(T0 + minutes(150), floor)
    assert not log.skin_resting(T0 + minutes(150))
    refused = refusal(
        lambda: log.request_start(Modality.HEAT, T0 + minutes(150), rest_floor=floor)
    )
    assert refused.reason is Refusal.REST_GAP_ACTIVE
    assert refused.allowed_at == T0 + minutes(200)
    log.plug_confirmed_off(T0 + minutes(150))
    undone = log.plug_state(T0 + minutes(150), True, floor)
    assert undone.switch_off
    assert undone.blocked is not None
    assert log.next_allowed(T0) == T0 + minutes(140)


def test_next_allowed_after_running_counts_from_the_planned_end() -> None:
    """While a session runs, the next is allowed its planned end plus the rest gap."""
    log = TherapyLog(TherapySettings(session_minutes=15, rest_gap_minutes=180))
    assert log.next_allowed_after_running() is None
    heat_running(log)
    assert log.next_allowed_after_running() == T0 + minutes(15 + 180)
    heat_off(log, log.request_stop(T0 + minutes(5)), T0 + minutes(5))
    assert log.next_allowed_after_running() is None
    assert log.next_allowed() == T0 + minutes(5 + 180)
    log.request_start(Modality.ICE, T0 + minutes(185), 10)
    assert log.next_allowed_after_running() == T0 + minutes(185 + 10 + 180)


def test_last_end_of_heat_is_not_the_last_end_of_ice() -> None:
    """After heat then ice, the last end of heat is the heat session's end."""
    log = TherapyLog()
    heat_running(log)
    heat_off(log, log.request_stop(T0 + minutes(10)), T0 + minutes(10))
    log.log(Modality.ICE, 10, T0 + minutes(200), T0 + minutes(200))
    assert log.last_end_of(Modality.HEAT) == T0 + minutes(10)
    assert log.last_end_of(Modality.ICE) == log.last_end == T0 + minutes(200)


def test_discard_forgets_an_unconfirmed_start() -> None:
    """A heat start the plug did not confirm leaves no session and no rest gap (rule 11)."""
    log = TherapyLog()
    started = log.request_start(Modality.ICE, T0).started
    assert started is not None
    log.discard(started)
    assert log.sessions == []
    assert not log.skin_resting(T0 + minutes(1))
    other = log.request_start(Modality.ICE, T0)
    assert other.started is not None
    log.discard(started)
    assert log.running == other.started


def test_halt_heat_ends_heat_only() -> None:
    """Stopping Home Assistant ends heat with the reason given, leaves ice running."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    assert log.halt_heat(T0, EndReason.SHUTDOWN) is NOTHING
    log = TherapyLog()
    heat_running(log)
    outcome = log.halt_heat(T0 + minutes(3), EndReason.UNLOADED)
    ended = heat_off(log, outcome, T0 + minutes(3))
    assert ended.end_reason is EndReason.UNLOADED
    # A start the plug is still confirming is stopped: it will not count.
    log = TherapyLog()
    log.request_start(Modality.HEAT, T0 + minutes(200))
    assert log.halt_heat(T0 + minutes(200), EndReason.UNLOADED).switch_off
    assert log.settle_start(confirmed=True) == Outcome(switch_off=True)
    assert log.sessions == []


def test_log_records_a_finished_session() -> None:
    """A logged session counts for the rest gap."""
    log = TherapyLog()
    session = log.log(Modality.ICE, 15, T0 - minutes(30), T0)
    assert session.started == T0 - minutes(45)
    assert session.end_reason is EndReason.LOGGED
    assert log.skin_resting(T0)
    assert log.next_allowed() == T0 + minutes(90)


@pytest.mark.parametrize(
    ("count", "ended_offset", "reason"),
    [
        (0, -30, Refusal.MINUTES_OUT_OF_RANGE),
        (21, -30, Refusal.MINUTES_OUT_OF_RANGE),
        (10, 1, Refusal.ENDED_AT_IN_FUTURE),
        (10, -15, Refusal.SESSION_OVERLAPS),
    ],
)
def test_log_refusals(count: int, ended_offset: int, reason: Refusal) -> None:
    """Logging refuses bad minutes, the future and overlaps."""
    log = TherapyLog()
    log.log(Modality.HEAT, 10, T0 - minutes(20), T0)
    error = refusal(
        lambda: log.log(Modality.ICE, count, T0 + minutes(ended_offset), T0)
    )
    assert error.reason is reason
    assert len(log.sessions) == 1


def test_log_overlapping_the_running_session_refused() -> None:
    """A logged session may not overlap the running one."""
    log = TherapyLog()
    heat_running(log)
    error = refusal(lambda: log.log(Modality.ICE, 5, T0 + minutes(2), T0 + minutes(3)))
    assert error.reason is Refusal.SESSION_OVERLAPS


def test_history_capped_at_max_sessions() -> None:
    """Only the newest max_sessions sessions are kept."""
    log = TherapyLog(max_sessions=3)
    for day in range(5):
        log.log(Modality.ICE, 5, T0 + timedelta(days=day), T0 + timedelta(days=9))
    assert len(log.sessions) == 3
    assert log.sessions[0].ended == T0 + timedelta(days=2)


def test_sessions_since_counts_starts() -> None:
    """Sessions are counted by their start."""
    log = TherapyLog()
    log.log(Modality.ICE, 5, T0 - minutes(200), T0)
    log.log(Modality.ICE, 5, T0 - minutes(20), T0)
    assert log.started_since(T0 - minutes(30)) == 1


def test_restore_round_trips() -> None:
    """The history and the must-be-off flag survive serialization."""
    log = TherapyLog()
    log.log(Modality.ICE, 5, T0 - minutes(200), T0)
    heat_running(log)
    log.plug_must_be_off = True
    copy = TherapyLog()
    copy.restore(log.as_dict())
    assert copy.sessions == log.sessions
    assert copy.plug_must_be_off


def test_restore_keeps_the_newest_max_sessions() -> None:
    """A stored history longer than the cap loads its newest sessions only."""
    log = TherapyLog()
    for day in range(5):
        log.log(Modality.ICE, 5, T0 + timedelta(days=day), T0 + timedelta(days=9))
    capped = TherapyLog(max_sessions=2)
    capped.restore(log.as_dict())
    assert capped.sessions == log.sessions[-2:]


def test_restore_malformed_changes_nothing() -> None:
    """Malformed data raises and leaves the history as it was."""
    log = TherapyLog()
    log.log(Modality.ICE, 5, T0 - minutes(200), T0)
    before = list(log.sessions)
    for data in (
        {"sessions": [{"modality": "lava"}]},
        {"sessions": "many"},
        {"sessions": [], "plug_must_be_off": "yes"},
    ):
        with pytest.raises((KeyError, TypeError, ValueError)):
            log.restore(data)
    assert log.sessions == before


def test_rest_gap_counts_from_a_stuck_plug_seen_off() -> None:
    """A plug that ignored the switch-off heated until it went off (rule 10)."""
    log = TherapyLog()
    heat_running(log)
    log.deadline(T0 + minutes(20))
    assert log.plug_must_be_off
    # Stop sends the owed switch-off again.
    assert log.request_stop(T0 + minutes(25)) == Outcome(switch_off=True)
    log.stuck_plug_off(T0 + minutes(50))
    log.stuck_plug_off(T0 + minutes(30))
    # Heat ends when the plug reports off: the session ends then.
    ended = log.plug_state(T0 + minutes(50), is_on=False).ended
    assert ended is not None
    assert ended.end_reason is EndReason.COMPLETED
    assert ended.ended == T0 + minutes(50)
    assert log.request_stop(T0 + minutes(51)) is NOTHING
    assert log.next_allowed() == T0 + minutes(170)
    restored = TherapyLog()
    restored.restore(log.as_dict())
    assert restored.next_allowed() == T0 + minutes(170)
