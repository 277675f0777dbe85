"""The base entity: every entity hangs off the entry's device and presents its engine."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN, unique_id
from .data import BackRecoveryConfigEntry
from .engine import RecoveryEngine, RecoveryState


class BackRecoveryEntity(Entity):
    """An entity of one person's recovery."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _every_minute = False
    _follows_recovery = True
    """Whether the entity shows the recovery's state (a button shows only its last press)."""
    _shown: tuple[object, ...] | None = None

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: EntityDescription
    ) -> None:
        """Name the entity after its key, on the entry's device."""
        self.entity_description = description
        self.engine: RecoveryEngine = entry.runtime_data.engine
        self._attr_unique_id = unique_id(entry.entry_id, description.key)
        self._attr_translation_key = description.translation_key or description.key
        self._attr_device_info = DeviceInfo(
            entry_type=DeviceEntryType.SERVICE,
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
        )

    @property
    def recovery(self) -> RecoveryState:
        """The recovery as the engine's latest snapshot shows it (read only)."""
        return self.engine.state

    async def async_added_to_hass(self) -> None:
        """Show every change of the recovery."""
        await super().async_added_to_hass()
        if self._follows_recovery:
            self.async_on_remove(
                self.engine.hub.async_add_listener(
                    self._async_show, every_minute=self._every_minute
                )
            )
        # Home Assistant writes this state once the entity is added.
        self._shown = self._what_is_shown()

    def _what_is_shown(self) -> tuple[object, ...]:
        """Return the entity's availability, state and attributes, as last computed."""
        if not (available := self.available):
            return (available,)
        return (
            available,
            self.state,
            self.state_attributes,
            self.extra_state_attributes,
        )

    @callback
    def _async_show(self) -> None:
        """Write the state only when what the entity shows changed (issue 14).

        What it shows is its availability, its state and its attributes: the
        comparison Home Assistant makes before it records a change, made
        before the state is written, so an unchanged entity costs no write
        (and no ``state_reported`` event). A refused heat start still
        reaches the frontend: the switch's ``last_refusal`` changes with each.
        """
        if (shown := self._what_is_shown()) != self._shown:
            self._shown = shown
            self.async_write_ha_state()
