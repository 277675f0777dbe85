"""The rehabilitation programme: the exercises a therapist prescribed, what was done, how pain answered.

Nothing here imports Home Assistant. The definitions are the contract's
section "Exercises (the rehabilitation programme)". Back Recovery keeps what
the person entered, counts and tells; it never changes a prescription,
progresses or prescribes (the ``progression_note`` is the therapist's words,
kept and shown, never read by a rule).

Every day here is a local day: the caller passes the time zone ``tz`` and
the local dates; a log entry keeps its moment in UTC and the local day it
counts for (``day``: the local date of ``done_at``, or yesterday for one of
yesterday's to-do items checked before noon).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from .pain import PAIN_LEVEL_MAX, PAIN_LEVEL_MIN
from .phases import Phase

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The weekdays as the ``days`` field names them, Monday first (``date.weekday()``)."""

DEFAULT_PHASES: tuple[Phase, ...] = (Phase.REHABILITATION, Phase.RETURN_TO_ACTIVITY)
SETS_RANGE = (1, 10)
REPS_RANGE = (1, 100)
HOLD_SECONDS_RANGE = (1, 600)
TIMES_PER_DAY_RANGE = (1, 3)
REMINDER_GAP = timedelta(hours=6)
"""An exercise reminded of its pain is not reminded again within this time."""


class ExerciseKind(StrEnum):
    """What kind of exercise it is (shown only)."""

    STRETCH = "stretch"
    STRENGTH = "strength"
    HOLD = "hold"
    AEROBIC = "aerobic"


class PainRule(StrEnum):
    """The therapist's rule for pain during the exercise."""

    PAIN_FREE = "pain_free"
    NO_INCREASE = "no_increase"
    MONITORING = "monitoring"


class SkipReason(StrEnum):
    """Why an exercise was skipped."""

    PAIN = "pain"
    NO_TIME = "no_time"
    OTHER = "other"


