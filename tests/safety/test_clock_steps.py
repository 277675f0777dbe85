"""Rule 12: clock steps cannot lengthen heat or shorten the skin rest.

While Home Assistant runs, the planned end and the rest are also measured on
the monotonic clock and the safer reading wins; a session whose start lies in
the future after the clock went back ends at once; every heat session ends
with a switch-off command, whatever the plug last reported. The wall clock
is stepped alone by the ``step_wall_clock`` fixture. Below them, the two
clocks that keep the rule: named one-shot timers on either clock, and a
wall-clock step seen and logged. (After a restart: ``test_restart.py``.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.back_recovery.const import RecoveryEvent
from custom_components.back_recovery.engine.clocks import Clocks, Timers
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_call_at, async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..helpers.clock import advance
from ..helpers.ha import (
    LAST_SESSION_END,
    SESSION_ACTIVE,
    SKIN_REST,
    action,
    add_entry,
    entity_state,
)
from ..helpers.plug import (
    PLUG_POWER,
    PLUG_STALE,
    plug_power,
    set_input_boolean,
    start_heat,
)
from ..helpers.restart import crash

TIMERS = "custom_components.back_recovery.engine.clocks"


STEPPED = "The wall clock stepped"


class Calls:
    """Record the calls of timer actions, by name."""

    def __init__(self) -> None:
        """Record nothing yet."""
        self.calls: list[tuple[str, datetime | None]] = []

    def wall(self, name: str) -> Callable[[datetime], None]:
        """Return an action for ``Timers.at`` that records ``name`` and its moment."""
        return lambda when: self.calls.append((name, when))

    def monotonic(self, name: str) -> Callable[[], None]:
        """Return an action for ``Timers.at_monotonic`` that records ``name``."""
        return lambda: self.calls.append((name, None))


@pytest.fixture
def calls() -> Calls:
    """Return a recorder of timer actions."""
    return Calls()


def _in(minutes: int) -> datetime:
    """Return the wall-clock moment ``minutes`` from now (UTC)."""
    return dt_util.utcnow() + timedelta(minutes=minutes)


# Rule 12: clock steps cannot lengthen heat or shorten the rest gap


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_wall_clock_stepped_back_cannot_lengthen_heat(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Heat ends after 20 real minutes although the wall clock went back 5 minutes."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=10))
    await step_wall_clock(-timedelta(minutes=5))
    await advance(hass, freezer, timedelta(seconds=10))
    assert "The wall clock stepped" in caplog.text
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=9, seconds=49))
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    # Wall time 09:15 is when the plug went off; the rest gap counts from then.
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:15:00+00:00"


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("step", [timedelta(hours=1), timedelta(minutes=6)])
async def test_rule_12_session_that_starts_in_the_future_ends_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    step: timedelta,
) -> None:
    """The wall clock goes back past the start of heat: heat ends at once."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await step_wall_clock(-step)
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_wall_clock_stepped_forward_cannot_shorten_the_rest_gap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """After heat, the wall clock jumps an hour ahead: the rest gap still lasts 2 real hours."""
    rest_over = async_capture_events(hass, RecoveryEvent.SKIN_REST_OVER)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=10))
    await step_wall_clock(timedelta(hours=1))
    # The wall clock reads 12:19 after 1 h 59 min of rest; the wall-clock
    # rest gap ended at 11:20.
    await advance(hass, freezer, timedelta(minutes=109))
    assert dt_util.utcnow() == datetime.fromisoformat("2026-11-25T12:19:00+00:00")
    assert rest_over == []
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "rest_gap_active"
    # 12:20 UTC is 4:20 AM in the test time zone (US/Pacific), on English's clock.
    assert info.value.translation_placeholders == {"allowed_at": "4:20 AM"}
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=1))
    assert len(rest_over) == 1
    await start_heat(hass, "action")
    assert plug_power(hass) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_paused_machine_ends_heat_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """At minute 5 of heat the machine is paused 30 minutes: the wall clock jumps, the monotonic clock stood still, heat ends at once."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await step_wall_clock(timedelta(minutes=30))
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_7_rule_12_ice_across_a_forward_step_keeps_the_whole_rest_gap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """The wall clock jumps 100 minutes at minute 10 of ice: the ice ends now, and the skin rests 2 real hours from then.

    Found by the property test: the end was set back to the planned end
    (the wall clock's 09:20), so the next session was allowed 30 real minutes
    after the ice came off.
    """
    await action(hass, "start_session", modality="ice")
    await advance(hass, freezer, timedelta(minutes=10))
    await step_wall_clock(timedelta(minutes=100))
    await advance(hass, freezer, timedelta(seconds=10))
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    ended_at = dt_util.utcnow()
    assert entity_state(hass, LAST_SESSION_END) == ended_at.isoformat()
    await advance(hass, freezer, timedelta(minutes=31))
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="ice")
    assert info.value.translation_key == "rest_gap_active"
    await advance(hass, freezer, timedelta(minutes=119) - timedelta(minutes=31))
    with pytest.raises(ServiceValidationError):
        await action(hass, "start_session", modality="ice")
    await advance(hass, freezer, timedelta(minutes=1))
    await action(hass, "start_session", modality="ice")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


# Rule 12: every heat session ends with a switch-off, whatever the plug last reported


async def test_rule_12_stale_off_after_a_restart_still_sends_turn_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Back after a crash, the plug reports off while its relay is on: it is switched off.

    Heat ends 'external' (rule 6), with a turn_off all the same, and when the
    plug then reports its relay on, that is a start during the rest gap (rule 2).
    """
    async with crash(hass_storage) as crashed:
        await start_heat(crashed, "switch")

    await advance(hass, freezer, timedelta(minutes=8))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_STALE, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["external"]

    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_STALE, on=False)
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 1


