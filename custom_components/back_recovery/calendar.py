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
from .model import TherapySession

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

    def _phase_events(self) -> list[CalendarEvent]:
        events = []
        for phase, start, end in self.engine.schedule.spans():
            last: date = end if end is not None else start + timedelta(days=1)
            events.append(
                CalendarEvent(
                    start=start,
                    end=last,
                    summary=self._text(f"phase_{phase.value}", phase.value),
                    uid=f"{self.engine.entry.entry_id}_phase_{phase.value}",
                )
            )
        return events

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
        for event in self._phase_events():
            if event.start <= today < event.end:
                return event
        return None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Phases and sessions that overlap ``start_date``..``end_date``."""
        start_day = dt_util.as_local(start_date).date()
        end_day = dt_util.as_local(end_date).date()
        events = [
            event
            for event in self._phase_events()
            if event.start <= end_day and event.end > start_day
        ]
        events.extend(
            self._session_event(session)
            for session in self.engine.log.sessions
            if session.overlaps(start_date, end_date)
        )
        return events