class Response(StrEnum):
    """How pain answered an exercise (contract: ``response``)."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNKNOWN = "unknown"


class ExerciseError(ValueError):
    """A prescription or a log entry the contract does not allow; ``reason`` is a translation key."""

    def __init__(self, reason: str) -> None:
        """Remember why (e.g. ``max_pain_during_needed``)."""
        super().__init__(reason)
        self.reason = reason


def in_range(value: int | None, bounds: tuple[int, int], reason: str) -> None:
    """Raise ``ExerciseError(reason)`` for a value that is given and not a whole number within ``bounds``."""
    if value is not None and (
        type(value) is not int or not bounds[0] <= value <= bounds[1]
    ):
        raise ExerciseError(reason)


@dataclass(frozen=True, slots=True)
class Target:
    """What is prescribed per session: ``sets`` of ``reps`` or of ``hold_seconds`` (seconds), per side or not."""

    sets: int
    reps: int | None
    hold_seconds: int | None
    per_side: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Serialize to JSON-safe values."""
        return {
            "sets": self.sets,
            "reps": self.reps,
            "hold_seconds": self.hold_seconds,
            "per_side": self.per_side,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        """Deserialize; raises ``KeyError`` on a missing field."""
        return cls(
            data["sets"],
            data.get("reps"),
            data.get("hold_seconds"),
            bool(data.get("per_side")),
        )

    def text(self, each_side: str) -> str:
        """Say the target as "3 × 30 s" or "3 × 10", with ``each_side`` (", each side") appended when per side."""
        amount = (
            f"{self.hold_seconds} s"
            if self.hold_seconds is not None
            else f"{self.reps}"
        )
        return f"{self.sets} × {amount}{each_side if self.per_side else ''}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Exercise:
    """One prescribed exercise (a config subentry ``exercise``, named by its title), validated on construction.

    Raises ``ExerciseError`` with the translation key of the first broken
    rule: ``name_empty``, ``sets_out_of_range``, ``reps_or_hold`` (exactly one
    of ``reps`` and ``hold_seconds``), ``reps_out_of_range``,
    ``hold_seconds_out_of_range``, ``times_per_day_out_of_range``, ``no_day``,
    ``no_phase``, ``max_pain_during_needed`` (a ``monitoring`` rule without
    it) or ``max_pain_during_out_of_range``.
    """

    exercise_id: str
    name: str
    kind: ExerciseKind = ExerciseKind.STRETCH
    sets: int = 1
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    times_per_day: int = 1
    days: frozenset[int] = frozenset(range(7))
    """Weekdays it is due on, 0 = Monday (``date.weekday()``)."""
    phases: frozenset[Phase] = frozenset(DEFAULT_PHASES)
    instructions: str | None = None
    pain_rule: PainRule = PainRule.NO_INCREASE
    max_pain_during: int | None = None
    progression_note: str | None = None

    def __post_init__(self) -> None:
        """Check the contract's fields and ranges."""
        if not self.name.strip():
            raise ExerciseError("name_empty")
        in_range(self.sets, SETS_RANGE, "sets_out_of_range")
        if (self.reps is None) == (self.hold_seconds is None):
            raise ExerciseError("reps_or_hold")
        in_range(self.reps, REPS_RANGE, "reps_out_of_range")
        in_range(self.hold_seconds, HOLD_SECONDS_RANGE, "hold_seconds_out_of_range")
        in_range(self.times_per_day, TIMES_PER_DAY_RANGE, "times_per_day_out_of_range")
        if not self.days or not self.days <= frozenset(range(7)):
            raise ExerciseError("no_day")
        if not self.phases:
            raise ExerciseError("no_phase")
        if self.pain_rule is PainRule.MONITORING and self.max_pain_during is None:
            raise ExerciseError("max_pain_during_needed")
        in_range(
            self.max_pain_during,
            (PAIN_LEVEL_MIN, PAIN_LEVEL_MAX),
            "max_pain_during_out_of_range",
        )

    @classmethod
    def from_config(
        cls, exercise_id: str, data: Mapping[str, Any], name: str | None = None
    ) -> Exercise:
        """Read a subentry's data (the flow's fields); raises ``ExerciseError`` or ``ValueError``.

        ``name`` is the subentry's title: an exercise's name is its title
        (Home Assistant's *Rename* changes only the title). Without it (the
        flow checking a form) the data's ``name`` is read; subentries stored
        so far keep ``data["name"]`` equal to their title. Numbers given as
        floats by the form's number selectors must be whole.
        """
        rule = PainRule(data.get("pain_rule", PainRule.NO_INCREASE))
        return cls(
            exercise_id=exercise_id,
            name=str(data.get("name", "") if name is None else name).strip(),
            kind=ExerciseKind(data.get("kind", ExerciseKind.STRETCH)),
            sets=_whole(data.get("sets", 1)),
            reps=_whole(data.get("reps")),
            hold_seconds=_whole(data.get("hold_seconds")),
            per_side=bool(data.get("per_side", False)),
            times_per_day=_whole(data.get("times_per_day", 1)),
            days=frozenset(WEEKDAYS.index(day) for day in data.get("days", WEEKDAYS)),
            phases=frozenset(
                Phase(phase) for phase in data.get("phases", DEFAULT_PHASES)
            ),
            instructions=data.get("instructions") or None,
            pain_rule=rule,
            max_pain_during=(
                _whole(data.get("max_pain_during"))
                if rule is PainRule.MONITORING
                else None
            ),
            progression_note=data.get("progression_note") or None,
        )

    @property
    def target(self) -> Target:
        """What is prescribed per session."""
        return Target(self.sets, self.reps, self.hold_seconds, self.per_side)

    def due_on(self, day: date, phase: Phase) -> bool:
        """Return whether it is due on local ``day``, whose phase is ``phase``."""
        return day.weekday() in self.days and phase in self.phases


def _whole(value: Any) -> Any:
    """Return a whole float as an ``int``; ``None`` and anything else unchanged (the checks refuse it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One exercise due at one time of day (``slot``, 1 to ``times_per_day``) of a local ``day``."""

    exercise: Exercise
    day: date
    slot: int

    @property
    def uid(self) -> str:
        """A stable id: ``<exercise id>_<day>_<slot>``."""
        return f"{self.exercise.exercise_id}_{self.day.isoformat()}_{self.slot}"


def due_occurrences(
    exercises: Sequence[Exercise], day: date, phase: Phase
) -> list[Occurrence]:
    """Return the occurrences due on local ``day`` (phase ``phase``).

    By time of day (each exercise's first, then each one's second, ...),
    within a time of day as the exercises were entered; only on an
    exercise's weekdays and in its phases.
    """
    due = [exercise for exercise in exercises if exercise.due_on(day, phase)]
    slots = max((exercise.times_per_day for exercise in due), default=0)
    return [
        Occurrence(exercise, day, slot)
        for slot in range(1, slots + 1)
        for exercise in due
        if slot <= exercise.times_per_day
    ]


def to_remind(
    turned_red: Sequence[Exercise],
    reminded: Mapping[str, datetime],
    now: datetime,
    gap: timedelta = REMINDER_GAP,
) -> tuple[Exercise, ...]:
    """Return the exercises the reminder "ease off and tell your physical therapist" names now.

    ``turned_red``: the exercises whose response turned ``red`` in one change
    (they make one reminder); ``reminded``: exercise id → the moment it was
    last named in a reminder. An exercise named less than ``gap`` (6 hours)
    before ``now`` is left out; a different one turning red later is named
    (contract "Exercises (the rehabilitation programme)").
    """
    return tuple(
        exercise
        for exercise in turned_red
        if (last := reminded.get(exercise.exercise_id)) is None or now - last >= gap
    )
