"""The to-do list of the rehabilitation programme: today's exercises (contract "Exercises")."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import BackRecoveryConfigEntry
from .exercise_entities import async_setup_exercise_todo

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add ``exercises_today`` with the first exercise."""
    async_setup_exercise_todo(hass, entry, async_add_entities)
