"""Fixtures for Back Recovery tests."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
    async_test_home_assistant,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Import the integration before the ``hass`` fixture: the repository's
# custom_components must win over the harness's own test package.
from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    PLATFORMS,
    unique_id,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant import loader
from homeassistant.components.frontend.storage import async_user_store
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import STATE_OFF, Platform
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict

from .therapy_helpers import T0

ROOT = Path(__file__).resolve().parents[1]
"""The repository's folder."""
INTEGRATION = ROOT / "custom_components" / DOMAIN
"""The integration's folder: manifest, translations, icons, services.yaml."""


def integration_json(name: str) -> dict[str, Any]:
    """Return one of the integration's JSON files (``icons.json``, ``translations/en.json``)."""
    data: dict[str, Any] = json.loads((INTEGRATION / name).read_text(encoding="utf-8"))
    return data


def services_yaml() -> dict[str, Any]:
    """Return the integration's ``services.yaml``."""
    return dict(load_yaml_dict(INTEGRATION / "services.yaml"))


def translations(language: str = "en") -> dict[str, Any]:
    """Return the integration's translations in ``language``, as shipped."""
    return integration_json(f"translations/{language}.json")


PLUG = "switch.heating_pad_plug"
SECOND_PLUG = "switch.second_plug"
PLUG_POWER = "input_boolean.heating_pad_power"
PLUG_ONLINE = "input_boolean.heating_pad_online"
# Faults the simulated plug can be told to have (each an input_boolean):
PLUG_IGNORES = "input_boolean.heating_pad_ignores_commands"
"""Commands answer success and change nothing (a cloud plug that lost them)."""
PLUG_FAILS = "input_boolean.heating_pad_commands_fail"
"""Commands raise (``MAC no ACK``) and change nothing."""
PLUG_STALE = "input_boolean.heating_pad_reports_off"
"""The plug reports ``off`` whatever its relay does (a default state after a restart)."""


def _command(service: str) -> list[dict[str, Any]]:
    """Return the plug's script for ``service``, obeying the faults above."""
    return [
        {
            "if": [{"condition": "state", "entity_id": PLUG_FAILS, "state": "on"}],
            "then": [{"action": "heating_pad.no_ack"}],
        },
        {
            "if": [{"condition": "state", "entity_id": PLUG_IGNORES, "state": "off"}],
            "then": [{"action": service, "target": {"entity_id": PLUG_POWER}}],
        },
    ]


ENTRY_ID = "01KRECOVERY000000000000001"
"""The test entry's id: fixed, so snapshots and unique ids stay the same."""
SECOND_ENTRY_ID = "01KRECOVERY000000000000002"
"""A second person's entry, where a test needs two."""

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

# The test entry's storage key and repair issue ids.
STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
MISSING_ISSUE = f"heating_pad_missing_{ENTRY_ID}"
UNREACHABLE_ISSUE = f"heating_pad_unreachable_{ENTRY_ID}"
NOT_RESPONDING_ISSUE = f"heating_pad_not_responding_{ENTRY_ID}"

PLUG_CONFIG: dict[str, Any] = {
    "input_boolean": {
        "heating_pad_power": {"name": "Heating pad power"},
        "heating_pad_online": {"name": "Heating pad online", "initial": True},
        "heating_pad_ignores_commands": {"name": "Heating pad ignores commands"},
        "heating_pad_commands_fail": {"name": "Heating pad commands fail"},
        "heating_pad_reports_off": {"name": "Heating pad reports off"},
    },
    "template": [
        {
            "switch": [
                {
                    "name": "Heating pad plug",
                    "unique_id": "heating_pad_plug",
                    "state": (
                        "{{ is_state('input_boolean.heating_pad_power', 'on')"
                        " and is_state('input_boolean.heating_pad_reports_off', 'off') }}"
                    ),
                    "availability": "{{ is_state('input_boolean.heating_pad_online', 'on') }}",
                    "turn_on": _command("input_boolean.turn_on"),
                    "turn_off": _command("input_boolean.turn_off"),
                }
            ]
        }
    ],
}


