"""The test entry in Home Assistant: its ids and entities, and what a person does with them.

The actions, the heating pad switch, the buttons, setting up an entry, the
calendar's events and the pain diary's steps, each as a test calls them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    unique_id,
)
from custom_components.back_recovery.engine import RecoveryState
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .clock import T0, local, move_to

PLUG = "switch.heating_pad_plug"
"""The test entry's heating-pad plug: the simulated plug of ``helpers/plug.py``."""
ENTRY_ID = "01KRECOVERY000000000000001"
"""The test entry's id: fixed, so snapshots and unique ids stay the same."""
SECOND_ENTRY_ID = "01KRECOVERY000000000000002"
"""A second person's entry, where a test needs two."""
INJURY_DATE = date(2026, 11, 20)
"""The test entry's injury date (conftest's ``entry_data``)."""

# The test entry's entities (its device is named "Back recovery"): the
# contract's key in capitals; the calendar (key ``recovery``) is CALENDAR.
PHASE = "sensor.back_recovery_recovery_phase"
DAYS_SINCE_INJURY = "sensor.back_recovery_days_since_injury"
RECOMMENDED_THERAPY = "sensor.back_recovery_recommended_therapy"
LAST_SESSION_END = "sensor.back_recovery_last_session_end"
TIME_SINCE_LAST_SESSION = "sensor.back_recovery_time_since_last_session"
NEXT_SESSION_ALLOWED = "sensor.back_recovery_next_session_allowed"
SESSION_ENDS = "sensor.back_recovery_session_ends"
SESSIONS_TODAY = "sensor.back_recovery_sessions_today"
SESSION_ACTIVE = "binary_sensor.back_recovery_session_active"
SKIN_REST = "binary_sensor.back_recovery_skin_rest"
HEATING_PAD = "switch.back_recovery_heating_pad"
START_ICE_SESSION = "button.back_recovery_start_ice_session"
STOP_SESSION = "button.back_recovery_stop_session"
CALENDAR = "calendar.back_recovery_recovery"
HEATING_PAD_PROBLEM = "binary_sensor.back_recovery_heating_pad_switch_off"
"""The heating pad's problem sensor (key ``heating_pad_problem``): on while a switch-off is unconfirmed."""

# The test entry's repair issue ids.
MISSING_ISSUE = f"heating_pad_missing_{ENTRY_ID}"
UNREACHABLE_ISSUE = f"heating_pad_unreachable_{ENTRY_ID}"
NOT_RESPONDING_ISSUE = f"heating_pad_not_responding_{ENTRY_ID}"
REVIEW_ISSUE = f"pain_not_improving_{ENTRY_ID}"


def entity_state(hass: HomeAssistant, entity_id: str) -> str:
    """Return the state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def problem_reason(hass: HomeAssistant) -> str | None:
    """Return the ``reason`` attribute of the heating pad's problem sensor."""
    state = hass.states.get(HEATING_PAD_PROBLEM)
    assert state is not None
    value: str | None = state.attributes.get("reason")
    return value


def entity_id_of(
    hass: HomeAssistant, platform: str, key: str, entry_id: str = ENTRY_ID
) -> str:
    """Return the entity id of an entry's entity ``key`` (in German it follows the German name).

    By default the test entry's; ``entry_id`` another's (its ids follow its name).
    """
    entity_id = er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, unique_id(entry_id, key)
    )
    assert entity_id is not None, key
    return entity_id


