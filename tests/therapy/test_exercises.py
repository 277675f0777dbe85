"""Tests of the rehabilitation programme (therapy/exercises.py, therapy/exercise_log.py).

Plain data, no Home Assistant: the exercises as the therapist prescribed
them, the occurrences due on a day, the log, how pain answered (``response``)
and the adherence over 7 local days (contract "Exercises").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.therapy import (
    Exercise,
    ExerciseDiary,
    ExerciseError,
    ExerciseLog,
    PainRule,
    Phase,
    Response,
    SkipReason,
    due_occurrences,
    morning_pain,
    to_remind,
)
from custom_components.back_recovery.therapy.pain import PainEntry

from ..helpers.clock import BERLIN, INJURY, at, days

REHAB = Phase.REHABILITATION
MONDAY = date(2026, 4, 6)


def exercise(exercise_id: str = "ham", **fields: Any) -> Exercise:
    """Return a valid exercise (3 × 30 s each side), changed by ``fields``."""
    values: dict[str, Any] = {
        "exercise_id": exercise_id,
        "name": exercise_id.title(),
        "sets": 3,
        "hold_seconds": 30,
        "per_side": True,
    }
    values.update(fields)
    return Exercise(**values)


def done(
    ex: Exercise,
    day: date,
    hour: int = 18,
    pain: int | None = None,
    slot: int | None = 1,
    **fields: Any,
) -> ExerciseLog:
    """Return a session of ``ex`` done at ``hour`` of local ``day``."""
    return ExerciseLog(
        exercise_id=ex.exercise_id,
        done_at=at(day, hour),
        day=day,
        target=ex.target,
        slot=slot,
        pain_during=pain,
        **fields,
    )


def pains(levels: dict[date, int]) -> list[PainEntry]:
    """Return one morning pain entry (8:00) per day."""
    return [PainEntry(level, at(day, 8)) for day, level in sorted(levels.items())]


# The prescription.


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"pain_rule": PainRule.MONITORING}, "max_pain_during_needed"),
        ({"reps": 10}, "reps_or_hold"),
        ({"hold_seconds": None}, "reps_or_hold"),
        ({"phases": frozenset()}, "no_phase"),
        ({"times_per_day": 0}, "times_per_day_out_of_range"),
        ({"times_per_day": 4}, "times_per_day_out_of_range"),
        ({"sets": 11}, "sets_out_of_range"),
        ({"hold_seconds": 601}, "hold_seconds_out_of_range"),
        ({"hold_seconds": None, "reps": 101}, "reps_out_of_range"),
        ({"days": frozenset()}, "no_day"),
        ({"name": "  "}, "name_empty"),
        (
            {"pain_rule": PainRule.MONITORING, "max_pain_during": 11},
            "max_pain_during_out_of_range",
        ),
    ],
)
def test_exercise_refuses_what_the_contract_does_not_allow(
    fields: dict[str, Any], reason: str
) -> None:
    """Each broken field is refused with its own translation key."""
    with pytest.raises(ExerciseError) as err:
        exercise(**fields)
    assert err.value.reason == reason


def test_exercise_from_config_reads_the_flow_and_its_defaults() -> None:
    """Numbers from the form's number selectors are whole floats; the defaults are the contract's."""
    read = Exercise.from_config(
        "sub1", {"name": " Bridge ", "kind": "strength", "sets": 2.0, "reps": 12.0}
    )
    assert (read.name, read.sets, read.reps, read.hold_seconds) == (
        "Bridge",
        2,
        12,
        None,
    )
    assert read.days == frozenset(range(7))
    assert read.phases == {Phase.REHABILITATION, Phase.RETURN_TO_ACTIVITY}
    assert read.pain_rule is PainRule.NO_INCREASE
    assert read.target.text(", each side") == "2 × 12"
    assert exercise().target.text(", each side") == "3 × 30 s, each side"
    monitored = Exercise.from_config(
        "sub2",
        {
            "name": "Walk",
            "reps": 1,
            "pain_rule": "monitoring",
            "max_pain_during": 3.0,
            "days": ["mon", "fri"],
            "phases": ["return_to_activity"],
        },
    )
    assert monitored.max_pain_during == 3
    assert monitored.days == {0, 4}
    assert monitored.phases == {Phase.RETURN_TO_ACTIVITY}


def test_due_occurrences_by_time_of_day_as_entered_on_its_days_and_phases() -> None:
    """Each time of day lists the exercises in the order entered; other days and phases list none."""
    twice = exercise("ham", times_per_day=2)
    bridge = exercise("bridge", days=frozenset({0, 2, 4}))
    walk = exercise("walk", phases=frozenset({Phase.RETURN_TO_ACTIVITY}))
    programme = [twice, bridge, walk]
    monday = [
        (o.exercise.exercise_id, o.slot)
        for o in due_occurrences(programme, MONDAY, REHAB)
    ]
    assert monday == [("ham", 1), ("bridge", 1), ("ham", 2)]
    tuesday = due_occurrences(programme, MONDAY + days(1), REHAB)
    assert [(o.exercise.exercise_id, o.slot) for o in tuesday] == [
        ("ham", 1),
        ("ham", 2),
    ]
    assert due_occurrences(programme, MONDAY, Phase.REST) == []
    assert tuesday[0].uid == "ham_2026-04-07_1"


# The log.


def test_log_entry_needs_a_skip_reason_and_keeps_its_target() -> None:
    """A skipped entry without a reason is refused, so is a reason without a skip."""
    ex = exercise()
    with pytest.raises(ExerciseError, match="skip_reason_needed"):
        done(ex, MONDAY, skipped=True)
    with pytest.raises(ExerciseError, match="skip_reason_needed"):
        done(ex, MONDAY, skip_reason=SkipReason.PAIN)
    with pytest.raises(ExerciseError, match="note_too_long"):
        done(ex, MONDAY, note="x" * 201)
    with pytest.raises(ExerciseError, match="pain_out_of_range"):
        done(ex, MONDAY, pain=11)
    entry = done(ex, MONDAY, pain=2, reps_done=5, note="ok")
    assert not entry.as_prescribed
    assert done(ex, MONDAY).as_prescribed
    assert ExerciseLog.from_dict(entry.as_dict()) == entry
    assert entry.as_dict()["target"] == {
        "sets": 3,
        "reps": None,
        "hold_seconds": 30,
        "per_side": True,
    }


def test_diary_fills_the_first_free_time_of_day_and_removes_by_it() -> None:
    """A checked item fills its time of day; unchecking removes that entry only."""
    ex = exercise(times_per_day=2)
    diary = ExerciseDiary()
    assert diary.free_slot(ex, MONDAY) == 1
    diary.add(done(ex, MONDAY, hour=8, slot=1))
    assert diary.free_slot(ex, MONDAY) == 2
    diary.add(done(ex, MONDAY, hour=19, slot=2))
    assert diary.free_slot(ex, MONDAY) is None
    removed = diary.remove(ex.exercise_id, MONDAY, 1)
    assert removed is not None and removed.slot == 1
    assert diary.free_slot(ex, MONDAY) == 1
    assert diary.remove(ex.exercise_id, MONDAY, 1) is None
    assert len(diary) == 1


def test_diary_keeps_at_most_its_maximum() -> None:
    """The oldest entries go first."""
    ex = exercise()
    diary = ExerciseDiary(max_entries=3)
    for number in range(5):
        diary.add(done(ex, MONDAY + days(number)))
    assert [entry.day for entry in diary.logs] == [MONDAY + days(n) for n in (2, 3, 4)]


# Pain: the morning and the response.


def test_morning_pain_is_the_first_entry_before_local_noon() -> None:
    """An entry at 12:00 is not a morning entry; the first of several before noon is."""
    entries = [
        PainEntry(4, at(MONDAY, 9)),
        PainEntry(6, at(MONDAY, 10)),
        PainEntry(2, at(MONDAY + days(1), 12)),
    ]
    assert morning_pain(entries, MONDAY, BERLIN) == 4
    assert morning_pain(entries, MONDAY + days(1), BERLIN) is None
    assert morning_pain(entries, MONDAY + days(2), BERLIN) is None


def _response(
    ex: Exercise, logs: list[ExerciseLog], levels: dict[date, int]
) -> Response:
    diary = ExerciseDiary()
    for entry in logs:
        diary.add(entry)
    return diary.response(ex, pains(levels), BERLIN)


TUESDAY = MONDAY + days(1)


@pytest.mark.parametrize(
    ("rule", "during", "levels", "expected"),
    [
        (PainRule.NO_INCREASE, None, {MONDAY: 3}, Response.UNKNOWN),
        (PainRule.NO_INCREASE, 3, {MONDAY: 3, TUESDAY: 3}, Response.GREEN),
        (PainRule.NO_INCREASE, 3, {MONDAY: 3}, Response.GREEN),
        # Nothing to compare with: not called green (a try-out's 6 of 10 was).
        (PainRule.NO_INCREASE, 3, {}, Response.UNKNOWN),
        (PainRule.NO_INCREASE, 7, {}, Response.RED),
        (PainRule.PAIN_FREE, 0, {}, Response.GREEN),
        (PainRule.NO_INCREASE, 4, {MONDAY: 3}, Response.AMBER),
        (PainRule.NO_INCREASE, 3, {MONDAY: 3, TUESDAY: 4}, Response.AMBER),
        (PainRule.NO_INCREASE, 2, {MONDAY: 3, TUESDAY: 2}, Response.GREEN),
        (PainRule.PAIN_FREE, 0, {MONDAY: 3}, Response.GREEN),
        (PainRule.PAIN_FREE, 1, {MONDAY: 3}, Response.AMBER),
        (PainRule.MONITORING, 4, {MONDAY: 1}, Response.GREEN),
        (PainRule.MONITORING, 5, {MONDAY: 1}, Response.AMBER),
        (PainRule.MONITORING, 7, {MONDAY: 8, TUESDAY: 8}, Response.RED),
        (PainRule.NO_INCREASE, 7, {MONDAY: 9}, Response.RED),
    ],
)
def test_response_by_the_pain_rule_and_the_next_morning(
    rule: PainRule, during: int | None, levels: dict[date, int], expected: Response
) -> None:
    """Green within the rule and no higher next morning; amber above either; red at 7 or more."""
    ex = exercise(
        pain_rule=rule, max_pain_during=4 if rule is PainRule.MONITORING else None
    )
    assert _response(ex, [done(ex, MONDAY, pain=during)], levels) is expected


def test_response_no_increase_without_a_morning_reads_the_last_entry_before() -> None:
    """No morning entry that day: the last pain entry before the session is the reference."""
    ex = exercise()
    entries = [PainEntry(2, at(MONDAY, 14))]
    diary = ExerciseDiary()
    diary.add(done(ex, MONDAY, hour=18, pain=3))
    assert diary.response(ex, entries, BERLIN) is Response.AMBER
    diary.add(done(ex, MONDAY + days(1), hour=18, pain=3))
    assert diary.response(ex, entries, BERLIN) is Response.RED


def test_response_amber_twice_in_a_row_is_red_a_green_between_is_not() -> None:
    """Amber after amber is red; sessions without pain are passed over; a green breaks the row."""
    ex = exercise(pain_rule=PainRule.PAIN_FREE)
    first, second, third = MONDAY, MONDAY + days(1), MONDAY + days(2)
    amber_amber = [
        done(ex, first, pain=1),
        done(ex, second, pain=None),
        done(ex, third, pain=2),
    ]
    assert _response(ex, amber_amber, {}) is Response.RED
    green_between = [
        done(ex, first, pain=1),
        done(ex, second, pain=0),
        done(ex, third, pain=2),
    ]
    assert _response(ex, green_between, {}) is Response.AMBER
    assert _response(ex, [], {}) is Response.UNKNOWN
    skipped = done(ex, third, skipped=True, skip_reason=SkipReason.PAIN, slot=None)
    assert _response(ex, [done(ex, first, pain=0), skipped], {}) is Response.GREEN


# Adherence.


def _rehab(_day: date) -> Phase:
    return REHAB


def test_adherence_counts_due_days_only_and_today_once_done() -> None:
    """Mon/Wed/Fri twice a day: completed over due; today's open items are not missed yet."""
    ex = exercise(days=frozenset({0, 2, 4}), times_per_day=2)
    diary = ExerciseDiary()
    sunday = MONDAY + days(6)
    assert diary.adherence([ex], sunday, _rehab) == 0
    diary.add(done(ex, MONDAY, slot=1))
    diary.add(done(ex, MONDAY + days(2), slot=1))
    diary.add(done(ex, MONDAY + days(2), hour=20, slot=2))
    diary.add(
        done(
            ex,
            MONDAY + days(4),
            slot=None,
            skipped=True,
            skip_reason=SkipReason.NO_TIME,
        )
    )
    assert diary.adherence([ex], sunday, _rehab) == 50  # 3 of 6
    friday = MONDAY + days(4)
    assert diary.adherence([ex], friday, _rehab) == 75  # today open: 3 of 4
    assert diary.adherence([ex], friday, _rehab, {"ham": friday}) is None
    assert diary.adherence([ex], sunday, lambda _d: Phase.REST) is None


