"""Tests for the voice aliases: each entity's own name as an alias, suggested once."""

from __future__ import annotations

from typing import Any

from custom_components.back_recovery.const import DOMAIN
from custom_components.back_recovery.voice.aliases import async_add_short_alias
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ..helpers.ha import HEATING_PAD, PHASE, SKIN_REST, add_second_recovery


async def test_entities_get_their_own_name_as_alias(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, init_integration: Any
) -> None:
    """Each entity keeps its full name and gets its own name as an alias."""
    for entity_id, alias in (
        (HEATING_PAD, "Heating pad"),
        (PHASE, "Recovery phase"),
        (SKIN_REST, "Skin rest"),
    ):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.aliases == [er.COMPUTED_NAME, alias]


async def test_aliases_the_user_changed_are_kept(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, init_integration: Any
) -> None:
    """The alias is only suggested once: a reload keeps the user's choice."""
    entity_registry.async_update_entity(HEATING_PAD, aliases=["Warm pad"])
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    entry = entity_registry.async_get(HEATING_PAD)
    assert entry is not None
    assert entry.aliases == ["Warm pad"]


async def test_second_recovery_keeps_full_names(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, init_integration: Any
) -> None:
    """A second person's entities get no alias that would be ambiguous."""
    await add_second_recovery(hass, injury_date="2026-11-01")
    entry = entity_registry.async_get("sensor.anna_recovery_phase")
    assert entry is not None
    assert entry.aliases == [er.COMPUTED_NAME]


async def test_no_short_alias_for_an_entity_the_user_named(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """An entity whose aliases the user set keeps them; no short alias is added."""
    created = entity_registry.async_get_or_create(
        "switch",
        DOMAIN,
        "named",
        original_name="Heating pad",
        has_entity_name=True,
    )
    entity_registry.async_update_entity(created.entity_id, aliases=["Warm pad"])
    named = entity_registry.async_get(created.entity_id)
    assert named is not None

    async_add_short_alias(entity_registry, named)

    entry = entity_registry.async_get(created.entity_id)
    assert entry is not None
    assert entry.aliases == ["Warm pad"]
