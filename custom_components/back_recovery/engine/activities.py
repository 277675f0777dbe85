"""The activities the doctor cleared, as a recorded part of the recovery (contract "Activities and return to activity").

``ActivityClearances`` owns one recovery's ``therapy.ActivityRecord``: it is
stored under ``records["activities"]``, reads the person's own activities
from the options (option ``own_activities``) on every new day and options
update, and carries out the two actions ``back_recovery.record_clearance``
and ``back_recovery.withdraw_clearance``: the rules decide (a refusal is a
translated ``ServiceValidationError``), the change is saved once and shown
(``RecoveryRecords.async_changed``), then the event fires
(``back_recovery_activity_cleared``, ``back_recovery_clearance_withdrawn``),
so an automation it triggers reads the new state. Nothing here clears an
activity by itself: no phase, day or pain reading reaches the record.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import (
    ATTR_ACTIVITY,
    ATTR_ACTIVITY_NAME,
    ATTR_CLEARED_BY,
    ATTR_CLEARED_ON,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_WITHDRAWN_ON,
    CONF_INJURY_DATE,
    DOMAIN,
    RecoveryEvent,
)
from ..options import RecoveryOptions
from ..report import ReportPeriod, ReportRow, SectionData, SectionTable
from ..texts import Texts, activity_text, cached_texts, date_text
from ..therapy import (
    ActivityRecord,
    ActivityRef,
    ActivityRefusal,
    ActivityRefusedError,
    ActivityState,
    ClearanceEntry,
    ClearanceKind,
)

ACTIVITIES_KEY = "activities"
"""The part's key under the stored ``records``."""


