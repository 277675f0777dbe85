"""The therapy's words: a session of ice or heat, how it ends, the rest gap and the settings.

Nothing here imports Home Assistant. Times are aware datetimes; the caller
passes every moment, so each rule can be tested without a clock. The limits
come from the guidance: heat or ice "less than 20 minutes at a time", and the
skin rests between two applications.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .heat_hours import HeatHours


class Modality(StrEnum):
    """What is put on the lower back."""

    ICE = "ice"
    HEAT = "heat"


SESSION_MINUTES_CEILING = 20
"""The guidance's "less than 20 minutes at a time": no session is planned longer."""


class EndReason(StrEnum):
    """Why a session ended."""

    COMPLETED = "completed"
    STOPPED = "stopped"
    EXTERNAL = "external"
    SHUTDOWN = "shutdown"
    UNLOADED = "unloaded"
    LOGGED = "logged"


class Refusal(StrEnum):
    """Why a request was refused; each is a translation key."""

    REST_GAP_ACTIVE = "rest_gap_active"
    SESSION_RUNNING = "session_running"
    SESSION_OVERLAPS = "session_overlaps"
    ENDED_AT_IN_FUTURE = "ended_at_in_future"
    MINUTES_OUT_OF_RANGE = "minutes_out_of_range"
    HEATING_PAD_UNAVAILABLE = "heating_pad_unavailable"
    HEATING_PAD_NOT_RESPONDING = "heating_pad_not_responding"
    """A switch-off is owed: heat is on the skin until the plug confirms ``off``."""
    OUTSIDE_HEAT_HOURS = "outside_heat_hours"
    """Heat outside the heat hours (rule 19; ``heat_hours.HeatHours``)."""


class TherapyRefusedError(Exception):
    """A request the therapy rules do not allow."""

    def __init__(
        self,
        reason: Refusal,
        modality: Modality | None = None,
        allowed_at: datetime | None = None,
        max_minutes: int | None = None,
    ) -> None:
        """Remember why, and when it would be allowed."""
        super().__init__(reason.value)
        self.reason = reason
        self.modality = modality
        self.allowed_at = allowed_at
        self.max_minutes = max_minutes


def stored_moment(text: str) -> datetime:
    """Read a stored ISO 8601 moment; raises ``ValueError`` when it has no offset."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment


@dataclass(frozen=True, slots=True)
class TherapySession:
    """One application of ice or heat."""

    modality: Modality
    started: datetime
    planned_end: datetime
    ended: datetime | None = None
    end_reason: EndReason | None = None

    @property
    def running(self) -> bool:
        """Whether the session has not ended yet."""
        return self.ended is None

    def finish(self, at: datetime, reason: EndReason) -> TherapySession:
        """End the session at ``at`` (never before it began)."""
        return replace(self, ended=max(at, self.started), end_reason=reason)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether the session shares time with ``start``..``end``."""
        return self.started < end and start < (self.ended or self.planned_end)

    def as_dict(self) -> dict[str, str | None]:
        """Serialize to JSON-safe values."""
        return {
            "modality": self.modality.value,
            "started": self.started.isoformat(),
            "planned_end": self.planned_end.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "end_reason": self.end_reason.value if self.end_reason else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TherapySession:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data."""
        ended = data.get("ended")
        reason = data.get("end_reason")
        return cls(
            modality=Modality(data["modality"]),
            started=stored_moment(data["started"]),
            planned_end=stored_moment(data["planned_end"]),
            ended=stored_moment(ended) if ended else None,
            end_reason=EndReason(reason) if reason else None,
        )


@dataclass(frozen=True, slots=True)
class RestGap:
    """The time the skin rests between two applications."""

    minutes: int

    def allowed_at(self, last_end: datetime) -> datetime:
        """When the skin may be treated again after a session ending at ``last_end``."""
        return last_end + timedelta(minutes=self.minutes)

    def active(self, last_end: datetime | None, now: datetime) -> bool:
        """Whether the skin is still resting at ``now``."""
        return last_end is not None and now < self.allowed_at(last_end)


@dataclass(frozen=True, slots=True)
class TherapySettings:
    """The options that govern sessions: their length and the rest gap (minutes), the heat hours."""

    session_minutes: int = 20
    rest_gap_minutes: int = 120
    heat_hours: HeatHours = HeatHours()
    """When heat may start (rule 19); any time by default."""

    @property
    def rest_gap(self) -> RestGap:
        """The rest gap these settings ask for."""
        return RestGap(self.rest_gap_minutes)

    def check_minutes(self, minutes: int, modality: Modality) -> None:
        """Raise ``TherapyRefusedError`` unless 1 <= ``minutes`` <= ``session_minutes``.

        The refusal (``minutes_out_of_range``) carries the maximum.
        """
        if not 1 <= minutes <= self.session_minutes:
            raise TherapyRefusedError(
                Refusal.MINUTES_OUT_OF_RANGE,
                modality,
                max_minutes=self.session_minutes,
            )
