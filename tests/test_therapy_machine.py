"""Random therapy days against the real integration: the safety rules hold in every one.

Each example sets up a fresh entry in the test's Home Assistant with the
simulated plug, then runs a random sequence of steps through the state
machine and the actions: starts by the switch, the action and the button;
stops; the plug switched on and off by hand, dropping off the network, and
the faults every real plug has (ignoring commands, commands that raise, a
stale ``off`` report); time passing; the wall clock stepping both ways; option
changes; reloads; and crashes with Home Assistant down for a while.

The test keeps its own real clock, which clock steps do not touch, and checks
after every step what a person would feel:

- a healthy, reachable plug is on only inside a running heat session, and
  never longer than 20 real minutes at a time while Home Assistant runs
  (rules 1, 2, 7, 10, 12);
- a session never starts less than the rest gap in real time after the last
  one ended, unless Home Assistant restarted in between (rules 2, 12);
- a heat start that the plug did not confirm records nothing (rule 11);
- at most one session runs and the history never loses a session (rule 8);
- every refusal is one of the contract's translated errors.

``BACK_RECOVERY_EXAMPLES`` sets the number of examples (CI: 300).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
import os
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.back_recovery.const import (
    CONF_REST_GAP_MINUTES,
    CONF_SESSION_MINUTES,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.engine.core import RecoveryEngine
from custom_components.back_recovery.therapy.session import Modality, TherapySession
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .conftest import (
    HEATING_PAD,
    PLUG,
    PLUG_FAILS,
    PLUG_IGNORES,
    PLUG_ONLINE,
    PLUG_POWER,
    PLUG_STALE,
    START_ICE_SESSION,
    STOP_SESSION,
    set_input_boolean,
)

CEILING = 20 * 60
RESOLUTION = 0.001
"""Seconds: the clocks' conversions round to microseconds; the real clock moves in ms."""
FAULTS = (PLUG_IGNORES, PLUG_FAILS, PLUG_STALE)
REFUSALS = {
    "rest_gap_active",
    "session_running",
    "heating_pad_unavailable",
    "heating_pad_not_responding",
    "minutes_out_of_range",
}

START = st.tuples(
    st.just("start"),
    st.sampled_from(["switch", "action", "ice", "button"]),
    st.sampled_from([None, None, 1, 5, 20, 21]),
)
WAIT = st.tuples(
    st.just("wait"),
    st.sampled_from([1, 5, 60, 600, 2700, "planned_end", "rest_over", "rest_over"]),
)
# Starts and waits come up most; the rarer steps are what the world does to them.
STEPS = st.one_of(
    START,
    START,
    st.tuples(st.just("relay"), st.just(True)),
    WAIT,
    WAIT,
    WAIT,
    st.tuples(st.just("step"), st.sampled_from([-3600, -360, 300, 3600])),
    st.tuples(st.just("fault"), st.sampled_from(FAULTS), st.booleans()),
    st.tuples(st.just("online"), st.booleans()),
    st.sampled_from([("stop",), ("pad_off",), ("relay", False)]),
    st.sampled_from([("reload",), ("crash",), ("boot",)]),
    st.tuples(st.just("options"), st.integers(1, 20), st.sampled_from([120, 121, 180])),
    # Whole episodes, so that deep sequences come up often too.
    st.tuples(
        st.just("outage"),
        st.sampled_from([60, 1500, 7200]),
        st.sampled_from([None, True, False]),
    ),
    st.tuples(
        st.just("fault_episode"), st.sampled_from(FAULTS), st.sampled_from([30, 1300])
    ),
    st.tuples(
        st.just("heat_then_step"),
        st.sampled_from([60, 600]),
        st.sampled_from([-360, -3600, 300, 3600]),
    ),
)


@dataclass
class World:
    """What really happens: the relay, the real clock, and what Home Assistant said."""

    real: float = 0.0
    relay_on_since: float | None = None
    relay_exempt: bool = False
    up: bool = True
    restarted_since_end: bool = True
    last_end_real: float | None = None
    rest_gap_minutes: int = 120
    sessions_seen: list[TherapySession] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def note_exempt(self) -> None:
        """Exempt the relay's current on-time: a fault or a downtime bounds it, not the rules."""
        self.relay_exempt = True


