"""The therapy as rules: no Home Assistant, take ``now``, return outcomes.

The names the rest of the integration uses; the modules below say the rules.
"""

from __future__ import annotations

from .activities import (
    GUIDANCE_ACTIVITIES,
    Activity,
    ActivityRecord,
    ActivityRef,
    ActivityRefusal,
    ActivityRefusedError,
    ActivityState,
    ActivityStatus,
    ClearanceEntry,
    ClearanceKind,
)
from .backstop import (
    BACKSTOP_MARGIN_MINUTES,
    SECONDS_PER_UNIT,
    AutoOffRange,
    backstop_holds,
    backstop_value,
)
from .brace import (
    BRACE_HOURS_MAX,
    WORN_ABOVE_CELSIUS,
    BraceDayTotal,
    BraceLog,
    WornInterval,
    seconds_per_local_day,
    worn_from_temperature,
    worn_intervals,
)
from .check_in import answered_level, check_in_answers, check_in_words, next_check_in
from .exercise_log import ExerciseDiary, ExerciseLog, judge_session, morning_pain
from .exercise_period import ExercisePeriod, exercises_over_period
from .exercises import (
    WEEKDAYS,
    Exercise,
    ExerciseError,
    ExerciseKind,
    Occurrence,
    PainRule,
    Response,
    SkipReason,
    Target,
    due_occurrences,
)
from .heat_hours import HeatHours
from .log import TherapyLog
from .medication import (
    MAX_DOSES_PER_24H_RANGE,
    MIN_HOURS_BETWEEN_RANGE,
    SUPPLY_MAX,
    DoseOutcome,
    DoseWarning,
    LimitsFrom,
    MedicationLog,
    Medicine,
    MedicineKind,
    MedicineStatus,
)
from .outcome import NOTHING, Blocked, Outcome
from .pain import (
    NOTE_MAX_LENGTH,
    PAIN_LEVEL_MAX,
    PAIN_LEVEL_MIN,
    PainDiary,
    PainEntry,
    PainRefusedError,
    PainStatus,
)
from .pain_log import PainLog, PainOutcome
from .pain_review import (
    REVIEW_FALL_POINTS,
    REVIEW_FALL_RATIO,
    PainReview,
    PainTrend,
    round_for_display,
)
from .phases import Phase, PhaseSchedule, PhaseTracker
from .restart import reconcile
from .self_switch import SelfSwitchVerdict, SelfSwitchWatch, SwitchCause
from .session import (
    SESSION_MINUTES_CEILING,
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)

__all__ = [
    "judge_session",
    "exercises_over_period",
    "ExercisePeriod",
    "BraceDayTotal",
    "GUIDANCE_ACTIVITIES",
    "Activity",
    "ActivityRecord",
    "ActivityRef",
    "ActivityRefusal",
    "ActivityRefusedError",
    "ActivityState",
    "ActivityStatus",
    "ClearanceEntry",
    "ClearanceKind",
    "BACKSTOP_MARGIN_MINUTES",
    "SECONDS_PER_UNIT",
    "AutoOffRange",
    "backstop_holds",
    "backstop_value",
    "BRACE_HOURS_MAX",
    "answered_level",
    "check_in_answers",
    "check_in_words",
    "next_check_in",
    "Blocked",
    "BraceLog",
    "EndReason",
    "Exercise",
    "ExerciseDiary",
    "ExerciseError",
    "ExerciseKind",
    "ExerciseLog",
    "Occurrence",
    "PainRule",
    "Response",
    "SkipReason",
    "Target",
    "WEEKDAYS",
    "due_occurrences",
    "morning_pain",
    "HeatHours",
    "Modality",
    "NOTE_MAX_LENGTH",
    "NOTHING",
    "Outcome",
    "PAIN_LEVEL_MAX",
    "PAIN_LEVEL_MIN",
    "PainDiary",
    "PainEntry",
    "PainLog",
    "PainOutcome",
    "PainRefusedError",
    "PainReview",
    "PainStatus",
    "PainTrend",
    "Phase",
    "PhaseSchedule",
    "PhaseTracker",
    "REVIEW_FALL_POINTS",
    "REVIEW_FALL_RATIO",
    "Refusal",
    "SESSION_MINUTES_CEILING",
    "SelfSwitchVerdict",
    "SelfSwitchWatch",
    "SwitchCause",
    "TherapyLog",
    "TherapyRefusedError",
    "TherapySession",
    "TherapySettings",
    "WORN_ABOVE_CELSIUS",
    "WornInterval",
    "reconcile",
    "round_for_display",
    "seconds_per_local_day",
    "worn_from_temperature",
    "worn_intervals",
    # Pain medication (contract "Pain medication").
    "MAX_DOSES_PER_24H_RANGE",
    "MIN_HOURS_BETWEEN_RANGE",
    "SUPPLY_MAX",
    "DoseOutcome",
    "DoseWarning",
    "LimitsFrom",
    "MedicationLog",
    "Medicine",
    "MedicineKind",
    "MedicineStatus",
]