def test_adherence_never_counts_more_than_due() -> None:
    """An extra session on a day adds nothing beyond its times per day."""
    ex = exercise()
    diary = ExerciseDiary()
    diary.add(done(ex, MONDAY, slot=1))
    diary.add(done(ex, MONDAY, hour=20, slot=None))
    assert diary.adherence([ex], MONDAY + days(1), _rehab, {"ham": MONDAY}) == 100


# Four weeks of a programme, day by day.

INJURY_PAIN = 5


def test_four_week_simulated_programme(snapshot: SnapshotAssertion) -> None:
    """Three exercises, some skipped, pain rising the morning after the bridge.

    Each evening: each exercise's response and the adherence over 7 days.
    """
    ham = exercise("ham", times_per_day=2)
    bridge = exercise(
        "bridge", hold_seconds=None, reps=10, per_side=False, days=frozenset({0, 2, 4})
    )
    walk = exercise(
        "walk",
        hold_seconds=600,
        per_side=False,
        pain_rule=PainRule.MONITORING,
        max_pain_during=4,
    )
    programme = [ham, bridge, walk]
    diary = ExerciseDiary()
    entries: list[PainEntry] = []
    start = INJURY + timedelta(weeks=6)
    morning = INJURY_PAIN
    lines = []
    for number in range(28):
        today = start + days(number)
        bridged_yesterday = bool(diary.on("bridge", today - days(1)))
        # Pain rises the morning after a bridge from the second week on, else eases.
        if bridged_yesterday and number >= 7:
            morning = min(10, morning + 1)
        elif number % 3 == 0:
            morning = max(1, morning - 1)
        entries.append(PainEntry(morning, at(today, 7)))
        for occurrence in due_occurrences(programme, today, REHAB):
            ex = occurrence.exercise
            if (number + occurrence.slot + len(ex.exercise_id)) % 5 == 0:
                diary.add(
                    done(
                        ex,
                        today,
                        slot=None,
                        skipped=True,
                        skip_reason=SkipReason.NO_TIME,
                    )
                )
                continue
            during = {"ham": morning - 1, "bridge": morning, "walk": morning}
            diary.add(
                done(
                    ex,
                    today,
                    hour=7 + 6 * occurrence.slot,
                    slot=occurrence.slot,
                    pain=max(0, during[ex.exercise_id]),
                )
            )
        responses = " ".join(
            f"{ex.exercise_id}={diary.response(ex, entries, BERLIN).value:<7}"
            for ex in programme
        )
        adherence = diary.adherence(
            programme, today, _rehab, {"ham": start, "bridge": start, "walk": start}
        )
        lines.append(
            f"{today.isoformat()} {today.strftime('%a')} morning {morning:>2} "
            f"{responses} adherence {adherence}%"
        )
    assert lines == snapshot


def test_reminder_names_the_reds_of_one_change_and_each_exercise_once_in_6_hours() -> (
    None
):
    """Reds in one change make one reminder naming them; one named less than 6 hours ago is left out."""
    bridge, bird_dog, cat_cow = exercise("bridge"), exercise("bird"), exercise("cat")
    nine = at(MONDAY, 9, 0, BERLIN)
    assert to_remind([bridge, bird_dog], {}, nine) == (bridge, bird_dog)
    reminded = {"bridge": nine, "bird": nine - timedelta(hours=6)}
    later = nine + timedelta(hours=5, minutes=59)
    assert to_remind([bridge, bird_dog, cat_cow], reminded, later) == (
        bird_dog,
        cat_cow,
    )
    assert to_remind([bridge], reminded, nine + timedelta(hours=6)) == (bridge,)
