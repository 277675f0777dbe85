"""Tests of the pain diary (therapy/pain.py): entries, what may be recorded, order, local days, cap and storage.

Plain data, no Home Assistant: the diary takes the time zone and the day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
import math
from typing import Any

import pytest

from custom_components.back_recovery.therapy.pain import (
    MAX_PAIN_ENTRIES,
    PainDiary,
    PainEntry,
    PainRefusal,
    PainRefusedError,
    check_recorded_at,
    local_day,
)
from custom_components.back_recovery.therapy.pain_review import PainTrend

from ..helpers.clock import (
    AUCKLAND,
    BERLIN,
    INJURY,
    LOS_ANGELES,
    at,
    days,
    real_seconds,
)
from ..helpers.storage import diary_of, week


def refusal(call: Any) -> PainRefusal:
    """Return the reason ``call()`` is refused with."""
    with pytest.raises(PainRefusedError) as info:
        call()
    return info.value.reason


# Entries.


def test_entry_keeps_its_moment_in_utc() -> None:
    """An entry's moment is kept in UTC; a local moment is the same instant."""
    local = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=LOS_ANGELES)
    entry = PainEntry(4, local, "after the walk")
    assert entry.recorded_at.tzinfo is UTC
    assert entry.recorded_at == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    assert entry == PainEntry(
        4, datetime(2026, 11, 1, 9, 30, tzinfo=UTC), "after the walk"
    )


@pytest.mark.parametrize(
    ("level", "recorded_at", "note", "error"),
    [
        (-1, datetime(2026, 3, 2, tzinfo=UTC), None, ValueError),
        (11, datetime(2026, 3, 2, tzinfo=UTC), None, ValueError),
        (True, datetime(2026, 3, 2, tzinfo=UTC), None, TypeError),
        (5.0, datetime(2026, 3, 2, tzinfo=UTC), None, TypeError),
        ("5", datetime(2026, 3, 2, tzinfo=UTC), None, TypeError),
        (5, datetime(2026, 3, 2), None, ValueError),  # noqa: DTZ001
        (5, "2026-03-02T00:00:00+00:00", None, TypeError),
        (5, datetime(2026, 3, 2, tzinfo=UTC), "x" * 201, ValueError),
        (5, datetime(2026, 3, 2, tzinfo=UTC), 7, TypeError),
    ],
    ids=[
        "below_0",
        "above_10",
        "bool",
        "float",
        "text_level",
        "naive",
        "text_moment",
        "long_note",
        "number_note",
    ],
)
def test_entry_refuses_bad_values(
    level: Any, recorded_at: Any, note: Any, error: type[Exception]
) -> None:
    """A level outside 0..10, a naive moment or a note over 200 characters is refused."""
    with pytest.raises(error):
        PainEntry(level, recorded_at, note)


def test_entry_accepts_the_limits() -> None:
    """Levels 0 and 10 and a note of exactly 200 characters are fine."""
    moment = datetime(2026, 3, 2, tzinfo=UTC)
    assert PainEntry(0, moment).level == 0
    assert PainEntry(10, moment, "x" * 200).note == "x" * 200


def test_entry_round_trips_through_dict() -> None:
    """An entry survives serialization; diagnostics can leave the note out."""
    entry = PainEntry(7, at(INJURY, 21, 15), "stairs")
    assert entry.as_dict() == {
        "level": 7,
        "recorded_at": "2026-03-02T20:15:00+00:00",
        "note": "stairs",
    }
    assert PainEntry.from_dict(entry.as_dict()) == entry
    assert entry.as_dict(note=False) == {
        "level": 7,
        "recorded_at": "2026-03-02T20:15:00+00:00",
    }
    bare = PainEntry(0, at(INJURY))
    assert PainEntry.from_dict(bare.as_dict(note=False)) == bare


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"recorded_at": "2026-03-02T08:00:00+00:00"}, KeyError),
        ({"level": 3}, KeyError),
        ({"level": 3, "recorded_at": "2026-03-02T08:00:00"}, ValueError),
        ({"level": 3, "recorded_at": "yesterday"}, ValueError),
        ({"level": 3, "recorded_at": 1772438400}, TypeError),
        ({"level": "3", "recorded_at": "2026-03-02T08:00:00+00:00"}, TypeError),
        ({"level": 12, "recorded_at": "2026-03-02T08:00:00+00:00"}, ValueError),
        (
            {"level": 3, "recorded_at": "2026-03-02T08:00:00+00:00", "note": 3},
            TypeError,
        ),
    ],
)
def test_entry_from_dict_refuses_malformed_data(
    data: dict[str, Any], error: type[Exception]
) -> None:
    """Malformed stored data raises KeyError, ValueError or TypeError."""
    with pytest.raises(error):
        PainEntry.from_dict(data)


