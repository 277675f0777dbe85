"""Binary sensors: session, skin rest, pain review recommended, heating pad to unplug."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import BackRecoveryConfigEntry
from .engine import RecoveryView
from .entity import BackRecoveryEntity
from .plug_problem import HEATING_PAD_PROBLEM, HeatingPadProblemSensor
from .therapy import round_for_display

PARALLEL_UPDATES = 0


@dataclass(kw_only=True, frozen=True)
class RecoveryBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor and how to read it from the recovery."""

    is_on_fn: Callable[[RecoveryView], bool]
    attributes_fn: Callable[[RecoveryView], dict[str, Any]] | None = None


def _review_attributes(view: RecoveryView) -> dict[str, Any]:
    """Why the review is recommended: ``reason`` and the numbers behind it, rounded to 1 decimal.

    ``reason``: ``baseline`` (42 or more days after the injury, the 7-day
    average has not fallen 2 points or 30 % below the baseline),
    ``worsening`` (the trend worsened on each of the last 14 days), or
    ``None`` while off; the baseline clause wins when both hold.
    """
    review = view.pain.review
    reason = None
    if review.by_baseline:
        reason = "baseline"
    elif review.by_worsening:
        reason = "worsening"
    return {
        "reason": reason,
        "baseline": round_for_display(review.baseline),
        "average": round_for_display(review.average),
    }


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
    RecoveryBinarySensorDescription(
        key="review_recommended",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda view: view.pain.review.recommended,
        attributes_fn=_review_attributes,
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

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details, where the binary sensor has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(self.view)
