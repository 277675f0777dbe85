"""Pain medication, the engine's part (contract "Pain medication"): records doses, warns, shows.

The medicines are the recovery's ``medication`` subentries, read again on
every update of the entry (``new_day``); the doses are stored under
``records["medication"]``. ``async_log_dose`` records every dose (never
refused), saves once and shows the new state through the engine
(``RecoveryRecords.async_changed``), then fires ``back_recovery_dose_logged``
and, for each warning, ``back_recovery_medication_warning``, and sends the
medicine's optional notification (``notify_warnings``) to the recovery's
notify targets (not spoken: a satellite may be in a shared room).

What the sensors show changes by time alone when a wait ends or a dose
leaves the rolling 24 hours: one timer (``homeassistant.helpers.event``) at
the earliest such moment of all medicines shows the new state then; no
polling. Texts say "allowed by the limits you entered" and name no dose or
drug of Back Recovery's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DOSES_24H,
    ATTR_MEDICATION,
    ATTR_MOST_DOSES_24H,
    ATTR_NEXT_DOSE_ALLOWED,
    ATTR_REASON,
    ATTR_TAKEN_AT,
    CONF_KIND,
    CONF_LIMITS_FROM,
    CONF_MAX_DOSES_PER_24H,
    CONF_MIN_HOURS_BETWEEN,
    CONF_NOTIFY_WARNINGS,
    CONF_SUPPLY,
    CONF_SUPPLY_COUNTED_AT,
    DOMAIN,
    SUBENTRY_MEDICATION,
    RecoveryEvent,
)
from ..options import RecoveryOptions
from ..report import ReportPeriod, SectionData, medication_section
from ..texts import async_load_texts, cached_texts, dose_message
from ..therapy import (
    DoseOutcome,
    LimitsFrom,
    MedicationLog,
    Medicine,
    MedicineKind,
    MedicineStatus,
    same_name,
)

if TYPE_CHECKING:
    from .records import RecoveryRecords
    from .state import StateHub

_LOGGER = logging.getLogger(__name__)

MEDICATION_KEY: Final = "medication"
"""The part's key under the stored ``records``."""
SEND_TIMEOUT: Final = 10
"""Seconds one notify target may take."""


def medicine_of(subentry: ConfigSubentry) -> Medicine:
    """Return the medicine a subentry describes; raise ``KeyError``/``ValueError`` if malformed."""
    data = subentry.data
    counted = data.get(CONF_SUPPLY_COUNTED_AT)
    return Medicine(
        id=subentry.subentry_id,
        name=subentry.title,
        kind=MedicineKind(data[CONF_KIND]),
        min_hours_between=int(data[CONF_MIN_HOURS_BETWEEN]),
        max_doses_per_24h=int(data[CONF_MAX_DOSES_PER_24H]),
        limits_from=LimitsFrom(data[CONF_LIMITS_FROM]),
        supply=None if data.get(CONF_SUPPLY) is None else int(data[CONF_SUPPLY]),
        supply_counted_at=None if counted is None else datetime.fromisoformat(counted),
    )


def medicine_device_id(
    hass: HomeAssistant, entry_id: str, subentry_id: str
) -> str | None:
    """Return the device registry id of a medicine's own device (``None`` before it exists)."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, subentry_id), entry_id
    )
    return device.id if device else None


@dataclass(frozen=True, slots=True)
class LoggedDose:
    """A recorded dose as the action returns it: what it means and the medicine after it."""

    outcome: DoseOutcome

    def as_response(self) -> dict[str, Any]:
        """Return the action's response data (moments ISO, UTC)."""
        outcome = self.outcome
        status = outcome.status
        supply = status.supply
        return {
            ATTR_MEDICATION: status.medicine.name,
            ATTR_TAKEN_AT: outcome.dose.taken_at.isoformat(),
            "warnings": [warning.value for warning in outcome.warnings],
            "within_limits": outcome.within_limits,
            ATTR_NEXT_DOSE_ALLOWED: _iso(status.next_dose_allowed),
            ATTR_DOSES_24H: status.doses_24h,
            **_counts(outcome),
            "supply_left": supply.left if supply else None,
            "supply_low": supply.low if supply else None,
        }


