"""Assist out of the box: the phase and the skin rest are exposed when first created.

Home Assistant exposes switches to Assist by default, but not an enum sensor
or a binary sensor without a device class, so "what is the recovery phase"
would answer "not exposed". Back Recovery suggests exposing those two once,
when their entities are created, and never overrides what the user chose.
"""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES
from homeassistant.components.homeassistant.exposed_entities import (
    async_expose_entity,
    async_get_assistant_settings,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ..helpers.assist import ask, setup_assist
from ..helpers.ha import (
    DAYS_SINCE_INJURY,
    HEATING_PAD,
    NEXT_SESSION_ALLOWED,
    PHASE,
    SESSION_ACTIVE,
    SKIN_REST,
)

NOT_SUGGESTED = (DAYS_SINCE_INJURY, NEXT_SESSION_ALLOWED, SESSION_ACTIVE)
ASSISTANT = "conversation"


def exposed(hass: HomeAssistant) -> set[str]:
    """Return the entities whose Assist setting says exposed."""
    return {
        entity_id
        for entity_id, settings in async_get_assistant_settings(hass, ASSISTANT).items()
        if settings.get("should_expose")
    }


@pytest.fixture
async def assist_first(hass: HomeAssistant) -> None:
    """Set up Assist before the recovery, as Home Assistant itself starts."""
    await setup_assist(hass)


@pytest.mark.usefixtures("assist_first", "init_integration")
async def test_phase_and_skin_rest_are_exposed_on_creation(
    hass: HomeAssistant,
) -> None:
    """A new recovery's phase and skin rest are exposed; other sensors keep the default."""
    assert {PHASE, SKIN_REST} <= exposed(hass)
    assert not exposed(hass) & set(NOT_SUGGESTED)


@pytest.mark.usefixtures("assist_first", "init_integration")
async def test_questions_answered_without_exposing_by_hand(
    hass: HomeAssistant,
) -> None:
    """Asking for the recovery phase or the skin rest works out of the box."""
    phase = await ask(hass, "what is the recovery phase")
    assert phase["response_type"] == "query_answer"
    assert phase["speech"]["plain"]["speech"] == "Recovery phase is rest"
    skin = await ask(hass, "is the skin rest on")
    assert skin["response_type"] == "query_answer"
    assert skin["speech"]["plain"]["speech"] == "No, off"


@pytest.mark.usefixtures("assist_first")
async def test_exposure_the_user_removed_stays_removed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The suggestion is made once: a reload keeps the user's "not exposed"."""
    async_expose_entity(hass, ASSISTANT, PHASE, False)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert PHASE not in exposed(hass)
    assert SKIN_REST in exposed(hass)


@pytest.mark.usefixtures("assist_first")
async def test_recreated_entity_keeps_the_users_choice(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """An entity created again with the user's stored choice is not exposed anew."""
    async_expose_entity(hass, ASSISTANT, SKIN_REST, False)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    entity_registry.async_remove(SKIN_REST)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    registry_entry = entity_registry.async_get(SKIN_REST)
    assert registry_entry is not None
    assert registry_entry.options[ASSISTANT]["should_expose"] is False
    assert SKIN_REST not in exposed(hass)


@pytest.mark.usefixtures("assist_first")
async def test_nothing_exposed_when_the_user_turned_new_entities_off(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> None:
    """With "expose new entities" turned off by the user, nothing is exposed."""
    hass.data[DATA_EXPOSED_ENTITIES].async_set_expose_new_entities(ASSISTANT, False)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert not exposed(hass) & {PHASE, SKIN_REST}


@pytest.mark.usefixtures("init_integration")
async def test_without_assist_nothing_is_exposed(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Without Home Assistant's expose settings the recovery sets up unchanged."""
    registry_entry = entity_registry.async_get(PHASE)
    assert registry_entry is not None
    assert ASSISTANT not in registry_entry.options
    assert hass.states.get(HEATING_PAD) is not None