# The two clocks that keep rule 12: named one-shot timers on the wall clock and on the
# monotonic clock, and a wall-clock step seen and logged


async def test_a_wall_clock_timer_fires_once_at_its_moment_and_is_forgotten(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: Calls
) -> None:
    """``at`` calls its action with its moment when the wall clock reaches it, then forgets it."""
    timers = Timers(hass)
    when = _in(5)
    timers.at("end", when, calls.wall("end"))
    assert timers.names == ["end"]
    await advance(hass, freezer, timedelta(minutes=4, seconds=59))
    assert calls.calls == []
    await advance(hass, freezer, timedelta(seconds=1))
    assert calls.calls == [("end", when)]
    assert timers.names == []
    # Forgotten: the same moment again is a new timer, not "already set".
    timers.at("end", when, calls.wall("end"))
    assert timers.names == ["end"]
    timers.cancel_all()


async def test_a_monotonic_timer_fires_once_and_is_forgotten(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: Calls
) -> None:
    """``at_monotonic`` calls its action when the monotonic clock reaches it, then forgets it."""
    timers = Timers(hass)
    when = hass.loop.time() + 60
    timers.at_monotonic("rest", when, calls.monotonic("rest"))
    assert timers.names == ["rest"]
    await advance(hass, freezer, timedelta(seconds=30))
    assert calls.calls == []
    await advance(hass, freezer, timedelta(seconds=31))
    assert calls.calls == [("rest", None)]
    assert timers.names == []
    await advance(hass, freezer, timedelta(minutes=5))
    assert calls.calls == [("rest", None)]


async def test_setting_the_same_moment_twice_changes_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: Calls
) -> None:
    """The moment a timer is already set for schedules nothing new; it fires once."""
    timers = Timers(hass)
    when = _in(5)
    monotonic_when = hass.loop.time() + 300
    with (
        patch(
            f"{TIMERS}.async_track_point_in_utc_time",
            wraps=async_track_point_in_utc_time,
        ) as track,
        patch(f"{TIMERS}.async_call_at", wraps=async_call_at) as call_at,
    ):
        for _ in range(2):
            timers.at("end", when, calls.wall("end"))
            timers.at_monotonic("rest", monotonic_when, calls.monotonic("rest"))
    assert track.call_count == 1
    assert call_at.call_count == 1
    await advance(hass, freezer, timedelta(minutes=5, seconds=1))
    assert sorted(calls.calls, key=lambda call: call[0]) == [
        ("end", when),
        ("rest", None),
    ]


async def test_setting_another_moment_replaces_the_timer(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: Calls
) -> None:
    """A new moment for a name cancels the old one: only the new moment fires."""
    timers = Timers(hass)
    later = _in(10)
    timers.at("end", _in(5), calls.wall("end"))
    timers.at("end", later, calls.wall("end"))
    assert timers.names == ["end"]
    await advance(hass, freezer, timedelta(minutes=6))
    assert calls.calls == []
    await advance(hass, freezer, timedelta(minutes=4))
    assert calls.calls == [("end", later)]