class MedicationRecord:
    """The medicines of one recovery, their doses, and what the entities show of them."""

    key = MEDICATION_KEY

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        changed: Callable[[], Awaitable[bool]],
        show: Callable[[], None],
    ) -> None:
        """Record for ``entry``; ``changed`` saves and shows, ``show`` shows only."""
        self._hass = hass
        self._entry = entry
        self._changed = changed
        self._show = show
        self.log = MedicationLog()
        self._statuses: dict[str, MedicineStatus] = {}
        self._timer: CALLBACK_TYPE | None = None

    # RecordPart.

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored doses (see ``MedicationLog.restore`` for what raises)."""
        self.log.restore(data)
        self._refresh()

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form: the doses; nothing before the first (absent until added)."""
        return self.log.as_dict() if self.log.doses else {}

    def new_day(self, today: date) -> None:
        """Read the medicines again (a subentry added, changed or removed) and refresh."""
        medicines: list[Medicine] = []
        for subentry in self._entry.subentries.values():
            if subentry.subentry_type != SUBENTRY_MEDICATION:
                continue
            try:
                medicines.append(medicine_of(subentry))
            except (KeyError, TypeError, ValueError) as err:
                _LOGGER.error(
                    "The medicine %s of %s cannot be read (%s); it is left out",
                    subentry.subentry_id,
                    self._entry.title,
                    err,
                )
        self.log.set_medicines(medicines)
        self._refresh()

    # What is shown.

    def status(self, medicine_id: str) -> MedicineStatus | None:
        """Return a medicine's status as last shown; ``None`` for an unknown one."""
        return self._statuses.get(medicine_id)

    @property
    def statuses(self) -> Mapping[str, MedicineStatus]:
        """Every configured medicine's status as last shown, by subentry id."""
        return self._statuses

    def supply_left(self, medicine_id: str) -> int | None:
        """Return the doses left of a medicine now; ``None`` without an entered supply."""
        medicine = self.log.medicines.get(medicine_id)
        if medicine is None:
            return None
        supply = self.log.status(medicine_id, dt_util.utcnow()).supply
        return supply.left if supply else None

    def find(self, medication: str) -> str | None:
        """Return the id of the medicine named or identified by ``medication`` (case and spaces aside)."""
        if medication in self.log.medicines:
            return medication
        for medicine in self.log.medicines.values():
            if same_name(medicine.name, medication):
                return medicine.id
        return None

    def report_section(self, period: ReportPeriod) -> SectionData | None:
        """Return the clinician report's medication section (``report/medication.py``)."""
        return medication_section(self.log, period, cached_texts(self._hass))

    def as_diagnostics(self) -> dict[str, Any]:
        """Return counts only: no medicine's name (health data)."""
        kinds: dict[str, int] = {}
        for medicine in self.log.medicines.values():
            kinds[medicine.kind.value] = kinds.get(medicine.kind.value, 0) + 1
        return {
            "medicines": len(self.log.medicines),
            "kinds": kinds,
            "doses_stored": len(self.log.doses),
            "doses_24h": sum(status.doses_24h for status in self._statuses.values()),
            "timer_set": self._timer is not None,
        }

    # Recording.

    async def async_log_dose(
        self, medicine_id: str, taken_at: datetime | None = None
    ) -> LoggedDose:
        """Record a dose (default: taken now), save, show, fire and notify.

        Never refused for the limits. Raises ``KeyError`` for an unknown
        medicine and ``ValueError`` for a moment in the future (the action
        checks both first and says them as translated errors).
        """
        now = dt_util.utcnow()
        outcome = self.log.record(medicine_id, taken_at or now, now)
        self._refresh()
        await self._changed()
        self._fire(outcome)
        medicine = outcome.status.medicine
        if self._entry.subentries[medicine_id].data.get(CONF_NOTIFY_WARNINGS) and (
            outcome.warnings or outcome.supply_became_low
        ):
            self._notify(outcome)
        _LOGGER.debug(
            "Dose of medicine %s recorded for %s: %s",
            medicine.id,
            self._entry.entry_id,
            [warning.value for warning in outcome.warnings],
        )
        return LoggedDose(outcome)

    def _fire(self, outcome: DoseOutcome) -> None:
        """Fire ``dose_logged`` and one ``medication_warning`` per reason."""
        status = outcome.status
        data = {
            ATTR_CONFIG_ENTRY_ID: self._entry.entry_id,
            ATTR_DEVICE_ID: medicine_device_id(
                self._hass, self._entry.entry_id, status.medicine.id
            ),
            ATTR_MEDICATION: status.medicine.id,
            "name": status.medicine.name,
            ATTR_TAKEN_AT: outcome.dose.taken_at.isoformat(),
            ATTR_NEXT_DOSE_ALLOWED: _iso(status.next_dose_allowed),
        }
        bus = self._hass.bus
        bus.async_fire(
            RecoveryEvent.DOSE_LOGGED,
            {
                **data,
                "warnings": [warning.value for warning in outcome.warnings],
                ATTR_DOSES_24H: status.doses_24h,
            },
        )
        counts = _counts(outcome)
        for warning in outcome.warnings:
            bus.async_fire(
                RecoveryEvent.MEDICATION_WARNING,
                {**data, ATTR_REASON: warning.value, **counts},
            )

    def _notify(self, outcome: DoseOutcome) -> None:
        """Send the warning to the notify targets in the background; return at once."""
        targets = list(RecoveryOptions.from_entry(self._entry).notify_entities)
        if targets:
            self._entry.async_create_background_task(
                self._hass,
                self._async_notify(outcome, targets),
                f"{DOMAIN} medication warning",
            )

    async def _async_notify(self, outcome: DoseOutcome, targets: list[str]) -> None:
        texts = await async_load_texts(self._hass)
        status = outcome.status
        message = dose_message(texts, outcome)
        await asyncio.gather(
            *(
                self._async_send(target, status.medicine.name, message)
                for target in targets
            )
        )

    async def _async_send(self, target: str, title: str, message: str) -> None:
        """Send to one target; log a failure once and never raise."""
        state = self._hass.states.get(target)
        if state is None or state.state == STATE_UNAVAILABLE:
            _LOGGER.warning("Medication warning to %s not sent: not available", target)
            return
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                await self._hass.services.async_call(
                    "notify",
                    "send_message",
                    {ATTR_ENTITY_ID: target, "title": title, "message": message},
                    blocking=True,
                )
        except (TimeoutError, HomeAssistantError) as err:
            _LOGGER.warning("Medication warning to %s not sent: %r", target, err)

    # Time alone changes what is shown.

    @callback
    def _refresh(self) -> None:
        """Work the statuses out at now and set the one timer for the next change."""
        now = dt_util.utcnow()
        self._statuses = self.log.statuses(now)
        self.async_stop()
        changes = [
            status.next_change
            for status in self._statuses.values()
            if status.next_change is not None
        ]
        if changes:
            self._timer = async_track_point_in_utc_time(
                self._hass, self._time_passed, min(changes)
            )

    @callback
    def _time_passed(self, _now: datetime) -> None:
        self._timer = None
        self._refresh()
        self._show()

    @callback
    def async_stop(self) -> None:
        """Cancel the timer (the entry unloads)."""
        if self._timer is not None:
            self._timer()
            self._timer = None


def attach_medication(
    hass: HomeAssistant, entry: ConfigEntry, records: RecoveryRecords, hub: StateHub
) -> MedicationRecord:
    """Give the recovery's records their medication part; stop its timer when the entry unloads."""
    part = records.add(
        MedicationRecord(hass, entry, records.async_changed, hub.async_notify)
    )
    entry.async_on_unload(part.async_stop)
    return part


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _counts(outcome: DoseOutcome) -> dict[str, int]:
    """Return the most doses in 24 hours that hold the dose, and the entered limit."""
    return {
        ATTR_MOST_DOSES_24H: outcome.most_doses_24h,
        CONF_MAX_DOSES_PER_24H: outcome.status.medicine.max_doses_per_24h,
    }
