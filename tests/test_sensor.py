"""Tests for the sensors: registry entries, states and the phase's attributes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.const import DOMAIN, unique_id
from custom_components.back_recovery.sensor import SENSORS
from custom_components.back_recovery.therapy.phases import Phase
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .helpers.clock import advance
from .helpers.files import integration_json, translations
from .helpers.ha import (
    ENTRY_ID,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    PHASE,
    SESSION_ENDS,
    TIME_SINCE_LAST_SESSION,
    action,
    entity_state,
)

LAST_HEAT_SESSION = "sensor.back_recovery_last_heat_session"
LAST_ICE_SESSION = "sensor.back_recovery_last_ice_session"

EN = translations()
DE = translations("de")
ICONS = integration_json("icons.json")
ENUM_SENSORS = [
    description
    for description in SENSORS
    if description.device_class is SensorDeviceClass.ENUM
]


@pytest.fixture
def platforms() -> list[Platform]:
    """Set up the sensor platform only."""
    return [Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_all_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_platforms: MockConfigEntry,
) -> None:
    """The sensors' registry entries and states match the snapshot (all enabled, as Home Assistant's snapshot helper asks)."""
    await snapshot_platform(hass, entity_registry, snapshot, init_platforms.entry_id)


@pytest.mark.parametrize("description", ENUM_SENSORS, ids=[d.key for d in ENUM_SENSORS])
def test_enum_states_are_translated_and_have_icons(description: Any) -> None:
    """Every state of an enum sensor has a translation and an icon."""
    options = list(description.options)
    assert options
    translations = EN["entity"]["sensor"][description.key]["state"]
    assert sorted(translations) == sorted(options)
    assert all(translations.values())
    assert sorted(ICONS["entity"]["sensor"][description.key]["state"]) == sorted(
        options
    )


def test_phase_attributes_are_translated() -> None:
    """The phase sensor's attributes have names, and next_phase its states."""
    attributes = EN["entity"]["sensor"]["phase"]["state_attributes"]
    assert sorted(attributes) == [
        "guidance",
        "next_phase",
        "next_phase_starts",
        "phase_started",
    ]
    assert sorted(attributes["next_phase"]["state"]) == sorted(p.value for p in Phase)


def test_every_sensor_has_a_name_and_an_icon() -> None:
    """Each sensor key has a translated name and an icon."""
    for description in SENSORS:
        assert EN["entity"]["sensor"][description.key]["name"]
        assert ICONS["entity"]["sensor"][description.key]["default"].startswith("mdi:")


@pytest.mark.parametrize("phase", list(Phase))
async def test_guidance_for_each_phase(
    hass: HomeAssistant, init_platforms: MockConfigEntry, phase: Phase
) -> None:
    """The phase sensor tells in words what the phase means."""
    await hass.services.async_call(
        DOMAIN,
        "set_phase",
        {"config_entry_id": init_platforms.entry_id, "phase": phase.value},
        blocking=True,
    )
    state = hass.states.get(PHASE)
    assert state is not None
    assert state.state == phase.value
    assert state.attributes["guidance"] == EN["common"][f"guidance_{phase.value}"]


async def test_guidance_follows_a_change_of_language(
    hass: HomeAssistant, init_platforms: MockConfigEntry
) -> None:
    """A new language in Home Assistant's settings reaches the guidance without a restart."""
    await hass.config.async_update(language="de")
    await hass.async_block_till_done()

    state = hass.states.get(PHASE)
    assert state is not None
    assert state.attributes["guidance"] == DE["common"]["guidance_rest"]


@pytest.mark.parametrize(
    ("texts", "said"),
    [
        (EN, ("less than 20 minutes", "at least 2 hours of skin rest")),
        (DE, ("weniger als 20 Minuten", "mindestens 2 Stunden Hautruhe")),
    ],
    ids=["en", "de"],
)
def test_guidance_of_the_rest_phase_names_the_skin_rest(
    texts: dict[str, Any], said: tuple[str, ...]
) -> None:
    """The rest phase's guidance says what the README's table says: 20 minutes, 2 hours of skin rest."""
    rest = texts["common"]["guidance_rest"]
    assert all(words in rest for words in said)


