"""Number: the one-tap pain slider of the pain diary."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity
from .therapy import PAIN_LEVEL_MAX, PAIN_LEVEL_MIN

PARALLEL_UPDATES = 0

PAIN = NumberEntityDescription(
    key="pain",
    native_min_value=PAIN_LEVEL_MIN,
    native_max_value=PAIN_LEVEL_MAX,
    native_step=1,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the pain slider of one recovery."""
    async_add_entities([PainNumber(entry, PAIN)])


class PainNumber(BackRecoveryEntity, NumberEntity):
    """The latest pain level (0 to 10); setting it logs an entry now.

    Contract "Pain diary and review": unknown before the first entry, and
    setting it logs an entry also when the value is unchanged.
    """

    @property
    def native_value(self) -> int | None:
        """The latest entry's level (the entry with the latest ``recorded_at``)."""
        latest = self.recovery.pain.latest
        return latest.level if latest is not None else None

    async def async_set_native_value(self, value: float) -> None:
        """Log ``value`` (a whole level; the slider's step is 1) as felt now."""
        await self.engine.async_log_pain(round(value))
