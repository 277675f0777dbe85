"""The rehabilitation programme's log: each session done or skipped, how pain answered, adherence.

Nothing here imports Home Assistant (contract "Exercises (the rehabilitation
programme)"). Every day is a local day: the caller passes the time zone
``tz`` and local dates; an entry keeps its moment in UTC and the local day it
counts for. Back Recovery tells how pain answered; it never changes the
programme.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from .exercises import (
    Exercise,
    ExerciseError,
    Occurrence,
    PainRule,
    Response,
    SkipReason,
    Target,
    in_range,
)
from .pain import NOTE_MAX_LENGTH, PAIN_LEVEL_MAX, PAIN_LEVEL_MIN, PainEntry
from .phases import Phase

RED_PAIN = 7
"""Pain during an exercise at or above this is ``red`` whatever the rule (contract)."""
ADHERENCE_DAYS = 7
MORNING_ENDS = time(12, 0)
"""The morning pain is the first pain entry of a local day before noon (contract)."""
MAX_EXERCISE_LOGS = 25000
"""How many log entries are kept: two years of 10 exercises three times a day fit (21900)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseLog:
    """One logged session of an exercise (done or skipped), with its target beside.

    ``done_at``: the moment (aware; kept in UTC). ``day``: the local day it
    counts for. ``slot``: the time of day it fills (``None``: a skip or one
    more than due). Done as prescribed when none of ``sets_done``,
    ``reps_done``, ``seconds_done`` is given. ``pain_during`` 0 to 10;
    ``skipped`` needs ``skip_reason``; ``note`` at most 200 characters
    (health data: never in diagnostics). Raises ``ExerciseError``
    (``skip_reason_needed``, ``pain_out_of_range``, ``note_too_long``) or
    ``ValueError`` for a naive moment.
    """

    exercise_id: str
    done_at: datetime
    day: date
    target: Target
    slot: int | None = None
    sets_done: int | None = None
    reps_done: int | None = None
    seconds_done: int | None = None
    pain_during: int | None = None
    skipped: bool = False
    skip_reason: SkipReason | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        """Check the values and keep the moment in UTC."""
        if self.done_at.utcoffset() is None:
            raise ValueError("naive datetime")
        object.__setattr__(self, "done_at", self.done_at.astimezone(UTC))
        if self.skipped != (self.skip_reason is not None):
            raise ExerciseError("skip_reason_needed")
        in_range(
            self.pain_during, (PAIN_LEVEL_MIN, PAIN_LEVEL_MAX), "pain_out_of_range"
        )
        if self.note is not None and len(self.note) > NOTE_MAX_LENGTH:
            raise ExerciseError("note_too_long")

    @property
    def done(self) -> bool:
        """Whether it counts as completed (not skipped)."""
        return not self.skipped

    @property
    def as_prescribed(self) -> bool:
        """Whether it was done as prescribed (no amounts of its own given)."""
        return self.done and (self.sets_done, self.reps_done, self.seconds_done) == (
            None,
            None,
            None,
        )

    def as_dict(self) -> dict[str, Any]:
        """Serialize to JSON-safe values."""
        return {
            "exercise_id": self.exercise_id,
            "done_at": self.done_at.isoformat(),
            "day": self.day.isoformat(),
            "target": self.target.as_dict(),
            "slot": self.slot,
            "sets_done": self.sets_done,
            "reps_done": self.reps_done,
            "seconds_done": self.seconds_done,
            "pain_during": self.pain_during,
            "skipped": self.skipped,
            "skip_reason": self.skip_reason.value if self.skip_reason else None,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExerciseLog:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data."""
        reason = data.get("skip_reason")
        return cls(
            exercise_id=str(data["exercise_id"]),
            done_at=datetime.fromisoformat(data["done_at"]),
            day=date.fromisoformat(data["day"]),
            target=Target.from_dict(data["target"]),
            slot=data.get("slot"),
            sets_done=data.get("sets_done"),
            reps_done=data.get("reps_done"),
            seconds_done=data.get("seconds_done"),
            pain_during=data.get("pain_during"),
            skipped=bool(data.get("skipped")),
            skip_reason=SkipReason(reason) if reason is not None else None,
            note=data.get("note"),
        )


def morning_pain(entries: Sequence[PainEntry], day: date, tz: tzinfo) -> int | None:
    """Return the first pain level recorded on local ``day`` before noon, or ``None``.

    ``entries`` are sorted by ``recorded_at`` (the pain diary's order).
    """
    start = datetime.combine(day, time(0), tz).astimezone(UTC)
    noon = datetime.combine(day, MORNING_ENDS, tz).astimezone(UTC)
    index = bisect_left(entries, start, key=_recorded_at)
    if index < len(entries) and entries[index].recorded_at < noon:
        return entries[index].level
    return None


def _recorded_at(entry: PainEntry) -> datetime:
    return entry.recorded_at


def _pain_before(entries: Sequence[PainEntry], moment: datetime) -> int | None:
    index = bisect_left(entries, moment, key=_recorded_at)
    return entries[index - 1].level if index else None


@dataclass(slots=True)
class ExerciseDiary:
    """Every logged session, oldest first, indexed by exercise and by local day."""

    max_entries: int = MAX_EXERCISE_LOGS
    _logs: list[ExerciseLog] = field(default_factory=list)
    _by_day: dict[tuple[str, date], list[ExerciseLog]] = field(default_factory=dict)
    _by_exercise: dict[str, list[ExerciseLog]] = field(default_factory=dict)

    def __len__(self) -> int:
        """How many sessions are logged."""
        return len(self._logs)

    @property
    def logs(self) -> tuple[ExerciseLog, ...]:
        """Every logged session, oldest first."""
        return tuple(self._logs)

    def on(self, exercise_id: str, day: date) -> list[ExerciseLog]:
        """Return the sessions of one exercise that count for local ``day``."""
        return self._by_day.get((exercise_id, day), [])

    def done(self, occurrence: Occurrence) -> bool:
        """Return whether ``occurrence`` (an exercise at a time of day of a day) was done."""
        return any(
            entry.slot == occurrence.slot and entry.done
            for entry in self.on(occurrence.exercise.exercise_id, occurrence.day)
        )

    def free_slot(self, exercise: Exercise, day: date) -> int | None:
        """Return the first time of day of ``day`` not yet done, or ``None`` when all are."""
        taken = {log.slot for log in self.on(exercise.exercise_id, day)}
        return next(
            (s for s in range(1, exercise.times_per_day + 1) if s not in taken), None
        )

    def add(self, entry: ExerciseLog) -> None:
        """Keep ``entry`` (the oldest go beyond ``max_entries``)."""
        index = bisect_left(self._logs, entry.done_at, key=_done_at)
        self._logs.insert(index, entry)
        day = self._by_day.setdefault((entry.exercise_id, entry.day), [])
        day.insert(bisect_left(day, entry.done_at, key=_done_at), entry)
        if entry.done:
            own = self._by_exercise.setdefault(entry.exercise_id, [])
            own.insert(bisect_left(own, entry.done_at, key=_done_at), entry)
        while len(self._logs) > self.max_entries:
            self._forget(self._logs[0])

    def remove(self, exercise_id: str, day: date, slot: int) -> ExerciseLog | None:
        """Forget the session that filled time of day ``slot`` of ``day``; return it, or ``None``."""
        for entry in self.on(exercise_id, day):
            if entry.slot == slot:
                self._forget(entry)
                return entry
        return None

    def _forget(self, entry: ExerciseLog) -> None:
        self._logs.remove(entry)
        key = (entry.exercise_id, entry.day)
        self._by_day[key].remove(entry)
        if not self._by_day[key]:
            del self._by_day[key]
        if entry.done:
            self._by_exercise[entry.exercise_id].remove(entry)

    def response(
        self, exercise: Exercise, pain: Sequence[PainEntry], tz: tzinfo
    ) -> Response:
        """Return how pain answered the exercise's latest done session (contract ``response``).

        ``unknown``: none done, no ``pain_during`` given, or (``no_increase``)
        no pain entry before it to compare with. ``red``: pain
        during at or above 7, or ``amber`` after an ``amber`` (or ``red``)
        session before it (sessions without pain are passed over). ``amber``:
        pain during above the rule (``pain_free``: above 0; ``no_increase``:
        above the morning pain of its day, else the last pain entry before
        it; ``monitoring``: above ``max_pain_during``), or the next morning's
        pain 1 or more above that morning's. ``green`` otherwise (the next
        morning not known yet counts as not higher). ``pain`` is the pain
        diary, sorted by moment.
        """
        latest: Response | None = None
        for entry in reversed(self._by_exercise.get(exercise.exercise_id, [])):
            judged = _judge(exercise, entry, pain, tz)
            if latest is None:
                latest = judged
                if judged is not Response.AMBER:
                    return judged
            elif judged is not Response.UNKNOWN:
                return Response.RED if judged is not Response.GREEN else latest
        return latest or Response.UNKNOWN

    def adherence(
        self,
        exercises: Iterable[Exercise],
        today: date,
        phase_on: Callable[[date], Phase],
        since: Mapping[str, date] | None = None,
    ) -> int | None:
        """Return completed over due occurrences of the last 7 local days, in whole percent.

        Only days an exercise was due count (its weekdays, its phases, from
        ``since``, the day it was added, when given). Today is not over: its
        occurrences count once done, never as missed. ``None`` when nothing
        was due.
        """
        due = completed = 0
        days = [today - timedelta(days=back) for back in range(ADHERENCE_DAYS)]
        phases = {day: phase_on(day) for day in days}
        for exercise in exercises:
            first = (since or {}).get(exercise.exercise_id, days[-1])
            for day in days:
                if day < first or not exercise.due_on(day, phases[day]):
                    continue
                done = sum(1 for e in self.on(exercise.exercise_id, day) if e.done)
                done = min(done, exercise.times_per_day)
                completed += done
                due += done if day == today else exercise.times_per_day
        return round(100 * completed / due) if due else None


def _done_at(entry: ExerciseLog) -> datetime:
    return entry.done_at


def _judge(
    exercise: Exercise, entry: ExerciseLog, pain: Sequence[PainEntry], tz: tzinfo
) -> Response:
    """Return one session's response on its own (before "amber twice in a row")."""
    during = entry.pain_during
    if during is None:
        return Response.UNKNOWN
    if during >= RED_PAIN:
        return Response.RED
    morning = morning_pain(pain, entry.day, tz)
    match exercise.pain_rule:
        case PainRule.PAIN_FREE:
            within = during == 0
        case PainRule.MONITORING:
            within = during <= (exercise.max_pain_during or 0)
        case PainRule.NO_INCREASE:
            before = (
                morning if morning is not None else _pain_before(pain, entry.done_at)
            )
            if before is None:
                return Response.UNKNOWN  # nothing to compare with: no pain yet
            within = during <= before
    next_morning = morning_pain(pain, entry.day + timedelta(days=1), tz)
    rose = (
        morning is not None and next_morning is not None and next_morning >= morning + 1
    )
    return Response.GREEN if within and not rose else Response.AMBER


def judge_session(
    exercise: Exercise, entry: ExerciseLog, pain: Sequence[PainEntry], tz: tzinfo
) -> Response:
    """Return one done session's response on its own: green, amber, red; unknown without pain given.

    The rules of ``ExerciseDiary.response`` for one session, without "amber
    after amber is red" (that one is the latest session's).
    """
    return _judge(exercise, entry, pain, tz)
