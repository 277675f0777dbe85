"""Tests of the pain review (therapy/pain_review.py): weekly averages, trend, baseline and review.

Plain data, no Home Assistant: the diary collects the daily values, the
definitions read them; the time zone and the day are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from fractions import Fraction
import math
import random
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.therapy.pain import PainDiary, PainEntry, local_day
from custom_components.back_recovery.therapy.pain_review import (
    PainReview,
    PainTrend,
    round_for_display,
)

from ..helpers.clock import AUCKLAND, BERLIN, INJURY, LOS_ANGELES, at, days
from ..helpers.storage import diary_of, week

HOURS = (8, 14, 21)


# The weekly average.


def test_average_needs_entries_on_three_days() -> None:
    """Two days of entries are not enough, however many entries they hold."""
    today = INJURY + days(10)
    diary = diary_of({today: [4, 5, 6, 7], today - days(6): [1, 1, 1]})
    assert diary.average_7d(today, BERLIN) is None
    diary.add(PainEntry(7, at(today - days(3))))
    assert diary.average_7d(today, BERLIN) == pytest.approx((5.5 + 1 + 7) / 3)


def test_average_is_the_mean_of_daily_values() -> None:
    """Each day weighs the same, not each entry."""
    today = INJURY + days(10)
    diary = diary_of(
        {today: [0, 10, 10, 10], today - days(1): [2], today - days(2): [3]}
    )
    assert diary.average_7d(today, BERLIN) == pytest.approx((7.5 + 2 + 3) / 3)


def test_window_is_today_and_the_six_days_before() -> None:
    """An entry 7 days before today belongs to the previous week."""
    today = INJURY + days(20)
    diary = diary_of(week(today - days(7), 10, 1, None, None, 2, None, None, 3))
    assert diary.average_7d(today, BERLIN) == 2.0
    assert diary.average_7d(today - days(1), BERLIN) == pytest.approx(13 / 3)


def test_sparse_week_averages_the_days_it_has() -> None:
    """Three days with entries out of seven give the average of those three."""
    today = INJURY + days(30)
    diary = diary_of(week(today - days(6), 4, None, None, 7, None, None, 1))
    assert diary.average_7d(today, BERLIN) == 4.0
    assert diary.average_7d(today + days(1), BERLIN) is None


def test_average_is_unrounded_and_rounded_only_for_display() -> None:
    """The average is exact; the shown value has one decimal, halves up."""
    today = INJURY + days(10)
    diary = diary_of({today: [4], today - days(1): [4], today - days(2): [5]})
    average = diary.average_7d(today, BERLIN)
    assert average == 13 / 3
    assert round_for_display(average) == 4.3


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, None), (2.25, 2.3), (2.35, 2.4), (1.15, 1.2), (0.05, 0.1), (7.0, 7.0)],
)
def test_display_rounding_rounds_halves_up(
    value: float | None, shown: float | None
) -> None:
    """A shown average rounds half up to one decimal, as a person would."""
    assert round_for_display(value) == shown


def test_previous_week_is_the_seven_days_before() -> None:
    """The previous week's average is the average of the week ending 7 days ago."""
    today = INJURY + days(20)
    diary = diary_of(
        week(today - days(13), 6, 6, 6, 6, 6, 6, 9) | week(today - days(6), 2, 2, 2)
    )
    assert diary.previous_average_7d(today, BERLIN) == pytest.approx(45 / 7)
    assert diary.average_7d(today, BERLIN) == 2.0


def test_back_dated_entry_lands_in_an_earlier_window() -> None:
    """An entry logged today for 9 days ago changes the previous week and its trend only."""
    today = INJURY + days(20)
    diary = diary_of(
        week(today - days(13), 6, None, 6) | week(today - days(6), 4, 4, 4)
    )
    assert diary.previous_average_7d(today, BERLIN) is None
    assert diary.trend(today, BERLIN) is PainTrend.INSUFFICIENT_DATA
    diary.add(PainEntry(9, at(today - days(9), 20)))
    assert diary.previous_average_7d(today, BERLIN) == 7.0
    assert diary.average_7d(today, BERLIN) == 4.0
    assert diary.trend(today, BERLIN) is PainTrend.IMPROVING
    assert diary.latest is not None
    assert local_day(diary.latest.recorded_at, BERLIN) == today - days(4)


# The trend.


