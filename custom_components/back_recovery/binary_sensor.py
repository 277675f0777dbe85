"""Binary sensors: a session runs, the skin rests, the heating pad needs unplugging."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity
from .plug_problem import HEATING_PAD_PROBLEM, HeatingPadProblemSensor
from .view import RecoveryView

PARALLEL_UPDATES = 0


@dataclass(kw_only=True, frozen=True)
class RecoveryBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor and how to read it from the recovery."""

    is_on_fn: Callable[[RecoveryView], bool]


BINARY_SENSORS: tuple[RecoveryBinarySensorDescription, ...] = (
    RecoveryBinarySensorDescription(
        key="session_active",
        device_class=BinarySensorDeviceClass.RUNNING,
        is_on_fn=lambda view: view.running is not None,
    ),
    RecoveryBinarySensorDescription(
        key="skin_rest",
        is_on_fn=lambda view: view.skin_resting,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of one recovery."""
    async_add_entities(
        RecoveryBinarySensor(entry, description) for description in BINARY_SENSORS
    )
    if entry.runtime_data.engine.plug_entity_id is not None:
        async_add_entities([HeatingPadProblemSensor(entry, HEATING_PAD_PROBLEM)])


class RecoveryBinarySensor(BackRecoveryEntity, BinarySensorEntity):
    """A binary sensor presenting one fact of the recovery."""

    entity_description: RecoveryBinarySensorDescription

    @property
    def is_on(self) -> bool:
        """Whether the fact holds now."""
        return self.entity_description.is_on_fn(self.view)
