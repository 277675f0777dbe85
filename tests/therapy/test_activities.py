"""Tests of the activities the doctor cleared (therapy/activities.py): avoid until cleared, withdrawal, history, storage.

Contract "Activities and return to activity". Plain data, no Home Assistant.
"""

from __future__ import annotations

from datetime import date, timedelta
import inspect
from typing import Any

import pytest

from custom_components.back_recovery.therapy.activities import (
    GUIDANCE_ACTIVITIES,
    Activity,
    ActivityRecord,
    ActivityRef,
    ActivityRefusal,
    ActivityRefusedError,
    ActivityStatus,
    ClearanceKind,
)

from ..helpers.clock import INJURY, at

TODAY = INJURY + timedelta(days=70)
NOW = at(TODAY, 10)
HIGH_IMPACT = ActivityRef(Activity.HIGH_IMPACT)


def record(*own: str) -> ActivityRecord:
    """Return an empty record of a recovery injured on ``INJURY`` with ``own`` activities."""
    return ActivityRecord(INJURY, own)


def refusal(call: Any) -> ActivityRefusal:
    """Return the reason ``call()`` is refused with."""
    with pytest.raises(ActivityRefusedError) as info:
        call()
    return info.value.reason


def test_every_activity_is_avoid_until_a_clearance_is_recorded() -> None:
    """The guidance's three and the person's own start as ``avoid``, in that order."""
    activities = record("Cycling")
    states = activities.states()
    assert [state.ref for state in states] == [
        ActivityRef(Activity.HIGH_IMPACT),
        ActivityRef(Activity.CONTACT_SPORTS),
        ActivityRef(Activity.HEAVY_LIFTING),
        ActivityRef(Activity.OWN_ACTIVITY, "Cycling"),
    ]
    assert {state.status for state in states} == {ActivityStatus.AVOID}
    assert all(state.clearance is None for state in states)
    assert activities.cleared_count() == 0


def test_a_clearance_recorded_clears_that_activity_only() -> None:
    """Cleared on a date by someone: that activity shows ``cleared``, the others stay ``avoid``."""
    activities = record()
    entry = activities.clear(
        HIGH_IMPACT, date(2026, 5, 3), " Dr. Lee ", today=TODAY, now=NOW
    )
    assert entry.by == "Dr. Lee"
    state = activities.state_of(HIGH_IMPACT)
    assert state.status is ActivityStatus.CLEARED
    assert state.clearance == entry
    assert state.clearance.on == date(2026, 5, 3)
    assert activities.cleared_count() == 1
    others = [s for s in activities.states() if s.ref != HIGH_IMPACT]
    assert {s.status for s in others} == {ActivityStatus.AVOID}


def test_a_withdrawal_puts_it_back_to_avoid_and_keeps_the_history() -> None:
    """Withdrawn: ``avoid`` again, the withdrawn clearance still known; cleared again, the latest counts."""
    activities = record()
    first = activities.clear(
        HIGH_IMPACT, INJURY + timedelta(days=60), "Dr. Lee", today=TODAY, now=NOW
    )
    withdrawal = activities.withdraw(HIGH_IMPACT, today=TODAY, now=NOW)
    assert withdrawal is not None
    assert withdrawal.kind is ClearanceKind.WITHDRAWN
    assert withdrawal.on == TODAY
    state = activities.state_of(HIGH_IMPACT)
    assert state.status is ActivityStatus.AVOID
    assert state.clearance is None
    assert state.withdrawal == withdrawal
    assert state.cleared_before == first
    again = activities.clear(HIGH_IMPACT, TODAY, "Dr. Park", today=TODAY, now=NOW)
    assert activities.state_of(HIGH_IMPACT).clearance == again
    assert activities.history(HIGH_IMPACT) == [first, withdrawal, again]


def test_the_latest_recorded_counts_whatever_day_it_names() -> None:
    """A clearance recorded after another replaces it, even with an earlier ``cleared_on``."""
    activities = record()
    activities.clear(HIGH_IMPACT, TODAY, "Dr. Lee", today=TODAY, now=NOW)
    later = activities.clear(
        HIGH_IMPACT, TODAY - timedelta(days=5), "Dr. Park", today=TODAY, now=NOW
    )
    assert activities.state_of(HIGH_IMPACT).clearance == later


def test_withdrawing_what_is_not_cleared_records_nothing() -> None:
    """Nothing to withdraw: no entry, still ``avoid``."""
    activities = record()
    assert activities.withdraw(HIGH_IMPACT, today=TODAY, now=NOW) is None
    assert activities.entries == []


@pytest.mark.parametrize(
    ("cleared_on", "by", "reason"),
    [
        (TODAY + timedelta(days=1), "Dr. Lee", ActivityRefusal.CLEARED_ON_IN_FUTURE),
        (INJURY - timedelta(days=1), "Dr. Lee", ActivityRefusal.CLEARED_BEFORE_INJURY),
        (TODAY, "  ", ActivityRefusal.CLEARED_BY_REQUIRED),
    ],
)
def test_a_clearance_in_the_future_before_the_injury_or_by_no_one_is_refused(
    cleared_on: date, by: str, reason: ActivityRefusal
) -> None:
    """Refused and nothing recorded; today and the injury date itself are allowed."""
    activities = record()
    assert (
        refusal(
            lambda: activities.clear(HIGH_IMPACT, cleared_on, by, today=TODAY, now=NOW)
        )
        is reason
    )
    assert activities.entries == []
    activities.clear(HIGH_IMPACT, INJURY, "Dr. Lee", today=TODAY, now=NOW)
    activities.clear(HIGH_IMPACT, TODAY, "Dr. Lee", today=TODAY, now=NOW)
    assert len(activities.entries) == 2