@pytest.mark.parametrize(
    ("previous", "current", "trend"),
    [
        ((5, 5, 5, 5, 5, 5, 5), (4, 4, 4, 4, 4, 4, 4), PainTrend.IMPROVING),
        ((5, 5, 5, 5, 5, 5, 5), (4.5, 4.5, 4.5), PainTrend.STABLE),
        ((2, 2, 2), (1, 2, 1, 2, 1), PainTrend.IMPROVING),
        ((2, 2, 2), (1, 2, 1, 2), PainTrend.STABLE),
        ((0, 0, 0), (0, 0, 0), PainTrend.STABLE),
        ((0, 0, 0), (1, 1, 1), PainTrend.WORSENING),
        ((0, 0, 0), (0.5, 1, 1), PainTrend.STABLE),
        ((5, 5, 5), (6, 6, 6), PainTrend.WORSENING),
        ((5, 5, 5), (6, 6, 6, 6, 6, 6, 5), PainTrend.STABLE),
        ((4, 4, 4, 4, 4.5), (3, 3, 3, 3, 3.5), PainTrend.IMPROVING),
        ((3, 3, 3, 3, 3.5), (4, 4, 4, 4, 4.5), PainTrend.WORSENING),
        ((3, 3, 4), (2, 2, 3), PainTrend.IMPROVING),
        ((5, 5), (1, 1, 1), PainTrend.INSUFFICIENT_DATA),
        ((5, 5, 5), (9, None, 9, None, None, None, None), PainTrend.INSUFFICIENT_DATA),
    ],
    ids=[
        "one_point_lower",
        "half_point_lower",
        "exactly_70_percent",
        "75_percent",
        "previous_0_stays_0",
        "previous_0_one_point_higher",
        "previous_0_less_than_a_point",
        "one_point_higher",
        "less_than_a_point_higher",
        "one_point_lower_in_tenths",
        "one_point_higher_in_tenths",
        "thirds",
        "previous_week_two_days",
        "this_week_two_days",
    ],
)
def test_trend_thresholds(
    previous: tuple[float | None, ...],
    current: tuple[float | None, ...],
    trend: PainTrend,
) -> None:
    """Improving at 1.0 point lower or 70 %, worsening at 1.0 point higher, exactly."""
    today = INJURY + days(30)
    diary = diary_of(
        week(today - days(13), *previous) | week(today - days(6), *current)
    )
    assert diary.trend(today, BERLIN) is trend
    assert diary.status(today, INJURY, BERLIN).trend is trend


# The baseline.


def test_baseline_is_the_first_seven_local_days() -> None:
    """From the first entry's local day, 7 days: the eighth day does not count."""
    first = INJURY + days(3)
    diary = diary_of(
        {
            first: [8, 6],
            first + days(2): [6],
            first + days(6): [5],
            first + days(7): [0],
        }
    )
    assert diary.baseline(BERLIN) == 6.0


def test_baseline_needs_entries_on_three_days() -> None:
    """Two days of entries in the first week give no baseline, however much follows."""
    diary = diary_of(
        {INJURY: [8], INJURY + days(6): [8]} | week(INJURY + days(7), 5, 5, 5, 5)
    )
    assert diary.baseline(BERLIN) is None


def test_baseline_starts_on_the_first_entrys_local_day() -> None:
    """An entry at 00:30 local (the evening before in UTC) starts the baseline's week."""
    first = datetime(2026, 3, 2, 0, 30, tzinfo=BERLIN)
    diary = diary_of(
        {INJURY + days(1): [3], INJURY + days(3): [3], INJURY + days(6): [9]}
    )
    diary.add(PainEntry(6, first))
    assert diary.baseline(BERLIN) == 5.25
    assert diary.baseline(UTC) == 4.0


def test_back_dated_entry_moves_the_baseline() -> None:
    """An entry back-dated before the first one starts the baseline's week earlier."""
    diary = diary_of(week(INJURY + days(5), 6, 6, 6, 6, 6, 6, 6))
    assert diary.baseline(BERLIN) == 6.0
    diary.add(PainEntry(9, at(INJURY)))
    assert diary.baseline(BERLIN) == 7.0


# The review.


def review_diary(baseline: tuple[float, ...], current: tuple[float, ...]) -> PainDiary:
    """Return a diary: the first week from the injury date, then a week ending on day 42."""
    return diary_of(week(INJURY, *baseline) | week(INJURY + days(36), *current))


DAY_42 = INJURY + days(42)


