"""The brace's rules without Home Assistant: worn stretches, hours per local day, the week's adherence.

Contract "Brace"; the decisions (unknown time, a restart, complete days) are
``therapy/brace.py``'s module docstring. Days are Berlin's unless told.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from custom_components.back_recovery.therapy.brace import (
    KEPT_DAYS,
    BraceLog,
    WornInterval,
    seconds_per_local_day,
    worn_from_temperature,
    worn_intervals,
)

from ..helpers.clock import BERLIN, INJURY, at, minutes

HOUR = 3600.0
DAY = date(2026, 3, 10)


def test_intervals_from_observations_only_worn_counts() -> None:
    """``True`` opens a stretch, ``False`` and ``None`` (unknown) close it; a repeated ``True`` changes nothing."""
    start = at(DAY, 8)
    observed = [
        (start, True),
        (start + minutes(30), True),
        (start + minutes(60), None),
        (start + minutes(90), True),
        (start + minutes(100), False),
        (start + minutes(120), False),
        (start + minutes(150), True),
    ]
    assert worn_intervals(observed, until=start + minutes(160)) == [
        WornInterval(start.astimezone(UTC), (start + minutes(60)).astimezone(UTC)),
        WornInterval(
            (start + minutes(90)).astimezone(UTC),
            (start + minutes(100)).astimezone(UTC),
        ),
        WornInterval(
            (start + minutes(150)).astimezone(UTC),
            (start + minutes(160)).astimezone(UTC),
        ),
    ]


def test_a_flapping_sensor_counts_exactly_the_worn_seconds() -> None:
    """A sensor that flaps every 10 s (worn 7 s, then 3 s not) counts 7 s of each 10, no more."""
    log = BraceLog()
    start = at(DAY, 10)
    for step in range(360):
        moment = start + timedelta(seconds=10 * step)
        log.observe(moment, True, BERLIN)
        log.observe(moment + timedelta(seconds=7), False, BERLIN)
    assert log.worn_seconds_on(DAY, start + timedelta(hours=2), BERLIN) == 360 * 7
    assert log.hours_on(DAY, start + timedelta(hours=2), BERLIN) == 0.7
    # One total per day, however often it flapped.
    assert len(log.as_dict(start)["days"]) == 1


def test_worn_across_midnight_is_split_without_gap_or_double_count() -> None:
    """Worn from 22:00 to 02:00: 2 hours on each local day, 4 in all."""
    log = BraceLog()
    log.observe(at(DAY, 22), True, BERLIN)
    at_midnight = at(DAY + timedelta(days=1), 0)
    assert log.hours_on(DAY, at_midnight, BERLIN) == 2.0
    assert log.hours_on(DAY + timedelta(days=1), at_midnight, BERLIN) == 0.0
    log.observe(at(DAY + timedelta(days=1), 2), False, BERLIN)
    later = at(DAY + timedelta(days=1), 12)
    assert log.worn_seconds_on(DAY, later, BERLIN) == 2 * HOUR
    assert log.worn_seconds_on(DAY + timedelta(days=1), later, BERLIN) == 2 * HOUR


def test_unavailable_across_midnight_counts_nothing() -> None:
    """Worn until 23:00, unavailable until 01:00, worn again: the unknown 2 hours count on neither day."""
    log = BraceLog()
    log.observe(at(DAY, 21), True, BERLIN)
    log.observe(at(DAY, 23), None, BERLIN)
    next_day = DAY + timedelta(days=1)
    log.observe(at(next_day, 1), True, BERLIN)
    log.observe(at(next_day, 3), False, BERLIN)
    later = at(next_day, 12)
    assert log.worn_seconds_on(DAY, later, BERLIN) == 2 * HOUR
    assert log.worn_seconds_on(next_day, later, BERLIN) == 2 * HOUR


@pytest.mark.parametrize(
    ("day", "length"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
    ids=["spring_forward", "fall_back"],
)
def test_a_daylight_saving_day_holds_its_real_hours(day: date, length: int) -> None:
    """Worn from midnight to midnight on a DST day: 23 or 25 real hours on that local day, none beside."""
    log = BraceLog()
    log.observe(at(day, 0), True, BERLIN)
    log.observe(at(day + timedelta(days=1), 0), False, BERLIN)
    later = at(day + timedelta(days=2), 12)
    assert log.worn_seconds_on(day, later, BERLIN) == length * HOUR
    assert log.worn_seconds_on(day - timedelta(days=1), later, BERLIN) == 0
    assert log.worn_seconds_on(day + timedelta(days=1), later, BERLIN) == 0
    split = seconds_per_local_day(at(day, 0), at(day + timedelta(days=1), 0), BERLIN)
    assert split == {day: length * HOUR}


def test_a_restart_closes_the_wear_at_the_last_save_and_counts_no_downtime() -> None:
    """Worn from 08:00; saved at 10:00 as Home Assistant stops; read at 11:00: 2 hours, and it was worn."""
    log = BraceLog()
    log.observe(at(DAY, 8), True, BERLIN)
    stored = log.as_dict(saved_at=at(DAY, 10))
    again = BraceLog.from_dict(stored, BERLIN)
    assert again.worn_at_last_save
    assert not again.worn
    assert again.worn_seconds_on(DAY, at(DAY, 11), BERLIN) == 2 * HOUR
    # Found worn at the start: a new wear from then on.
    again.observe(at(DAY, 11), True, BERLIN)
    assert again.worn_seconds_on(DAY, at(DAY, 12), BERLIN) == 3 * HOUR
    # Read again at a second restart, the hours are not counted twice.
    third = BraceLog.from_dict(again.as_dict(at(DAY, 12)), BERLIN)
    assert third.worn_seconds_on(DAY, at(DAY, 13), BERLIN) == 3 * HOUR


def test_a_restart_without_a_wear_stores_no_seen_until() -> None:
    """A log with nothing in progress stores no ``seen_until`` and reads back as not worn."""
    log = BraceLog()
    log.observe(at(DAY, 8), True, BERLIN)
    log.observe(at(DAY, 9), False, BERLIN)
    stored = log.as_dict(at(DAY, 10))
    assert stored["seen_until"] is None
    again = BraceLog.from_dict(stored, BERLIN)
    assert not again.worn_at_last_save
    assert again.worn_seconds_on(DAY, at(DAY, 10), BERLIN) == HOUR


def test_a_clock_stepped_back_counts_no_hour_twice() -> None:
    """Worn 08:00–09:00, then the wall clock steps back to 08:30 and it is worn to 09:30: 1.5 hours, not 2."""
    log = BraceLog()
    log.observe(at(DAY, 8), True, BERLIN)
    log.observe(at(DAY, 9), False, BERLIN)
    log.observe(at(DAY, 8, 30), True, BERLIN)
    log.observe(at(DAY, 9, 30), False, BERLIN)
    assert log.worn_seconds_on(DAY, at(DAY, 12), BERLIN) == 1.5 * HOUR
    # A close before the open counts nothing.
    log.observe(at(DAY, 10), True, BERLIN)
    log.observe(at(DAY, 9), False, BERLIN)
    assert log.worn_seconds_on(DAY, at(DAY, 12), BERLIN) == 1.5 * HOUR


def _prescribed(log: BraceLog, first: date, count: int, hours: int) -> None:
    """Tell ``log`` of ``count`` new days from ``first`` with ``hours`` prescribed."""
    for back in range(count):
        log.new_day(first + timedelta(days=back), hours)


def _wear(log: BraceLog, day: date, hours: float) -> None:
    start = at(day, 6)
    log.observe(start, True, BERLIN)
    log.observe(start + timedelta(hours=hours), False, BERLIN)


def test_adherence_over_the_7_complete_days_capped_per_day() -> None:
    """16 hours prescribed: a day of 20 counts 16, so 7 days of 20, 16, 8, 0, 16, 16, 16 make 88/112 = 79 %."""
    log = BraceLog()
    first = date(2026, 3, 1)
    log.new_day(first - timedelta(days=1), 16)  # prescribed the day before
    worn = [20, 16, 8, 0, 16, 16, 16]
    for back, hours in enumerate(worn):
        day = first + timedelta(days=back)
        log.new_day(day, 16)
        if hours:
            _wear(log, day, hours)
    today = first + timedelta(days=7)
    log.new_day(today, 16)
    _wear(log, today, 1)  # today is not over: not counted
    assert log.adherence(today, at(today, 12), BERLIN) == round(100 * 88 / 112)


def test_adherence_is_at_most_100() -> None:
    """Worn 23 hours a day against 8 prescribed: 100 %."""
    log = BraceLog()
    first = date(2026, 3, 1)
    log.new_day(first - timedelta(days=1), 8)
    for back in range(7):
        day = first + timedelta(days=back)
        log.new_day(day, 8)
        log.observe(at(day, 0, 30), True, BERLIN)
        log.observe(at(day, 23, 30), False, BERLIN)
    today = first + timedelta(days=7)
    assert log.adherence(today, at(today, 12), BERLIN) == 100


def test_days_before_the_prescription_and_its_first_day_do_not_count() -> None:
    """Set on day 0: day 0 does not count; on day 3 only days 1 and 2 count; unknown before any."""
    log = BraceLog()
    first = date(2026, 3, 1)
    _wear(log, first - timedelta(days=1), 10)  # worn before any prescription
    log.new_day(first, 10)
    _wear(log, first, 2)
    assert log.adherence(first, at(first, 20), BERLIN) is None
    log.new_day(first + timedelta(days=1), 10)
    assert log.adherence(first + timedelta(days=1), at(first, 20), BERLIN) is None
    _wear(log, first + timedelta(days=1), 10)
    log.new_day(first + timedelta(days=2), 10)
    _wear(log, first + timedelta(days=2), 5)
    today = first + timedelta(days=3)
    log.new_day(today, 10)
    assert log.adherence(today, at(today, 12), BERLIN) == 75


def test_a_day_home_assistant_did_not_run_does_not_count() -> None:
    """No new day told for day 2 (Home Assistant was down all of it): days 1 and 3 count."""
    log = BraceLog()
    first = date(2026, 3, 1)
    log.new_day(first, 10)
    log.new_day(first + timedelta(days=1), 10)
    _wear(log, first + timedelta(days=1), 10)
    log.new_day(first + timedelta(days=3), 10)
    today = first + timedelta(days=4)
    log.new_day(today, 10)
    assert log.adherence(today, at(today, 12), BERLIN) == 50


def test_hours_set_to_zero_end_the_prescription() -> None:
    """Hours 0: today does not count, and set again the next day counts from the day after."""
    log = BraceLog()
    first = date(2026, 3, 1)
    _prescribed(log, first, 4, 10)
    assert log.days[first + timedelta(days=3)].prescribed_hours == 10
    log.new_day(first + timedelta(days=3), 0)  # set to 0 during day 3
    assert log.prescribed_since is None
    assert log.days[first + timedelta(days=3)].prescribed_hours is None
    log.new_day(first + timedelta(days=4), 10)
    assert first + timedelta(days=4) not in log.days


def test_old_days_are_forgotten() -> None:
    """Only the kept days stay in the history (the adherence's 7, the report's 8 weeks)."""
    log = BraceLog()
    first = date(2026, 1, 1)
    for back in range(KEPT_DAYS + 20):
        day = first + timedelta(days=back)
        log.new_day(day, 10)
        _wear(log, day, 1)
    today = first + timedelta(days=KEPT_DAYS + 20)
    log.new_day(today, 10)
    assert min(log.days) == today - timedelta(days=KEPT_DAYS)


def test_stored_form_reads_back() -> None:
    """Days, the prescription's start and the last wear's end read back the same."""
    log = BraceLog()
    _prescribed(log, INJURY, 3, 12)
    _wear(log, INJURY + timedelta(days=1), 3)
    stored = log.as_dict(datetime(2026, 3, 5, tzinfo=UTC))
    again = BraceLog.from_dict(stored, BERLIN)
    assert again.as_dict(datetime(2026, 3, 5, tzinfo=UTC)) == stored
    assert again.prescribed_since == INJURY


@pytest.mark.parametrize(
    "raw",
    [
        {"days": {"not a date": {"worn_seconds": 1, "prescribed_hours": None}}},
        {"days": {"2026-03-01": {"worn_seconds": "x", "prescribed_hours": 1}}},
        {"days": {"2026-03-01": {}}},
        {"open_since": "yesterday"},
    ],
)
def test_a_malformed_stored_form_raises(raw: dict[str, object]) -> None:
    """A malformed stored form raises, so the records start it empty and keep it beside."""
    with pytest.raises((KeyError, TypeError, ValueError)):
        BraceLog.from_dict(raw, BERLIN)


@pytest.mark.parametrize(
    ("celsius", "worn"), [(None, None), (25.0, False), (30.0, False), (30.1, True)]
)
def test_a_temperature_above_30_degrees_is_worn(
    celsius: float | None, worn: bool | None
) -> None:
    """Above 30 °C is worn; 30 °C and below is not; no reading is unknown."""
    assert worn_from_temperature(celsius) is worn