@pytest.fixture(autouse=True)
def frozen_clock(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Freeze time at ``T0`` before ``hass`` exists, so it tears down in frozen time too."""
    freezer.move_to(T0)
    return freezer


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    frozen_clock: FrozenDateTimeFactory, enable_custom_integrations: None
) -> None:
    """Load the integration from this repository."""


@pytest.fixture
def entry_data() -> dict[str, Any]:
    """Return the config entry's data: a recovery with a heating-pad plug."""
    return {
        CONF_NAME: "Back recovery",
        CONF_INJURY_DATE: "2026-11-20",
        CONF_HEATING_PAD: PLUG,
    }


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Return the config entry's options."""
    return dict(DEFAULT_OPTIONS)


@pytest.fixture
def mock_config_entry(
    entry_data: dict[str, Any], entry_options: dict[str, Any]
) -> MockConfigEntry:
    """Return a Back Recovery config entry."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry_data[CONF_NAME],
        data=entry_data,
        options=entry_options,
        entry_id=ENTRY_ID,
    )


@pytest.fixture
async def plug(hass: HomeAssistant) -> str:
    """Set up a simulated smart plug: a template switch over input_booleans."""
    assert await async_setup_component(hass, "input_boolean", PLUG_CONFIG)
    assert await async_setup_component(hass, "template", PLUG_CONFIG)
    await hass.async_block_till_done()
    return PLUG


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the integration with the plug."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def platforms() -> list[Platform]:
    """Return the platforms ``init_platforms`` sets up: a platform's tests narrow them."""
    return list(PLATFORMS)


@pytest.fixture
async def init_platforms(
    hass: HomeAssistant,
    plug: str,
    mock_config_entry: MockConfigEntry,
    platforms: list[Platform],
) -> AsyncGenerator[MockConfigEntry]:
    """Set up the integration with the plug and only ``platforms``; unload it the same way."""
    with patch("custom_components.back_recovery.PLATFORMS", platforms):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        assert mock_config_entry.state is ConfigEntryState.LOADED
        yield mock_config_entry
        await hass.config_entries.async_unload(mock_config_entry.entry_id)
        await hass.async_block_till_done()


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Keep snapshots in ``tests/snapshots`` (syrupy's own fixture wins over the harness's)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def german(hass: HomeAssistant) -> None:
    """Run Home Assistant in German (before the recovery names its entities)."""
    hass.config.language = "de"


@pytest.fixture
async def mock_setup_entry(hass: HomeAssistant) -> AsyncGenerator[AsyncMock]:
    """Skip entry setup in flow tests, and unload those entries without the engine."""
    with (
        patch(
            "custom_components.back_recovery.async_setup_entry", return_value=True
        ) as mock,
        patch("custom_components.back_recovery.async_unload_entry", return_value=True),
    ):
        yield mock
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


def entity_state(hass: HomeAssistant, entity_id: str) -> str:
    """Return the state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def entity_id_of(hass: HomeAssistant, platform: str, key: str) -> str:
    """Return the entity id of the test entry's entity ``key`` (in German it follows the German name)."""
    entity_id = er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, unique_id(ENTRY_ID, key)
    )
    assert entity_id is not None, key
    return entity_id


def plug_power(hass: HomeAssistant) -> str:
    """Return whether the plug really is on (even while unreachable)."""
    return entity_state(hass, PLUG_POWER)


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


@pytest.fixture
async def second_plug(hass: HomeAssistant, plug: str) -> str:
    """Set up a second plug: an optimistic template switch, switched off."""
    entry = MockConfigEntry(
        domain="template",
        title="Second plug",
        options={"name": "Second plug", "template_type": "switch"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": SECOND_PLUG}, blocking=True
    )
    await hass.async_block_till_done()
    return SECOND_PLUG


async def set_input_boolean(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    """Switch an input_boolean behind the plug: the plug's own button, or its app."""
    await hass.services.async_call(
        "input_boolean",
        "turn_on" if on else "turn_off",
        {"entity_id": entity_id},
        blocking=True,
    )
    await hass.async_block_till_done()


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    delta: timedelta,
    *,
    wait_background_tasks: bool = False,
) -> None:
    """Move both clocks on by ``delta`` and run what is due.

    ``wait_background_tasks`` also waits for background tasks (reminders in flight).
    """
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=wait_background_tasks)


def local_midnight(day: date) -> datetime:
    """Return the start of a local date (Home Assistant's time zone), an aware datetime."""
    return dt_util.start_of_local_day(day)


async def move_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime
) -> None:
    """Move both clocks to ``moment`` and run what became due."""
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def set_profile(
    hass: HomeAssistant, user_id: str, locale: Mapping[str, str] | None
) -> None:
    """Set up the frontend and save a person's profile: language and time format.

    ``locale`` is what the frontend saves (``language``, ``time_format``: "12",
    "24", "language" or "system"); None saves nothing.
    """
    assert await async_setup_component(hass, "frontend", {})
    if locale is not None:
        store = await async_user_store(hass, user_id)
        await store.async_set_item("language", dict(locale))


# Who asks and on which clock they hear times: the language asked in, the
# asker's saved profile (None: none saved), the clock's hours. The profile's
# time format wins; else the language asked in decides.
ASKERS_CLOCKS: list[tuple[str, dict[str, str] | None, int]] = [
    ("en", None, 12),
    ("de", None, 24),
    ("en", {"language": "de", "time_format": "language"}, 12),
    ("en", {"language": "en", "time_format": "24"}, 24),
    ("de", {"language": "de", "time_format": "12"}, 12),
]