def test_an_unknown_activity_is_refused() -> None:
    """Anything but the four kinds, or an own activity not named, is ``unknown_activity``."""
    activities = record("Cycling")
    assert (
        refusal(lambda: activities.find("swimming")) is ActivityRefusal.UNKNOWN_ACTIVITY
    )
    assert (
        refusal(lambda: activities.find("own_activity", "Swimming"))
        is ActivityRefusal.UNKNOWN_ACTIVITY
    )
    assert (
        refusal(lambda: activities.find("own_activity"))
        is ActivityRefusal.ACTIVITY_NAME_REQUIRED
    )
    assert (
        refusal(lambda: activities.find("own_activity", " "))
        is ActivityRefusal.ACTIVITY_NAME_REQUIRED
    )


def test_an_own_activity_is_found_by_its_name_in_any_case() -> None:
    """``own_activity`` with ``cycling`` is the option's ``Cycling``; a guidance activity ignores a name."""
    activities = record("Cycling")
    assert activities.find("own_activity", " cycling ") == ActivityRef(
        Activity.OWN_ACTIVITY, "Cycling"
    )
    assert activities.find("heavy_lifting", "anything") == ActivityRef(
        Activity.HEAVY_LIFTING
    )


def test_an_own_activity_removed_and_named_again_shows_its_history_again() -> None:
    """The options lose a name: its entries stay; named again, cleared again."""
    activities = record("Cycling")
    cycling = activities.find("own_activity", "Cycling")
    activities.clear(cycling, TODAY, "Dr. Lee", today=TODAY, now=NOW)
    activities.own = ()
    assert activities.cleared_count() == 0
    assert len(activities.entries) == 1
    activities.own = ("cycling",)
    assert activities.state_of(activities.find("own_activity", "cycling")).cleared
    assert activities.cleared_count() == 1


def test_rule_no_phase_clears_anything() -> None:
    """The record reads no phase, no day count and no pain: only a recorded clearance clears.

    Contract: "the phases never clear anything by themselves". A year after
    the injury (well past ``recovered``) every activity still shows ``avoid``.
    """
    activities = record("Cycling")
    for method in (
        ActivityRecord.states,
        ActivityRecord.state_of,
        ActivityRecord.cleared_count,
    ):
        parameters = set(inspect.signature(method).parameters) - {"self", "ref"}
        assert parameters == set()
    assert "phase" not in inspect.getsource(ActivityRecord).casefold()
    assert all(not state.cleared for state in activities.states())
    assert GUIDANCE_ACTIVITIES == (
        Activity.HIGH_IMPACT,
        Activity.CONTACT_SPORTS,
        Activity.HEAVY_LIFTING,
    )


def test_rule_8_the_history_is_stored_and_read_again() -> None:
    """Every clearance and withdrawal round-trips through the stored form."""
    activities = record("Cycling")
    cycling = activities.find("own_activity", "Cycling")
    activities.clear(HIGH_IMPACT, TODAY, "Dr. Lee", today=TODAY, now=NOW)
    activities.withdraw(HIGH_IMPACT, today=TODAY, now=NOW)
    activities.clear(cycling, INJURY, "Physio Sam", today=TODAY, now=NOW)
    again = record("Cycling")
    again.restore(activities.as_dict())
    assert again.entries == activities.entries
    assert [s.status for s in again.states()] == [s.status for s in activities.states()]


@pytest.mark.parametrize(
    "entry",
    [
        {
            "activity": "swimming",
            "kind": "cleared",
            "on": "2026-05-03",
            "by": "x",
            "recorded_at": "2026-05-03T10:00:00+00:00",
        },
        {
            "activity": "high_impact",
            "kind": "cleared",
            "on": "2026-05-03",
            "by": "",
            "recorded_at": "2026-05-03T10:00:00+00:00",
        },
        {
            "activity": "own_activity",
            "kind": "cleared",
            "on": "2026-05-03",
            "by": "x",
            "recorded_at": "2026-05-03T10:00:00+00:00",
        },
        {
            "activity": "high_impact",
            "kind": "cleared",
            "on": "2026-05-03",
            "by": "x",
            "recorded_at": "2026-05-03T10:00:00",
        },
        {
            "activity": "high_impact",
            "kind": "maybe",
            "on": "2026-05-03",
            "by": "x",
            "recorded_at": "2026-05-03T10:00:00+00:00",
        },
    ],
)
def test_rule_8_a_malformed_stored_entry_is_not_read(entry: dict[str, Any]) -> None:
    """A malformed entry raises, so the part starts empty and its stored form is kept beside."""
    with pytest.raises((KeyError, TypeError, ValueError)):
        record().restore({"entries": [entry]})


def test_diagnostics_say_counts_and_no_names() -> None:
    """Counts and which guidance activity is cleared; no own name, no one who cleared."""
    activities = record("Cycling")
    activities.clear(
        activities.find("own_activity", "Cycling"),
        TODAY,
        "Dr. Lee",
        today=TODAY,
        now=NOW,
    )
    activities.clear(HIGH_IMPACT, TODAY, "Dr. Lee", today=TODAY, now=NOW)
    diagnostics = activities.as_diagnostics()
    assert diagnostics == {
        "entries": 2,
        "own_activities": 1,
        "cleared": {
            "high_impact": True,
            "contact_sports": False,
            "heavy_lifting": False,
        },
        "own_cleared": 1,
    }
    assert "Cycling" not in repr(diagnostics)
    assert "Lee" not in repr(diagnostics)
