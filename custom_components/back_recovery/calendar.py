"""The recovery calendar: the phases as all-day events, past sessions as timed events."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from operator import itemgetter

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
from .texts import Texts, cached_texts, guidance_text, phase_text
from .therapy import Phase, TherapySession

PARALLEL_UPDATES = 0

RECOVERY = CalendarEntityDescription(key="recovery")

_MAX_FINISHED_EVENTS = 2000
"""Twice the sessions a history holds: beyond it, most cached events are of trimmed sessions."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the recovery calendar."""
    async_add_entities([RecoveryCalendar(entry, RECOVERY)])


def _local(moment: datetime) -> datetime:
    """Return the instant in local time, as a plain ``datetime``.

    Both ends of an event are built the same way, so they are of the same
    type, as ``CalendarEvent`` asks.
    """
    return datetime.fromtimestamp(moment.timestamp(), dt_util.get_default_time_zone())


class RecoveryCalendar(BackRecoveryEntity, CalendarEntity):
    """Phases and sessions of one recovery, answered from memory.

    Its events are named in Home Assistant's language, and follow a change of
    it without a restart.
    """

    def __init__(
        self, entry: BackRecoveryConfigEntry, description: CalendarEntityDescription
    ) -> None:
        """Present the entry's phases and sessions; no session event is built yet."""
        super().__init__(entry, description)
        self._finished: dict[float, tuple[TherapySession, CalendarEvent]] = {}
        self._said_in: tuple[Texts, tzinfo] | None = None

    @property
    def suggested_object_id(self) -> str | None:
        """Keep the entity id ``calendar.<device>_recovery`` whatever the calendar is called.

        The calendar was named "Recovery", which read "Back recovery Recovery"
        after the device's name; dashboards and automations know it by the
        entity id that name gave.
        """
        return "Recovery"

    def _phase_days(self) -> list[tuple[Phase, date, date]]:
        """Each phase as (phase, first day, day after the last); recovered lasts a day."""
        return [
            (phase, start, end if end is not None else start + timedelta(days=1))
            for phase, start, end in self.recovery.phase_spans()
        ]

    def _phase_event(self, phase: Phase, start: date, end: date) -> CalendarEvent:
        texts = cached_texts(self.hass)
        return CalendarEvent(
            start=start,
            end=end,
            summary=phase_text(phase, texts),
            description=guidance_text(phase, texts) or None,
            uid=f"{self.engine.entry.entry_id}_phase_{phase.value}",
        )

    def _session_event(self, session: TherapySession) -> CalendarEvent:
        """Return a session as a timed event at its real times (rule 13).

        Home Assistant checks an event's length on the local readings of its
        ends, so across the fall-back hour (01:45 PDT to 01:05 PST) it refuses
        the real end. Such a session keeps its real start and its real length,
        and says its real end (UTC) in the description.
        """
        start = session.started
        end = max(session.ended or session.planned_end, start + timedelta(seconds=1))
        summary = cached_texts(self.hass).get(
            f"session_{session.modality.value}", session.modality.value
        )
        reason = session.end_reason.value if session.end_reason else None
        uid = f"{self.engine.entry.entry_id}_session_{start.timestamp():.0f}"
        local_start, local_end = _local(start), _local(end)
        if local_end.replace(tzinfo=None) <= local_start.replace(tzinfo=None):
            local_end = local_start + (end - start)
            reason = (
                f"{reason or ''} ({start.isoformat()} – {end.isoformat()} UTC)".strip()
            )
        return CalendarEvent(
            start=local_start,
            end=local_end,
            summary=summary,
            description=reason,
            uid=uid,
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The running session, else today's phase."""
        if (running := self.recovery.running) is not None:
            return self._session_event(running)
        today = self.recovery.today
        for phase, start, end in self._phase_days():
            if start <= today < end:
                return self._phase_event(phase, start, end)
        return None

    def _session_events(
        self, sessions: list[TherapySession]
    ) -> list[tuple[float, CalendarEvent]]:
        """Return the sessions' events with their starts (POSIX seconds), oldest first.

        A finished session's event is built once and reused (issue 14): again
        after a change of language or time zone, and the cache is emptied when
        it holds twice the sessions a history keeps (mostly trimmed ones).
        The running session's event is built on each query.
        """
        said_in = (cached_texts(self.hass), dt_util.get_default_time_zone())
        if said_in != self._said_in or len(self._finished) > _MAX_FINISHED_EVENTS:
            self._finished = {}
            self._said_in = said_in
        finished = self._finished
        events = []
        for session in sessions:
            started = session.started.timestamp()
            known = finished.get(started)
            if known is None or (known[0] is not session and known[0] != session):
                known = (session, self._session_event(session))
                if not session.running:
                    finished[started] = known
            events.append((started, known[1]))
        return events

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Phases and sessions that overlap ``start_date``..``end_date``, from memory.

        Only the sessions in range are read (binary search); a finished
        session's event is built once.
        """
        midnight = dt_util.start_of_local_day
        events = [
            (midnight(start).timestamp(), self._phase_event(phase, start, end))
            for phase, start, end in self._phase_days()
            if midnight(start) < end_date and midnight(end) > start_date
        ]
        events.extend(
            self._session_events(self.engine.sessions_between(start_date, end_date))
        )
        events.sort(key=itemgetter(0))
        return [event for _, event in events]
