"""The rehabilitation programme over a period of local days: per exercise, what was due, done and how pain answered.

Nothing here imports Home Assistant. The clinician report (issue 25) asks
this for its period; the rules are the log's (``exercise_log.py``):

- Due: an exercise's times a day on each local day of the period it was
  due (its weekdays and phases), from the day it was added (``since``).
  ``today`` is not over: its occurrences count once done, never as missed,
  as ``ExerciseDiary.adherence`` counts them.
- Done: the sessions done (not skipped) counted for a day, at most its times
  a day; skipped: the skips logged for the period's days.
- The responses: each session done in the period with ``pain_during`` given,
  judged on its own (green, amber or red by the exercise's pain rule and the
  morning pains; the sensor's "amber twice in a row is red" is the latest
  session's, not a count).

``ExerciseStatus`` (with its ``ExerciseItem``s) is what the programme shows at
a day: the to-do items, each exercise's response, the 7-day adherence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from .exercise_log import ExerciseDiary, judge_session
from .exercises import Exercise, Occurrence, Response
from .pain import PainEntry
from .phases import Phase


@dataclass(frozen=True, slots=True)
class ExercisePeriod:
    """One exercise over a period: occurrences due and done, skips, responses, highest pain during."""

    exercise: Exercise
    due: int
    done: int
    skipped: int
    green: int
    amber: int
    red: int
    highest_pain: int | None
    """The highest ``pain_during`` given in the period (0 to 10); ``None``: none given."""

    @property
    def adherence(self) -> int | None:
        """Done over due in whole percent; ``None`` when nothing was due."""
        return round(100 * self.done / self.due) if self.due else None

    @property
    def empty(self) -> bool:
        """Whether nothing was due and nothing logged: the exercise has nothing to show."""
        return not (self.due or self.done or self.skipped)


def exercises_over_period(
    diary: ExerciseDiary,
    exercises: Sequence[Exercise],
    *,
    first: date,
    last: date,
    today: date,
    phase_on: Callable[[date], Phase],
    since: Mapping[str, date],
    pain: Sequence[PainEntry],
    tz: tzinfo,
) -> tuple[ExercisePeriod, ...]:
    """Return each exercise's period from local ``first`` to ``last`` (both included), in the order given.

    ``since``: the day each exercise was added (missing: counted from
    ``first``); ``pain``: the pain diary sorted by moment; ``tz``: the local
    time zone the morning pains are read in.
    """
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    phases = {day: phase_on(day) for day in days}
    summaries = []
    for exercise in exercises:
        added = since.get(exercise.exercise_id, first)
        due = done = skipped = 0
        judged: list[Response] = []
        highest: int | None = None
        for day in days:
            logs = diary.on(exercise.exercise_id, day)
            skipped += sum(1 for entry in logs if entry.skipped)
            done_logs = [entry for entry in logs if entry.done]
            for entry in done_logs:
                if entry.pain_during is not None:
                    judged.append(judge_session(exercise, entry, pain, tz))
                    highest = max(highest or 0, entry.pain_during)
            if day < added or not exercise.due_on(day, phases[day]):
                continue
            count = min(len(done_logs), exercise.times_per_day)
            done += count
            due += count if day == today else exercise.times_per_day
        summaries.append(
            ExercisePeriod(
                exercise,
                due,
                done,
                skipped,
                judged.count(Response.GREEN),
                judged.count(Response.AMBER),
                judged.count(Response.RED),
                highest,
            )
        )
    return tuple(summaries)


@dataclass(frozen=True, slots=True)
class ExerciseItem:
    """One to-do item: an occurrence, whether it is done, whether it is yesterday's."""

    occurrence: Occurrence
    done: bool
    yesterday: bool = False


@dataclass(frozen=True, slots=True)
class ExerciseStatus:
    """What the programme shows at ``today``: the items, each exercise's response, the adherence."""

    today: date
    exercises: tuple[Exercise, ...] = ()
    items: tuple[ExerciseItem, ...] = ()
    responses: Mapping[str, Response] = field(default_factory=dict)
    adherence_7d: int | None = None
    """Whole percent; ``None`` when nothing was due."""
    logs: int = 0