# What may be recorded.


def test_recorded_at_in_the_future_is_refused() -> None:
    """A moment after ``now`` is refused; ``now`` itself is fine."""
    now = at(date(2026, 4, 1), 9)
    check_recorded_at(now, now=now, injury_date=INJURY, tz=BERLIN)
    assert (
        refusal(
            lambda: check_recorded_at(
                now + timedelta(seconds=1), now=now, injury_date=INJURY, tz=BERLIN
            )
        )
        is PainRefusal.RECORDED_AT_IN_FUTURE
    )


def test_recorded_before_local_midnight_of_the_injury_date_is_refused() -> None:
    """Local midnight of the injury date is the first moment allowed, in the local zone."""
    injury = date(2026, 11, 20)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    midnight = datetime(2026, 11, 19, 11, 0, tzinfo=UTC)  # 00:00 in Auckland (+13)
    assert midnight.astimezone(AUCKLAND) == at(injury, 0, tz=AUCKLAND)
    check_recorded_at(midnight, now=now, injury_date=injury, tz=AUCKLAND)
    assert (
        refusal(
            lambda: check_recorded_at(
                midnight - timedelta(seconds=1),
                now=now,
                injury_date=injury,
                tz=AUCKLAND,
            )
        )
        is PainRefusal.RECORDED_BEFORE_INJURY
    )
    # The same instant is already the injury date in UTC: the local zone decides.
    assert (
        refusal(
            lambda: check_recorded_at(
                datetime(2026, 11, 20, 5, 0, tzinfo=UTC),
                now=now,
                injury_date=injury,
                tz=LOS_ANGELES,
            )
        )
        is PainRefusal.RECORDED_BEFORE_INJURY
    )


def test_naive_moment_cannot_be_checked() -> None:
    """A naive moment is an error, not a refusal."""
    with pytest.raises(ValueError):
        check_recorded_at(
            datetime(2026, 4, 1),  # noqa: DTZ001
            now=at(date(2026, 4, 2)),
            injury_date=INJURY,
            tz=BERLIN,
        )


def test_log_records_checked_entries_only() -> None:
    """``log`` adds an allowed entry and leaves the diary alone on a refusal."""
    diary = PainDiary()
    now = at(date(2026, 3, 10), 9)
    entry = diary.log(6, now, now=now, injury_date=INJURY, tz=BERLIN, note="morning")
    assert entry == PainEntry(6, now, "morning")
    assert diary.entries == (entry,)
    assert (
        refusal(
            lambda: diary.log(
                3, at(date(2026, 3, 1)), now=now, injury_date=INJURY, tz=BERLIN
            )
        )
        is PainRefusal.RECORDED_BEFORE_INJURY
    )
    with pytest.raises(ValueError):
        diary.log(11, now, now=now, injury_date=INJURY, tz=BERLIN)
    assert len(diary) == 1


# The diary's order.


def test_back_dated_entries_take_their_place_in_time() -> None:
    """Entries stay sorted by ``recorded_at``; the latest is the latest moment, not the last logged."""
    diary = PainDiary()
    monday, tuesday, wednesday = INJURY, INJURY + days(1), INJURY + days(2)
    diary.add(PainEntry(5, at(wednesday)))
    diary.add(PainEntry(7, at(monday)))
    diary.add(PainEntry(6, at(tuesday)))
    assert [entry.level for entry in diary] == [7, 6, 5]
    assert diary.first == PainEntry(7, at(monday))
    assert diary.latest == PainEntry(5, at(wednesday))


def test_entries_at_the_same_moment_keep_the_order_they_were_logged() -> None:
    """Of entries at the same moment, the one logged last is the latest."""
    diary = PainDiary()
    diary.add(PainEntry(3, at(INJURY)))
    diary.add(PainEntry(8, at(INJURY)))
    assert diary.latest == PainEntry(8, at(INJURY))


def test_fall_back_hour_sorts_by_real_time() -> None:
    """01:10 after the fall-back is later than 01:40 before it."""
    night = date(2026, 11, 1)
    before = datetime.combine(night, time(1, 40), LOS_ANGELES)
    after = datetime.combine(night, time(1, 10, fold=1), LOS_ANGELES)
    diary = PainDiary([PainEntry(2, after), PainEntry(6, before)])
    assert diary.latest == PainEntry(2, after)