@pytest.mark.parametrize(
    ("baseline", "current", "recommended"),
    [
        ((5, 5, 5), (3, 3, 3), False),
        ((5, 5, 5), (3.5, 3.5, 3.5), False),
        ((5, 5, 5), (3, 4, 4, 3, 4), True),
        ((5, 5, 5), (5, 5, 5), True),
        ((5, 5, 5), (8, 8, 8), True),
        ((10, 10, 10), (8, 8, 8), False),
        ((10, 10, 10), (8.5, 8.5, 8.5), True),
        ((8, 8, 8), (6, 6, 6), False),
        ((8, 8, 8), (6, 6, 6, 6, 6.5), True),
        ((3, 3, 3), (2, 2, 2, 2, 2.5), False),
        ((3, 3, 3), (2, 2, 2, 2.5, 2.5), True),
        ((0, 0, 0), (0, 0, 0), False),
        ((0, 0, 0), (1, 0, 0), True),
    ],
    ids=[
        "fall_exactly_2_points",
        "fall_exactly_30_percent",
        "fall_1_4_of_5",
        "no_fall",
        "rise",
        "fall_2_points_is_20_percent",
        "fall_1_5_of_10",
        "fall_2_points_is_25_percent",
        "fall_1_9_of_8",
        "fall_exactly_30_percent_is_0_9",
        "fall_0_8_of_3",
        "baseline_0_still_0",
        "baseline_0_then_pain",
    ],
)
def test_review_baseline_clause_thresholds(
    baseline: tuple[float, ...], current: tuple[float, ...], recommended: bool
) -> None:
    """Off when the fall reaches 2 points or 30 % of the baseline, exactly; on otherwise."""
    review = review_diary(baseline, current).review(DAY_42, INJURY, BERLIN)
    assert review.recommended is recommended
    assert review.by_baseline is recommended
    assert not review.by_worsening


def test_review_baseline_clause_starts_42_days_after_the_injury() -> None:
    """Day 41 is too early; day 42 is the first day the baseline clause applies."""
    diary = diary_of(week(INJURY, 5, 5, 5) | week(INJURY + days(35), *[5] * 8))
    early = diary.review(DAY_42 - days(1), INJURY, BERLIN)
    assert early.average == 5.0
    assert not early.recommended
    on_time = diary.review(DAY_42, INJURY, BERLIN)
    assert on_time == PainReview(
        by_baseline=True, by_worsening=False, baseline=5.0, average=5.0
    )
    assert on_time.event_data() == {"baseline": 5.0, "average": 5.0}


def test_review_of_a_diary_started_late_waits_for_a_week_apart_from_the_baseline() -> (
    None
):
    """Started on day 48 with three days of entries: not judged against its own first week.

    Contract, turn 3: the baseline clause cannot turn the review on while the
    7 days of ``pain_average_7d`` overlap the baseline's 7 days; the first
    week apart (the 14th day from the first entry) can.
    """
    first = INJURY + days(48)
    diary = diary_of(week(first, 5, 5, 5))
    review = diary.review(first + days(2), INJURY, BERLIN)
    assert (review.baseline, review.average) == (5.0, 5.0)
    assert not review.recommended
    diary = diary_of(week(first, 5, 5, 5) | week(first + days(7), *[5] * 7))
    assert not diary.review(first + days(12), INJURY, BERLIN).recommended
    apart = diary.review(first + days(13), INJURY, BERLIN)
    assert apart == PainReview(
        by_baseline=True, by_worsening=False, baseline=5.0, average=5.0
    )


def test_review_without_baseline_needs_the_worsening_clause() -> None:
    """With fewer than 3 days in the first week, the baseline clause never turns on."""
    diary = diary_of(
        {INJURY: [2], INJURY + days(6): [2]} | week(DAY_42 - days(6), *[9] * 7)
    )
    review = diary.review(DAY_42, INJURY, BERLIN)
    assert review.baseline is None
    assert review.average == 9.0
    assert not review.recommended


def test_review_without_an_average_is_off() -> None:
    """A week with entries on only 2 days gives no average, and no review."""
    diary = diary_of(week(INJURY, 5, 5, 5) | week(DAY_42 - days(1), 8, 8))
    review = diary.review(DAY_42, INJURY, BERLIN)
    assert review.average is None
    assert not review.recommended


def rising(first: date, count: int, start: int = 4) -> dict[date, list[int]]:
    """Return ``count`` days from ``first`` whose pain rises a quarter point a day.

    Four entries a day: day ``n`` sums to ``start + n``, so each week's average
    is 1.75 points above the previous week's.
    """
    levels: dict[date, list[int]] = {}
    for offset in range(count):
        total = start + offset
        base, extra = divmod(total, 4)
        levels[first + days(offset)] = [base + 1] * extra + [base] * (4 - extra)
    return levels


