"""Tests of rule 16 as rules (therapy/self_switch.py): a plug that keeps switching itself on."""

from __future__ import annotations

from datetime import datetime, timedelta

from custom_components.back_recovery.therapy import (
    Blocked,
    Modality,
    Outcome,
    Refusal,
    SelfSwitchVerdict,
    SelfSwitchWatch,
    SwitchCause,
)

from ..helpers.clock import T0, minutes


def _seen(watch: SelfSwitchWatch, *moments: datetime) -> list[SelfSwitchVerdict]:
    """Return what each self-switch at ``moments`` means, in order."""
    return [watch.switched_itself_on(moment) for moment in moments]


def test_rule_16_the_third_time_within_10_minutes_alarms_once() -> None:
    """Two are refused starts like any other; the third within 10 minutes alarms, once."""
    watch = SelfSwitchWatch()
    verdicts = _seen(watch, T0, T0 + minutes(4), T0 + minutes(9), T0 + minutes(12))
    assert [v.alarm for v in verdicts] == [False, False, True, False]
    assert [v.announce for v in verdicts] == [True, True, True, True]
    assert watch.quiet_until == T0 + minutes(12 + 30)


def test_rule_16_times_more_than_10_minutes_apart_never_alarm() -> None:
    """Every 5 minutes and 1 second, never three within 10 minutes: no alarm, each told."""
    watch = SelfSwitchWatch()
    step = timedelta(minutes=5, seconds=1)
    verdicts = _seen(watch, *(T0 + step * n for n in range(12)))
    assert not any(v.alarm for v in verdicts)
    assert all(v.announce for v in verdicts)
    assert watch.quiet_until is None


def test_rule_16_every_5_seconds_is_told_at_most_once_a_minute() -> None:
    """Re-powered every 5 s for 30 minutes: 2 told at once, then one a minute; one alarm."""
    watch = SelfSwitchWatch()
    moments = [T0 + timedelta(seconds=5 * n) for n in range(360)]
    verdicts = _seen(watch, *moments)
    told = [m for m, v in zip(moments, verdicts, strict=True) if v.announce]
    assert told[:2] == moments[:2]
    assert all(b - a == minutes(1) for a, b in zip(told[1:], told[2:], strict=False))
    assert len(told) == 2 + 29
    assert [m for m, v in zip(moments, verdicts, strict=True) if v.alarm] == [
        moments[2]
    ]


def test_rule_16_the_alarm_ends_after_30_quiet_minutes_and_counting_starts_again() -> (
    None
):
    """Quiet until 30 minutes after the last one; then the next alarm needs three again."""
    watch = SelfSwitchWatch()
    _seen(watch, T0, T0 + minutes(1), T0 + minutes(2))
    assert not watch.quiet(T0 + minutes(31))
    assert watch.quiet(T0 + minutes(32))
    assert not watch.quiet(T0 + minutes(33))  # once
    assert watch.quiet_until is None
    verdicts = _seen(watch, *(T0 + minutes(40 + n) for n in range(3)))
    assert [v.alarm for v in verdicts] == [False, False, True]


def test_rule_16_a_wall_clock_stepped_back_keeps_the_alarm_longer() -> None:
    """An hour back: the times "after now" are forgotten, the alarm stands 30 minutes from now."""
    watch = SelfSwitchWatch()
    _seen(watch, T0, T0 + minutes(1), T0 + minutes(2))
    back = T0 - minutes(60)
    verdict = watch.switched_itself_on(back)
    assert verdict == SelfSwitchVerdict(announce=True, alarm=False)
    assert watch.quiet_until == back + minutes(30)
    assert not watch.quiet(back + minutes(29))


def test_rule_16_an_alarm_found_standing_is_resumed_from_now() -> None:
    """After a reload the alarm stands 30 minutes from the reload, and is not raised again."""
    watch = SelfSwitchWatch()
    watch.resume(T0)
    assert watch.quiet_until == T0 + minutes(30)
    assert not any(v.alarm for v in _seen(watch, T0 + minutes(1), T0 + minutes(2)))


def test_rule_16_a_refusal_says_who_switched_the_plug_on() -> None:
    """``caused_by`` names the cause of a refused start, and leaves other outcomes alone."""
    blocked = Blocked(Modality.HEAT, T0, Refusal.REST_GAP_ACTIVE)
    refused = Outcome(switch_off=True, blocked=blocked)
    assert refused.caused_by(SwitchCause.PLUG).blocked == Blocked(
        Modality.HEAT, T0, Refusal.REST_GAP_ACTIVE, SwitchCause.PLUG
    )
    assert refused.caused_by(None) is refused
    started = Outcome(switch_off=True)
    assert started.caused_by(SwitchCause.PERSON) is started
