"""The pain review's definitions: weekly averages, the trend and when a review is due.

Nothing here imports Home Assistant, and nothing here reads entries: every
function takes the daily values (a local date's pain, the mean of its
entries, as an exact fraction) that ``PainDiary`` collects. The guidance
behind it (``recovery-guide.txt``): "your pain tolerance should guide you",
and pain that rest and rehabilitation do not relieve needs a doctor's
review. The definitions are the contract's section "Pain diary and review".

Averages are computed exactly (as fractions of whole pain levels) and
compared unrounded; they leave the diary as ``float`` and are rounded to one
decimal only for display (``round_for_display``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

ONE_DAY = timedelta(days=1)
"""The step from one local date to the next."""

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


class PainTrend(StrEnum):
    """How this week's average compares with the previous week's."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STABLE = "stable"
    INSUFFICIENT_DATA = "insufficient_data"


def round_for_display(value: float | None) -> float | None:
    """Round an average to 1 decimal for a state or a message; halves round up.

    Only what is shown is rounded; the rules compare unrounded averages.
    """
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def as_float(value: Fraction | None) -> float | None:
    """Return an exact average as the ``float`` the diary gives out (``None`` stays)."""
    return None if value is None else float(value)


def _mean(values: Iterable[Fraction]) -> Fraction:
    values = list(values)
    return sum(values, Fraction(0)) / len(values)


def week_average(daily: Mapping[date, Fraction], last: date) -> Fraction | None:
    """Return the mean of the daily values of ``last`` and the 6 days before it.

    ``None`` when fewer than 3 of those days have entries. The baseline is the
    week average of the first 7 local days.
    """
    values = [
        value
        for offset in range(WINDOW_DAYS)
        if (value := daily.get(last - offset * ONE_DAY)) is not None
    ]
    if len(values) < MIN_DAYS_WITH_ENTRIES:
        return None
    return _mean(values)


def compare_weeks(average: Fraction | None, previous: Fraction | None) -> PainTrend:
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


def trend_on(daily: Mapping[date, Fraction], day: date) -> PainTrend:
    """Return the trend on ``day``: its week against the 7 days before it."""
    return compare_weeks(
        week_average(daily, day), week_average(daily, day - WINDOW_DAYS * ONE_DAY)
    )


def _fell_enough(average: Fraction, baseline: Fraction) -> bool:
    """Whether ``average`` fell at least 2 points or 30 % below ``baseline``."""
    fall = baseline - average
    return fall >= REVIEW_FALL_POINTS or fall >= baseline * REVIEW_FALL_RATIO


@dataclass(frozen=True, slots=True)
class PainReview:
    """Whether the diary recommends a review by a doctor or physical therapist, and why.

    ``by_baseline``: 42 or more days after the injury date, this week's average
    is known, its 7 days no longer overlap the baseline's 7 days (contract,
    turn 3: a diary started late is not judged against its own first week),
    and it has not fallen at least 2 points or 30 % below the baseline.
    ``by_worsening``: the trend was worsening on each of the last 14 local days,
    ending today (at any time after the injury). ``baseline`` and ``average``
    are the unrounded numbers behind it (``None`` when unknown).
    """

    by_baseline: bool
    by_worsening: bool
    baseline: float | None
    average: float | None

    @classmethod
    def on(
        cls,
        daily: Mapping[date, Fraction],
        today: date,
        injury_date: date,
        baseline: Fraction | None,
        baseline_start: date | None,
    ) -> PainReview:
        """Judge the review on ``today``.

        ``daily`` holds the daily values of the 27 local days ending ``today``
        (the 14 daily trends need them); ``baseline`` is the exact baseline,
        ``baseline_start`` the first of its 7 local days (the first entry's).
        """
        average = week_average(daily, today)
        return cls(
            by_baseline=(
                (today - injury_date).days >= REVIEW_AFTER_DAYS
                and average is not None
                and baseline is not None
                and baseline_start is not None
                and (today - baseline_start).days >= 2 * WINDOW_DAYS - 1
                and not _fell_enough(average, baseline)
            ),
            by_worsening=all(
                trend_on(daily, today - offset * ONE_DAY) is PainTrend.WORSENING
                for offset in range(WORSENING_DAYS)
            ),
            baseline=as_float(baseline),
            average=as_float(average),
        )

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
