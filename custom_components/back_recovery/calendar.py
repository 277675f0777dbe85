"""The recovery calendar: the phases as all-day events, past sessions as timed events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity
from .model import Phase, TherapySession

PARALLEL_UPDATES = 0

RECOVERY = CalendarEntityDescription(key="recovery")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the recovery calendar."""
    async_add_entities([RecoveryCalendar(entry, RECOVERY)])


def _plain(moment: datetime) -> datetime:
    """Return a plain ``datetime`` in local time (not a subclass a test clock may use)."""
    return datetime.fromtimestamp(moment.timestamp(), dt_util.get_default_time_zone())


class RecoveryCalendar(BackRecoveryEntity, CalendarEntity):
    """Phases and sessions of one recovery, answered from memory."""

    def _text(self, key: str, default: str) -> str:
        return self.engine.text(key, default)

    def _phase_days(self) -> list[tuple[Phase, date, date]]:
        """Each phase as (phase, first day, day after the last); recovered lasts a day."""
        return [
            (phase, start, end if end is not None else start + timedelta(days=1))
            for phase, start, end in self.engine.schedule.spans()
        ]

    def _phase_event(self, phase: Phase, start: date, end: date) -> CalendarEvent:
        return CalendarEvent(
            start=start,
            end=end,
            summary=self._text(f"phase_{phase.value}", phase.value),
            description=self._text(f"guidance_{phase.value}", "") or None,
            uid=f"{self.engine.entry.entry_id}_phase_{phase.value}",
        )

    def _session_event(self, session: TherapySession) -> CalendarEvent:
        end = session.ended or session.planned_end
        return CalendarEvent(
            start=_plain(session.started),
            end=_plain(max(end, session.started + timedelta(seconds=1))),
            summary=self._text(
                f"session_{session.modality.value}", session.modality.value
            ),
            description=session.end_reason.value if session.end_reason else None,
            uid=f"{self.engine.entry.entry_id}_session_{session.started.timestamp():.0f}",
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The running session, else today's phase."""
        if (running := self.engine.running) is not None:
            return self._session_event(running)
        today = self.engine.today
        for phase, start, end in self._phase_days():
            if start <= today < end:
                return self._phase_event(phase, start, end)
        return None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Phases and sessions that overlap ``start_date``..``end_date``, from memory."""
        midnight = self.engine.local_midnight
        events = [
            self._phase_event(phase, start, end)
            for phase, start, end in self._phase_days()
            if midnight(start) < end_date and midnight(end) > start_date
        ]
        events.extend(
            self._session_event(session)
            for session in self.engine.log.sessions
            if session.overlaps(start_date, end_date)
        )
        return sorted(events, key=lambda event: event.start_datetime_local)