def device_id(hass: HomeAssistant, entry_id: str = ENTRY_ID) -> str:
    """Return the id of an entry's device, which must exist."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry_id), entry_id
    )
    assert device is not None
    return device.id


def hider_of(
    registry: er.EntityRegistry, entity_id: str
) -> er.RegistryEntryHider | None:
    """Return who hid an entity that must be registered."""
    entry = registry.async_get(entity_id)
    assert entry is not None, entity_id
    return entry.hidden_by


def view_of(entry: MockConfigEntry) -> RecoveryState:
    """Return the latest snapshot of a loaded recovery: what its entities, voice and diagnostics read."""
    view: RecoveryState = entry.runtime_data.engine.state
    return view


def config_entries_disabler() -> ConfigEntryDisabler:
    """Return the 'disabled by the user' marker."""
    return ConfigEntryDisabler.USER


async def add_entry(
    hass: HomeAssistant,
    options: Mapping[str, Any] | None = None,
    *,
    entry_id: str = ENTRY_ID,
    name: str = "Back recovery",
    injury_date: date | str = INJURY_DATE,
    plug: str | None = PLUG,
) -> MockConfigEntry:
    """Set up a recovery entry in ``hass``: by default the test entry with its plug.

    ``options`` change the defaults; ``plug=None`` sets up a recovery without a
    heating pad.
    """
    data = {CONF_NAME: name, CONF_INJURY_DATE: str(injury_date)}
    if plug is not None:
        data[CONF_HEATING_PAD] = plug
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=name,
        data=data,
        options={**DEFAULT_OPTIONS, **(options or {})},
        entry_id=entry_id,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def add_second_recovery(
    hass: HomeAssistant, injury_date: date | str = INJURY_DATE
) -> MockConfigEntry:
    """Set up a second person's recovery beside the test entry: Anna's, without a heating pad."""
    return await add_entry(
        hass, entry_id=SECOND_ENTRY_ID, name="Anna", injury_date=injury_date, plug=None
    )


async def action(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call one of the integration's actions for the test entry (or ``config_entry_id``)."""
    await hass.services.async_call(
        DOMAIN, service, {"config_entry_id": ENTRY_ID, **data}, blocking=True
    )
    await hass.async_block_till_done()


async def turn(hass: HomeAssistant, domain: str, entity_id: str, on: bool) -> None:
    """Call ``<domain>.turn_on`` or ``turn_off`` on ``entity_id`` and run what follows."""
    await hass.services.async_call(
        domain, "turn_on" if on else "turn_off", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()


async def switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    """Call switch.turn_on / turn_off on ``entity_id``."""
    await turn(hass, "switch", entity_id, on)


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button."""
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()


def assert_no_session(hass: HomeAssistant) -> None:
    """Check that no session runs or was recorded, and the skin is not resting."""
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "unknown"
    assert entity_state(hass, SESSIONS_TODAY) == "0"


async def calendar_events(
    hass: HomeAssistant, start: datetime, end: datetime
) -> list[Any]:
    """Return the calendar's events from start to end, as the get_events action gives them."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": CALENDAR,
            "start_date_time": start.isoformat(),
            "end_date_time": end.isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    result: Any = response[CALENDAR]
    events: list[Any] = result["events"]
    return events


async def log_pain(
    hass: HomeAssistant, level: int, recorded_at: datetime | None = None, **data: Any
) -> None:
    """Log pain through the action, now or at ``recorded_at``."""
    if recorded_at is not None:
        data["recorded_at"] = recorded_at.isoformat()
    await action(hass, "log_pain", level=level, **data)


def pain_entities(hass: HomeAssistant) -> dict[str, str]:
    """Return the entity ids of the diary's entities by key."""
    return {
        "pain": entity_id_of(hass, "number", "pain"),
        "pain_level": entity_id_of(hass, "sensor", "pain_level"),
        "pain_average_7d": entity_id_of(hass, "sensor", "pain_average_7d"),
        "pain_trend": entity_id_of(hass, "sensor", "pain_trend"),
        "review_recommended": entity_id_of(hass, "binary_sensor", "review_recommended"),
    }


async def turn_review_on(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Move 43 days past the injury and log pain 5 in the first week and this one.

    The average has not fallen below the baseline: the last entry turns
    ``review_recommended`` on (the baseline clause).
    """
    await move_to(hass, freezer, T0 + timedelta(days=43))
    for offset in range(3):
        await log_pain(hass, 5, local(INJURY_DATE + timedelta(days=offset)))
    today = dt_util.now().date()
    for offset in (2, 1):
        await log_pain(hass, 5, local(today - timedelta(days=offset)))
    await log_pain(hass, 5)


async def device_trigger_automation(
    hass: HomeAssistant,
    device: str,
    trigger_type: str,
    data: Mapping[str, str],
    **extra: Any,
) -> list[ServiceCall]:
    """Set up an automation on a Back Recovery device trigger.

    ``data`` are the templates the automation's action renders (for example
    ``"{{ trigger.event.data.name }}"``); ``extra`` goes into the trigger
    (for example ``reason``). Returns the calls of the action, one per firing.
    """
    calls = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {
                    "trigger": "device",
                    "domain": DOMAIN,
                    "device_id": device,
                    "type": trigger_type,
                    **extra,
                },
                "actions": {"action": "test.automation", "data": dict(data)},
            }
        },
    )
    await hass.async_block_till_done()
    return calls
