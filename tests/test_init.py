"""Tests for the entry lifecycle: setup, unload, reload, removal, and following a renamed plug."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.engine.core import RecoveryEngine
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)

from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    MISSING_ISSUE,
    PHASE,
    PLUG,
    SECOND_ENTRY_ID,
    SESSION_ACTIVE,
    SKIN_REST,
    action,
    entity_state,
    hider_of,
)
from .helpers.plug import PLUG_POWER, SECOND_PLUG, set_input_boolean
from .helpers.storage import STORAGE_KEY


def _entry_state(entry: MockConfigEntry) -> ConfigEntryState:
    """Return the entry's state (read afresh after awaiting)."""
    return entry.state


@pytest.fixture
def second_entry(second_plug: str) -> MockConfigEntry:
    """Return a second person's entry, with the second plug."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        data={
            CONF_NAME: "Sam",
            CONF_INJURY_DATE: "2026-10-01",
            CONF_HEATING_PAD: second_plug,
        },
        options=dict(DEFAULT_OPTIONS),
        entry_id=SECOND_ENTRY_ID,
    )


async def test_setup_entry(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test an entry loads with one device named after it, every entity on it."""
    assert init_integration.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert [device.name for device in devices] == ["Back recovery"]
    entities = er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
    assert entities
    assert {entity.device_id for entity in entities} == {devices[0].id}
    assert all(entity.unique_id.startswith(f"{ENTRY_ID}_") for entity in entities)
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert not ir.async_get(hass).issues


async def test_setup_entry_without_plug(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entry_data: dict[str, Any],
    entity_registry: er.EntityRegistry,
) -> None:
    """Test an entry without a heating pad loads without the switch and without issues."""
    entry_data.pop(CONF_HEATING_PAD)
    mock_config_entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert mock_config_entry.runtime_data.engine.plug_entity_id is None
    assert entity_registry.async_get(HEATING_PAD) is None
    assert hass.states.get(PHASE) is not None
    assert not ir.async_get(hass).issues


