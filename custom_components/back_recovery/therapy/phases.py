"""The recovery's phases: which phase runs on each local date, and ice or heat.

Nothing here imports Home Assistant. Days are local dates and lengths are
whole weeks (whole days for ice); the rules are the contract's section
"Phases", the default lengths its options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
import logging
from typing import Any

from .session import Modality

_LOGGER = logging.getLogger(__name__)


class Phase(StrEnum):
    """The phases of the recovery, in order."""

    REST = "rest"
    REHABILITATION = "rehabilitation"
    RETURN_TO_ACTIVITY = "return_to_activity"
    RECOVERED = "recovered"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


@dataclass(frozen=True, slots=True)
class PhaseSchedule:
    """Which phase the recovery is in on each local date.

    From the injury date: rest, rehabilitation and return to activity for their
    lengths in weeks, then recovered. ``set_phase`` re-anchors the schedule: the
    anchor phase starts on the anchor date and later phases follow with their
    lengths; earlier phases end no later than the anchor date.
    """

    injury_date: date
    rest_weeks: int = 6
    rehabilitation_weeks: int = 6
    return_weeks: int = 12
    ice_days: int = 1
    anchor_phase: Phase = Phase.REST
    anchor_date: date | None = None

    def _weeks(self, phase: Phase) -> int:
        return {
            Phase.REST: self.rest_weeks,
            Phase.REHABILITATION: self.rehabilitation_weeks,
            Phase.RETURN_TO_ACTIVITY: self.return_weeks,
        }.get(phase, 0)

    def _from_injury(self) -> dict[Phase, date]:
        starts: dict[Phase, date] = {}
        day = self.injury_date
        for phase in PHASE_ORDER:
            starts[phase] = day
            day += timedelta(weeks=self._weeks(phase))
        return starts

    def starts(self) -> dict[Phase, date]:
        """Return the first day of each phase (a skipped phase lasts no day)."""
        starts = self._from_injury()
        if self.anchor_date is None:
            return starts
        anchor = PHASE_ORDER.index(self.anchor_phase)
        day = self.anchor_date
        for phase in PHASE_ORDER[anchor:]:
            starts[phase] = day
            day += timedelta(weeks=self._weeks(phase))
        for phase in PHASE_ORDER[:anchor]:
            starts[phase] = min(starts[phase], self.anchor_date)
        return starts

    def spans(self) -> list[tuple[Phase, date, date | None]]:
        """Each phase that lasts at least a day: (phase, first day, day after its last)."""
        starts = self.starts()
        spans: list[tuple[Phase, date, date | None]] = []
        for index, phase in enumerate(PHASE_ORDER):
            end = (
                starts[PHASE_ORDER[index + 1]] if index + 1 < len(PHASE_ORDER) else None
            )
            if end is None or end > starts[phase]:
                spans.append((phase, starts[phase], end))
        return spans

    def _span_on(self, day: date) -> tuple[Phase, date, date | None]:
        """Return the span that runs on ``day`` (the first one before it starts)."""
        spans = self.spans()
        current = spans[0]
        for span in spans:
            if span[1] <= day:
                current = span
        return current

    def phase_on(self, day: date) -> Phase:
        """Return the phase on ``day`` (the first phase before the schedule starts)."""
        return self._span_on(day)[0]

    def phase_started(self, day: date) -> date:
        """Return the first day of the phase that runs on ``day``."""
        return self._span_on(day)[1]

    def next_change(self, day: date) -> tuple[Phase, date] | None:
        """Return the next phase after ``day`` and its first day; ``None`` once recovered."""
        current = self.phase_on(day)
        for phase, start, _ in self.spans():
            if start > day and phase is not current:
                return phase, start
        return None

    def recommended_therapy(self, day: date) -> Modality:
        """Ice on the injury date and the ``ice_days`` after it, heat from then on."""
        if (day - self.injury_date).days <= self.ice_days:
            return Modality.ICE
        return Modality.HEAT

    def days_since_injury(self, day: date) -> int:
        """Whole days since the injury date (0 on that date)."""
        return (day - self.injury_date).days

    def rebased(self, phase: Phase, today: date) -> PhaseSchedule:
        """Return the schedule after ``set_phase``: ``phase`` starts ``today``."""
        return replace(self, anchor_phase=phase, anchor_date=today)


class PhaseTracker:
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
        self.stored = False
        return old, new
