"""The brace's entities: hours worn today, the week's adherence, and the switch the person sets.

Contract "Brace". They exist only while ``brace_hours_per_day`` is above 0,
and the ``brace_worn`` switch only while no ``brace_sensor`` is set. Options
never reload the entry (a reload would end a heat session), so the sensor
and switch platforms call ``async_setup_brace_entities``: it adds them when
the brace is prescribed (at setup or on an options update) and removes them
from the entity registry when it is not any more; set again, they come back
with the same entity ids. What they show is the engine's brace part
(``engine.BraceRecord``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import PERCENTAGE, Platform, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .const import BRACE_ADHERENCE_7D, BRACE_HOURS_TODAY, BRACE_WORN, DOMAIN, unique_id
from .data import BackRecoveryConfigEntry
from .engine import BraceRecord
from .entity import BackRecoveryEntity


@dataclass(kw_only=True, frozen=True)
class BraceSensorDescription(SensorEntityDescription):
    """A brace sensor and how to read it from the brace."""

    value_fn: Callable[[BraceRecord], StateType]
    every_minute: bool = False
    """Looked at again each minute while the brace is worn."""


BRACE_SENSORS: tuple[BraceSensorDescription, ...] = (
    BraceSensorDescription(
        key=BRACE_HOURS_TODAY,
        # Hours since local midnight: it grows during the day and starts at 0
        # at midnight, which total_increasing reads as a new cycle.
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda brace: brace.hours_today(),
        every_minute=True,
    ),
    BraceSensorDescription(
        key=BRACE_ADHERENCE_7D,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda brace: brace.adherence_7d(),
    ),
)
BRACE_WORN_SWITCH = SwitchEntityDescription(key=BRACE_WORN)


@callback
def async_setup_brace_entities(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    platform: Platform,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the brace's entities of ``platform`` while they are wanted, remove them when not.

    ``platform``: ``sensor`` (hours today and the adherence, while a brace
    is prescribed) or ``switch`` (``brace_worn``, while it is and has no
    sensor).
    """
    brace = entry.runtime_data.engine.records.brace
    if brace is None:
        return
    if platform is Platform.SWITCH:
        keys: tuple[str, ...] = (BRACE_WORN,)
    else:
        keys = tuple(description.key for description in BRACE_SENSORS)
    present = False

    def wanted() -> bool:
        return brace.uses_switch if platform is Platform.SWITCH else brace.configured

    def entities() -> list[Entity]:
        if platform is Platform.SWITCH:
            return [BraceWornSwitch(entry, BRACE_WORN_SWITCH, brace)]
        return [BraceSensor(entry, description, brace) for description in BRACE_SENSORS]

    @callback
    def _check() -> None:
        nonlocal present
        if wanted():
            if not present:
                present = True
                async_add_entities(entities())
            return
        present = False
        registry = er.async_get(hass)
        for key in keys:
            if entity_id := registry.async_get_entity_id(
                platform, DOMAIN, unique_id(entry.entry_id, key)
            ):
                registry.async_remove(entity_id)

    _check()
    entry.async_on_unload(brace.async_add_config_listener(_check))


class BraceSensor(BackRecoveryEntity, SensorEntity):
    """Hours worn today, or the week's adherence."""

    entity_description: BraceSensorDescription

    def __init__(
        self,
        entry: BackRecoveryConfigEntry,
        description: BraceSensorDescription,
        brace: BraceRecord,
    ) -> None:
        """Present ``description`` of the entry's brace."""
        super().__init__(entry, description)
        self._brace = brace

    async def async_added_to_hass(self) -> None:
        """Show every change of the recovery, and each minute while worn if it counts by the minute."""
        await super().async_added_to_hass()
        if self.entity_description.every_minute:
            self.async_on_remove(
                self._brace.async_add_minute_listener(self._async_show)
            )

    @property
    def native_value(self) -> StateType:
        """The hours or the percentage now."""
        return self.entity_description.value_fn(self._brace)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Hours today: ``worn_since`` (ISO; the start of the wear in progress) and ``hours_per_day``."""
        if self.entity_description.key != BRACE_HOURS_TODAY:
            return {"hours_per_day": self._brace.hours_per_day}
        since = self._brace.worn_since
        return {
            "worn_since": since.isoformat() if since else None,
            "hours_per_day": self._brace.hours_per_day,
        }


class BraceWornSwitch(BackRecoveryEntity, SwitchEntity):
    """On while the person says the brace is worn (no sensor says it)."""

    def __init__(
        self,
        entry: BackRecoveryConfigEntry,
        description: SwitchEntityDescription,
        brace: BraceRecord,
    ) -> None:
        """Set the entry's brace worn or not."""
        super().__init__(entry, description)
        self._brace = brace

    @property
    def is_on(self) -> bool:
        """Whether the brace is worn."""
        return self._brace.worn

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Put the brace on: a wear starts now."""
        await self._brace.async_set_worn(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Take the brace off: the wear ends now."""
        await self._brace.async_set_worn(False)
