"""The heat hours: the local times of day when heat may start (contract rule 19).

Nothing here imports Home Assistant. People fall asleep on heating pads: the
options ``heat_hours_start`` and ``heat_hours_end`` say when heat is allowed,
a window that may cross midnight (20:00 to 02:00); equal times (00:00 both,
the default) allow heat at any time. Ice is not limited.

The times are local wall-clock times; the rules take aware datetimes and read
them in the zone ``HeatHours.zone`` returns (Home Assistant's, asked at each
decision, as it may change while Home Assistant runs). Each day's window is
pinned to its own date, so a change to or from daylight saving time moves
nothing: 08:00 is 08:00 on the wall clock on that day too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

MIDNIGHT = time(0, 0)


def _utc() -> tzinfo:
    return UTC


@dataclass(frozen=True, slots=True)
class HeatHours:
    """When heat may start: from ``start`` (included) to ``end`` (excluded), local times.

    ``start`` later than ``end`` crosses midnight; ``start`` equal to ``end``
    means any time. A heat session that starts inside the window runs to its
    planned end: the window's end does not cut it short (the contract limits
    starts only; rules 1 and 7 bound every session's length anyway).
    """

    start: time = MIDNIGHT
    end: time = MIDNIGHT
    zone: Callable[[], tzinfo] = field(default=_utc, compare=False, repr=False)
    """The local time zone, asked at each decision (the engine's: Home Assistant's)."""

    @property
    def any_time(self) -> bool:
        """Whether heat is allowed at any time of day (equal times: no heat hours)."""
        return self.start == self.end

    def _moment(self, day: date, clock: time, zone: tzinfo) -> datetime:
        """Return ``clock`` on the local ``day`` as a UTC moment.

        A time the clock skips that day (the change to daylight saving time)
        is read with the offset before the change, as ``zoneinfo`` does: the
        first moment the wall clock shows it or a later time.
        """
        return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)

    def _windows(self, now: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield the windows of yesterday, today and tomorrow (local dates), as UTC moments."""
        zone = self.zone()
        today = now.astimezone(zone).date()
        crosses = self.start > self.end
        for offset in (-1, 0, 1):
            day = today + timedelta(days=offset)
            end_day = day + timedelta(days=1) if crosses else day
            yield (
                self._moment(day, self.start, zone),
                self._moment(end_day, self.end, zone),
            )

    def allowed_at(self, now: datetime) -> datetime | None:
        """Return when heat may next start; ``None`` when it may start at ``now``.

        ``now`` is aware (any zone); the moment returned is the next start of
        the window, in UTC.
        """
        if self.any_time:
            return None
        for start, end in self._windows(now):
            if now < start:
                return start
            if now < end:
                return None
        return None  # Unreachable: tomorrow's window starts after ``now``.

    def next_change(self, now: datetime) -> datetime | None:
        """Return when the heat hours next open or close after ``now`` (UTC); ``None`` without them.

        What the recovery shows changes then (``heat_allowed_at``), so the
        engine's watch sets a timer for it.
        """
        if self.any_time:
            return None
        for start, end in self._windows(now):
            if now < start:
                return start
            if now < end:
                return end
        return None  # Unreachable: tomorrow's window starts after ``now``.

    def allows(self, now: datetime) -> bool:
        """Whether heat may start at ``now`` (aware)."""
        return self.allowed_at(now) is None

    def earliest(self, moment: datetime) -> datetime:
        """Return the first moment at or after ``moment`` at which heat may start."""
        return self.allowed_at(moment) or moment
