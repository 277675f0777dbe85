"""What every surface of a recovery reads: its snapshot and the listeners it tells (engine/state.py).

What the entities, voice and diagnostics read, read here straight from the
engine's latest ``RecoveryState``: the time and the phases, the sessions and
the rest gap, the plug, the diagnostics, and entities that write only what
changed. A listener or an entity that fails stops nothing else:
``safety/test_isolation.py`` (rule 13).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.engine import RecoveryEngine, RecoveryState
from custom_components.back_recovery.engine.state import StateHub
from custom_components.back_recovery.therapy import TherapySession
from custom_components.back_recovery.therapy.phases import Phase
from custom_components.back_recovery.therapy.session import Modality, TherapySettings
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .helpers.clock import advance
from .helpers.ha import (
    HEATING_PAD,
    PLUG,
    SESSION_ACTIVE,
    SESSION_ENDS,
    START_ICE_SESSION,
    action,
    entity_state,
    press,
)
from .helpers.plug import PLUG_ONLINE, set_input_boolean, start_heat


def _at(text: str) -> datetime:
    """Return a moment in UTC written as ``HH:MM`` on the frozen day (2026-11-25)."""
    return datetime.fromisoformat(f"2026-11-25T{text}:00+00:00")


class Latest:
    """The engine's latest snapshot, read afresh at every attribute."""

    def __init__(self, engine: RecoveryEngine) -> None:
        """Read ``engine``'s state."""
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        """Return the attribute ``name`` of the latest snapshot."""
        return getattr(self._engine.state, name)

    @property
    def snapshot(self) -> RecoveryState:
        """The latest snapshot itself."""
        return self._engine.state

    @property
    def hub(self) -> StateHub:
        """The engine's listeners."""
        return self._engine.hub

    @property
    def sessions(self) -> tuple[TherapySession, ...]:
        """Every stored session, through the engine's read method."""
        ever = (datetime(2000, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
        return tuple(self._engine.sessions_between(*ever))


@pytest.fixture
def view(init_integration: MockConfigEntry) -> Latest:
    """Return the test entry's latest state."""
    return Latest(init_integration.runtime_data.engine)


# Listeners


async def test_listeners_hear_every_change_minute_listeners_every_minute(
    hub: StateHub,
) -> None:
    """A change calls every listener; a minute calls only those that asked for minutes."""
    heard: list[str] = []
    hub.async_add_listener(lambda: heard.append("change"))
    hub.async_add_listener(lambda: heard.append("minute"), every_minute=True)
    hub.async_notify()
    assert heard == ["change", "minute"]
    heard.clear()
    hub.async_notify(minute=True)
    assert heard == ["minute"]


async def test_a_removed_listener_hears_nothing(hub: StateHub) -> None:
    """The function ``async_add_listener`` returns removes that listener only."""
    heard: list[str] = []
    remove_change = hub.async_add_listener(lambda: heard.append("change"))
    remove_minute = hub.async_add_listener(
        lambda: heard.append("minute"), every_minute=True
    )
    hub.async_add_listener(lambda: heard.append("kept"))
    remove_change()
    remove_minute()
    hub.async_notify()
    hub.async_notify(minute=True)
    assert heard == ["kept"]


# Time and phases


async def test_time_and_phases(view: Latest) -> None:
    """Today is the local date (US/Pacific); the phases follow the default schedule."""
    assert view.now == _at("09:00")
    assert view.today == date(2026, 11, 25)
    assert dt_util.start_of_local_day(date(2026, 11, 26)) == datetime.fromisoformat(
        "2026-11-26T00:00:00-08:00"
    )
    assert view.phase is Phase.REST
    assert view.phase_started == date(2026, 11, 20)
    assert view.next_phase_change == (Phase.REHABILITATION, date(2027, 1, 1))
    assert view.schedule.phase_on(view.today) is Phase.REST
    spans = view.phase_spans()
    assert spans[0] == (Phase.REST, date(2026, 11, 20), date(2027, 1, 1))
    assert spans[-1] == (Phase.RECOVERED, date(2027, 5, 7), None)
    assert view.days_since_injury == 5
    # Ice on the first day (``ice_days`` 1), heat from then on.
    assert view.recommended_therapy is Modality.HEAT


async def test_recovered_has_no_next_phase_change(
    hass: HomeAssistant, view: Latest
) -> None:
    """Once recovered, no phase change is ahead."""
    await action(hass, "set_phase", phase="recovered")
    assert view.phase is Phase.RECOVERED
    assert view.next_phase_change is None


# Sessions


def _sessions(view: Latest) -> dict[str, Any]:
    """Return what the view says about sessions and the rest gap."""
    return {
        "running": view.running,
        "session_ends": view.session_ends,
        "last_session_end": view.last_session_end,
        "last_heat_end": view.last_end_of(Modality.HEAT),
        "last_ice_end": view.last_end_of(Modality.ICE),
        "time_since_last_session": view.time_since_last_session,
        "next_session_allowed": view.next_session_allowed,
        "next_allowed_after_running": view.next_allowed_after_running,
        "sessions_today": view.sessions_today,
        "skin_resting": view.skin_resting,
    }


async def test_before_any_session(view: Latest) -> None:
    """Before any session nothing runs, nothing ended and the skin is not resting."""
    assert view.settings == TherapySettings(session_minutes=20, rest_gap_minutes=120)
    assert view.sessions == ()
    assert _sessions(view) == {
        "running": None,
        "session_ends": None,
        "last_session_end": None,
        "last_heat_end": None,
        "last_ice_end": None,
        "time_since_last_session": None,
        "next_session_allowed": None,
        "next_allowed_after_running": None,
        "sessions_today": 0,
        "skin_resting": False,
    }


async def test_during_and_after_a_session(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, view: Latest
) -> None:
    """While heat runs the view says its end; afterwards the rest gap and the minutes since."""
    await start_heat(hass, "switch")
    (running,) = view.sessions
    assert running.modality is Modality.HEAT
    assert _sessions(view) == {
        "running": running,
        "session_ends": _at("09:20"),
        "last_session_end": None,
        "last_heat_end": None,
        "last_ice_end": None,
        "time_since_last_session": 0,
        "next_session_allowed": None,
        "next_allowed_after_running": _at("11:20"),
        "sessions_today": 1,
        "skin_resting": False,
    }

    await advance(hass, freezer, timedelta(minutes=20))
    assert _sessions(view) == {
        "running": None,
        "session_ends": None,
        "last_session_end": _at("09:20"),
        "last_heat_end": _at("09:20"),
        "last_ice_end": None,
        "time_since_last_session": 0,
        "next_session_allowed": _at("11:20"),
        "next_allowed_after_running": None,
        "sessions_today": 1,
        "skin_resting": True,
    }
    await advance(hass, freezer, timedelta(minutes=7, seconds=59))
    assert view.time_since_last_session == 7
    await advance(hass, freezer, timedelta(hours=2))
    assert not view.skin_resting
    assert view.sessions_today == 1


async def test_sessions_today_counts_from_local_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, view: Latest
) -> None:
    """A session before local midnight is not today's once the local date changes."""
    await press(hass, START_ICE_SESSION)
    await advance(hass, freezer, timedelta(minutes=20))
    assert view.last_end_of(Modality.ICE) == _at("09:20")
    assert view.sessions_today == 1
    # 09:00 UTC is 01:00 local: local midnight is 23 hours away.
    await advance(hass, freezer, timedelta(hours=23))
    assert view.sessions_today == 0
    assert len(view.sessions) == 1


# The plug


async def test_the_plug(hass: HomeAssistant, view: Latest) -> None:
    """The view names the plug and says whether it is on and reachable."""

    def plug() -> tuple[str | None, bool | None, bool]:
        return view.plug_entity_id, view.plug_on, view.plug_available

    assert plug() == (PLUG, False, True)
    await start_heat(hass, "switch")
    assert plug() == (PLUG, True, True)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert plug() == (PLUG, None, False)


@pytest.mark.parametrize(
    "entry_data",
    [{"name": "Back recovery", "injury_date": "2026-11-20"}],
)
async def test_without_a_plug(view: Latest) -> None:
    """Without a plug the view names none and says it is neither on nor reachable."""
    assert view.plug_entity_id is None
    assert view.plug_on is None
    assert not view.plug_available
    assert view.as_diagnostics()["plug_available"] is False


# Diagnostics


async def test_diagnostics_say_the_state_and_the_timers(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, view: Latest
) -> None:
    """The diagnostics carry the running session and the timers set, no name or date."""
    idle = view.as_diagnostics()
    assert idle["running"] is None
    assert idle["last_session_end"] is None
    assert idle["next_session_allowed"] is None
    assert idle["minute_tick"] is False
    assert idle["timers"] == ["midnight"]
    await start_heat(hass, "switch")
    running = view.as_diagnostics()
    assert running["running"]["modality"] == "heat"
    assert running["sessions_stored"] == 1
    assert {"deadline", "deadline_monotonic", "clock_watch"} <= set(running["timers"])
    await advance(hass, freezer, timedelta(minutes=20))
    ended = view.as_diagnostics()
    assert ended == {
        "phase": "rest",
        "plug_available": True,
        "running": None,
        "plug_must_be_off": False,
        "sessions_stored": 1,
        "last_session_end": "2026-11-25T09:20:00+00:00",
        "next_session_allowed": "2026-11-25T11:20:00+00:00",
        "timers": ["midnight", "rest_over"],
        "minute_tick": True,
        "pain": {
            "entries": 0,
            "first_recorded_at": None,
            "latest": None,
            "average_7d": None,
            "trend": "insufficient_data",
            "review_recommended": False,
        },
        "power": {
            "power_sensor": None,
            "power_threshold_w": 10,
            "status": "none",
            "reading_w": None,
            "state": None,
            "last_reported": None,
        },
    }


async def test_entities_write_only_what_changed(
    hass: HomeAssistant, view: Latest
) -> None:
    """A notify that changes nothing writes no state; a change, or the plug going away, does."""
    ours = {
        state.entity_id
        for state in hass.states.async_all()
        if state.entity_id.split(".")[1].startswith("back_recovery_")
    }
    written: list[str] = []

    @callback
    def collect(event: Event[Any]) -> None:
        if event.data["entity_id"] in ours:
            written.append(event.data["entity_id"])

    @callback
    def is_ours(data: Any) -> bool:
        return data["entity_id"] in ours

    for event_type in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED):
        hass.bus.async_listen(event_type, collect, event_filter=is_ours)
    view.hub.async_notify()
    view.hub.async_notify(minute=True)
    await hass.async_block_till_done()
    assert written == []

    await press(hass, START_ICE_SESSION)
    assert SESSION_ACTIVE in written
    assert SESSION_ENDS in written
    assert len(written) == len(set(written))  # each changed entity once
    written.clear()
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await hass.async_block_till_done()
    assert written == [HEATING_PAD]
    assert entity_state(hass, HEATING_PAD) == "unavailable"
