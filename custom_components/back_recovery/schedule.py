"""The recovery's phases: which phase runs on each local date, and ice or heat.

Nothing here imports Home Assistant. Days are local dates and lengths are
whole weeks (whole days for ice); the rules are the contract's section
"Phases", the default lengths its options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from .session import Modality


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
