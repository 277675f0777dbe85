"""The recovery's subentry flows by type (contract "The rest of the recovery"): exercises, medicines.

``config_flow.BackRecoveryConfigFlow.async_get_supported_subentry_types``
offers these; each flow lives in a module of its own. A new subentry type is
one line here.
"""

from __future__ import annotations

from typing import Final

from homeassistant.config_entries import ConfigSubentryFlow

from .const import SUBENTRY_EXERCISE, SUBENTRY_MEDICATION
from .exercise_flow import ExerciseSubentryFlow
from .medication_flow import MedicationSubentryFlow

SUBENTRY_FLOWS: Final[dict[str, type[ConfigSubentryFlow]]] = {
    SUBENTRY_EXERCISE: ExerciseSubentryFlow,
    SUBENTRY_MEDICATION: MedicationSubentryFlow,
}
