"""Sensors: the phase, the days since the injury, the session clock and the pain diary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import Platform, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .activity_entities import async_add_activity_sensors
from .brace_entities import async_setup_brace_entities
from .data import BackRecoveryConfigEntry
from .engine import RecoveryState
from .entity import BackRecoveryEntity
from .exercise_entities import async_setup_exercise_sensors
from .medication_entities import async_add_medicine_sensors
from .texts import Texts, cached_texts, guidance_text
from .therapy import Modality, PainTrend, Phase, round_for_display

PARALLEL_UPDATES = 0


@dataclass(kw_only=True, frozen=True)
class RecoverySensorDescription(SensorEntityDescription):
    """A sensor and how to read it from the recovery."""

    value_fn: Callable[[RecoveryState], StateType | datetime]
    attributes_fn: Callable[[RecoveryState, Texts], dict[str, Any]] | None = None
    every_minute: bool = False


def _phase_attributes(recovery: RecoveryState, texts: Texts) -> dict[str, Any]:
    upcoming = recovery.next_phase_change
    return {
        "phase_started": recovery.phase_started.isoformat(),
        "next_phase": upcoming[0].value if upcoming else None,
        "next_phase_starts": upcoming[1].isoformat() if upcoming else None,
        "guidance": guidance_text(recovery.phase, texts),
    }


def _allowed_attributes(recovery: RecoveryState, texts: Texts) -> dict[str, Any]:
    """Say when the next session is allowed where the state cannot (contract: the state is unknown before the first session).

    ``allowed``: ``now``, ``after_session`` (the running session, then its
    skin rest), ``skin_rest``, ``after_switch_off`` (heat may be on the skin
    until the plug confirms off; the moment is unknown till then) or
    ``heat_hours`` (ice is allowed now, heat only in the heat hours: rule 19);
    ``allowed_at``: that moment (ISO), ``None`` when it is now or unknown.
    ``heat_allowed_at``: when heat may start (ISO): ``allowed_at``, or the
    next start of the heat hours when that is later; ``None`` when heat may
    start now or the moment is unknown. With ``skin_rest`` only,
    ``rest_from_removed_recovery``: whether the rest counts from the last
    session of a removed recovery of this plug or this person (then *Last
    session end* stays unknown or earlier: that session was not this
    recovery's).
    """
    heat_at = recovery.heat_allowed_at
    heat = {"heat_allowed_at": heat_at.isoformat() if heat_at else None}
    if recovery.switch_off_owed:
        return {"allowed": "after_switch_off", "allowed_at": None, **heat}
    if recovery.running is not None:
        after = recovery.next_allowed_after_running
        return {
            "allowed": "after_session",
            "allowed_at": after.isoformat() if after else None,
            **heat,
        }
    if recovery.skin_resting and (allowed := recovery.next_session_allowed) is not None:
        return {
            "allowed": "skin_rest",
            "allowed_at": allowed.isoformat(),
            **heat,
            "rest_from_removed_recovery": recovery.rest_carried,
        }
    if heat_at is not None:
        return {"allowed": "heat_hours", "allowed_at": None, **heat}
    return {"allowed": "now", "allowed_at": None, **heat}


def _session_ends_attributes(recovery: RecoveryState, texts: Texts) -> dict[str, Any]:
    """``modality``: ``ice`` or ``heat``, the running session's; ``None`` when none runs."""
    running = recovery.running
    return {"modality": running.modality.value if running else None}


def _pain_level_attributes(recovery: RecoveryState, texts: Texts) -> dict[str, Any]:
    """``recorded_at``: the moment the latest entry describes (ISO, UTC); ``None`` before one."""
    latest = recovery.pain.latest
    return {"recorded_at": latest.recorded_at.isoformat() if latest else None}


def _pain_average_attributes(recovery: RecoveryState, texts: Texts) -> dict[str, Any]:
    """``previous_average_7d``: the 7 days before, rounded like the state (``None`` when unknown)."""
    return {"previous_average_7d": round_for_display(recovery.pain.previous_average_7d)}


SENSORS: tuple[RecoverySensorDescription, ...] = (
    RecoverySensorDescription(
        key="phase",
        device_class=SensorDeviceClass.ENUM,
        options=[phase.value for phase in Phase],
        value_fn=lambda recovery: recovery.phase.value,
        attributes_fn=_phase_attributes,
    ),
    RecoverySensorDescription(
        key="days_since_injury",
        # A duration in whole days; no state class: a count of days that only
        # grows is no measurement worth long-term statistics.
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        suggested_display_precision=0,
        value_fn=lambda recovery: recovery.days_since_injury,
    ),
    RecoverySensorDescription(
        key="recommended_therapy",
        device_class=SensorDeviceClass.ENUM,
        options=[modality.value for modality in Modality],
        value_fn=lambda recovery: recovery.recommended_therapy.value,
    ),
    RecoverySensorDescription(
        key="last_session_end",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda recovery: recovery.last_session_end,
    ),
    # The end of the latest session of each kind: timestamps that the
    # frontend shows as "12 minutes ago" without a state written each minute
    # (contract "Time since, the Home Assistant way").
    RecoverySensorDescription(
        key="last_heat_session",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda recovery: recovery.last_heat_end,
    ),
    RecoverySensorDescription(
        key="last_ice_session",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda recovery: recovery.last_ice_end,
    ),
    RecoverySensorDescription(
        key="time_since_last_session",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=lambda recovery: recovery.time_since_last_session,
        every_minute=True,
        # A state a minute: kept for automations that read it, but not
        # recorded for a new recovery unless the person enables it (Home
        # Assistant's quality scale, rule entity-disabled-by-default). An
        # entity the person enabled stays enabled: the registry keeps it.
        entity_registry_enabled_default=False,
    ),
    RecoverySensorDescription(
        key="next_session_allowed",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda recovery: (
            None if recovery.switch_off_owed else recovery.next_session_allowed
        ),
        attributes_fn=_allowed_attributes,
    ),
    RecoverySensorDescription(
        key="session_ends",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda recovery: recovery.session_ends,
        attributes_fn=_session_ends_attributes,
    ),
    RecoverySensorDescription(
        key="sessions_today",
        # No state class: the dashboard shows today's count as a tile and the
        # week's sessions from the binary sensors' history; long-term
        # statistics of a count that drops to 0 each midnight were kept for
        # ever and read by nothing (issue 14; README "Database footprint").
        value_fn=lambda recovery: recovery.sessions_today,
    ),
    # The pain diary (contract "Pain diary and review"): measurements, so
    # the statistics graph card shows weeks of them.
    RecoverySensorDescription(
        key="pain_level",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda recovery: (
            latest.level if (latest := recovery.pain.latest) else None
        ),
        attributes_fn=_pain_level_attributes,
    ),
    RecoverySensorDescription(
        key="pain_average_7d",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda recovery: round_for_display(recovery.pain.average_7d),
        attributes_fn=_pain_average_attributes,
    ),
    RecoverySensorDescription(
        key="pain_trend",
        device_class=SensorDeviceClass.ENUM,
        options=[trend.value for trend in PainTrend],
        value_fn=lambda recovery: recovery.pain.trend.value,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one recovery (the brace's while it is prescribed)."""
    async_add_entities(RecoverySensor(entry, description) for description in SENSORS)
    async_setup_brace_entities(hass, entry, Platform.SENSOR, async_add_entities)
    async_setup_exercise_sensors(hass, entry, async_add_entities)
    async_add_medicine_sensors(hass, entry, async_add_entities)
    async_add_activity_sensors(entry, async_add_entities)


class RecoverySensor(BackRecoveryEntity, SensorEntity):
    """A sensor presenting one value of the recovery."""

    _unrecorded_attributes = frozenset(
        {"guidance", "next_phase_starts", "phase_started"}
    )

    entity_description: RecoverySensorDescription

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: RecoverySensorDescription
    ) -> None:
        """Present ``description`` of the entry's engine."""
        super().__init__(entry, description)
        self._every_minute = description.every_minute

    @property
    def native_value(self) -> StateType | datetime:
        """The value the recovery shows now."""
        return self.entity_description.value_fn(self.recovery)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details, where the sensor has any."""
        if self.entity_description.attributes_fn is None:
            return None
        return self.entity_description.attributes_fn(
            self.recovery, cached_texts(self.hass)
        )
