"""What the rehabilitation programme says: one source for Assist's sentences and the language models' tools.

Read from the programme's ``ExerciseStatus`` (``engine/exercises.py``), never
from the state machine. ``exercises_left_answer`` answers "what exercises are
left today"; ``done_items`` chooses what "I did my exercises" / "I did my
stretches" checks off and ``exercises_logged_answer`` says it;
``programme_status`` is the programme for ``back_recovery__get_status``.

Back Recovery tells; it never prescribes: the answers list what the
therapist's programme has due and what pain said, and the therapist's
``progression_note`` is passed on as the therapist's words, never acted on
(contract "Exercises").
"""

from __future__ import annotations

from collections.abc import Sequence

from homeassistant.util.json import JsonObjectType

from ..engine import ExerciseItem, ExerciseStatus
from ..texts import Texts
from ..therapy import Exercise, ExerciseKind, Response


def target_text(texts: Texts, exercise: Exercise) -> str:
    """Say an exercise's target per session: "3 × 30 s, each side"."""
    return exercise.target.text(texts.get("exercise_each_side", ""))


def item_text(texts: Texts, item: ExerciseItem) -> str:
    """Say an item as the to-do list names it: "Bridge", or "Bridge (2 of 3)" for one of several times a day."""
    occurrence = item.occurrence
    exercise = occurrence.exercise
    if exercise.times_per_day == 1:
        return exercise.name
    return texts["exercise_time_of_day"].format(
        name=exercise.name, slot=occurrence.slot, times=exercise.times_per_day
    )


def open_today(status: ExerciseStatus) -> list[ExerciseItem]:
    """Return today's items not done yet, in the list's order (yesterday's left out)."""
    return [item for item in status.items if not item.done and not item.yesterday]


def done_items(
    status: ExerciseStatus, kind: ExerciseKind | None = None
) -> list[ExerciseItem]:
    """Return what "I did my exercises" (``kind`` ``None``) or "... my stretches" (``stretch``) checks off.

    One session of each exercise (of ``kind``) with a time of day still open
    today: its first open item. A person who says "I did my stretches" did
    each stretch once, not every time of day at once; yesterday's items are
    left alone (they are checked on the to-do list until noon).
    """
    chosen: dict[str, ExerciseItem] = {}
    for item in open_today(status):
        exercise = item.occurrence.exercise
        if kind is None or exercise.kind is kind:
            chosen.setdefault(exercise.exercise_id, item)
    return list(chosen.values())


def _names(texts: Texts, items: Sequence[ExerciseItem]) -> str:
    return ", ".join(item_text(texts, item) for item in items)


def exercises_left_answer(texts: Texts, status: ExerciseStatus) -> str:
    """Answer "what exercises are left today": the open items, or that none is due or open."""
    if not status.exercises:
        return texts["voice_exercises_none"]
    today = [item for item in status.items if not item.yesterday]
    if not today:
        return texts["voice_exercises_none_due"]
    if not (left := open_today(status)):
        return texts["voice_exercises_all_done"]
    return texts["voice_exercises_left"].format(items=_names(texts, left))


def exercises_logged_answer(
    texts: Texts,
    status: ExerciseStatus,
    logged: Sequence[ExerciseItem],
    kind: ExerciseKind | None = None,
) -> str:
    """Say what "I did my exercises/stretches" logged (done as prescribed) and what stays open today.

    ``status`` is the programme after logging; nothing logged says why
    (no exercise, nothing open, no stretch open).
    """
    if not logged:
        if not status.exercises:
            return texts["voice_exercises_none"]
        if kind is ExerciseKind.STRETCH:
            return texts["voice_stretches_nothing_open"]
        return exercises_left_answer(texts, status)
    answer = texts["voice_exercises_logged"].format(items=_names(texts, logged))
    if left := open_today(status):
        answer += " " + texts["voice_exercises_left"].format(items=_names(texts, left))
    return answer


def programme_status(texts: Texts, status: ExerciseStatus) -> JsonObjectType:
    """Return the programme for a language model: today's items, the adherence, each exercise's response.

    ``adherence_7d``: whole percent over the last 7 local days (``None``:
    nothing was due). ``response``: ``green``, ``amber``, ``red`` or
    ``unknown``. ``therapist_progression_note``: the physical therapist's
    words, to be said as theirs; Back Recovery never acts on it. Notes of
    the log are health data the model does not need: left out.
    """
    return {
        "today": [
            {
                "exercise": item.occurrence.exercise.name,
                "item": item_text(texts, item),
                "time_of_day": item.occurrence.slot,
                "done": item.done,
                "from_yesterday": item.yesterday,
            }
            for item in status.items
        ],
        "open_today": len(open_today(status)),
        "done_today": sum(1 for i in status.items if i.done and not i.yesterday),
        "adherence_7d": status.adherence_7d,
        "exercises": [
            {
                "name": exercise.name,
                "kind": exercise.kind.value,
                "target": target_text(texts, exercise),
                "times_per_day": exercise.times_per_day,
                "pain_rule": exercise.pain_rule.value,
                "max_pain_during": exercise.max_pain_during,
                "response": status.responses.get(
                    exercise.exercise_id, Response.UNKNOWN
                ).value,
                "instructions": exercise.instructions,
                "therapist_progression_note": exercise.progression_note,
            }
            for exercise in status.exercises
        ],
    }