def test_empty_diary_knows_nothing() -> None:
    """Before the first entry every reading is unknown."""
    diary = PainDiary()
    assert diary.first is None
    assert diary.latest is None
    assert diary.baseline(BERLIN) is None
    status = diary.status(INJURY + days(60), INJURY, BERLIN)
    assert status.latest is None
    assert status.average_7d is None
    assert status.trend is PainTrend.INSUFFICIENT_DATA
    assert not status.review.recommended


# A day's pain.


def test_day_value_is_the_mean_of_its_entries() -> None:
    """A day with several entries counts once, with the mean of them."""
    diary = diary_of(
        {INJURY: [3, 4, 8], INJURY + days(1): [2, 3], INJURY + days(3): [9]}
    )
    assert diary.daily_values(INJURY, INJURY + days(6), BERLIN) == {
        INJURY: 5.0,
        INJURY + days(1): 2.5,
        INJURY + days(3): 9.0,
    }
    assert diary.daily_values(INJURY + days(1), INJURY + days(2), BERLIN) == {
        INJURY + days(1): 2.5
    }


def test_local_midnight_separates_days() -> None:
    """23:59:59 and 00:00 local are different days, though the same UTC date."""
    evening = datetime(2026, 11, 20, 23, 59, 59, tzinfo=AUCKLAND)
    midnight = datetime(2026, 11, 21, 0, 0, tzinfo=AUCKLAND)
    assert evening.astimezone(UTC).date() == midnight.astimezone(UTC).date()
    diary = PainDiary([PainEntry(2, evening), PainEntry(8, midnight)])
    assert diary.daily_values(date(2026, 11, 19), date(2026, 11, 22), AUCKLAND) == {
        date(2026, 11, 20): 2.0,
        date(2026, 11, 21): 8.0,
    }
    # The same entries, read in UTC, fall on one day.
    assert diary.daily_values(date(2026, 11, 19), date(2026, 11, 22), UTC) == {
        date(2026, 11, 20): 5.0
    }


def test_25_hour_day_holds_all_its_entries() -> None:
    """America/Los_Angeles, 2026-11-01: 25 hours, both 01:30s, until 23:59 PST."""
    day = date(2026, 11, 1)
    # A list, not a dict: the two 01:30s compare equal as wall times.
    moments = [
        (datetime(2026, 10, 31, 23, 59, tzinfo=LOS_ANGELES), 1),
        (datetime(2026, 11, 1, 0, 0, tzinfo=LOS_ANGELES), 2),
        (datetime(2026, 11, 1, 1, 30, tzinfo=LOS_ANGELES), 4),
        (datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=LOS_ANGELES), 6),
        (datetime(2026, 11, 1, 23, 59, tzinfo=LOS_ANGELES), 8),
        (datetime(2026, 11, 2, 0, 0, tzinfo=LOS_ANGELES), 10),
    ]
    diary = PainDiary(PainEntry(level, moment) for moment, level in moments)
    assert diary.daily_values(day - days(1), day + days(1), LOS_ANGELES) == {
        day - days(1): 1.0,
        day: 5.0,
        day + days(1): 10.0,
    }


def test_23_hour_day_holds_all_its_entries() -> None:
    """Europe/Berlin, 2026-03-29: 23 hours, from 00:00 CET to 23:59 CEST."""
    day = date(2026, 3, 29)
    moments = {
        datetime(2026, 3, 28, 22, 59, tzinfo=UTC): 1,  # 23:59 CET on the 28th
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC): 2,  # 00:00 CET
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC): 4,  # 03:00 CEST
        datetime(2026, 3, 29, 21, 59, tzinfo=UTC): 6,  # 23:59 CEST
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC): 10,  # 00:00 CEST on the 30th
    }
    diary = PainDiary(PainEntry(level, moment) for moment, level in moments.items())
    assert diary.daily_values(day - days(1), day + days(1), BERLIN) == {
        day - days(1): 1.0,
        day: 4.0,
        day + days(1): 10.0,
    }


