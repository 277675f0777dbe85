"""The base entity: every entity hangs off the entry's device and presents its engine."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN, unique_id
from .data import BackRecoveryConfigEntry
from .engine import RecoveryEngine
from .view import RecoveryView


class BackRecoveryEntity(Entity):
    """An entity of one person's recovery."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _every_minute = False

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: EntityDescription
    ) -> None:
        """Name the entity after its key, on the entry's device."""
        self.entity_description = description
        self.engine: RecoveryEngine = entry.runtime_data.engine
        self.view: RecoveryView = self.engine.view
        self._attr_unique_id = unique_id(entry.entry_id, description.key)
        self._attr_translation_key = description.translation_key or description.key
        self._attr_device_info = DeviceInfo(
            entry_type=DeviceEntryType.SERVICE,
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
        )

    async def async_added_to_hass(self) -> None:
        """Show every change of the recovery."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.view.async_add_listener(
                self.async_write_ha_state, every_minute=self._every_minute
            )
        )