async def test_next_session_allowed_says_when_in_words(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    init_platforms: MockConfigEntry,
) -> None:
    """Where the state is unknown or past, the attributes say now, after this session, or after the skin rest."""

    def allowed() -> tuple[str, Any, Any]:
        state = hass.states.get(NEXT_SESSION_ALLOWED)
        assert state is not None
        return (
            state.state,
            state.attributes["allowed"],
            state.attributes["allowed_at"],
        )

    assert allowed() == ("unknown", "now", None)

    await action(hass, "start_session", modality="ice", minutes=10)
    assert allowed() == ("unknown", "after_session", "2026-11-25T11:10:00+00:00")

    await advance(hass, frozen_clock, timedelta(minutes=10))
    assert allowed() == (
        "2026-11-25T11:10:00+00:00",
        "skin_rest",
        "2026-11-25T11:10:00+00:00",
    )

    await advance(hass, frozen_clock, timedelta(minutes=120))
    assert allowed() == ("2026-11-25T11:10:00+00:00", "now", None)


def test_guidance_follows_the_recovery_guide() -> None:
    """The guidance names what the recovery guide advises in each phase."""
    common = EN["common"]
    rest = common["guidance_rest"].lower()
    assert all(
        word in rest
        for word in ("high-impact", "contact sports", "heavy", "20 minutes")
    )
    rehabilitation = common["guidance_rehabilitation"].lower()
    assert all(
        word in rehabilitation
        for word in (
            "physical therap",
            "back extensors",
            "hamstrings",
            "glutes",
            "core",
            "pain",
        )
    )
    assert "gradual" in common["guidance_return_to_activity"].lower()
    assert common["guidance_recovered"]


async def test_last_heat_and_ice_session_are_the_ends_of_each_kind(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    init_platforms: MockConfigEntry,
) -> None:
    """Each kind's latest end, unknown before its first; last_session_end is the later of the two."""
    for entity_id in (LAST_HEAT_SESSION, LAST_ICE_SESSION, LAST_SESSION_END):
        assert entity_state(hass, entity_id) == "unknown"

    await action(hass, "start_session", modality="ice", minutes=10)
    assert entity_state(hass, LAST_ICE_SESSION) == "unknown"
    await advance(hass, frozen_clock, timedelta(minutes=10))
    assert entity_state(hass, LAST_ICE_SESSION) == "2026-11-25T09:10:00+00:00"
    assert entity_state(hass, LAST_HEAT_SESSION) == "unknown"
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:10:00+00:00"

    await advance(hass, frozen_clock, timedelta(hours=2))
    await action(hass, "start_session", modality="heat", minutes=15)
    await advance(hass, frozen_clock, timedelta(minutes=15))
    assert entity_state(hass, LAST_HEAT_SESSION) == "2026-11-25T11:25:00+00:00"
    assert entity_state(hass, LAST_ICE_SESSION) == "2026-11-25T09:10:00+00:00"
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T11:25:00+00:00"

    # A session logged afterwards (an ice pack at physical therapy) counts too.
    await action(
        hass,
        "log_session",
        modality="ice",
        minutes=10,
        ended_at="2026-11-25T10:30:00+00:00",
    )
    assert entity_state(hass, LAST_ICE_SESSION) == "2026-11-25T10:30:00+00:00"
    assert entity_state(hass, LAST_HEAT_SESSION) == "2026-11-25T11:25:00+00:00"


