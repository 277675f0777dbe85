"""Tests of what a (re)start finds (therapy/restart.py): an overdue session, the plug, an unknown history."""

from __future__ import annotations

from custom_components.back_recovery.therapy.log import Outcome, TherapyLog
from custom_components.back_recovery.therapy.restart import reconcile
from custom_components.back_recovery.therapy.session import EndReason, Modality, Refusal

from ..helpers.clock import T0, minutes
from ..helpers.therapy import heat_off, heat_running


def test_reconcile_overdue_session_closed() -> None:
    """A restart after the planned end switches off; heat ends when the plug confirms off."""
    log = TherapyLog()
    session = heat_running(log)
    (outcome,) = reconcile(log, T0 + minutes(45), plug_on=True)
    assert outcome.switch_off
    assert outcome.ended is None
    assert log.running is None
    assert log.heating == session
    ended = heat_off(log, outcome, T0 + minutes(45))
    assert ended.ended == T0 + minutes(45)
    assert log.heating is None


def test_reconcile_running_session_kept() -> None:
    """A restart before the planned end with the plug on keeps the session."""
    log = TherapyLog()
    session = heat_running(log)
    assert reconcile(log, T0 + minutes(5), plug_on=True) == ()
    assert log.running == session


def test_reconcile_plug_found_on_starts_heat() -> None:
    """A restart that finds the plug on with no session starts one."""
    (outcome,) = reconcile(TherapyLog(), T0, plug_on=True)
    assert outcome.started is not None
    assert outcome.started.modality is Modality.HEAT


def test_reconcile_unreachable_plug_that_must_be_off() -> None:
    """A restart with an unreachable plug that must be off tries to switch it off."""
    log = TherapyLog(plug_must_be_off=True)
    assert reconcile(log, T0, plug_on=None) == (Outcome(switch_off=True),)
    assert reconcile(TherapyLog(), T0, plug_on=None) == ()


def test_reconcile_without_a_plug_owes_nothing() -> None:
    """With no plug configured any more, a stored switch-off obligation is dropped."""
    log = TherapyLog(plug_must_be_off=True)
    assert reconcile(log, T0, plug_on=None, has_plug=False) == ()
    assert not log.plug_must_be_off


def test_rule_3_unknown_history_switches_off_a_plug_found_on() -> None:
    """A history that cannot be read may hide a rest gap: a plug found on goes off."""
    log = TherapyLog()
    (outcome,) = reconcile(log, T0, plug_on=True, history_unknown=True)
    assert outcome.switch_off
    assert log.plug_must_be_off
    assert reconcile(TherapyLog(), T0, plug_on=False, history_unknown=True) == ()


def test_reconcile_judges_the_plug_after_closing_an_overdue_ice_session() -> None:
    """Ice closed at a restart, the plug found on: it is switched off (rules 2, 7)."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    closed, judged = reconcile(log, T0 + minutes(45), plug_on=True)
    assert closed.ended is not None
    assert closed.ended.ended == T0 + minutes(20)
    assert judged.switch_off
    assert judged.blocked is not None
    assert log.plug_must_be_off


def test_reconcile_unreachable_plug_owed_off_after_closing_ice() -> None:
    """Ice closed at a restart while a switch-off is owed: the switch-off is tried (rule 5)."""
    log = TherapyLog()
    log.request_start(Modality.ICE, T0)
    # The plug ignored a switch-off during the ice (a start meanwhile is
    # refused while one is owed: heating_pad_not_responding).
    log.plug_must_be_off = True
    closed, judged = reconcile(log, T0 + minutes(45), plug_on=None)
    assert closed.ended is not None
    assert judged == Outcome(switch_off=True)


def test_reconcile_heat_seen_off_still_switches_off() -> None:
    """A stale off report at a restart ends heat external, with a switch-off (rule 12)."""
    log = TherapyLog()
    heat_running(log)
    (outcome,) = reconcile(log, T0 + minutes(8), plug_on=False)
    assert outcome.switch_off
    assert outcome.ended is not None
    assert outcome.ended.end_reason is EndReason.EXTERNAL


# An unknown history: an outside start is refused for a whole rest gap from the load (issue 20, item 11)


def test_rule_2_unknown_history_refuses_a_late_outside_start_for_a_rest_gap() -> None:
    """Unreachable at load, then on: switched off and blocked until a rest gap from the load has passed."""
    log = TherapyLog()
    assert reconcile(log, T0, plug_on=None, history_unknown=True) == ()
    outcome = log.plug_state(T0 + minutes(1), is_on=True)
    assert outcome.switch_off
    assert outcome.started is None
    assert outcome.blocked is not None
    assert outcome.blocked.reason is Refusal.REST_GAP_ACTIVE
    assert outcome.blocked.allowed_at == T0 + minutes(120)
    assert log.plug_must_be_off
    assert log.running is None
    log.plug_state(T0 + minutes(2), is_on=False)
    refused = log.plug_state(T0 + minutes(119), is_on=True)
    assert refused.switch_off
    assert refused.started is None
    log.plug_state(T0 + minutes(119), is_on=False)
    started = log.plug_state(T0 + minutes(120), is_on=True)
    assert started.started is not None
    assert not started.switch_off


def test_rule_12_unknown_history_kept_on_the_monotonic_clock() -> None:
    """The wall clock stepped forward past the end: the monotonic clock's later end still refuses."""
    log = TherapyLog()
    reconcile(log, T0, plug_on=None, history_unknown=True)
    floor = T0 + minutes(240)
    outcome = log.plug_state(T0 + minutes(200), is_on=True, unknown_floor=floor)
    assert outcome.switch_off
    assert outcome.blocked is not None
    assert outcome.blocked.allowed_at == floor
    # An earlier floor changes nothing: the wall clock's end stands.
    log = TherapyLog()
    reconcile(log, T0, plug_on=None, history_unknown=True)
    early = log.plug_state(T0 + minutes(60), is_on=True, unknown_floor=T0)
    assert early.blocked is not None
    assert early.blocked.allowed_at == T0 + minutes(120)


def test_unknown_history_lets_the_persons_start_through() -> None:
    """A person's start on purpose is allowed at once; its plug on is its own heat."""
    log = TherapyLog()
    reconcile(log, T0, plug_on=None, history_unknown=True)
    session = heat_running(log, T0 + minutes(1))
    assert log.plug_state(T0 + minutes(1), is_on=True) == Outcome()
    assert log.running == session


def test_a_known_history_lets_an_outside_start_through() -> None:
    """Without an unknown history a late outside start is a session (rule 1)."""
    log = TherapyLog()
    assert reconcile(log, T0, plug_on=None) == ()
    assert log.plug_state(T0 + minutes(1), is_on=True).started is not None
