"""Tests of pain medication against the entered limits (therapy/medication.py).

Plain data, no Home Assistant: moments are aware, in Berlin unless told.
A dose is never refused; what it means comes back as warnings.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from custom_components.back_recovery.therapy.medication import (
    MAX_STORED_DOSES,
    DoseWarning,
    LimitsFrom,
    MedicationLog,
    Medicine,
    MedicineKind,
)

from ..helpers.clock import BERLIN, at

DAY = date(2026, 11, 25)
HOURS = timedelta(hours=1)


def medicine(
    id: str = "ibu",
    *,
    kind: MedicineKind = MedicineKind.NSAID,
    hours: int = 6,
    most: int = 4,
    supply: int | None = None,
    counted_at: datetime | None = None,
) -> Medicine:
    """Return a medicine with the limits the person entered (from the label)."""
    return Medicine(
        id=id,
        name=id.title(),
        kind=kind,
        min_hours_between=hours,
        max_doses_per_24h=most,
        limits_from=LimitsFrom.LABEL,
        supply=supply,
        supply_counted_at=counted_at,
    )


def log_of(*medicines: Medicine) -> MedicationLog:
    """Return a log of ``medicines`` (ibuprofen every 6 h, at most 4, by default)."""
    log = MedicationLog()
    log.set_medicines(medicines or (medicine(),))
    return log


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_hours_between", 0),
        ("min_hours_between", 25),
        ("max_doses_per_24h", 0),
        ("max_doses_per_24h", 13),
        ("supply", -1),
    ],
)
def test_rule_limits_outside_the_contract_ranges_are_refused(
    field: str, value: int
) -> None:
    """Both limits are 1-24 hours and 1-12 doses; there is no default to fall back on."""
    values: dict[str, Any] = {
        "min_hours_between": 6,
        "max_doses_per_24h": 4,
        "supply": None,
        field: value,
    }
    with pytest.raises(ValueError):
        Medicine(
            id="x",
            name="X",
            kind=MedicineKind.OTHER,
            limits_from=LimitsFrom.PRESCRIBER,
            **values,
        )


def test_rule_first_dose_is_within_limits_and_sets_the_next_allowed() -> None:
    """The first dose warns of nothing; the next is allowed after the entered interval."""
    log = log_of()
    now = at(DAY, 8)
    outcome = log.record("ibu", now, now)
    assert outcome.warnings == ()
    assert outcome.within_limits
    assert outcome.status.doses_24h == 1
    assert outcome.status.next_dose_allowed == now + 6 * HOURS
    assert outcome.status.waiting_for is DoseWarning.TOO_SOON
    assert log.status("ibu", now + 6 * HOURS).next_dose_allowed is None


def test_rule_too_soon_is_recorded_never_refused() -> None:
    """A dose before the interval is over is recorded, with ``too_soon``."""
    log = log_of()
    log.record("ibu", at(DAY, 8), at(DAY, 8))
    outcome = log.record("ibu", at(DAY, 13, 59), at(DAY, 13, 59))
    assert outcome.warnings == (DoseWarning.TOO_SOON,)
    assert not outcome.within_limits
    assert len(log.doses) == 2
    assert outcome.status.next_dose_allowed == at(DAY, 19, 59)


def test_rule_the_fourth_of_four_allowed_doses_reaches_the_limit() -> None:
    """The third of four warns ``one_before_limit``; the fourth reaches the limit within it; a fifth is over."""
    log = log_of()
    outcomes = [
        log.record("ibu", at(DAY, hour), at(DAY, hour)) for hour in (0, 6, 12, 18)
    ]
    assert [o.warnings for o in outcomes] == [
        (),
        (),
        (DoseWarning.ONE_BEFORE_LIMIT,),
        (DoseWarning.DAILY_LIMIT_REACHED,),
    ]
    assert all(o.within_limits for o in outcomes)
    fourth = outcomes[-1].status
    assert fourth.doses_24h == 4
    # The first dose leaves the window at midnight; the interval ends then too.
    assert fourth.next_dose_allowed == at(DAY + timedelta(days=1), 0)
    assert fourth.waiting_for is DoseWarning.DAILY_LIMIT_REACHED
    fifth = log.record("ibu", at(DAY, 23, 59), at(DAY, 23, 59))
    assert DoseWarning.DAILY_LIMIT_REACHED in fifth.warnings
    assert not fifth.within_limits


def test_rule_a_dose_at_23_59_counts_into_the_next_day() -> None:
    """The window rolls: a dose at 23:59 still counts at 23:58 the next day, and not at 23:59."""
    log = log_of(medicine(hours=1, most=2))
    log.record("ibu", at(DAY, 23, 59), at(DAY, 23, 59))
    next_day = DAY + timedelta(days=1)
    assert log.status("ibu", at(next_day, 0, 1)).doses_24h == 1
    second = log.record("ibu", at(next_day, 8), at(next_day, 8))
    assert second.warnings == (DoseWarning.DAILY_LIMIT_REACHED,)
    assert second.status.next_dose_allowed == at(next_day, 23, 59)
    assert log.status("ibu", at(next_day, 23, 58)).doses_24h == 2
    assert log.status("ibu", at(next_day, 23, 59)).doses_24h == 1
    assert log.status("ibu", at(next_day, 23, 59)).next_dose_allowed is None


def test_rule_the_rolling_24_hours_are_real_time_across_daylight_saving() -> None:
    """Berlin springs forward on 29 March 2026: 03:30 that day is 23 real hours after 03:30 the day before."""
    before, after = date(2026, 3, 28), date(2026, 3, 29)
    log = log_of(medicine(hours=2, most=1))
    log.record("ibu", at(before, 3, 30), at(before, 3, 30))
    status = log.status("ibu", at(after, 3, 30))
    assert (
        at(after, 3, 30).astimezone(UTC) - at(before, 3, 30).astimezone(UTC)
        == 23 * HOURS
    )
    assert status.doses_24h == 1
    # Allowed 24 real hours later: 04:30 by the clock after the change.
    assert status.next_dose_allowed == at(after, 4, 30)
    assert status.next_dose_allowed.astimezone(UTC) == datetime(
        2026, 3, 29, 2, 30, tzinfo=UTC
    )
    assert log.status("ibu", at(after, 4, 30)).doses_24h == 0
    # Autumn: 25 clock hours on 25 October; 24 real hours end at 02:30 by the clock.
    log = log_of(medicine(hours=2, most=1))
    log.record("ibu", at(date(2026, 10, 24), 3, 30), at(date(2026, 10, 24), 3, 30))
    autumn = log.status("ibu", at(date(2026, 10, 25), 1))
    assert autumn.next_dose_allowed is not None
    assert autumn.next_dose_allowed.astimezone(BERLIN).hour == 2


def test_rule_a_back_dated_dose_sorts_before_a_later_one() -> None:
    """A dose entered late sorts by when it was taken and is judged against both neighbours."""
    log = log_of()
    log.record("ibu", at(DAY, 12), at(DAY, 12))
    outcome = log.record("ibu", at(DAY, 9), at(DAY, 13))
    assert [dose.taken_at for dose in log.doses] == [at(DAY, 9), at(DAY, 12)]
    assert outcome.warnings == (DoseWarning.TOO_SOON,)
    # The next allowed counts from the latest dose taken, not the latest entered.
    assert outcome.status.next_dose_allowed == at(DAY, 18)
    assert outcome.status.last_taken == at(DAY, 12)
    early = log.record("ibu", at(DAY, 1), at(DAY, 13))
    assert early.warnings == (DoseWarning.ONE_BEFORE_LIMIT,)
    assert early.within_limits


def test_rule_a_back_dated_dose_fills_a_later_window() -> None:
    """A back-dated dose can fill the 24 hours that end with a later dose."""
    log = log_of(medicine(hours=1, most=2))
    log.record("ibu", at(DAY, 20), at(DAY, 20))
    log.record("ibu", at(DAY + timedelta(days=1), 6), at(DAY + timedelta(days=1), 6))
    outcome = log.record("ibu", at(DAY, 21), at(DAY + timedelta(days=1), 7))
    assert DoseWarning.DAILY_LIMIT_REACHED in outcome.warnings
    assert not outcome.within_limits


def test_rule_a_dose_in_the_future_is_refused_as_input() -> None:
    """``taken_at`` after ``now`` is not a dose (the action refuses it)."""
    log = log_of()
    with pytest.raises(ValueError):
        log.record("ibu", at(DAY, 9), at(DAY, 8))
    with pytest.raises(KeyError):
        log.record("unknown", at(DAY, 8), at(DAY, 8))
    assert log.doses == []


def test_rule_two_nsaids_within_the_longer_interval_overlap() -> None:
    """Ibuprofen (6 h) then naproxen (12 h): an overlap for 12 hours, the longer of the two."""
    log = log_of(medicine("ibu", hours=6), medicine("napro", hours=12, most=3))
    log.record("ibu", at(DAY, 8), at(DAY, 8))
    napro = log.record("napro", at(DAY, 19), at(DAY, 19))
    assert napro.warnings == (DoseWarning.SAME_KIND_OVERLAP,)
    assert not napro.within_limits
    ibu = log.status("ibu", at(DAY, 19))
    assert ibu.next_dose_allowed == at(DAY + timedelta(days=1), 7)
    assert ibu.waiting_for is DoseWarning.SAME_KIND_OVERLAP
    later = log.record(
        "ibu", at(DAY + timedelta(days=1), 7), at(DAY + timedelta(days=1), 7)
    )
    assert later.warnings == ()


def test_rule_an_nsaid_and_paracetamol_do_not_overlap() -> None:
    """Only two medicines the person marked as NSAIDs overlap."""
    log = log_of(medicine("ibu"), medicine("para", kind=MedicineKind.PARACETAMOL))
    log.record("ibu", at(DAY, 8), at(DAY, 8))
    assert log.record("para", at(DAY, 8, 5), at(DAY, 8, 5)).warnings == ()
    assert log.status("para", at(DAY, 8, 5)).next_dose_allowed == at(DAY, 14, 5)


def test_rule_supply_counts_down_to_zero_and_warns_when_low() -> None:
    """Doses taken after the supply was counted are subtracted; low at a day's doses; never below 0."""
    counted = at(DAY, 7)
    log = log_of(medicine(hours=1, most=2, supply=4, counted_at=counted))
    log.record("ibu", at(DAY, 6), at(DAY, 8))  # before the count: already off the 4
    outcomes = [
        log.record("ibu", at(DAY, hour), at(DAY, 22)) for hour in (8, 10, 12, 14, 16)
    ]
    supplies = [o.status.supply for o in outcomes]
    assert [s.left for s in supplies if s] == [3, 2, 1, 0, 0]
    assert [s.low for s in supplies if s] == [False, True, True, True, True]
    assert [o.supply_became_low for o in outcomes] == [False, True, False, False, False]
    last = supplies[-1]
    assert last is not None and last.empty
    assert log.status("ibu", at(DAY, 22)).supply == last


