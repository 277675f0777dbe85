"""The session history: what happened, what can be read from it, and its stored form.

Nothing here imports Home Assistant and nothing here decides what an event
means (``model.py`` does). Times are aware datetimes.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .plug_rest import PlugRest
from .session import (
    SESSION_MINUTES_CEILING,
    EndReason,
    Modality,
    TherapySession,
    stored_moment,
)


def _started(session: TherapySession) -> datetime:
    return session.started


@dataclass(kw_only=True)
class SessionHistory:
    """The sessions in the order they started, at most ``max_sessions`` of them.

    What the entities read every minute is kept, not searched for: the latest
    end (of either modality and of each), the longest session and how many
    started since a local midnight. ``_append``, ``_finish_running``,
    ``discard`` and ``_replace`` keep it up to date (a trimmed session costs a
    scan only when it held its modality's latest end, that is when it was the
    last of its modality); change ``sessions`` only through them.
    """

    sessions: list[TherapySession] = field(default_factory=list)
    max_sessions: int = 1000
    _last_end: dict[Modality, datetime] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _longest: timedelta = field(
        default=timedelta(0), init=False, repr=False, compare=False
    )
    _today: tuple[datetime, int] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        """Sort the sessions by their start and read what is kept from them."""
        self._replace(self.sessions)

    @property
    def running(self) -> TherapySession | None:
        """The session that runs now, if any (``open``; the rules may narrow it)."""
        return self.open

    @property
    def open(self) -> TherapySession | None:
        """The session that has not ended yet, if any.

        Only the newest session can be open: a start needs none running, a
        logged session cannot overlap the running one, and ``restore`` closes
        older ones.
        """
        if self.sessions and (newest := self.sessions[-1]).running:
            return newest
        return None

    @property
    def last_end(self) -> datetime | None:
        """The end of the latest finished session (kept: constant time)."""
        return max(self._last_end.values(), default=None)

    def last_end_of(self, modality: Modality | None = None) -> datetime | None:
        """Return the end of the latest finished session of ``modality`` (kept: constant time).

        With ``modality`` ``None``, of either; ``None`` when none has finished.
        """
        if modality is None:
            return self.last_end
        return self._last_end.get(modality)

    def started_since(self, moment: datetime) -> int:
        """How many sessions started at or after ``moment``.

        The count for the last ``moment`` asked (local midnight, every minute)
        is kept; another moment is found by binary search.
        """
        if self._today is not None and self._today[0] == moment:
            return self._today[1]
        count = len(self.sessions) - bisect_left(self.sessions, moment, key=_started)
        self._today = (moment, count)
        return count

    def between(self, start: datetime, end: datetime) -> list[TherapySession]:
        """Return the sessions that share time with ``start``..``end``, oldest first.

        Binary search on the start: none starts later than ``end``, and none
        that started more than the longest session before ``start`` reaches it.
        """
        sessions = self.sessions
        low = bisect_left(sessions, start - self._longest, key=_started)
        high = bisect_left(sessions, end, low, key=_started)
        return [s for s in sessions[low:high] if s.overlaps(start, end)]

    def discard(self, session: TherapySession) -> None:
        """Forget a start that did not count: the plug never confirmed ``on`` (rule 11).

        No session is recorded and no rest gap begins.
        """
        if self.open is session:
            self.sessions.pop()
            self._count(session, -1)

    def _count(self, session: TherapySession, change: int) -> None:
        if self._today is not None and session.started >= self._today[0]:
            self._today = (self._today[0], self._today[1] + change)

    def _keep(self, session: TherapySession) -> None:
        """Take a new or finished session into what is kept."""
        span = (session.ended or session.planned_end) - session.started
        self._longest = max(self._longest, span)
        if (ended := session.ended) is not None:
            latest = self._last_end.get(session.modality)
            if latest is None or ended > latest:
                self._last_end[session.modality] = ended

    @property
    def dropped_before(self) -> datetime | None:
        """The oldest kept session's start once older ones were dropped, else ``None``.

        The newest ``max_sessions`` are kept (``_trim``): while fewer are held
        nothing was dropped.
        """
        full = len(self.sessions) >= self.max_sessions > 0
        return self.sessions[0].started if full else None

    def _replace(self, sessions: list[TherapySession]) -> None:
        """Hold ``sessions`` (the newest ``max_sessions``) and read what is kept (restore)."""
        self.sessions = sorted(sessions, key=_started)
        self._last_end = {}
        self._longest = timedelta(0)
        self._today = None
        self._trim()
        for session in self.sessions:
            self._keep(session)

    def _trim(self) -> None:
        excess = len(self.sessions) - self.max_sessions
        if excess <= 0:
            return
        gone = self.sessions[:excess]
        del self.sessions[:excess]
        for session in gone:
            self._count(session, -1)
            if session.ended is not None and (
                self._last_end.get(session.modality) == session.ended
            ):
                self._last_end.pop(session.modality)
                if (latest := self._scan_last_end(session.modality)) is not None:
                    self._last_end[session.modality] = latest

    def _scan_last_end(self, modality: Modality) -> datetime | None:
        return max(
            (
                s.ended
                for s in self.sessions
                if s.ended is not None and s.modality is modality
            ),
            default=None,
        )

    def _append(self, session: TherapySession) -> None:
        insort(self.sessions, session, key=_started)
        self._count(session, 1)
        self._keep(session)
        self._trim()

    def _finish_running(self, at: datetime, reason: EndReason) -> TherapySession:
        running = self.open
        assert running is not None
        finished = running.finish(at, reason)
        self.sessions[-1] = finished
        self._keep(finished)
        return finished


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """The stored form of a therapy log (``TherapyLog.as_dict`` and ``restore``).

    ``plug_must_be_off`` is the switch-off the plug still owes (rule 10);
    ``heat_off_at`` is when a plug that owed one was finally seen off;
    ``ending`` is why the open heat session ends once the plug confirms
    ``off`` (contract: "The truth while the pad heats"); ``carried_rest`` is
    the rest a removed recovery left on the plug (stored only when there is one).
    """

    sessions: tuple[TherapySession, ...] = ()
    plug_must_be_off: bool = False
    heat_off_at: datetime | None = None
    ending: EndReason | None = None
    carried_rest: PlugRest | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialize to JSON-safe values."""
        return {
            "sessions": [s.as_dict() for s in self.sessions],
            "plug_must_be_off": self.plug_must_be_off,
            "heat_off_at": self.heat_off_at.isoformat() if self.heat_off_at else None,
            "ending": self.ending.value if self.ending else None,
            **(
                {"carried_rest": self.carried_rest.as_dict()}
                if self.carried_rest
                else {}
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoredHistory:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data.

        The sessions come back in the order they started. No session is planned
        longer than the ceiling (20 minutes, the guidance), and at most the
        newest runs: an older one still open ended at its planned end.
        """
        raw = data.get("sessions", [])
        if not isinstance(raw, list):
            raise TypeError("sessions is not a list")
        sessions = sorted(
            (TherapySession.from_dict(s) for s in raw), key=lambda s: s.started
        )
        ceiling = timedelta(minutes=SESSION_MINUTES_CEILING)
        for index, session in enumerate(sessions):
            if session.planned_end - session.started > ceiling:
                sessions[index] = session = replace(
                    session, planned_end=session.started + ceiling
                )
            if session.running and index < len(sessions) - 1:
                sessions[index] = session.finish(
                    session.planned_end, EndReason.COMPLETED
                )
        plug_must_be_off = data.get("plug_must_be_off", False)
        if not isinstance(plug_must_be_off, bool):
            raise TypeError("plug_must_be_off is not a boolean")
        heat_off_at = data.get("heat_off_at")
        ending = data.get("ending")
        carried = data.get("carried_rest")
        return cls(
            tuple(sessions),
            plug_must_be_off,
            stored_moment(heat_off_at) if heat_off_at else None,
            EndReason(ending) if ending and sessions and sessions[-1].running else None,
            PlugRest.from_dict(carried) if carried else None,
        )