@pytest.mark.parametrize("clock", ["wall", "monotonic"])
async def test_setting_none_cancels(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: Calls, clock: str
) -> None:
    """``None`` cancels the timer of that name, on either clock; it never fires."""
    timers = Timers(hass)
    if clock == "wall":
        timers.at("end", _in(5), calls.wall("end"))
        timers.at("end", None, calls.wall("end"))
    else:
        timers.at_monotonic("end", hass.loop.time() + 300, calls.monotonic("end"))
        timers.at_monotonic("end", None, calls.monotonic("end"))
    assert timers.names == []
    await advance(hass, freezer, timedelta(minutes=10))
    assert calls.calls == []


async def test_names_are_the_timers_set_sorted(
    hass: HomeAssistant, calls: Calls
) -> None:
    """``names`` lists the timers that are set, sorted; a cancelled one is gone."""
    timers = Timers(hass)
    assert timers.names == []
    timers.at("midnight", _in(60), calls.wall("midnight"))
    timers.at_monotonic("heads_up", hass.loop.time() + 60, calls.monotonic("x"))
    timers.at("end", _in(20), calls.wall("end"))
    assert timers.names == ["end", "heads_up", "midnight"]
    timers.cancel("heads_up")
    timers.cancel("never_set")
    assert timers.names == ["end", "midnight"]
    timers.cancel_all()


async def test_cancel_all_cancels_every_timer(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, calls: Calls
) -> None:
    """``cancel_all`` cancels every timer on both clocks; none fires afterwards."""
    timers = Timers(hass)
    timers.at("end", _in(5), calls.wall("end"))
    timers.at("midnight", _in(60), calls.wall("midnight"))
    timers.at_monotonic("rest", hass.loop.time() + 120, calls.monotonic("rest"))
    timers.cancel_all()
    assert timers.names == []
    await advance(hass, freezer, timedelta(hours=2))
    assert calls.calls == []
    # A cancelled moment is no longer "already set": it can be set again.
    when = _in(5)
    timers.at("end", when, calls.wall("end"))
    await advance(hass, freezer, timedelta(minutes=5))
    assert calls.calls == [("end", when)]


async def test_wall_clock_step_logs_one_warning(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A wall clock that steps more than a minute from the monotonic clock is logged once."""
    clocks = Clocks(hass)
    await advance(hass, freezer, timedelta(minutes=10))
    assert clocks.wall() == dt_util.utcnow()
    await step_wall_clock(timedelta(seconds=59))
    clocks.wall()
    assert STEPPED not in caplog.text
    await step_wall_clock(-timedelta(minutes=5))
    assert clocks.wall() == dt_util.utcnow()
    assert caplog.text.count(STEPPED) == 1
    # The new reading is the anchor: reading again, or later, warns no more.
    clocks.wall()
    await advance(hass, freezer, timedelta(minutes=3))
    clocks.wall()
    assert caplog.text.count(STEPPED) == 1


async def test_wall_clock_step_read_with_utcnow_patched(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A wall clock an hour ahead of the monotonic clock's count is logged with its offset."""
    clocks = Clocks(hass)
    ahead = dt_util.utcnow() + timedelta(hours=1)
    with patch(f"{TIMERS}.dt_util.utcnow", return_value=ahead):
        assert clocks.wall() == ahead
        clocks.wall()
    assert caplog.text.count(STEPPED) == 1
    assert "(+3600 s)" in caplog.text


async def test_monotonic_and_wall_readings_round_trip(hass: HomeAssistant) -> None:
    """A moment said on the monotonic clock and back is the same moment."""
    clocks = Clocks(hass)
    assert clocks.monotonic() == hass.loop.time()
    moment = _in(20)
    monotonic = clocks.monotonic_of(moment)
    assert monotonic == pytest.approx(hass.loop.time() + 20 * 60, abs=0.01)
    assert abs(clocks.wall_of(monotonic) - moment) < timedelta(milliseconds=10)
    reading = hass.loop.time() - 90
    assert clocks.monotonic_of(clocks.wall_of(reading)) == pytest.approx(
        reading, abs=0.01
    )