def test_rule_without_a_supply_none_is_shown() -> None:
    """A medicine without an entered supply has no supply."""
    log = log_of()
    assert log.status("ibu", at(DAY, 8)).supply is None


def test_rule_next_change_is_when_a_dose_leaves_the_window() -> None:
    """The status changes by time alone when the wait ends or the oldest dose leaves the 24 hours."""
    log = log_of(medicine(hours=2, most=4))
    log.record("ibu", at(DAY, 8), at(DAY, 8))
    assert log.status("ibu", at(DAY, 9)).next_change == at(DAY, 10)
    assert log.status("ibu", at(DAY, 10)).next_change == at(DAY + timedelta(days=1), 8)
    assert log.status("ibu", at(DAY + timedelta(days=1), 8)).next_change is None


def test_rule_8_doses_are_stored_and_restored_in_order() -> None:
    """The stored form keeps every dose; reading it sorts; the oldest go beyond the cap."""
    log = log_of()
    log.record("ibu", at(DAY, 12), at(DAY, 12))
    log.record("ibu", at(DAY, 9), at(DAY, 12))
    again = log_of()
    again.restore(log.as_dict())
    assert again.doses == log.doses
    assert [dose.taken_at for dose in again.doses] == [at(DAY, 9), at(DAY, 12)]
    many = {
        "doses": [
            {"medication": "ibu", "taken_at": (at(DAY, 0) + i * HOURS).isoformat()}
            for i in range(MAX_STORED_DOSES + 3)
        ]
    }
    again.restore(many)
    assert len(again.doses) == MAX_STORED_DOSES
    assert again.doses[0].taken_at == at(DAY, 3)
    with pytest.raises(KeyError):
        again.restore({"doses": [{"taken_at": at(DAY, 0).isoformat()}]})
    with pytest.raises(ValueError):
        again.restore(
            {"doses": [{"medication": "ibu", "taken_at": "2026-11-25T08:00"}]}
        )


