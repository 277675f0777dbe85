"""The activities' entities: a binary sensor per activity (``…_cleared``) and the count ``activities_cleared``.

Contract "Activities and return to activity". Each binary sensor is on while
a clearance the person recorded is in force (``back_recovery.record_clearance``)
and off ("Avoid") otherwise; no phase turns it on. Attributes: ``cleared_on``
(ISO date) and ``by`` of the clearance in force, or ``withdrawn_on`` after a
withdrawal. The guidance's three are ``high_impact_cleared``,
``contact_sports_cleared`` and ``heavy_lifting_cleared``; each of the
person's own activities (option ``own_activities``) is
``own_activity_<slug of its name>_cleared``, named "<name> cleared". An own
activity added in the options gets its sensor at once; one removed loses it
(its clearances stay stored, and come back with the name). All read the
engine's part ``records.activities`` when the recovery's state changes.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import slugify

from .const import unique_id
from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity
from .therapy import Activity, ActivityRef, ActivityState

OWN_PREFIX = f"{Activity.OWN_ACTIVITY.value}_"
CLEARED_SUFFIX = "_cleared"


def cleared_key(ref: ActivityRef) -> str:
    """Return the key of an activity's binary sensor: ``high_impact_cleared``, ``own_activity_cycling_cleared``."""
    if ref.name is None:
        return f"{ref.activity.value}{CLEARED_SUFFIX}"
    return f"{OWN_PREFIX}{slugify(ref.name)}{CLEARED_SUFFIX}"


def clearance_attributes(state: ActivityState) -> dict[str, Any]:
    """Return ``cleared_on`` and ``by`` of the clearance in force, and ``withdrawn_on`` after a withdrawal."""
    clearance = state.clearance
    withdrawal = state.withdrawal
    return {
        "cleared_on": clearance.on.isoformat() if clearance else None,
        "by": clearance.by if clearance else None,
        "withdrawn_on": withdrawal.on.isoformat() if withdrawal else None,
    }


@callback
def async_add_activity_binary_sensors(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a binary sensor per activity now, and for each own activity named later.

    An own activity no longer in the options loses its entity (also one
    removed while Home Assistant was stopped).
    """
    engine = entry.runtime_data.engine
    registry = er.async_get(hass)
    known: set[str] = set()
    own_prefix = unique_id(entry.entry_id, OWN_PREFIX)

    @callback
    def follow() -> None:
        wanted = {
            cleared_key(ref): ref
            for ref in engine.records.activities.record.activities()
        }
        new = [key for key in wanted if key not in known]
        known.update(new)
        if new:
            async_add_entities(
                ActivityClearedSensor(entry, wanted[key], key) for key in new
            )
        for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
            key = registered.unique_id.removeprefix(f"{entry.entry_id}_")
            if (
                registered.domain == Platform.BINARY_SENSOR
                and registered.unique_id.startswith(own_prefix)
                and key not in wanted
            ):
                known.discard(key)
                registry.async_remove(registered.entity_id)

    follow()
    entry.async_on_unload(engine.hub.async_add_listener(follow))


class ActivityClearedSensor(BackRecoveryEntity, BinarySensorEntity):
    """On while a recorded clearance of one activity is in force; off: avoid it."""

    def __init__(
        self, entry: BackRecoveryConfigEntry, ref: ActivityRef, key: str
    ) -> None:
        """Show ``ref``; an own activity is named after itself."""
        translation_key = (
            f"{Activity.OWN_ACTIVITY.value}{CLEARED_SUFFIX}" if ref.name else key
        )
        super().__init__(
            entry,
            BinarySensorEntityDescription(key=key, translation_key=translation_key),
        )
        self._ref = ref
        if ref.name is not None:
            self._attr_translation_placeholders = {"name": ref.name}

    @property
    def _state(self) -> ActivityState:
        return self.engine.records.activities.record.state_of(self._ref)

    @property
    def is_on(self) -> bool:
        """Whether a clearance is in force."""
        return self._state.cleared

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """``cleared_on``, ``by`` and ``withdrawn_on`` (see ``clearance_attributes``)."""
        return clearance_attributes(self._state)


ACTIVITIES_CLEARED = SensorEntityDescription(key="activities_cleared")


class ActivitiesClearedSensor(BackRecoveryEntity, SensorEntity):
    """How many activities (the guidance's and the person's own) are cleared now."""

    @property
    def native_value(self) -> int:
        """The count of activities with a clearance in force."""
        return self.engine.records.activities.record.cleared_count()

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """``cleared``: the cleared activities, the guidance's by key, the own by name."""
        return {
            "cleared": [
                state.ref.name or state.ref.activity.value
                for state in self.engine.records.activities.states()
                if state.cleared
            ]
        }


@callback
def async_add_activity_sensors(
    entry: BackRecoveryConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the count of cleared activities."""
    async_add_entities([ActivitiesClearedSensor(entry, ACTIVITIES_CLEARED)])