@pytest.mark.parametrize(
    ("tz", "change"),
    [(BERLIN, date(2026, 3, 29)), (LOS_ANGELES, date(2026, 11, 1))],
    ids=["berlin_23h", "los_angeles_25h"],
)
def test_week_across_a_clock_change_is_seven_local_days(
    tz: tzinfo, change: date
) -> None:
    """The window ending on the day of a clock change starts 6 local days before it."""
    first = change - days(6)
    diary = diary_of(
        {
            first - days(1): [10],
            first: [1],
            change - days(3): [2],
            change: [3, 3],
        },
        tz=tz,
    )
    diary.add(PainEntry(10, at(change + days(1), 0, 30, tz=tz)))
    assert diary.average_7d(change, tz) == 2.0
    diary.add(PainEntry(9, at(change, 23, 59, tz=tz)))
    assert diary.average_7d(change, tz) == pytest.approx((1 + 2 + 5) / 3)
    # The week that starts on the day of the change leaves the evening before it out.
    later = change + days(6)
    diary.add(PainEntry(10, at(change - days(1), 23, 30, tz=tz)))
    diary.add(PainEntry(4, at(later, 12, tz=tz)))
    assert diary.average_7d(later, tz) == pytest.approx((5 + 10 + 4) / 3)


# The cap and storage.


def test_cap_keeps_the_baseline_week_and_the_newest_entries() -> None:
    """Over the cap, the oldest entries after the baseline's week go."""
    diary = diary_of(
        week(INJURY, 6, 6, 6) | week(INJURY + days(10), *range(10)), max_entries=8
    )
    assert len(diary) == 8
    assert diary.baseline(BERLIN) == 6.0
    assert [entry.level for entry in diary] == [6, 6, 6, 5, 6, 7, 8, 9]
    diary.add(PainEntry(1, at(INJURY + days(30))))
    assert [entry.level for entry in diary] == [6, 6, 6, 6, 7, 8, 9, 1]


def test_cap_keeps_at_most_half_of_it_for_the_baseline_week() -> None:
    """A baseline week with more entries than half the cap keeps its oldest half."""
    diary = diary_of({INJURY: list(range(10))}, max_entries=6)
    diary.add(PainEntry(10, at(INJURY + days(20))))
    assert [entry.level for entry in diary] == [0, 1, 2, 8, 9, 10]


def test_cap_must_be_positive() -> None:
    """A diary without room is a programming error."""
    with pytest.raises(ValueError):
        PainDiary(max_entries=0)


def test_default_cap_holds_two_years_of_six_entries_a_day() -> None:
    """Two years at six entries a day fit under the default cap."""
    assert MAX_PAIN_ENTRIES >= 2 * 365 * 6


def test_diary_round_trips_through_dict() -> None:
    """Entries survive storage in order; diagnostics can leave the notes out."""
    diary = diary_of({INJURY: [3, 4]})
    diary.add(PainEntry(5, at(INJURY + days(1)), "after therapy"))
    stored = diary.as_dict()
    assert PainDiary.from_dict(stored).entries == diary.entries
    assert "note" not in diary.as_dict(notes=False)["entries"][2]
    assert PainDiary.from_dict({}).entries == ()


def test_from_dict_sorts_and_caps() -> None:
    """Stored entries in any order come back sorted, at most the cap of them."""
    entries = [PainEntry(level, at(INJURY + days(level))) for level in range(10)]
    data = {"entries": [entry.as_dict() for entry in reversed(entries)]}
    assert PainDiary.from_dict(data).entries == tuple(entries)
    capped = PainDiary.from_dict(data, max_entries=4)
    assert [entry.level for entry in capped] == [0, 1, 8, 9]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"entries": {"level": 3}}, TypeError),
        ({"entries": [{"level": 3}]}, KeyError),
        ({"entries": [{"level": 3, "recorded_at": "2026-03-02T08:00:00"}]}, ValueError),
    ],
)
def test_from_dict_refuses_malformed_data(
    data: dict[str, Any], error: type[Exception]
) -> None:
    """Malformed stored data raises KeyError, ValueError or TypeError."""
    with pytest.raises(error):
        PainDiary.from_dict(data)


def test_full_history_loads_and_reads_fast(
    record_property: Callable[[str, object], None],
) -> None:
    """A full diary loads and answers every query well within setup's 50 ms."""
    start = datetime(2025, 1, 1, 6, tzinfo=UTC)
    data = {
        "entries": [
            PainEntry(
                index % 11, start + timedelta(hours=3.5 * index), "note"
            ).as_dict()
            for index in range(MAX_PAIN_ENTRIES)
        ]
    }
    best = math.inf
    for _ in range(3):
        began = real_seconds()
        diary = PainDiary.from_dict(data)
        assert diary.latest is not None
        today = local_day(diary.latest.recorded_at, BERLIN)
        diary.status(today, start.date(), BERLIN)
        best = min(best, real_seconds() - began)
    record_property("pain_load_and_status_ms", round(best * 1000, 2))
    assert len(diary) == MAX_PAIN_ENTRIES
    assert best < 0.04
