"""The pain diary: its entries, what may be recorded, and the readings of each day.

Nothing here imports Home Assistant. The definitions are the contract's
section "Pain diary and review"; the averages, the trend and the review are
``pain_review``'s, read from the daily values this diary collects.

Times are aware datetimes; an entry keeps its moment in UTC. Every day here
is a local day: the caller passes the local time zone (a ``tzinfo``) and
``today`` (the local date of ``now``), and an entry belongs to the local date
of its moment, ``recorded_at.astimezone(tz).date()``, so a 23-hour or 25-hour
day around a daylight-saving change holds exactly its own entries.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum
from fractions import Fraction
from typing import Any

from .pain_review import (
    ONE_DAY,
    WINDOW_DAYS,
    WORSENING_DAYS,
    PainReview,
    PainTrend,
    as_float,
    compare_weeks,
    trend_on,
    week_average,
)

PAIN_LEVEL_MIN = 0
"""The lowest pain level: no pain."""

PAIN_LEVEL_MAX = 10
"""The highest pain level: the worst pain imaginable."""

NOTE_MAX_LENGTH = 200
"""The longest note an entry may carry, in characters."""

MAX_PAIN_ENTRIES = 5000
"""How many entries the diary keeps: two years at six a day (4380) fit."""

_BASELINE_SPAN = (WINDOW_DAYS + 1) * ONE_DAY
"""Covers the baseline's 7 local days from the first entry's moment, in any time zone."""


class PainRefusal(StrEnum):
    """Why an entry was refused; each is a translation key."""

    RECORDED_AT_IN_FUTURE = "recorded_at_in_future"
    RECORDED_BEFORE_INJURY = "recorded_before_injury"


class PainRefusedError(Exception):
    """An entry the diary's rules do not allow."""

    def __init__(self, reason: PainRefusal) -> None:
        """Remember why."""
        super().__init__(reason.value)
        self.reason = reason


def local_day(moment: datetime, tz: tzinfo) -> date:
    """Return the local date of an aware ``moment`` in the time zone ``tz``."""
    return moment.astimezone(tz).date()


def check_recorded_at(
    recorded_at: datetime, *, now: datetime, injury_date: date, tz: tzinfo
) -> None:
    """Raise ``PainRefusedError`` for a moment the diary refuses.

    ``now`` itself is allowed; so is local midnight of the injury date (the
    local date in ``tz`` decides). A naive ``recorded_at`` raises ``ValueError``.
    """
    _aware(recorded_at)
    if recorded_at > now:
        raise PainRefusedError(PainRefusal.RECORDED_AT_IN_FUTURE)
    if local_day(recorded_at, tz) < injury_date:
        raise PainRefusedError(PainRefusal.RECORDED_BEFORE_INJURY)


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError("naive datetime")
    return moment


