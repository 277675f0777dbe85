"""Buttons: start an ice session, stop the running session."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import BackRecoveryConfigEntry
from .engine import RecoveryEngine
from .entity import BackRecoveryEntity
from .errors import async_said_to
from .medication_entities import async_add_medicine_buttons
from .therapy import Modality

PARALLEL_UPDATES = 0


@dataclass(kw_only=True, frozen=True)
class RecoveryButtonDescription(ButtonEntityDescription):
    """A button and what pressing it asks of the engine."""

    press_fn: Callable[[RecoveryEngine], Coroutine[Any, Any, None]]


BUTTONS: tuple[RecoveryButtonDescription, ...] = (
    RecoveryButtonDescription(
        key="start_ice_session",
        press_fn=lambda engine: engine.async_start_session(Modality.ICE),
    ),
    RecoveryButtonDescription(
        key="stop_session",
        press_fn=lambda engine: engine.async_stop_session(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of one recovery."""
    async_add_entities(RecoveryButton(entry, description) for description in BUTTONS)
    async_add_medicine_buttons(hass, entry, async_add_entities)


class RecoveryButton(BackRecoveryEntity, ButtonEntity):
    """A button that asks the engine for something."""

    entity_description: RecoveryButtonDescription
    # A button shows only its last press, which Home Assistant writes.
    _follows_recovery = False

    async def async_press(self) -> None:
        """Ask the engine; a refusal reaches the person as a translated error, on their clock."""
        user_id = self._context.user_id if self._context else None
        async with async_said_to(self.hass, user_id):
            await self.entity_description.press_fn(self.engine)
