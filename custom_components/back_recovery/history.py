"""The session history: what happened, what can be read from it, and its stored form.

Nothing here imports Home Assistant and nothing here decides what an event
means (``model.py`` does). Times are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .session import (
    SESSION_MINUTES_CEILING,
    EndReason,
    Modality,
    TherapySession,
    stored_moment,
)


@dataclass(kw_only=True)
class SessionHistory:
    """The sessions in the order they started, at most ``max_sessions`` of them."""

    sessions: list[TherapySession] = field(default_factory=list)
    max_sessions: int = 1000

    @property
    def running(self) -> TherapySession | None:
        """The session that runs now, if any.

        Only the newest session can run: a start needs none running, a logged
        session cannot overlap the running one, and ``restore`` closes older ones.
        """
        if self.sessions and (newest := self.sessions[-1]).running:
            return newest
        return None

    @property
    def last_end(self) -> datetime | None:
        """The end of the latest finished session."""
        return self.last_end_of()

    def last_end_of(self, modality: Modality | None = None) -> datetime | None:
        """Return the end of the latest finished session of ``modality``.

        With ``modality`` ``None``, of either; ``None`` when none has finished.
        """
        return max(
            (
                s.ended
                for s in self.sessions
                if s.ended is not None and modality in (None, s.modality)
            ),
            default=None,
        )

    def started_since(self, moment: datetime) -> int:
        """How many sessions started at or after ``moment``."""
        return sum(1 for s in self.sessions if s.started >= moment)

    def discard(self, session: TherapySession) -> None:
        """Forget a start that did not count: the plug never confirmed ``on`` (rule 11).

        No session is recorded and no rest gap begins.
        """
        if self.running is session:
            self.sessions.pop()

    def _append(self, session: TherapySession) -> None:
        self.sessions.append(session)
        self.sessions.sort(key=lambda s: s.started)
        if len(self.sessions) > self.max_sessions:
            del self.sessions[: len(self.sessions) - self.max_sessions]

    def _finish_running(self, at: datetime, reason: EndReason) -> TherapySession:
        running = self.running
        assert running is not None
        finished = running.finish(at, reason)
        self.sessions[-1] = finished
        return finished


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """The stored form of a therapy log (``TherapyLog.as_dict`` and ``restore``).

    ``plug_must_be_off`` is the switch-off the plug still owes (rule 10);
    ``heat_off_at`` is when a plug that owed one was finally seen off.
    """

    sessions: tuple[TherapySession, ...] = ()
    plug_must_be_off: bool = False
    heat_off_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialize to JSON-safe values."""
        return {
            "sessions": [s.as_dict() for s in self.sessions],
            "plug_must_be_off": self.plug_must_be_off,
            "heat_off_at": self.heat_off_at.isoformat() if self.heat_off_at else None,
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
        return cls(
            tuple(sessions),
            plug_must_be_off,
            stored_moment(heat_off_at) if heat_off_at else None,
        )