class ActivityClearances:
    """One recovery's activities and their clearances: a ``RecordPart`` with its two commands."""

    key = ACTIVITIES_KEY

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        changed: Callable[[], Awaitable[bool]],
    ) -> None:
        """Hold the activities of ``entry``; ``changed`` saves and shows a change once."""
        self._hass = hass
        self._entry = entry
        self._changed = changed
        self.record = ActivityRecord(
            date.fromisoformat(entry.data[CONF_INJURY_DATE]), _own(entry)
        )
        """The rules' record (read only outside this part)."""

    # RecordPart.

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored clearances and withdrawals (``ActivityRecord.restore`` raises if malformed)."""
        self.record.restore(data)

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return self.record.as_dict()

    def new_day(self, today: date) -> None:
        """Read the person's own activities again (the options may have changed)."""
        self.record.own = _own(self._entry)

    # What the entities, voice and diagnostics read.

    def states(self) -> tuple[ActivityState, ...]:
        """Every activity as it stands: the guidance's three, then the person's own."""
        return self.record.states()

    def state_of(self, activity: str, name: str | None = None) -> ActivityState:
        """Return one activity as it stands; raise the translated refusal for an unknown one."""
        return self.record.state_of(self.find(activity, name))

    def find(self, activity: str, name: str | None = None) -> ActivityRef:
        """Return the activity ``activity`` (and ``name`` for ``own_activity``).

        Raises ``ServiceValidationError`` ``unknown_activity`` (placeholders
        ``activity`` and ``activities``, the names to choose from) or
        ``activity_name_required``.
        """
        try:
            return self.record.find(activity, name)
        except ActivityRefusedError as err:
            raise self._refusal(err, activity, name) from err

    def as_diagnostics(self) -> dict[str, Any]:
        """Return counts only: no own activity's name, no one who cleared anything."""
        return self.record.as_diagnostics()

    def report_section(self, period: ReportPeriod) -> SectionData | None:
        """Return the clinician report's section: each activity as it stands, the entries of ``period``.

        A line per activity (cleared by whom on which day, or no clearance
        recorded), a table of the clearances and withdrawals whose day lies
        in the period, and a CSV row each (kind ``clearance`` or
        ``clearance_withdrawn``, at local midnight of its day, ``detail`` the
        activity, ``note`` who cleared it, only with ``include_notes``).
        ``None`` while nothing was ever recorded: the section is left out.
        """
        if not self.record.entries:
            return None
        texts = cached_texts(self._hass)
        today = dt_util.now().date()
        lines = tuple(_report_line(state, texts, today) for state in self.states())
        entries = [
            e for e in self.record.entries if period.first <= e.on <= period.last
        ]
        table = SectionTable(
            columns=(
                "report_activity_date",
                "report_activity",
                "report_activity_entry",
                "report_activity_by",
            ),
            rows=tuple(
                (
                    date_text(e.on, texts, today),
                    activity_text(e.activity.value, e.name, texts),
                    texts.get(f"report_clearance_{e.kind.value}", e.kind.value),
                    e.by or "",
                )
                for e in entries
            ),
        )
        rows = tuple(
            ReportRow(
                kind="clearance"
                if e.kind is ClearanceKind.CLEARED
                else "clearance_withdrawn",
                start=dt_util.start_of_local_day(e.on),
                detail=e.name or e.activity.value,
                note=(e.by or "") if period.include_notes else "",
            )
            for e in entries
        )
        return SectionData(
            key=ACTIVITIES_KEY,
            title="report_activities",
            lines=lines,
            table=table if table.rows else None,
            rows=rows,
        )

    # The actions.

    async def async_record_clearance(
        self, activity: str, name: str | None, cleared_on: date | None, by: str
    ) -> ActivityState:
        """Record that ``by`` cleared the activity on ``cleared_on`` (a local date; default today).

        Saved and shown, then ``back_recovery_activity_cleared`` fires.
        Raises ``ServiceValidationError`` (``unknown_activity``,
        ``activity_name_required``, ``cleared_on_in_future``,
        ``cleared_before_injury``, ``cleared_by_required``) and records
        nothing then.
        """
        ref = self.find(activity, name)
        today = dt_util.now().date()
        try:
            entry = self.record.clear(
                ref, cleared_on or today, by, today=today, now=dt_util.utcnow()
            )
        except ActivityRefusedError as err:
            raise self._refusal(err, activity, name) from err
        await self._changed()
        self._fire(
            RecoveryEvent.ACTIVITY_CLEARED,
            entry,
            {ATTR_CLEARED_ON: entry.on.isoformat(), ATTR_CLEARED_BY: entry.by},
        )
        return self.record.state_of(ref)

    async def async_withdraw_clearance(
        self, activity: str, name: str | None
    ) -> ActivityState:
        """Put the activity back to ``avoid`` as of today; nothing to withdraw changes nothing.

        Saved and shown, then ``back_recovery_clearance_withdrawn`` fires.
        Raises ``ServiceValidationError`` for an unknown activity.
        """
        ref = self.find(activity, name)
        entry = self.record.withdraw(
            ref, today=dt_util.now().date(), now=dt_util.utcnow()
        )
        if entry is not None:
            await self._changed()
            self._fire(
                RecoveryEvent.CLEARANCE_WITHDRAWN,
                entry,
                {ATTR_WITHDRAWN_ON: entry.on.isoformat()},
            )
        return self.record.state_of(ref)

    def _fire(
        self, event: RecoveryEvent, entry: ClearanceEntry, data: dict[str, Any]
    ) -> None:
        self._hass.bus.async_fire(
            event,
            {
                ATTR_CONFIG_ENTRY_ID: self._entry.entry_id,
                ATTR_ACTIVITY: entry.activity.value,
                ATTR_ACTIVITY_NAME: entry.name,
                **data,
            },
        )

    def _refusal(
        self, err: ActivityRefusedError, activity: str, name: str | None
    ) -> ServiceValidationError:
        """Return the rules' refusal as the actions' translated error."""
        placeholders: dict[str, str] | None = None
        if err.reason is ActivityRefusal.UNKNOWN_ACTIVITY:
            placeholders = {
                ATTR_ACTIVITY: name or activity,
                "activities": ", ".join(
                    ref.name or ref.activity.value for ref in self.record.activities()
                ),
            }
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.reason.value,
            translation_placeholders=placeholders,
        )


def _report_line(state: ActivityState, texts: Texts, today: date) -> str:
    """Say one activity as it stands in the report: cleared by whom on which day, or not."""
    said = activity_text(state.ref.activity.value, state.ref.name, texts)
    activity = said[:1].upper() + said[1:]
    if (clearance := state.clearance) is None:
        return texts.get("report_activity_avoid", "{activity}").format(
            activity=activity
        )
    return texts.get("report_activity_cleared", "{activity}").format(
        activity=activity, by=clearance.by, date=date_text(clearance.on, texts, today)
    )


def _own(entry: ConfigEntry) -> tuple[str, ...]:
    """Return the names of the person's own activities in ``entry``'s options."""
    return RecoveryOptions.from_entry(entry).own_activities