class Day:
    """One example: an entry, the plug and the steps."""

    def __init__(
        self,
        hass: HomeAssistant,
        freezer: FrozenDateTimeFactory,
        step_wall_clock: Callable[[timedelta], Awaitable[None]],
        entry_id: str,
    ) -> None:
        """Prepare the example; ``async_begin`` sets it up."""
        self.hass = hass
        self.freezer = freezer
        self.step_wall_clock = step_wall_clock
        self.world = World()
        self.entry = MockConfigEntry(
            domain=DOMAIN,
            title="Back recovery",
            data={
                "name": "Back recovery",
                "injury_date": "2026-11-20",
                "heating_pad": PLUG,
            },
            options={},
            entry_id=entry_id,
        )
        self.faults: set[str] = set()
        self.online = True
        self.unsubs: list[Callable[[], None]] = []

    # Setting up and following the world.

    async def async_begin(self) -> None:
        """Plug off, online and healthy; the entry set up; the events followed."""
        for fault in FAULTS:
            await set_input_boolean(self.hass, fault, on=False)
        await set_input_boolean(self.hass, PLUG_ONLINE, on=True)
        await set_input_boolean(self.hass, PLUG_POWER, on=False)
        self.unsubs.append(
            self.hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_state)
        )
        self.unsubs.append(
            self.hass.bus.async_listen(RecoveryEvent.SESSION_STARTED, self._on_started)
        )
        self.unsubs.append(
            self.hass.bus.async_listen(RecoveryEvent.SESSION_ENDED, self._on_ended)
        )
        self.entry.add_to_hass(self.hass)
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()

    async def async_end(self) -> None:
        """Remove the entry (heat ends 'unloaded') and stop following."""
        await self.hass.config_entries.async_remove(self.entry.entry_id)
        await self.hass.async_block_till_done()
        while self.unsubs:
            self.unsubs.pop()()

    @callback
    def _on_state(self, event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] != PLUG_POWER:
            return
        new = event.data["new_state"]
        world = self.world
        if new is not None and new.state == "on":
            if world.relay_on_since is None:
                world.relay_on_since = world.real
                world.relay_exempt = (
                    bool(self.faults) or not self.online or not world.up
                )
        else:
            world.relay_on_since = None
            world.relay_exempt = False

    @callback
    def _on_started(self, event: Event) -> None:
        world = self.world
        if event.data["config_entry_id"] != self.entry.entry_id:
            return
        if (
            world.last_end_real is not None
            and not world.restarted_since_end
            and world.real - world.last_end_real
            < world.rest_gap_minutes * 60 - RESOLUTION
        ):
            world.violations.append(
                f"a session started {world.real - world.last_end_real:.0f} s "
                "after the last one ended"
            )

    @callback
    def _on_ended(self, event: Event) -> None:
        if event.data["config_entry_id"] != self.entry.entry_id:
            return
        self.world.last_end_real = self.world.real
        self.world.restarted_since_end = False

    @property
    def engine(self) -> RecoveryEngine | None:
        """The entry's engine while Home Assistant (and the entry) runs."""
        if not self.world.up or self.entry.state is not ConfigEntryState.LOADED:
            return None
        engine: RecoveryEngine = self.entry.runtime_data.engine
        return engine

    # Time.

    async def async_run_for(self, seconds: float) -> None:
        """Let ``seconds`` of real time pass, stopping at every timer that falls due."""
        loop: Any = self.hass.loop
        remaining = seconds
        while remaining > 0:
            due = [
                handle.when() - loop.time()
                for handle in loop._scheduled  # noqa: SLF001
                if not handle.cancelled()
            ]
            ahead = [d for d in due if d > 0]
            delta = min([remaining, *ahead]) if ahead else remaining
            delta = max(delta, 0.001)
            self.freezer.tick(timedelta(seconds=delta))
            self.world.real += delta
            remaining -= delta
            async_fire_time_changed(self.hass)
            await self.hass.async_block_till_done()
            self.check_relay()

    # The steps.

    async def async_step(self, step: tuple[Any, ...]) -> None:
        """Carry out one step, then check what must always hold."""
        kind = step[0]
        handler: Callable[..., Awaitable[None]] = getattr(self, f"_async_{kind}")
        await handler(*step[1:])
        await self.hass.async_block_till_done()
        self.check()

    async def _async_call(self, call: Coroutine[Any, Any, Any]) -> None:
        """Run a request the way a person would; a refusal must be a contract error."""
        task = self.hass.loop.create_task(call)
        # A request may wait for the plug to confirm (5 s) inside a task that
        # block_till_done waits for: let time pass second by second meanwhile.
        for spin in range(1, 20 * 50):
            if task.done():
                break
            await asyncio.sleep(0)
            if spin % 50 == 0:
                self.freezer.tick(timedelta(seconds=1))
                self.world.real += 1
                async_fire_time_changed(self.hass)
        assert task.done(), "a request still waits after the plug's window"
        await self.hass.async_block_till_done()
        if (error := task.exception()) is None:
            return
        if isinstance(error, ServiceValidationError):
            assert error.translation_key in REFUSALS, error.translation_key
        else:
            assert isinstance(error, HomeAssistantError), repr(error)
            assert error.translation_key == "heating_pad_not_responding", error

    async def _async_start(self, how: str, minutes: int | None) -> None:
        if self.engine is None:
            return
        before = list(self.engine.view.sessions)
        data: dict[str, Any] = {"config_entry_id": self.entry.entry_id}
        if minutes is not None:
            data["minutes"] = minutes
        if how == "switch":
            call = self.hass.services.async_call(
                "switch", "turn_on", {"entity_id": HEATING_PAD}, blocking=True
            )
        elif how == "button":
            call = self.hass.services.async_call(
                "button", "press", {"entity_id": START_ICE_SESSION}, blocking=True
            )
        else:
            modality = "ice" if how == "ice" else "heat"
            call = self.hass.services.async_call(
                DOMAIN, "start_session", {**data, "modality": modality}, blocking=True
            )
        await self._async_call(call)
        engine = self.engine
        assert engine is not None
        added = [s for s in engine.view.sessions if s not in before]
        for session in added:
            if session.modality is Modality.HEAT and not self._relay_on():
                assert not session.running or self.faults & {PLUG_STALE}, (
                    "a heat session runs that the plug never confirmed"
                )

    async def _async_stop(self) -> None:
        if self.engine is not None:
            await self._async_call(
                self.hass.services.async_call(
                    "button", "press", {"entity_id": STOP_SESSION}, blocking=True
                )
            )

    async def _async_pad_off(self) -> None:
        if self.engine is not None:
            await self._async_call(
                self.hass.services.async_call(
                    "switch", "turn_off", {"entity_id": HEATING_PAD}, blocking=True
                )
            )

    async def _async_relay(self, on: bool) -> None:
        await set_input_boolean(self.hass, PLUG_POWER, on=on)

    async def _async_online(self, online: bool) -> None:
        self.online = online
        if not online:
            self.world.note_exempt()
        await set_input_boolean(self.hass, PLUG_ONLINE, on=online)

    async def _async_fault(self, fault: str, on: bool) -> None:
        if on:
            self.faults.add(fault)
            self.world.note_exempt()
        else:
            self.faults.discard(fault)
        await set_input_boolean(self.hass, fault, on=on)

    async def _async_wait(self, seconds: int | str) -> None:
        """Wait a while, or until the wall clock reads the planned end or the rest's end."""
        if isinstance(seconds, str):
            engine = self.engine
            target = None
            if engine is not None:
                target = (
                    engine.view.session_ends
                    if seconds == "planned_end"
                    else engine.view.next_session_allowed
                )
            now = dt_util.utcnow()
            await self.async_run_for(
                (target - now).total_seconds() if target and target > now else 60
            )
            return
        await self.async_run_for(seconds)

    async def _async_step(self, seconds: int) -> None:
        await self.step_wall_clock(timedelta(seconds=seconds))
        await self.async_run_for(0.001)

    async def _async_reload(self) -> None:
        if self.engine is None:
            return
        self.world.restarted_since_end = True
        await self.hass.config_entries.async_reload(self.entry.entry_id)
        await self.hass.async_block_till_done()

    async def _async_crash(self) -> None:
        """Home Assistant dies: nothing more is done or saved until it boots."""
        if (engine := self.engine) is None:
            return
        engine.abandon()
        await self.hass.config_entries.async_unload(self.entry.entry_id)
        self.world.up = False
        self.world.restarted_since_end = True
        self.world.note_exempt()

    async def _async_boot(self) -> None:
        if self.world.up:
            return
        self.world.up = True
        assert await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()
        # Whatever the start-up closed ended while Home Assistant was down: the
        # rest gap then counts on the wall clock alone (rule 12 holds while it runs).
        self.world.restarted_since_end = True
        # What was on while Home Assistant was down is now its to bound.
        if self.world.relay_on_since is not None:
            self.world.relay_on_since = self.world.real
            self.world.relay_exempt = bool(self.faults) or not self.online

    async def _async_outage(self, seconds: int, relay: bool | None) -> None:
        """Home Assistant is down for ``seconds``; someone may switch the plug meanwhile."""
        await self._async_crash()
        if relay is not None:
            await self._async_relay(relay)
        await self.async_run_for(seconds)
        await self._async_boot()

    async def _async_fault_episode(self, fault: str, seconds: int) -> None:
        """Give the plug ``fault`` for ``seconds``, then let it work again."""
        await self._async_fault(fault, on=True)
        await self.async_run_for(seconds)
        await self._async_fault(fault, on=False)

    async def _async_heat_then_step(self, before: int, step: int) -> None:
        """Heat starts; after ``before`` seconds the wall clock steps; wait for the end."""
        await self._async_start("action", None)
        await self.async_run_for(before)
        await self._async_step(step)
        await self._async_wait("planned_end")

    async def _async_options(self, session_minutes: int, rest_gap: int) -> None:
        if self.engine is None:
            return
        self.world.rest_gap_minutes = min(self.world.rest_gap_minutes, rest_gap)
        self.hass.config_entries.async_update_entry(
            self.entry,
            options={
                **self.entry.options,
                CONF_SESSION_MINUTES: session_minutes,
                CONF_REST_GAP_MINUTES: rest_gap,
            },
        )
        await self.hass.async_block_till_done()

    # What must always hold.

    def _relay_on(self) -> bool:
        state = self.hass.states.get(PLUG_POWER)
        return state is not None and state.state == "on"

    def check_relay(self) -> None:
        """Check that a healthy plug is never on longer than 20 real minutes at a time."""
        world = self.world
        if (
            world.relay_on_since is not None
            and not world.relay_exempt
            and world.real - world.relay_on_since > CEILING + RESOLUTION
        ):
            world.violations.append(
                f"the pad heated {world.real - world.relay_on_since:.0f} real seconds"
            )

    def check(self) -> None:
        """Check every invariant after a step."""
        self.check_relay()
        assert not self.world.violations, self.world.violations
        if (engine := self.engine) is None:
            return
        sessions = engine.view.sessions
        assert all(not s.running for s in sessions[:-1]), "two sessions run"
        healthy = not self.faults and self.online
        if healthy and self._relay_on():
            running = engine.view.running
            if running is None or running.modality is not Modality.HEAT:
                # Only a plug that had a fault until a moment ago: it is still
                # being switched off.
                assert engine.view.as_diagnostics()["plug_must_be_off"], (
                    "the plug is on without heat"
                )
                assert engine._plug is not None  # noqa: SLF001
                assert engine._plug.switching_off, "nothing switches the plug off"  # noqa: SLF001
        by_start = {s.started: s for s in sessions}
        for old in self.world.sessions_seen:
            assert old.started in by_start, "a session was lost"
            if old.ended is not None:
                assert by_start[old.started] == old, "a finished session changed"
        self.world.sessions_seen = list(sessions)


EXAMPLES = int(os.environ.get("BACK_RECOVERY_EXAMPLES", "300"))
_entries = iter(range(10**9))


@pytest.mark.usefixtures("plug")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # A failure prints @reproduce_failure(...): the example replays without luck.
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEPS, max_size=20))
async def test_safety_rules_hold_on_random_days(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    steps: list[tuple[Any, ...]],
) -> None:
    """Random days with lying plugs, stepping clocks and crashes keep every safety rule."""
    day = Day(hass, freezer, step_wall_clock, f"01KRANDOMDAY{next(_entries):014d}")
    await day.async_begin()
    try:
        day.check()
        for step in steps:
            await day.async_step(step)
    finally:
        await day.async_end()
