"""The brace: the hours it is worn each local day, and the week's adherence to the prescription.

Nothing here imports Home Assistant. The contract's section "Brace" (turn 3)
is the acceptance line; the guidance says "bracing … to immobilize the spine
for a brief period", and how many hours a day is the clinician's, entered by
the person (``brace_hours_per_day``). Back Recovery only counts.

What is counted, and what is not (decided here, shown in the README):

- An observation is ``True`` (worn), ``False`` (not worn) or ``None``
  (unknown: the sensor is unavailable, unknown or gone). Only time between a
  ``True`` and the next observation that is not ``True`` counts; unknown time
  never counts as worn.
- The time Home Assistant is down is not counted: a wear still open when the
  history was last saved is closed at that save (``seen_until``; a stop or an
  unload saves, so that is the moment of the stop), and a brace found worn at
  the next start opens a new wear from that moment. A crash loses at most the
  wear since the last save, never adds any.
- Worn time is split at local midnight (in the zone passed, so a 23-hour or
  25-hour day around a daylight-saving change holds exactly its own time);
  each stretch is counted once: a wear never starts before the end of the one
  before (a wall clock stepped back cannot count an hour twice).
- ``brace_adherence_7d``: the 7 complete local days before today (today is
  not over, so the percentage does not fall every morning and climb all day;
  it changes at midnight). A day counts only when the brace was prescribed
  for all of it: the day the hours were first set (or set again after 0) does
  not, nor a day Home Assistant did not run at all (nothing was observed).
  Each day counts at most its prescribed hours, so the result is at most 100.

Moments are aware datetimes, kept in UTC. Per day only totals are kept
(seconds worn, hours prescribed), so a sensor that flaps all day stores no
more than one that does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Final

BRACE_HOURS_MAX: Final = 23
"""The most hours a day the brace may be prescribed in the options (0: no brace)."""

WORN_ABOVE_CELSIUS: Final = 30.0
"""A temperature sensor in the brace reads above this while it is worn (the method brace studies use)."""

ADHERENCE_DAYS: Final = 7
"""The complete local days before today that ``brace_adherence_7d`` looks at."""

KEPT_DAYS: Final = 8 * 7
"""Local days before today whose totals are kept: the week's adherence needs 7,
the clinician report's default period 8 weeks (a day's totals are two numbers)."""

_ONE_DAY: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class WornInterval:
    """A stretch of time the brace was worn: from ``start`` up to ``end`` (UTC)."""

    start: datetime
    end: datetime


def worn_from_temperature(celsius: float | None) -> bool | None:
    """Return whether a brace sensor reading ``celsius`` says worn (above 30 °C); ``None``: unknown."""
    if celsius is None:
        return None
    return celsius > WORN_ABOVE_CELSIUS


def worn_intervals(
    observations: Iterable[tuple[datetime, bool | None]], until: datetime
) -> list[WornInterval]:
    """Return the worn stretches a series of observations (in time order) describes.

    ``True`` opens a stretch (a repeated ``True`` changes nothing), ``False``
    and ``None`` close it; one still open is closed at ``until``.
    """
    log = BraceLog()
    intervals: list[WornInterval] = []
    for moment, worn in observations:
        opened = log.open_since
        log.observe(moment, worn, UTC)
        if opened is not None and log.open_since is None and log.last_end:
            intervals.append(WornInterval(opened, log.last_end))
    if (opened := log.open_since) is not None:
        intervals.append(WornInterval(opened, max(opened, _utc(until))))
    return intervals


def _day_start(day: date, tz: tzinfo) -> datetime:
    """Return the first moment of local ``day`` in ``tz``, in UTC."""
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def seconds_per_local_day(
    start: datetime, end: datetime, tz: tzinfo
) -> dict[date, float]:
    """Split the stretch from ``start`` to ``end`` at local midnights; return seconds per local date."""
    start, end = _utc(start), _utc(end)
    split: dict[date, float] = {}
    day = start.astimezone(tz).date()
    while start < end:
        next_start = _day_start(day + _ONE_DAY, tz)
        stop = min(end, next_start)
        if stop > start:
            split[day] = split.get(day, 0.0) + (stop - start).total_seconds()
        start = max(start, stop)
        day += _ONE_DAY
    return split


@dataclass(slots=True)
class BraceDay:
    """One local day: seconds worn (closed stretches), and the hours prescribed if it counts."""

    worn_seconds: float = 0.0
    prescribed_hours: int | None = None


@dataclass(frozen=True, slots=True)
class BraceDayTotal:
    """What one local day of a period holds: seconds worn and the hours prescribed (``None``: the day does not count)."""

    day: date
    worn_seconds: float
    prescribed_hours: int | None

    @property
    def hours(self) -> float:
        """The hours worn, to one decimal."""
        return round(self.worn_seconds / 3600, 1)


class BraceLog:
    """The brace's worn time per local day and the wear in progress; see the module's rules."""

    def __init__(self) -> None:
        """Start with nothing worn and no prescription."""
        self.days: dict[date, BraceDay] = {}
        self.open_since: datetime | None = None
        """The start of the wear in progress (UTC); ``None`` while not worn."""
        self.last_end: datetime | None = None
        """The end of the latest closed wear: the next cannot start before it."""
        self.prescribed_since: date | None = None
        """The local day the brace was prescribed (hours above 0) from; ``None``: no brace."""
        self.worn_at_last_save = False
        """A wear was in progress when the history was saved last (read at restore)."""

    @property
    def worn(self) -> bool:
        """Whether a wear is in progress."""
        return self.open_since is not None

    def observe(self, now: datetime, worn: bool | None, tz: tzinfo) -> bool:
        """Take an observation at ``now``; return whether a wear opened or closed.

        ``True`` opens a wear (from ``now``, or from the end of the one before
        if the clock stepped back); ``False`` or ``None`` closes one in
        progress at ``now``.
        """
        now = _utc(now)
        if worn:
            if self.open_since is not None:
                return False
            self.open_since = max(now, self.last_end) if self.last_end else now
            return True
        return self.close(now, tz)

    def close(self, now: datetime, tz: tzinfo) -> bool:
        """Close the wear in progress at ``now`` (not before its start); return whether one was."""
        if (start := self.open_since) is None:
            return False
        end = max(_utc(now), start)
        for day, seconds in seconds_per_local_day(start, end, tz).items():
            self.days.setdefault(day, BraceDay()).worn_seconds += seconds
        self.open_since = None
        self.last_end = end
        return True

    def worn_seconds_on(self, day: date, now: datetime, tz: tzinfo) -> float:
        """Return the seconds worn on local ``day``, the wear in progress up to ``now`` included."""
        seconds = self.days[day].worn_seconds if day in self.days else 0.0
        if (start := self.open_since) is not None:
            seconds += seconds_per_local_day(start, max(_utc(now), start), tz).get(
                day, 0.0
            )
        return seconds

    def hours_on(self, day: date, now: datetime, tz: tzinfo) -> float:
        """Return the hours worn on local ``day`` up to ``now``, to one decimal."""
        return round(self.worn_seconds_on(day, now, tz) / 3600, 1)

    def adherence(self, today: date, now: datetime, tz: tzinfo) -> int | None:
        """Return ``brace_adherence_7d``: whole percent of prescribed hours worn, at most 100.

        Over the 7 complete local days before ``today`` that count (a
        prescription for all of the day); each day counts at most its
        prescribed hours. ``None`` when no day counts yet.
        """
        worn = prescribed = 0.0
        for back in range(1, ADHERENCE_DAYS + 1):
            day = today - back * _ONE_DAY
            record = self.days.get(day)
            if record is None or not record.prescribed_hours:
                continue
            due = record.prescribed_hours * 3600.0
            prescribed += due
            worn += min(due, self.worn_seconds_on(day, now, tz))
        if not prescribed:
            return None
        return round(100 * worn / prescribed)

    def days_between(
        self, first: date, last: date, now: datetime, tz: tzinfo
    ) -> list[BraceDayTotal]:
        """Return each local day from ``first`` to ``last`` the log holds, oldest first.

        A day the log has no record of (no brace, Home Assistant not
        running, older than ``KEPT_DAYS``) is left out; the wear in progress
        counts up to ``now``.
        """
        totals = []
        day = first
        while day <= last:
            record = self.days.get(day)
            seconds = self.worn_seconds_on(day, now, tz)
            if record is not None or seconds:
                prescribed = record.prescribed_hours if record is not None else None
                totals.append(BraceDayTotal(day, seconds, prescribed))
            day += _ONE_DAY
        return totals

    def new_day(self, today: date, hours_per_day: int) -> None:
        """Take today's prescription (``hours_per_day``, 0: no brace) and forget old days.

        The first day of a prescription does not count (it was not prescribed
        all day); from the next local day on, each day counts with the hours
        prescribed at its last new day. Set to 0, today does not count.
        """
        if hours_per_day <= 0:
            self.prescribed_since = None
            if (record := self.days.get(today)) is not None:
                record.prescribed_hours = None
        elif self.prescribed_since is None:
            self.prescribed_since = today
        elif self.prescribed_since < today:
            self.days.setdefault(today, BraceDay()).prescribed_hours = hours_per_day
        oldest = today - KEPT_DAYS * _ONE_DAY
        self.days = {day: record for day, record in self.days.items() if day >= oldest}

    def as_dict(self, saved_at: datetime) -> dict[str, Any]:
        """Return the stored form at ``saved_at``: a wear in progress is stored with ``seen_until``.

        Empty (``{}``) while nothing was ever worn or prescribed.
        """
        if not (self.days or self.open_since or self.last_end or self.prescribed_since):
            return {}
        return {
            "days": {
                day.isoformat(): {
                    "worn_seconds": round(record.worn_seconds, 3),
                    "prescribed_hours": record.prescribed_hours,
                }
                for day, record in sorted(self.days.items())
            },
            "open_since": _iso(self.open_since),
            "seen_until": _iso(_utc(saved_at)) if self.open_since else None,
            "last_end": _iso(self.last_end),
            "prescribed_since": _iso(self.prescribed_since),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], tz: tzinfo) -> BraceLog:
        """Read the stored form; a wear stored in progress is closed at its ``seen_until``.

        ``worn_at_last_save`` then says it was in progress (the switch
        stays on; a sensor is read again). Raises ``KeyError``, ``TypeError``
        or ``ValueError`` when malformed.
        """
        log = cls()
        for day, record in dict(data.get("days") or {}).items():
            hours = record["prescribed_hours"]
            log.days[date.fromisoformat(day)] = BraceDay(
                worn_seconds=float(record["worn_seconds"]),
                prescribed_hours=None if hours is None else int(hours),
            )
        log.last_end = _moment(data.get("last_end"))
        if since := data.get("prescribed_since"):
            log.prescribed_since = date.fromisoformat(since)
        if (opened := _moment(data.get("open_since"))) is not None:
            log.open_since = opened
            log.close(_moment(data.get("seen_until")) or opened, tz)
            log.worn_at_last_save = True
        return log


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a naive moment")
    return moment.astimezone(UTC)


def _moment(raw: Any) -> datetime | None:
    return None if raw is None else _utc(datetime.fromisoformat(str(raw)))


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
