"""What one recovery shows: an immutable snapshot, and the listeners that show it.

The engine builds a ``RecoveryState`` once per change (and once a minute
while the time since the last session counts) and hands it to the listeners
registered with ``StateHub.async_add_listener``; entities, voice answers,
language-model tools and diagnostics read it and cannot change anything.
Moments are aware datetimes in UTC; dates are local dates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryState:
    """One person's recovery at the moment ``now``: sessions, rest gap, phases, pain and the plug.

    Every field is read when the engine builds the snapshot; the properties
    derive from the fields only.
    """

    title: str
    now: datetime
    today: date
    schedule: PhaseSchedule
    settings: TherapySettings
    running: TherapySession | None
    """The session that runs to its planned end."""
    heating: TherapySession | None
    """A heat session the rules ended whose switch-off the plug has not confirmed."""
    switch_off_owed: bool
    """Heat may be on the skin: the plug has not confirmed a switch-off (contract:
    "The truth while the pad heats"); the session shows as active, the skin
    does not rest, and the next session's moment is unknown until it does."""
    last_session_end: datetime | None
    last_heat_end: datetime | None
    last_ice_end: datetime | None
    next_session_allowed: datetime | None
    """The end of the rest gap after the last session (the safer clock's reading)."""
    next_allowed_after_running: datetime | None
    """When the next session is allowed if the running one ends as planned."""
    heat_allowed_at: datetime | None
    """When heat may start next: after the session and the rest gap, in the heat
    hours (rule 19); ``None`` when it may start now or while a switch-off is owed."""
    sessions_today: int
    skin_resting: bool
    rest_carried: bool
    """The skin's rest counts from a removed recovery's last session (of this plug or
    this person), not from one of this recovery's own: ``last_session_end`` does not show it."""
    pain: PainStatus
    """Today's pain: the latest entry, the 7-day averages, the trend and the review."""
    plug_entity_id: str | None
    plug_on: bool | None
    """Whether the pad is on: the plug reports on, or its power sensor reads a draw
    above the threshold whatever the plug reports (rule 14); ``None`` when it is
    unknown or unreachable, or no plug is set."""
    plug_available: bool
    last_refusal: RefusedStart | None
    diagnostics: Mapping[str, Any]
    """What diagnostics add: stored counts, the switch-off owed, the timers set, the
    power sensor (its last reading, and whether it is ignored: rule 14)."""

    @property
    def phase(self) -> Phase:
        """The phase of the recovery today."""
        return self.schedule.phase_on(self.today)

    @property
    def phase_started(self) -> date:
        """The local date today's phase started."""
        return self.schedule.phase_started(self.today)

    @property
    def next_phase_change(self) -> tuple[Phase, date] | None:
        """The next phase and the local date it starts; ``None`` once recovered."""
        return self.schedule.next_change(self.today)

    def phase_spans(self) -> list[tuple[Phase, date, date | None]]:
        """Return every phase with its first local date and the first date after it."""
        return self.schedule.spans()

    @property
    def days_since_injury(self) -> int:
        """Whole days since the injury date."""
        return self.schedule.days_since_injury(self.today)

    @property
    def recommended_therapy(self) -> Modality:
        """Ice in the first days, heat from then on (the guidance)."""
        return self.schedule.recommended_therapy(self.today)

    @property
    def session_active(self) -> bool:
        """Whether a session runs or heat may still be on the skin."""
        return self.running is not None or self.switch_off_owed

    @property
    def session_ends(self) -> datetime | None:
        """The planned end of the running session (or of the heat still to be switched off)."""
        session = self.running or self.heating
        return session.planned_end if session else None

    def last_end_of(self, modality: Modality) -> datetime | None:
        """Return the end of the latest finished session of ``modality``."""
        return self.last_heat_end if modality is Modality.HEAT else self.last_ice_end

    @property
    def time_since_last_session(self) -> int | None:
        """Whole minutes since the last session ended at ``now``; 0 while one runs (or heat may)."""
        if self.session_active:
            return 0
        if (last_end := self.last_session_end) is None:
            return None
        return max(0, int((self.now - last_end).total_seconds() // 60))

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the recovery's state and timers, without details that identify the person."""
        running = self.running
        return {
            "phase": self.phase.value,
            "plug_available": self.plug_available,
            "running": running.as_dict() if running else None,
            "last_session_end": _iso(self.last_session_end),
            "next_session_allowed": _iso(self.next_session_allowed),
            **self.diagnostics,
        }


def build_state(
    title: str,
    *,
    log: TherapyLog,
    phases: PhaseTracker,
    pain: PainLog,
    watch: DeadlineWatch,
    plug: HeatingPadPlug | None,
    last_refusal: RefusedStart | None,
) -> RecoveryState:
    """Read the recovery as it stands now into a snapshot (constant time: issue 14's reads)."""
    now = watch.now()
    rest_floor = watch.rest_floor()
    return RecoveryState(
        title=title,
        now=now,
        today=dt_util.as_local(now).date(),
        schedule=phases.schedule,
        settings=log.settings,
        running=log.running,
        heating=log.heating,
        switch_off_owed=log.switch_off_owed,
        last_session_end=log.last_end,
        last_heat_end=log.last_end_of(Modality.HEAT),
        last_ice_end=log.last_end_of(Modality.ICE),
        next_session_allowed=log.next_allowed(rest_floor),
        next_allowed_after_running=log.next_allowed_after_running(),
        heat_allowed_at=log.heat_allowed_at(now, rest_floor),
        sessions_today=log.started_since(dt_util.start_of_local_day()),
        skin_resting=log.skin_resting(now, rest_floor),
        rest_carried=log.rest_carried,
        pain=pain.status,
        plug_entity_id=plug.entity_id if plug is not None else None,
        plug_on=plug.is_on if plug is not None else None,
        plug_available=plug is not None and plug.available,
        last_refusal=last_refusal,
        diagnostics={
            "plug_must_be_off": log.plug_must_be_off,
            "sessions_stored": len(log.sessions),
            "timers": watch.timers.names,
            "minute_tick": watch.minute_tick,
            "pain": pain.as_diagnostics(),
            **({"power": plug.power.as_diagnostics()} if plug is not None else {}),
        },
    )


class StateHub:
    """The listeners of one recovery's state; each one that fails is logged and the others go on."""

    def __init__(self, title: str) -> None:
        """Hold no listener yet."""
        self._title = title
        self._listeners: list[Listener] = []
        self._minute_listeners: list[Listener] = []

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
        """Call the listeners (only the minute ones for ``minute``; contract rule 13)."""
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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
