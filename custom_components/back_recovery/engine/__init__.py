"""The one writer of a recovery: the engine and the parts it owns.

Everything outside reads the state it builds and calls its commands through
these names only.
"""

from __future__ import annotations

from ..therapy import ExerciseItem, ExerciseStatus
from .activities import ActivityClearances
from .brace import BraceRecord
from .check_in import MorningCheckIn
from .core import RecoveryEngine
from .exercises import ExerciseProgramme
from .medication import LoggedDose, MedicationRecord, attach_medication
from .plug import CONFIRM_SECONDS
from .plug_memory import async_remember_rest
from .state import RecoveryState, RefusedStart
from .store import async_read_histories, async_remove_history

__all__ = [
    "ActivityClearances",
    "BraceRecord",
    "MorningCheckIn",
    "CONFIRM_SECONDS",
    "ExerciseItem",
    "ExerciseProgramme",
    "ExerciseStatus",
    "LoggedDose",
    "MedicationRecord",
    "attach_medication",
    "RecoveryEngine",
    "RecoveryState",
    "RefusedStart",
    "async_read_histories",
    "async_remember_rest",
    "async_remove_history",
]