def test_review_after_14_days_of_worsening_even_before_day_42() -> None:
    """The trend worsening on each of the last 14 local days turns the review on."""
    diary = diary_of(rising(INJURY, 23))
    first_worsening = INJURY + days(9)  # the previous week has 3 days from here
    assert diary.trend(first_worsening - days(1), BERLIN) is PainTrend.INSUFFICIENT_DATA
    assert diary.trend(first_worsening, BERLIN) is PainTrend.WORSENING
    thirteen = diary.review(first_worsening + days(12), INJURY, BERLIN)
    assert diary.trend(first_worsening + days(12), BERLIN) is PainTrend.WORSENING
    assert not thirteen.recommended
    fourteen = diary.review(first_worsening + days(13), INJURY, BERLIN)
    assert fourteen == PainReview(
        by_baseline=False, by_worsening=True, baseline=1.75, average=5.75
    )
    assert fourteen.event_data() == {"baseline": None, "average": 5.8}


def test_a_week_not_worsening_breaks_the_14_days() -> None:
    """A low day keeps the trend stable while it is in this week's average, and the review off."""
    levels = rising(INJURY, 34)
    assert diary_of(levels).review(INJURY + days(22), INJURY, BERLIN).by_worsening
    low = INJURY + days(19)
    levels[low] = [0]
    diary = diary_of(levels)
    assert diary.trend(low - days(1), BERLIN) is PainTrend.WORSENING
    assert diary.trend(low, BERLIN) is PainTrend.STABLE
    assert diary.trend(low + days(6), BERLIN) is PainTrend.STABLE
    assert diary.trend(low + days(7), BERLIN) is PainTrend.WORSENING
    for offset in range(22, 34):
        assert not diary.review(INJURY + days(offset), INJURY, BERLIN).recommended


def test_worsening_clause_is_recomputed_from_the_diary() -> None:
    """A back-dated entry that changes an earlier day's trend changes today's review."""
    levels = rising(INJURY, 23)
    del levels[INJURY + days(2)]
    diary = diary_of(levels)
    today = INJURY + days(22)
    assert diary.trend(INJURY + days(9), BERLIN) is PainTrend.INSUFFICIENT_DATA
    assert not diary.review(today, INJURY, BERLIN).recommended
    diary.add(PainEntry(2, at(INJURY + days(2), 20)))
    assert diary.trend(INJURY + days(9), BERLIN) is PainTrend.WORSENING
    assert diary.review(today, INJURY, BERLIN).by_worsening


def test_both_clauses_report_the_baseline() -> None:
    """With both clauses on, the event carries the baseline and the average."""
    diary = diary_of(week(INJURY, 2, 2, 2) | rising(INJURY + days(16), 27))
    review = diary.review(DAY_42, INJURY, BERLIN)
    assert review.by_baseline
    assert review.by_worsening
    assert review.event_data() == {"baseline": 2.0, "average": 6.8}


# Properties.


def reference_daily(
    entries: Sequence[tuple[int, datetime]], tz: tzinfo
) -> dict[date, Fraction]:
    """Return each local day's mean level by a full scan: the definition, plainly."""
    by_day: dict[date, list[int]] = {}
    for level, moment in entries:
        by_day.setdefault(moment.astimezone(tz).date(), []).append(level)
    return {day: Fraction(sum(levels), len(levels)) for day, levels in by_day.items()}


def reference_average(daily: Mapping[date, Fraction], today: date) -> Fraction | None:
    """Return the definition's 7-day average."""
    values = [daily[day] for day in daily if 0 <= (today - day).days < 7]
    return sum(values, Fraction(0)) / len(values) if len(values) >= 3 else None


def reference_trend(daily: Mapping[date, Fraction], today: date) -> PainTrend:
    """Return the definition's trend, its tests spelled out."""
    average = reference_average(daily, today)
    previous = reference_average(daily, today - days(7))
    if average is None or previous is None:
        return PainTrend.INSUFFICIENT_DATA
    if previous != 0 and (previous - average >= 1 or average * 10 <= previous * 7):
        return PainTrend.IMPROVING
    if average - previous >= 1:
        return PainTrend.WORSENING
    return PainTrend.STABLE


def reference_baseline(daily: Mapping[date, Fraction]) -> Fraction | None:
    """Return the definition's baseline: the first 7 days from the first entry's day."""
    if not daily:
        return None
    first = min(daily)
    values = [daily[day] for day in daily if (day - first).days < 7]
    return sum(values, Fraction(0)) / len(values) if len(values) >= 3 else None


ZONES = [UTC, BERLIN, LOS_ANGELES, AUCKLAND, ZoneInfo("Asia/Kolkata")]
START = datetime(2026, 10, 1, tzinfo=UTC)


