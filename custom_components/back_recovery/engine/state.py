"""The read-only view of one recovery: what the entities, intents and diagnostics show.

Nothing here changes the recovery; the engine changes it and then tells the
listeners registered here (``async_add_listener``) to show the new state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.util import dt as dt_util

from ..therapy import (
    Modality,
    PainLog,
    PainStatus,
    Phase,
    PhaseSchedule,
    PhaseTracker,
    TherapyLog,
    TherapySession,
    TherapySettings,
)
from .deadlines import DeadlineWatch
from .plug import HeatingPadPlug

_LOGGER = logging.getLogger(__name__)

type Listener = Callable[[], None]


@dataclass(frozen=True, slots=True)
class RefusedStart:
    """A heat start that was refused or undone, as the heating-pad switch shows it.

    ``reason`` is the refusal's translation key; ``at`` makes every refusal
    differ from the one before, so the switch's state always changes and a
    dashboard that showed the switch on optimistically shows it off again.
    """

    reason: str
    at: datetime
    allowed_at: datetime | None

    def as_attribute(self) -> dict[str, str | None]:
        """Return it as a state attribute: the reason and two ISO moments."""
        return {
            "reason": self.reason,
            "at": self.at.isoformat(),
            "allowed_at": _iso(self.allowed_at),
        }


class RecoveryView:
    """One person's recovery as it stands: sessions, rest gap, phases and the plug.

    Moments are aware datetimes in UTC; dates are local dates.
    """

    def __init__(
        self,
        title: str,
        log: TherapyLog,
        phases: PhaseTracker,
        timers: DeadlineWatch,
        plug: HeatingPadPlug | None,
        *,
        pain: PainLog,
    ) -> None:
        """Read ``log``, ``phases``' schedule, ``timers``' clocks, the ``plug`` and the ``pain`` diary."""
        self._title = title
        self._log = log
        self._phases = phases
        self._timers = timers
        self._plug = plug
        self._pain = pain
        self._listeners: list[Listener] = []
        self._minute_listeners: list[Listener] = []
        self.last_refusal: RefusedStart | None = None

    # Listeners.

    @callback
    def async_add_listener(
        self, listener: Listener, every_minute: bool = False
    ) -> CALLBACK_TYPE:
        """Call ``listener`` on every change (and every minute, if asked)."""
        listeners = self._minute_listeners if every_minute else self._listeners
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    @callback
    def async_notify(self, minute: bool = False) -> None:
        """Call the listeners (only the minute ones for ``minute``).

        One that fails is logged and the others go on (contract rule 13).
        """
        listeners = (
            self._minute_listeners
            if minute
            else [*self._listeners, *self._minute_listeners]
        )
        for listener in listeners:
            try:
                listener()
            except Exception:
                _LOGGER.exception("Presenting the recovery of %s failed", self._title)

    @callback
    def note_refusal(self, reason: str, allowed_at: datetime | None) -> None:
        """Remember a refused or undone heat start; the engine shows it with the rest."""
        self.last_refusal = RefusedStart(reason, self.now, allowed_at)

    # Time.

    @property
    def now(self) -> datetime:
        """The current moment on the wall clock (UTC)."""
        return self._timers.now()

    @property
    def today(self) -> date:
        """Today's local date."""
        return dt_util.now().date()

    def local_midnight(self, day: date) -> datetime:
        """Return the start of a local date, as an aware datetime."""
        return dt_util.start_of_local_day(day)

    # Phases.

    @property
    def schedule(self) -> PhaseSchedule:
        """The phase schedule in force (immutable)."""
        return self._phases.schedule

    @property
    def phase(self) -> Phase:
        """The phase of the recovery today."""
        return self._phases.schedule.phase_on(self.today)

    @property
    def phase_started(self) -> date:
        """The local date today's phase started."""
        return self._phases.schedule.phase_started(self.today)

    @property
    def next_phase_change(self) -> tuple[Phase, date] | None:
        """The next phase and the local date it starts; ``None`` once recovered."""
        return self._phases.schedule.next_change(self.today)

    def phase_spans(self) -> list[tuple[Phase, date, date | None]]:
        """Return every phase with its first local date and the first date after it."""
        return self._phases.schedule.spans()

    @property
    def days_since_injury(self) -> int:
        """Whole days since the injury date."""
        return self._phases.schedule.days_since_injury(self.today)

    @property
    def recommended_therapy(self) -> Modality:
        """Ice in the first days, heat from then on (the guidance)."""
        return self._phases.schedule.recommended_therapy(self.today)

    # Sessions.

    @property
    def settings(self) -> TherapySettings:
        """The session length and rest gap in force (immutable)."""
        return self._log.settings

    @property
    def sessions(self) -> tuple[TherapySession, ...]:
        """Every stored session, the running one included, oldest first."""
        return tuple(self._log.sessions)

    def sessions_between(self, start: datetime, end: datetime) -> list[TherapySession]:
        """Return the sessions that share time with ``start``..``end``, oldest first.

        Found by binary search: the cost follows the sessions in range, not
        the whole history (issue 14).
        """
        return self._log.between(start, end)

    @property
    def running(self) -> TherapySession | None:
        """The session that runs now, if any."""
        return self._log.running

    @property
    def session_ends(self) -> datetime | None:
        """The planned end of the running session."""
        return running.planned_end if (running := self.running) else None

    @property
    def last_session_end(self) -> datetime | None:
        """The end of the latest finished session."""
        return self._log.last_end

    def last_end_of(self, modality: Modality) -> datetime | None:
        """Return the end of the latest finished session of ``modality``."""
        return self._log.last_end_of(modality)

    @property
    def time_since_last_session(self) -> int | None:
        """Whole minutes since the last session ended; 0 while one runs."""
        if self.running is not None:
            return 0
        if (last_end := self._log.last_end) is None:
            return None
        return max(0, int((self.now - last_end).total_seconds() // 60))

    @property
    def next_session_allowed(self) -> datetime | None:
        """The end of the rest gap after the last session (the safer clock's reading)."""
        return self._log.next_allowed(self._timers.rest_floor())

    @property
    def next_allowed_after_running(self) -> datetime | None:
        """When the next session is allowed if the running one ends as planned."""
        return self._log.next_allowed_after_running()

    @property
    def sessions_today(self) -> int:
        """Sessions started since local midnight."""
        return self._log.started_since(dt_util.start_of_local_day())

    @property
    def skin_resting(self) -> bool:
        """Whether the rest gap runs (it goes on while a stuck plug is switched off)."""
        return self._log.skin_resting(self.now, self._timers.rest_floor())

    # The pain diary.

    @property
    def pain(self) -> PainStatus:
        """Today's pain: the latest entry, the 7-day averages, the trend and the review.

        Computed once per change (an entry logged, local midnight); the
        definitions are the contract's section "Pain diary and review".
        """
        return self._pain.status

    @property
    def pain_entries(self) -> int:
        """How many entries the pain diary holds."""
        return len(self._pain)

    # The plug.

    @property
    def plug_entity_id(self) -> str | None:
        """The heating pad's plug; ``None`` when none is set."""
        return self._plug.entity_id if self._plug is not None else None

    @property
    def plug_on(self) -> bool | None:
        """Whether the plug is on; ``None`` when it is unreachable or none is set."""
        return self._plug.is_on if self._plug is not None else None

    @property
    def plug_available(self) -> bool:
        """Whether the plug can be reached."""
        return self._plug is not None and self._plug.available

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the recovery's state and timers, without details that identify the person."""
        running = self.running
        return {
            "phase": self.phase.value,
            "plug_available": self.plug_available,
            "running": running.as_dict() if running else None,
            "plug_must_be_off": self._log.plug_must_be_off,
            "sessions_stored": len(self._log.sessions),
            "last_session_end": _iso(self.last_session_end),
            "next_session_allowed": _iso(self.next_session_allowed),
            "timers": self._timers.timers.names,
            "minute_tick": self._timers.minute_tick,
            "pain": self._pain.as_diagnostics(),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
