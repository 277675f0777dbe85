"""The phases as the engine follows them: the schedule, and the last phase seen.

``phase_changed`` fires once per change, also for a change that happened while
Home Assistant was down; for that the last phase seen is stored with the
history (contract rule 8), together with the ``set_phase`` anchor.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
import logging
from typing import Any

from .schedule import Phase, PhaseSchedule

_LOGGER = logging.getLogger(__name__)


class RecoveryPhases:
    """The phase schedule and the last phase the engine announced."""

    def __init__(self, schedule: PhaseSchedule, today: date) -> None:
        """Follow ``schedule``; today's phase counts as seen until storage says otherwise."""
        self.schedule = schedule
        self.seen: Phase = schedule.phase_on(today)
        self.stored = False

    def restore(self, data: Mapping[str, Any], title: str) -> None:
        """Restore the ``set_phase`` anchor and the last phase seen; skip what is malformed."""
        try:
            schedule = self.schedule
            if anchor := data.get("phase_anchor"):
                schedule = schedule.rebased(
                    Phase(anchor["phase"]), date.fromisoformat(anchor["date"])
                )
            last_phase = Phase(data["phase"]) if data.get("phase") else None
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            _LOGGER.error(
                "Stored phase of %s is malformed (%s); the phases count from the injury date",
                title,
                err,
            )
            return
        self.schedule = schedule
        if last_phase is not None:
            self.seen = last_phase
            self.stored = True

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form: the anchor (or ``None``) and the last phase seen."""
        anchor = None
        if self.schedule.anchor_date is not None:
            anchor = {
                "phase": self.schedule.anchor_phase.value,
                "date": self.schedule.anchor_date.isoformat(),
            }
        return {"phase_anchor": anchor, "phase": self.seen.value}

    def rebase(self, phase: Phase, today: date) -> None:
        """``phase`` starts ``today``; later phases follow with their lengths."""
        self.schedule = self.schedule.rebased(phase, today)

    def change(self, today: date) -> tuple[Phase, Phase] | None:
        """Return ``(old, new)`` once when today's phase differs from the last one seen."""
        new = self.schedule.phase_on(today)
        if new is self.seen:
            return None
        old, self.seen = self.seen, new
        return old, new
