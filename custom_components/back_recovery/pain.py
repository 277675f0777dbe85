"""The pain diary, as rules: pure functions of the entries, the day and the time zone.

Nothing here imports Home Assistant. The guidance behind it
(``recovery-guide.txt``): "your pain tolerance should guide you", and pain
that rest and rehabilitation do not relieve needs a doctor's review. The
definitions are the contract's section "Pain diary and review".

Times are aware datetimes; an entry keeps its moment in UTC. Every day here
is a local day: the caller passes the local time zone (a ``tzinfo``) and
``today`` (the local date of ``now``), and an entry belongs to the local date
of its moment, ``recorded_at.astimezone(tz).date()``, so a 23-hour or 25-hour
day around a daylight-saving change holds exactly its own entries.

Averages are computed exactly (as fractions of whole pain levels) and
compared unrounded; they leave this module as ``float`` and are rounded to
one decimal only for display (``round_for_display``).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

PAIN_LEVEL_MIN = 0
"""The lowest pain level: no pain."""

PAIN_LEVEL_MAX = 10
"""The highest pain level: the worst pain imaginable."""

NOTE_MAX_LENGTH = 200
"""The longest note an entry may carry, in characters."""

MAX_PAIN_ENTRIES = 5000
"""How many entries the diary keeps: two years at six a day (4380) fit."""

WINDOW_DAYS = 7
"""A week: today and the 6 local days before it."""

MIN_DAYS_WITH_ENTRIES = 3
"""A week's average (and the baseline) needs entries on at least this many days."""

TREND_POINTS = Fraction(1)
"""A week's average this many points below the previous week's is improving; above, worsening."""

IMPROVING_RATIO = Fraction(7, 10)
"""A week's average at or below 70 % of the previous week's is improving."""

REVIEW_AFTER_DAYS = 42
"""The baseline clause of the review applies from this many days after the injury date."""

REVIEW_FALL_POINTS = Fraction(2)
"""A fall of this many points below the baseline is the improvement expected."""

REVIEW_FALL_RATIO = Fraction(3, 10)
"""A fall of 30 % of the baseline is also the improvement expected."""

WORSENING_DAYS = 14
"""The trend worsening on each of this many local days, ending today, recommends a review."""

_DAY = timedelta(days=1)
_BASELINE_SPAN = timedelta(days=WINDOW_DAYS + 1)
"""Covers the baseline's 7 local days from the first entry's moment, in any time zone."""


