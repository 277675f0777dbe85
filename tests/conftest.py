"""Fixtures for Back Recovery tests."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

# Import the integration before the ``hass`` fixture: the repository's
# custom_components must win over the harness's own test package.
from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

PLUG = "switch.heating_pad_plug"
SECOND_PLUG = "switch.second_plug"
PLUG_POWER = "input_boolean.heating_pad_power"
PLUG_ONLINE = "input_boolean.heating_pad_online"
ENTRY_ID = "01KRECOVERY000000000000001"
NOW = "2026-11-25 09:00:00+00:00"

PLUG_CONFIG: dict[str, Any] = {
    "input_boolean": {
        "heating_pad_power": {"name": "Heating pad power"},
        "heating_pad_online": {"name": "Heating pad online", "initial": True},
    },
    "template": [
        {
            "switch": [
                {
                    "name": "Heating pad plug",
                    "unique_id": "heating_pad_plug",
                    "state": "{{ is_state('input_boolean.heating_pad_power', 'on') }}",
                    "availability": "{{ is_state('input_boolean.heating_pad_online', 'on') }}",
                    "turn_on": {
                        "action": "input_boolean.turn_on",
                        "target": {"entity_id": PLUG_POWER},
                    },
                    "turn_off": {
                        "action": "input_boolean.turn_off",
                        "target": {"entity_id": PLUG_POWER},
                    },
                }
            ]
        }
    ],
}


@pytest.fixture(autouse=True)
def frozen_clock(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Freeze time before ``hass`` exists, so it tears down in frozen time too."""
    freezer.move_to(NOW)
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