@settings(max_examples=150, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.integers(0, 10), st.integers(0, 60 * 24 * 45)), max_size=120
    ),
    zone=st.sampled_from(ZONES),
    today_offset=st.integers(-2, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_diary_matches_the_definitions_in_any_order(
    entries: list[tuple[int, int]], zone: tzinfo, today_offset: int, seed: int
) -> None:
    """Whatever the entries and their logging order, the readings follow the definitions.

    A full scan by local date is the reference; averages stay within 0..10.
    """
    moments = [(level, START + timedelta(minutes=minute)) for level, minute in entries]
    shuffled = list(moments)
    random.Random(seed).shuffle(shuffled)
    diary = PainDiary()
    for level, moment in shuffled:
        diary.add(PainEntry(level, moment))
    today = START.astimezone(zone).date() + days(today_offset)

    daily = reference_daily(moments, zone)
    average = reference_average(daily, today)
    previous = reference_average(daily, today - days(7))
    status = diary.status(today, INJURY, zone)
    assert status.average_7d == (None if average is None else float(average))
    assert status.previous_average_7d == (None if previous is None else float(previous))
    assert diary.average_7d(today, zone) == status.average_7d
    assert diary.previous_average_7d(today, zone) == status.previous_average_7d
    for value in (status.average_7d, status.previous_average_7d):
        assert value is None or 0 <= value <= 10
    assert status.trend is reference_trend(daily, today)
    assert diary.trend(today, zone) is status.trend

    baseline = reference_baseline(daily)
    assert diary.baseline(zone) == (None if baseline is None else float(baseline))
    review = status.review
    assert review == diary.review(today, INJURY, zone)
    assert review.by_baseline is (
        average is not None
        and baseline is not None
        # Today's 7 days no longer overlap the baseline's 7 (turn 3).
        and (today - min(daily)).days >= 13
        and baseline - average < 2
        and (baseline - average) * 10 < baseline * 3
    )
    assert review.by_worsening is all(
        reference_trend(daily, today - days(offset)) is PainTrend.WORSENING
        for offset in range(14)
    )
    if moments:
        assert status.latest is not None
        assert status.latest.recorded_at == max(moment for _, moment in moments)
    else:
        assert status.latest is None
    assert [entry.recorded_at for entry in diary] == sorted(m for _, m in moments)
    assert PainDiary.from_dict(diary.as_dict()).entries == diary.entries


# A simulated diary, day by day.


def simulated_levels(profile: str, day: int) -> list[int]:
    """Return the levels logged on day ``day`` (0 is the injury date) of a profile.

    improving: from about 8.5, 0.15 a day lower; flat: about 5, with gaps;
    worsening: from 2, 0.15 a day higher. Three entries a day, a point apart.
    """
    if profile == "flat":
        if day % 5 == 4:
            return []
        base = 5.0 + (0.5 if day % 3 == 0 else 0.0)
    elif profile == "improving":
        base = 8.5 - 0.15 * day
    else:
        base = 2.0 + 0.15 * day
    return [min(10, max(0, math.floor(base + shift + 0.5))) for shift in (1, 0, -1)]


def shown(value: float | None) -> str:
    """Return a number as the table shows it."""
    rounded = round_for_display(value)
    return "  - " if rounded is None else f"{rounded:4.1f}"


@pytest.mark.parametrize("profile", ["improving", "flat", "worsening"])
def test_ten_week_simulated_diary(profile: str, snapshot: SnapshotAssertion) -> None:
    """Ten weeks, logged day by day: each evening's average, trend and review."""
    diary = PainDiary()
    lines = []
    for day_number in range(70):
        today = INJURY + days(day_number)
        levels = simulated_levels(profile, day_number)
        for index, level in enumerate(levels):
            diary.log(
                level,
                at(today, HOURS[index]),
                now=at(today, 23),
                injury_date=INJURY,
                tz=BERLIN,
            )
        status = diary.status(today, INJURY, BERLIN)
        review = status.review
        clauses = [
            name
            for name, on in (
                ("baseline", review.by_baseline),
                ("worsening", review.by_worsening),
            )
            if on
        ]
        day_value = diary.daily_values(today, today, BERLIN).get(today)
        lines.append(
            f"{today.isoformat()} day {day_number:>2}: "
            f"levels {','.join(map(str, levels)) or '-':<8} day {shown(day_value)} "
            f"avg {shown(status.average_7d)} prev {shown(status.previous_average_7d)} "
            f"base {shown(review.baseline)} {status.trend.value:<17} "
            f"review {'on (' + ', '.join(clauses) + ')' if clauses else 'off'}"
        )
    assert lines == snapshot