@dataclass(frozen=True, slots=True)
class PainEntry:
    """One pain level the person recorded.

    ``level`` is a whole number from 0 (no pain) to 10; ``recorded_at`` is the
    moment it describes (aware; kept in UTC, so entries in the same hour of a
    daylight-saving fall-back sort by their real order); ``note`` is optional
    free text of at most 200 characters (health data: never in diagnostics).
    Construction raises ``TypeError`` or ``ValueError`` on anything else.
    """

    level: int
    recorded_at: datetime
    note: str | None = None

    def __post_init__(self) -> None:
        """Check the values and keep the moment in UTC."""
        level: object = self.level
        if type(level) is not int:
            raise TypeError("level is not an integer")
        if not PAIN_LEVEL_MIN <= level <= PAIN_LEVEL_MAX:
            raise ValueError("level out of range")
        recorded_at: object = self.recorded_at
        if not isinstance(recorded_at, datetime):
            raise TypeError("recorded_at is not a datetime")
        if _aware(recorded_at).tzinfo is not UTC:
            object.__setattr__(self, "recorded_at", recorded_at.astimezone(UTC))
        note: object = self.note
        if note is not None:
            if not isinstance(note, str):
                raise TypeError("note is not text")
            if len(note) > NOTE_MAX_LENGTH:
                raise ValueError("note too long")

    def as_dict(self, *, note: bool = True) -> dict[str, Any]:
        """Serialize to JSON-safe values; ``note=False`` leaves the note out (diagnostics)."""
        data: dict[str, Any] = {
            "level": self.level,
            "recorded_at": self.recorded_at.isoformat(),
        }
        if note:
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PainEntry:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data."""
        return cls(
            data["level"], datetime.fromisoformat(data["recorded_at"]), data.get("note")
        )


def _recorded_at(entry: PainEntry) -> datetime:
    return entry.recorded_at


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


@dataclass(frozen=True, slots=True)
class PainStatus:
    """Everything the pain entities show on one local day, computed together."""

    latest: PainEntry | None
    average_7d: float | None
    previous_average_7d: float | None
    trend: PainTrend
    review: PainReview


class PainDiary:
    """The pain entries, sorted by ``recorded_at``, and the rules that read them.

    Insertion is a binary search (entries may be back-dated); a query reads
    only the entries of its window, found by binary search, so its cost does
    not grow with the history. When the diary holds more than ``max_entries``,
    the oldest entries go, except those of the baseline's week (up to half of
    the cap), so the baseline does not move as the history grows.
    """

    __slots__ = ("_entries", "max_entries")

    def __init__(
        self, entries: Iterable[PainEntry] = (), max_entries: int = MAX_PAIN_ENTRIES
    ) -> None:
        """Hold ``entries`` (in any order), at most ``max_entries`` of them."""
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._entries = sorted(entries, key=_recorded_at)
        self._trim()

    def __len__(self) -> int:
        """Return how many entries the diary holds."""
        return len(self._entries)

    def __iter__(self) -> Iterator[PainEntry]:
        """Iterate over the entries, oldest first."""
        return iter(self._entries)

    @property
    def entries(self) -> tuple[PainEntry, ...]:
        """Return the entries, oldest first (a copy)."""
        return tuple(self._entries)

    @property
    def first(self) -> PainEntry | None:
        """Return the entry with the earliest ``recorded_at``."""
        return self._entries[0] if self._entries else None

    @property
    def latest(self) -> PainEntry | None:
        """Return the entry with the latest ``recorded_at`` (of equal ones, the last added)."""
        return self._entries[-1] if self._entries else None

    # Adding entries.

    def add(self, entry: PainEntry) -> None:
        """Insert an entry at its place in time (an entry logged now goes last)."""
        insort(self._entries, entry, key=_recorded_at)
        self._trim()

    def log(
        self,
        level: int,
        recorded_at: datetime,
        *,
        now: datetime,
        injury_date: date,
        tz: tzinfo,
        note: str | None = None,
    ) -> PainEntry:
        """Record an entry, or raise ``PainRefusedError`` (``ValueError``/``TypeError`` for bad values)."""
        entry = PainEntry(level, recorded_at, note)
        check_recorded_at(recorded_at, now=now, injury_date=injury_date, tz=tz)
        self.add(entry)
        return entry

    def _trim(self) -> None:
        excess = len(self._entries) - self.max_entries
        if excess <= 0:
            return
        baseline_end = self._entries[0].recorded_at + _BASELINE_SPAN
        keep = min(
            bisect_left(self._entries, baseline_end, key=_recorded_at),
            self.max_entries // 2,
        )
        del self._entries[keep : keep + excess]

    # Reading the diary.

    def _daily(self, first: date, last: date, tz: tzinfo) -> dict[date, Fraction]:
        """Return each local day's mean level from ``first`` to ``last``, for days with entries.

        A local date differs from the UTC date by at most a day, so the entries
        between UTC midnight before ``first`` and UTC midnight two days after
        ``last`` hold every candidate; each is placed by its own local date.
        """
        entries = self._entries
        start = bisect_left(entries, _utc_midnight(first - ONE_DAY), key=_recorded_at)
        stop = bisect_left(
            entries, _utc_midnight(last + 2 * ONE_DAY), start, key=_recorded_at
        )
        totals: dict[date, tuple[int, int]] = {}
        for index in range(start, stop):
            entry = entries[index]
            day = entry.recorded_at.astimezone(tz).date()
            if first <= day <= last:
                total, count = totals.get(day, (0, 0))
                totals[day] = (total + entry.level, count + 1)
        return {day: Fraction(total, count) for day, (total, count) in totals.items()}

    def daily_values(self, first: date, last: date, tz: tzinfo) -> dict[date, float]:
        """Return each local day's pain (the mean of its entries) from ``first`` to ``last``.

        Days without entries are left out; the keys are in date order.
        """
        daily = self._daily(first, last, tz)
        return {day: float(daily[day]) for day in sorted(daily)}

    def _baseline(self, tz: tzinfo) -> Fraction | None:
        if not self._entries:
            return None
        first = local_day(self._entries[0].recorded_at, tz)
        last = first + (WINDOW_DAYS - 1) * ONE_DAY
        return week_average(self._daily(first, last, tz), last)

    def baseline(self, tz: tzinfo) -> float | None:
        """Return the mean of the daily values of the first 7 local days.

        The days start with the local day of the first entry; ``None`` when
        fewer than 3 of them have entries. A back-dated entry before the first
        moves the baseline's week.
        """
        return as_float(self._baseline(tz))

    def average_7d(self, today: date, tz: tzinfo) -> float | None:
        """Return the mean of the daily values of ``today`` and the 6 days before (unrounded).

        ``None`` when fewer than 3 of those days have entries.
        """
        first = today - (WINDOW_DAYS - 1) * ONE_DAY
        return as_float(week_average(self._daily(first, today, tz), today))

    def previous_average_7d(self, today: date, tz: tzinfo) -> float | None:
        """Return the average of the 7 days before ``average_7d``'s (unrounded)."""
        return self.average_7d(today - WINDOW_DAYS * ONE_DAY, tz)

    def trend(self, today: date, tz: tzinfo) -> PainTrend:
        """Compare the average of ``today``'s week with the previous week's."""
        first = today - (2 * WINDOW_DAYS - 1) * ONE_DAY
        return trend_on(self._daily(first, today, tz), today)

    def review(self, today: date, injury_date: date, tz: tzinfo) -> PainReview:
        """Return whether a review is recommended on ``today``, and why."""
        return self.status(today, injury_date, tz).review

    def status(self, today: date, injury_date: date, tz: tzinfo) -> PainStatus:
        """Return the latest entry, the averages, the trend and the review on ``today``.

        One pass over the 27 local days the 14 daily trends need, and one over
        the baseline's week.
        """
        return self.statuses(today, today, injury_date, tz)[0]

    def statuses(
        self, first: date, last: date, injury_date: date, tz: tzinfo
    ) -> list[PainStatus]:
        """Return ``status`` of each local day from ``first`` to ``last`` (the clinician report).

        One pass over the entries of the period and the 26 days before it,
        whatever its length; ``latest`` is the diary's latest entry, as in
        ``status``.
        """
        start = first - (WORSENING_DAYS - 1 + 2 * WINDOW_DAYS - 1) * ONE_DAY
        daily = self._daily(start, last, tz)
        baseline = self._baseline(tz)
        baseline_start = (
            local_day(self._entries[0].recorded_at, tz) if self._entries else None
        )
        statuses = []
        for offset in range((last - first).days + 1):
            today = first + offset * ONE_DAY
            average = week_average(daily, today)
            previous = week_average(daily, today - WINDOW_DAYS * ONE_DAY)
            statuses.append(
                PainStatus(
                    latest=self.latest,
                    average_7d=as_float(average),
                    previous_average_7d=as_float(previous),
                    trend=compare_weeks(average, previous),
                    review=PainReview.on(
                        daily, today, injury_date, baseline, baseline_start
                    ),
                )
            )
        return statuses

    # Storage.

    def as_dict(self, *, notes: bool = True) -> dict[str, Any]:
        """Serialize the entries, oldest first; ``notes=False`` leaves notes out (diagnostics)."""
        return {"entries": [entry.as_dict(note=notes) for entry in self._entries]}

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], max_entries: int = MAX_PAIN_ENTRIES
    ) -> PainDiary:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data.

        A missing ``entries`` is an empty diary (storage written before the diary existed).
        """
        raw = data.get("entries", [])
        if not isinstance(raw, list):
            raise TypeError("entries is not a list")
        return cls((PainEntry.from_dict(item) for item in raw), max_entries)