@dataclass(frozen=True, slots=True)
class Asker:
    """A person asking: in ``language``, as ``context``, hearing times on ``hours``."""

    language: str
    context: Context
    hours: int


@pytest.fixture(params=ASKERS_CLOCKS)
async def asker(
    hass: HomeAssistant, hass_admin_user: MockUser, request: pytest.FixtureRequest
) -> Asker:
    """Each kind of asker of ``ASKERS_CLOCKS``, their profile saved."""
    language, locale, hours = request.param
    await set_profile(hass, hass_admin_user.id, locale)
    return Asker(language, Context(user_id=hass_admin_user.id), hours)


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


async def action(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call one of the integration's actions for the test entry (or ``config_entry_id``)."""
    await hass.services.async_call(
        DOMAIN, service, {"config_entry_id": ENTRY_ID, **data}, blocking=True
    )
    await hass.async_block_till_done()


async def switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    """Call switch.turn_on / turn_off on ``entity_id``."""
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": entity_id},
        blocking=True,
    )
    await hass.async_block_till_done()


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button."""
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()


async def start_heat(hass: HomeAssistant, how: str) -> None:
    """Start heat through the switch, the action, or the plug itself."""
    if how == "switch":
        await switch(hass, HEATING_PAD, on=True)
    elif how == "action":
        await action(hass, "start_session", modality="heat")
    else:
        await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done()


def assert_no_session(hass: HomeAssistant) -> None:
    """Check that no session runs or was recorded, and the skin is not resting."""
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "unknown"
    assert entity_state(hass, SESSIONS_TODAY) == "0"


def config_entries_disabler() -> ConfigEntryDisabler:
    """Return the 'disabled by the user' marker."""
    return ConfigEntryDisabler.USER


async def add_entry(
    hass: HomeAssistant,
    options: Mapping[str, Any] | None = None,
    *,
    entry_id: str = ENTRY_ID,
    name: str = "Back recovery",
    injury_date: date | str = "2026-11-20",
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


def stored(data: Any, version: int = 1, minor_version: int = 1) -> dict[str, Any]:
    """Wrap ``data`` the way Store writes it."""
    return {
        "version": version,
        "minor_version": minor_version,
        "key": STORAGE_KEY,
        "data": data,
    }


def stored_session(
    started: datetime, minutes: int = 15, ended: bool = True, modality: str = "ice"
) -> dict[str, Any]:
    """Return a session as the storage holds it (``minutes`` long, from ``started``)."""
    end = started + timedelta(minutes=minutes)
    return {
        "modality": modality,
        "started": started.isoformat(),
        "planned_end": end.isoformat(),
        "ended": end.isoformat() if ended else None,
        "end_reason": "completed" if ended else None,
    }


def stored_history(count: int) -> dict[str, Any]:
    """Return stored data with ``count`` finished 20-minute sessions, three hours apart, the last ending before T0."""
    first = T0 - timedelta(hours=3 * count)
    return stored(
        {
            "sessions": [
                stored_session(
                    first + timedelta(hours=3 * index),
                    minutes=20,
                    modality="heat" if index % 2 else "ice",
                )
                for index in range(count)
            ],
            "plug_must_be_off": False,
            "phase_anchor": None,
            "phase": "rest",
        }
    )


@asynccontextmanager
async def other_home_assistant(
    storage: dict[str, Any], stop: bool = True
) -> AsyncGenerator[HomeAssistant]:
    """Run a second Home Assistant with the plug and the entry, sharing the storage.

    ``storage`` is what ``hass_storage`` holds for the entry when it starts.
    """
    async with async_test_home_assistant() as other:
        other.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        assert await async_setup_component(other, "input_boolean", PLUG_CONFIG)
        assert await async_setup_component(other, "template", PLUG_CONFIG)
        await other.async_block_till_done()
        yield other
        for entry in other.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                await other.config_entries.async_unload(entry.entry_id)
        await other.async_block_till_done()
        if stop:
            await other.async_stop(force=True)


@pytest.fixture
def step_wall_clock(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> Generator[Callable[[timedelta], Awaitable[None]]]:
    """Return a function that steps the wall clock alone (NTP, a VM resumed).

    ``freezer`` moves the wall clock and the event loop's monotonic clock
    together; the loop's ``time`` is given an offset so that it runs on
    unchanged while the wall clock steps.
    """
    loop = hass.loop
    real_time = loop.time
    offset = 0.0

    def monotonic() -> float:
        return real_time() + offset

    async def step(delta: timedelta) -> None:
        nonlocal offset
        offset -= delta.total_seconds()
        freezer.move_to(dt_util.utcnow() + delta)
        await hass.async_block_till_done()

    loop.time = monotonic  # type: ignore[method-assign]
    yield step
    del loop.time
