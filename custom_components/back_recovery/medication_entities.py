"""Each medicine's entities, on the medicine's own device (contract "Pain medication").

Sensors ``next_dose_allowed`` (timestamp; unknown when a dose is allowed
now by the limits the person entered), ``doses_24h`` (doses in the rolling
24 hours) and ``supply`` (doses left; unknown without an entered supply), and
the button ``took_dose``. They are added for each ``medication`` subentry, now
and when one is added later (``subentries.async_track_subentries``), with
``config_subentry_id`` so Home Assistant links them to the medicine's device;
a removed medicine's entities and device are removed by Home Assistant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, State, callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .const import DOMAIN, SUBENTRY_MEDICATION, unique_id
from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity
from .subentries import async_track_subentries
from .therapy import MedicineStatus


@dataclass(kw_only=True, frozen=True)
class MedicineSensorDescription(SensorEntityDescription):
    """A medicine's sensor and how to read it from the medicine's status."""

    value_fn: Callable[[MedicineStatus], StateType | datetime]
    attributes_fn: Callable[[MedicineStatus], dict[str, Any]]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _allowed_attributes(status: MedicineStatus) -> dict[str, Any]:
    """Return the limits the person entered, where they come from, and what the wait is for.

    ``waiting_for``: ``too_soon``, ``daily_limit_reached`` or
    ``same_kind_overlap``; ``None`` when a dose is allowed now.
    """
    medicine = status.medicine
    return {
        "waiting_for": status.waiting_for.value if status.waiting_for else None,
        "last_taken": _iso(status.last_taken),
        "min_hours_between": medicine.min_hours_between,
        "max_doses_per_24h": medicine.max_doses_per_24h,
        "limits_from": medicine.limits_from.value,
    }


def _supply_attributes(status: MedicineStatus) -> dict[str, Any]:
    """``low``: one day or less at the entered daily limit; ``None`` without a supply."""
    return {"low": status.supply.low if status.supply else None}


SENSORS: tuple[MedicineSensorDescription, ...] = (
    MedicineSensorDescription(
        key="next_dose_allowed",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda status: status.next_dose_allowed,
        attributes_fn=_allowed_attributes,
    ),
    MedicineSensorDescription(
        key="doses_24h",
        # No state class, as sessions_today: a count read by the dashboard and
        # the report from the record, not from long-term statistics.
        value_fn=lambda status: status.doses_24h,
        attributes_fn=lambda status: {
            "max_doses_per_24h": status.medicine.max_doses_per_24h
        },
    ),
    MedicineSensorDescription(
        key="supply",
        value_fn=lambda status: status.supply.left if status.supply else None,
        attributes_fn=_supply_attributes,
    ),
)

TOOK_DOSE = ButtonEntityDescription(key="took_dose")


class MedicineEntity(BackRecoveryEntity):
    """An entity of one medicine, on the medicine's own device."""

    def __init__(
        self,
        entry: BackRecoveryConfigEntry,
        subentry: ConfigSubentry,
        description: EntityDescription,
    ) -> None:
        """Name the entity after its key, on the device of ``subentry``."""
        super().__init__(entry, description)
        self.medicine_id = subentry.subentry_id
        self._attr_unique_id = unique_id(
            entry.entry_id, f"{subentry.subentry_id}_{description.key}"
        )
        self._attr_device_info = DeviceInfo(
            entry_type=DeviceEntryType.SERVICE,
            identifiers={(DOMAIN, subentry.subentry_id)},
            name=subentry.title,
        )

    @property
    def status(self) -> MedicineStatus | None:
        """The medicine as the engine last showed it; ``None`` if it cannot be read."""
        return self.engine.records.medication.status(self.medicine_id)

    @property
    def available(self) -> bool:
        """Whether the medicine's settings could be read."""
        return self.status is not None


class MedicineSensor(MedicineEntity, SensorEntity):
    """A sensor presenting one value of a medicine."""

    entity_description: MedicineSensorDescription

    @property
    def native_value(self) -> StateType | datetime:
        """The value the medicine shows now."""
        status = self.status
        return None if status is None else self.entity_description.value_fn(status)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The limits the person entered, and details."""
        status = self.status
        return None if status is None else self.entity_description.attributes_fn(status)


class TookDoseButton(MedicineEntity, ButtonEntity):
    """Records a dose taken now; never refused, warnings go as events and the notification."""

    _follows_recovery = False

    async def async_get_last_state(self) -> State | None:
        """Return the last press, not one from before this button existed.

        A medicine removed and added again under its name gets a new button
        with the same entity id; the removed one's press is not this one's.
        """
        state = await super().async_get_last_state()
        created = self.registry_entry.created_at if self.registry_entry else None
        pressed = dt_util.parse_datetime(state.state) if state else None
        if created is not None and pressed is not None and pressed < created:
            return None
        return state

    async def async_press(self) -> None:
        """Record a dose of this medicine, taken now."""
        await self.engine.records.medication.async_log_dose(self.medicine_id)


@callback
def async_add_medicine_sensors(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each medicine's sensors, now and for each medicine added later."""

    @callback
    def add(subentry: ConfigSubentry) -> None:
        async_add_entities(
            [MedicineSensor(entry, subentry, description) for description in SENSORS],
            config_subentry_id=subentry.subentry_id,
        )

    async_track_subentries(hass, entry, SUBENTRY_MEDICATION, add)


@callback
def async_add_medicine_buttons(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each medicine's "Took a dose" button, now and for each medicine added later."""

    @callback
    def add(subentry: ConfigSubentry) -> None:
        async_add_entities(
            [TookDoseButton(entry, subentry, TOOK_DOSE)],
            config_subentry_id=subentry.subentry_id,
        )

    async_track_subentries(hass, entry, SUBENTRY_MEDICATION, add)