async def test_timestamps_write_no_state_while_time_passes(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    init_platforms: MockConfigEntry,
) -> None:
    """A new recovery's time-since sensors write nothing while only time passes (one row, not one a minute)."""
    await action(hass, "start_session", modality="ice", minutes=10)
    await advance(hass, frozen_clock, timedelta(minutes=10))
    watched = (LAST_ICE_SESSION, LAST_SESSION_END, TIME_SINCE_LAST_SESSION)
    before = {entity_id: hass.states.get(entity_id) for entity_id in watched}
    await advance(hass, frozen_clock, timedelta(minutes=30))
    for entity_id in watched:
        assert hass.states.get(entity_id) == before[entity_id], entity_id
    assert before[TIME_SINCE_LAST_SESSION] is None


async def test_time_since_last_session_is_disabled_for_a_new_recovery(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_platforms: MockConfigEntry,
) -> None:
    """The minutes sensor is registered but disabled by the integration: no state, no row a minute."""
    entry = entity_registry.async_get(TIME_SINCE_LAST_SESSION)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(TIME_SINCE_LAST_SESSION) is None
    for entity_id in (LAST_HEAT_SESSION, LAST_ICE_SESSION):
        registered = entity_registry.async_get(entity_id)
        assert registered is not None
        assert registered.disabled_by is None


async def test_time_since_last_session_enabled_by_the_person_stays_enabled(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    frozen_clock: FrozenDateTimeFactory,
    init_platforms: MockConfigEntry,
) -> None:
    """Enabled in the registry, the minutes sensor stays enabled across a reload and counts every minute."""
    entity_registry.async_update_entity(TIME_SINCE_LAST_SESSION, disabled_by=None)
    assert await hass.config_entries.async_reload(init_platforms.entry_id)
    await hass.async_block_till_done()

    await action(hass, "start_session", modality="ice", minutes=1)
    await advance(hass, frozen_clock, timedelta(minutes=1))
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "0"
    await advance(hass, frozen_clock, timedelta(minutes=2))
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "2"

    assert await hass.config_entries.async_reload(init_platforms.entry_id)
    await hass.async_block_till_done()
    entry = entity_registry.async_get(TIME_SINCE_LAST_SESSION)
    assert entry is not None
    assert entry.disabled_by is None
    await advance(hass, frozen_clock, timedelta(minutes=1))
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "3"


async def test_time_since_last_session_of_an_existing_recovery_stays_enabled(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    frozen_clock: FrozenDateTimeFactory,
    plug: str,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A recovery whose minutes sensor an earlier version registered enabled keeps it after the update."""
    mock_config_entry.add_to_hass(hass)
    entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        unique_id(ENTRY_ID, "time_since_last_session"),
        config_entry=mock_config_entry,
        suggested_object_id="back_recovery_time_since_last_session",
    )
    with patch("custom_components.back_recovery.PLATFORMS", [Platform.SENSOR]):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        await action(hass, "start_session", modality="ice", minutes=1)
        for _ in range(6):
            await advance(hass, frozen_clock, timedelta(minutes=1))
        assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "5"
        assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
        await hass.async_block_till_done()


# The running session labelled as ice or heat where its end is shown


@pytest.mark.usefixtures("init_integration")
async def test_session_ends_says_ice_or_heat(hass: HomeAssistant) -> None:
    """``session_ends`` carries the running session's modality, translated like a state."""
    assert hass.states.get(SESSION_ENDS).attributes["modality"] is None  # type: ignore[union-attr]
    await action(hass, "start_session", modality="ice", minutes=10)
    assert hass.states.get(SESSION_ENDS).attributes["modality"] == "ice"  # type: ignore[union-attr]
    await action(hass, "stop_session")
    assert hass.states.get(SESSION_ENDS).attributes["modality"] is None  # type: ignore[union-attr]
    for texts, said in (
        (EN, {"ice": "Ice", "heat": "Heat"}),
        (DE, {"ice": "Kälte", "heat": "Wärme"}),
    ):
        modality = texts["entity"]["sensor"]["session_ends"]["state_attributes"][
            "modality"
        ]
        assert modality["state"] == said