def test_rule_doses_of_a_removed_medicine_are_kept() -> None:
    """Removing a medicine from the settings keeps its doses in the record."""
    log = log_of(medicine("ibu"), medicine("para", kind=MedicineKind.PARACETAMOL))
    log.record("para", at(DAY, 8), at(DAY, 8))
    log.set_medicines([medicine("ibu")])
    assert len(log.doses) == 1
    assert list(log.statuses(at(DAY, 9))) == ["ibu"]


def test_rule_a_re_added_medicine_counts_the_removed_ones_doses_by_name() -> None:
    """Removed, then added again as " IBU " (trimmed, any case): its doses count again.

    Also after a restart (the stored form keeps the removed medicine's name);
    a medicine of another name does not take them.
    """
    now = at(DAY, 8)
    log = log_of(medicine())
    log.record("ibu", now - 2 * HOURS, now)
    log.set_medicines([medicine("other")])
    assert log.status("other", now).doses_24h == 0
    stored = log.as_dict()
    again = replace(medicine("new"), name=" IBU ")
    log.set_medicines([medicine("other"), again])
    status = log.status("new", now)
    assert status.doses_24h == 1
    assert status.next_dose_allowed == now + 4 * HOURS
    assert log.status("other", now).doses_24h == 0
    restarted = MedicationLog()
    restarted.restore(stored)
    restarted.set_medicines([again])
    assert restarted.status("new", now).doses_24h == 1
    assert restarted.as_dict()["doses"][0]["medication"] == "new"