async def test_unload_and_reload_leave_nothing_behind(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test unloading removes every listener and timer, and a reload brings the same entities back."""
    entities = sorted(
        entity.entity_id
        for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
    )
    engine = init_integration.runtime_data.engine
    await action(hass, "log_session", modality="ice", minutes=15)
    assert engine.state.as_diagnostics()["timers"]
    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    listeners = hass.bus.async_listeners()

    assert hass.config_entries.async_get_entry(ENTRY_ID) is init_integration
    assert _entry_state(init_integration) is ConfigEntryState.NOT_LOADED
    assert engine.state.as_diagnostics()["timers"] == []
    assert engine.state.as_diagnostics()["minute_tick"] is False
    for entity_id in entities:
        state = hass.states.get(entity_id)
        assert state is None or state.state == "unavailable"

    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.engine is not engine
    assert (
        sorted(
            entity.entity_id
            for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        )
        == entities
    )
    # Every enabled entity is back (time_since_last_session is disabled by default).
    enabled = [
        entity_id
        for entity_id in entities
        if (registered := entity_registry.async_get(entity_id)) is not None
        and registered.disabled_by is None
    ]
    assert len(enabled) == len(entities) - 1
    assert all(hass.states.get(entity_id) for entity_id in enabled)

    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    assert hass.bus.async_listeners() == listeners


async def test_failed_platform_setup_leaves_no_engine_behind(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> None:
    """Test a setup that fails after the engine loaded stops the engine again."""
    mock_config_entry.add_to_hass(hass)
    with (
        patch.object(
            hass.config_entries,
            "async_forward_entry_setups",
            side_effect=RuntimeError("platforms failed"),
        ),
        patch.object(
            RecoveryEngine,
            "async_unload",
            autospec=True,
            side_effect=RecoveryEngine.async_unload,
        ) as unload,
    ):
        assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    engine = mock_config_entry.runtime_data.engine

    assert _entry_state(mock_config_entry) is ConfigEntryState.SETUP_ERROR
    unload.assert_awaited_once_with(engine)
    assert engine.state.as_diagnostics()["timers"] == []
    # The plug switched on now is no longer governed by a half-set-up entry.
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert engine.state.running is None


async def test_unload_unloads_the_engine_once_before_the_platforms(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> None:
    """Test an unload unloads the engine once, and before the platforms (rule 9)."""
    order: list[str] = []
    unload_engine = RecoveryEngine.async_unload
    unload_platforms = hass.config_entries.async_unload_platforms

    async def spy_engine(engine: RecoveryEngine) -> None:
        order.append("engine")
        await unload_engine(engine)

    async def spy_platforms(entry: Any, platforms: Any) -> bool:
        order.append("platforms")
        return await unload_platforms(entry, platforms)

    mock_config_entry.add_to_hass(hass)
    with (
        patch.object(
            RecoveryEngine, "async_unload", autospec=True, side_effect=spy_engine
        ),
        patch.object(
            hass.config_entries, "async_unload_platforms", side_effect=spy_platforms
        ),
    ):
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
        assert await hass.config_entries.async_unload(ENTRY_ID)
        await hass.async_block_till_done()

    assert order == ["engine", "platforms"]
    assert _entry_state(mock_config_entry) is ConfigEntryState.NOT_LOADED


async def test_reload_keeps_the_history(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test a reload restores the logged sessions from storage."""
    await action(hass, "log_session", modality="ice", minutes=15)
    last_end = init_integration.runtime_data.engine.state.last_session_end

    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()

    assert init_integration.runtime_data.engine.state.last_session_end == last_end
    assert entity_state(hass, SKIN_REST) == STATE_ON


async def test_unload_during_heat_switches_the_plug_off(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test unloading during a heat session switches the plug off (reason unloaded)."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await action(hass, "start_session", modality="heat")
    assert entity_state(hass, PLUG) == STATE_ON

    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()

    assert entity_state(hass, PLUG) == STATE_OFF
    assert [event.data["reason"] for event in ended] == ["unloaded"]


async def test_title_change_reloads_and_renames_the_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Test a new title reloads the entry and the device follows it."""
    engine = init_integration.runtime_data.engine

    hass.config_entries.async_update_entry(init_integration, title="Alex")
    await hass.async_block_till_done()

    assert init_integration.runtime_data.engine is not engine
    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert [device.name for device in devices] == ["Alex"]


async def test_second_entry_works_independently(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    second_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Test a second entry with another plug runs its own sessions and unloads alone."""
    second_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(SECOND_ENTRY_ID)
    await hass.async_block_till_done()
    assert [
        device.name
        for device in dr.async_entries_for_config_entry(
            device_registry, SECOND_ENTRY_ID
        )
    ] == ["Sam"]
    assert entity_state(hass, "sensor.sam_recovery_phase") == "rehabilitation"
    assert entity_state(hass, PHASE) == "rest"

    await action(
        hass, "start_session", config_entry_id=SECOND_ENTRY_ID, modality="heat"
    )

    assert entity_state(hass, SECOND_PLUG) == STATE_ON
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, "binary_sensor.sam_session_active") == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    # The first person can still start a session: the rest gap is per entry.
    await action(hass, "start_session", modality="heat")
    assert entity_state(hass, PLUG) == STATE_ON

    assert await hass.config_entries.async_unload(SECOND_ENTRY_ID)
    await hass.async_block_till_done()

    assert entity_state(hass, SECOND_PLUG) == STATE_OFF
    assert entity_state(hass, PLUG) == STATE_ON
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.engine.state.running is not None


async def test_remove_entry_cleans_up(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test removing an entry deletes its storage and issues and unhides the plug."""
    entity_registry.async_update_entity(
        PLUG, hidden_by=er.RegistryEntryHider.INTEGRATION
    )
    await action(hass, "log_session", modality="ice", minutes=15)
    assert STORAGE_KEY in hass_storage
    entity_registry.async_remove(PLUG)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is not None

    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()

    assert STORAGE_KEY not in hass_storage
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None
    assert er.async_entries_for_config_entry(entity_registry, ENTRY_ID) == []


async def test_remove_entry_unhides_the_plug(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test removing an entry shows the plug again, but leaves a user's own hiding alone."""
    entity_registry.async_update_entity(
        PLUG, hidden_by=er.RegistryEntryHider.INTEGRATION
    )

    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()

    assert hider_of(entity_registry, PLUG) is None


async def test_remove_entry_keeps_a_plug_the_user_hid(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test a plug the user hid stays hidden after the entry is removed."""
    entity_registry.async_update_entity(PLUG, hidden_by=er.RegistryEntryHider.USER)

    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()

    assert hider_of(entity_registry, PLUG) is er.RegistryEntryHider.USER


async def test_remove_entry_without_plug(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    entry_data: dict[str, Any],
) -> None:
    """Test an entry without a heating pad is removed with its storage."""
    entry_data.pop(CONF_HEATING_PAD)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    await action(hass, "log_session", modality="ice", minutes=10)
    assert STORAGE_KEY in hass_storage

    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()

    assert STORAGE_KEY not in hass_storage


async def test_renamed_plug_is_followed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test renaming the plug's entity id updates the entry, which reloads and drives the new id."""
    entity_registry.async_update_entity(
        PLUG, hidden_by=er.RegistryEntryHider.INTEGRATION
    )
    engine = init_integration.runtime_data.engine

    entity_registry.async_update_entity(PLUG, new_entity_id="switch.bedroom_plug")
    await hass.async_block_till_done()

    assert init_integration.data[CONF_HEATING_PAD] == "switch.bedroom_plug"
    assert init_integration.state is ConfigEntryState.LOADED
    new_engine = init_integration.runtime_data.engine
    assert new_engine is not engine
    assert new_engine.plug_entity_id == "switch.bedroom_plug"
    plug_entry = entity_registry.async_get("switch.bedroom_plug")
    assert plug_entry is not None
    assert plug_entry.hidden_by is er.RegistryEntryHider.INTEGRATION
    assert not ir.async_get(hass).issues

    await action(hass, "start_session", modality="heat")

    assert entity_state(hass, "switch.bedroom_plug") == STATE_ON
    assert entity_state(hass, HEATING_PAD) == STATE_ON