class PainTrend(StrEnum):
    """How this week's average compares with the previous week's."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STABLE = "stable"
    INSUFFICIENT_DATA = "insufficient_data"


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


def round_for_display(value: float | None) -> float | None:
    """Round an average to 1 decimal for a state or a message; halves round up.

    Only what is shown is rounded; the rules compare unrounded averages.
    """
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


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


def _mean(values: Iterable[Fraction]) -> Fraction:
    values = list(values)
    return sum(values, Fraction(0)) / len(values)


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _week_average(daily: Mapping[date, Fraction], last: date) -> Fraction | None:
    """Return the mean of the daily values of ``last`` and the 6 days before it.

    ``None`` when fewer than 3 of those days have entries.
    """
    values = [
        value
        for offset in range(WINDOW_DAYS)
        if (value := daily.get(last - offset * _DAY)) is not None
    ]
    if len(values) < MIN_DAYS_WITH_ENTRIES:
        return None
    return _mean(values)


def _trend(average: Fraction | None, previous: Fraction | None) -> PainTrend:
    """Compare a week's average with the previous week's (unrounded).

    Improving: at least 1.0 point lower, or at most 70 % of the previous week's
    (never when the previous week's is 0). Worsening: at least 1.0 point higher.
    """
    if average is None or previous is None:
        return PainTrend.INSUFFICIENT_DATA
    if previous > 0 and (
        average <= previous - TREND_POINTS or average <= previous * IMPROVING_RATIO
    ):
        return PainTrend.IMPROVING
    if average >= previous + TREND_POINTS:
        return PainTrend.WORSENING
    return PainTrend.STABLE


def _trend_on(daily: Mapping[date, Fraction], day: date) -> PainTrend:
    return _trend(
        _week_average(daily, day), _week_average(daily, day - WINDOW_DAYS * _DAY)
    )


def _fell_enough(average: Fraction, baseline: Fraction) -> bool:
    """Whether ``average`` fell at least 2 points or 30 % below ``baseline``."""
    fall = baseline - average
    return fall >= REVIEW_FALL_POINTS or fall >= baseline * REVIEW_FALL_RATIO


@dataclass(frozen=True, slots=True)
class PainReview:
    """Whether the diary recommends a review by a doctor or physical therapist, and why.

    ``by_baseline``: 42 or more days after the injury date, this week's average
    is known and has not fallen at least 2 points or 30 % below the baseline.
    ``by_worsening``: the trend was worsening on each of the last 14 local days,
    ending today (at any time after the injury). ``baseline`` and ``average``
    are the unrounded numbers behind it (``None`` when unknown).
    """

    by_baseline: bool
    by_worsening: bool
    baseline: float | None
    average: float | None

    @property
    def recommended(self) -> bool:
        """Whether ``review_recommended`` is on."""
        return self.by_baseline or self.by_worsening

    def event_data(self) -> dict[str, float | None]:
        """Return the data of ``back_recovery_review_recommended`` (without the entry id).

        Both numbers are rounded for display like ``pain_average_7d``;
        ``baseline`` is ``None`` when the worsening clause alone turned it on.
        """
        return {
            "baseline": round_for_display(self.baseline) if self.by_baseline else None,
            "average": round_for_display(self.average),
        }


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
        start = bisect_left(entries, _utc_midnight(first - _DAY), key=_recorded_at)
        stop = bisect_left(
            entries, _utc_midnight(last + 2 * _DAY), start, key=_recorded_at
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
        daily = self._daily(first, first + (WINDOW_DAYS - 1) * _DAY, tz)
        if len(daily) < MIN_DAYS_WITH_ENTRIES:
            return None
        return _mean(daily.values())

    def baseline(self, tz: tzinfo) -> float | None:
        """Return the mean of the daily values of the first 7 local days.

        The days start with the local day of the first entry; ``None`` when
        fewer than 3 of them have entries. A back-dated entry before the first
        moves the baseline's week.
        """
        return _as_float(self._baseline(tz))

    def average_7d(self, today: date, tz: tzinfo) -> float | None:
        """Return the mean of the daily values of ``today`` and the 6 days before (unrounded).

        ``None`` when fewer than 3 of those days have entries.
        """
        first = today - (WINDOW_DAYS - 1) * _DAY
        return _as_float(_week_average(self._daily(first, today, tz), today))

    def previous_average_7d(self, today: date, tz: tzinfo) -> float | None:
        """Return the average of the 7 days before ``average_7d``'s (unrounded)."""
        return self.average_7d(today - WINDOW_DAYS * _DAY, tz)

    def trend(self, today: date, tz: tzinfo) -> PainTrend:
        """Compare the average of ``today``'s week with the previous week's."""
        first = today - (2 * WINDOW_DAYS - 1) * _DAY
        return _trend_on(self._daily(first, today, tz), today)

    def review(self, today: date, injury_date: date, tz: tzinfo) -> PainReview:
        """Return whether a review is recommended on ``today``, and why."""
        return self.status(today, injury_date, tz).review

    def status(self, today: date, injury_date: date, tz: tzinfo) -> PainStatus:
        """Return the latest entry, the averages, the trend and the review on ``today``.

        One pass over the 27 local days the 14 daily trends need, and one over
        the baseline's week.
        """
        first = today - (WORSENING_DAYS - 1 + 2 * WINDOW_DAYS - 1) * _DAY
        daily = self._daily(first, today, tz)
        average = _week_average(daily, today)
        previous = _week_average(daily, today - WINDOW_DAYS * _DAY)
        baseline = self._baseline(tz)
        by_baseline = (
            (today - injury_date).days >= REVIEW_AFTER_DAYS
            and average is not None
            and baseline is not None
            and not _fell_enough(average, baseline)
        )
        by_worsening = all(
            _trend_on(daily, today - offset * _DAY) is PainTrend.WORSENING
            for offset in range(WORSENING_DAYS)
        )
        return PainStatus(
            latest=self.latest,
            average_7d=_as_float(average),
            previous_average_7d=_as_float(previous),
            trend=_trend(average, previous),
            review=PainReview(
                by_baseline=by_baseline,
                by_worsening=by_worsening,
                baseline=_as_float(baseline),
                average=_as_float(average),
            ),
        )

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
