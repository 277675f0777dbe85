"""The pain diary as rules: what an entry or a new day means for the review.

Nothing here imports Home Assistant. ``PainLog`` is to the pain diary what
``TherapyLog`` is to sessions: it holds the diary (``pain.PainDiary``) and
today's status, and each change returns a ``PainOutcome`` that the engine
carries out (storage, the repair issue ``pain_not_improving``, the events
``back_recovery_pain_logged`` and ``back_recovery_review_recommended``, the
review reminder). The definitions are the contract's section "Pain diary and
review"; every day is a local day of the time zone the caller passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
import logging
from typing import Any

from .pain import PainDiary, PainEntry, PainStatus
from .pain_review import round_for_display

_LOGGER = logging.getLogger(__name__)

STORED_KEY = "pain"
"""The diary's part of the entry's stored history: ``{"entries": [...]}``."""


@dataclass(frozen=True, slots=True)
class PainOutcome:
    """What a change to the diary means: the entry logged (if any), today's status, a review turned on.

    ``review_turned_on`` is true only for a change from off to on while Home
    Assistant runs (contract "Pain diary and review": never at start-up).
    """

    entry: PainEntry | None
    status: PainStatus
    review_turned_on: bool


class PainLog:
    """One person's pain diary and today's status, computed once per change."""

    def __init__(self, injury_date: date, today: date, tz: tzinfo) -> None:
        """Start with an empty diary for an injury on ``injury_date``."""
        self.injury_date = injury_date
        self.diary = PainDiary()
        self.status = self.diary.status(today, injury_date, tz)

    def __len__(self) -> int:
        """Return how many entries the diary holds."""
        return len(self.diary)

    def log(
        self,
        level: int,
        recorded_at: datetime,
        *,
        now: datetime,
        today: date,
        tz: tzinfo,
        note: str | None = None,
    ) -> PainOutcome:
        """Record pain ``level`` (0 to 10) at ``recorded_at`` (aware) with ``note``.

        Raises ``PainRefusedError`` (``recorded_at_in_future``,
        ``recorded_before_injury``) and records nothing then.
        """
        entry = self.diary.log(
            level, recorded_at, now=now, injury_date=self.injury_date, tz=tz, note=note
        )
        return self._update(today, tz, entry)

    def refresh(self, today: date, tz: tzinfo) -> PainOutcome:
        """Compute ``today``'s status again (local midnight, new options)."""
        return self._update(today, tz, None)

    def _update(self, today: date, tz: tzinfo, entry: PainEntry | None) -> PainOutcome:
        was_on = self.status.review.recommended
        self.status = self.diary.status(today, self.injury_date, tz)
        turned_on = self.status.review.recommended and not was_on
        return PainOutcome(entry, self.status, turned_on)

    # Storage (contract rule 8).

    def restore(
        self, data: Mapping[str, Any], title: str, today: date, tz: tzinfo
    ) -> None:
        """Take the stored entries of the recovery ``title``; skip (and log) any that is malformed.

        Today's status is computed without an outcome: a review already on at
        start-up is not announced again.
        """
        raw = data.get(STORED_KEY) or {}
        items = raw.get("entries", []) if isinstance(raw, Mapping) else None
        if not isinstance(items, list):
            _LOGGER.error(
                "Stored pain diary of %s is malformed; it starts empty", title
            )
            items = []
        entries: list[PainEntry] = []
        for item in items:
            try:
                entries.append(PainEntry.from_dict(item))
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                _LOGGER.error(
                    "Stored pain entry of %s is malformed (%s); it is skipped",
                    title,
                    err,
                )
        self.diary = PainDiary(entries)
        self.status = self.diary.status(today, self.injury_date, tz)

    def as_dict(self) -> dict[str, Any]:
        """Return the diary's part of the stored history, notes included."""
        return {STORED_KEY: self.diary.as_dict()}

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the diary without notes: the count, the levels and their dates."""
        first = self.diary.first
        latest = self.status.latest
        return {
            "entries": len(self.diary),
            "first_recorded_at": first.recorded_at.isoformat() if first else None,
            "latest": latest.as_dict(note=False) if latest else None,
            "average_7d": round_for_display(self.status.average_7d),
            "trend": self.status.trend.value,
            "review_recommended": self.status.review.recommended,
        }
