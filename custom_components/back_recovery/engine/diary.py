"""The pain diary of one recovery, as the engine keeps it: entries, today's status, the review.

The rules are ``pain.PainDiary``'s and ``pain_review``'s (contract section
"Pain diary and review"); this module holds the diary the engine owns,
computes today's ``PainStatus`` once per change (an entry logged, local
midnight) and carries out what a change means: the events
``back_recovery_pain_logged`` and ``back_recovery_review_recommended``, the
review reminder and the repair issue ``pain_not_improving``. Nothing polls;
the engine's midnight timer (``deadlines.DeadlineWatch``) calls ``refresh``.

Every day here is a local day in Home Assistant's time zone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import CONF_INJURY_DATE, DOMAIN, ISSUE_PAIN_NOT_IMPROVING
from ..issues import async_clear_issue, async_raise_issue
from ..therapy import (
    PainDiary,
    PainEntry,
    PainRefusedError,
    PainStatus,
    round_for_display,
)
from .events import RecoveryEvents

_LOGGER = logging.getLogger(__name__)

STORED_KEY = "pain"
"""The diary's part of the entry's stored history: ``{"entries": [...]}``."""


class RecoveryPainDiary:
    """One person's pain diary: its entries, today's status and what a change fires.

    The review's event, trigger and reminder go out
    on each change from off to on while Home Assistant runs, never for a
    review found on at start-up (contract "Pain diary and review").
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        events: RecoveryEvents,
        save: Callable[[], Awaitable[object]],
    ) -> None:
        """Start with an empty diary; ``restore`` fills it from storage.

        ``save`` writes the entry's history. The repair issue goes when the
        entry unloads (setup raises it again).
        """
        self._hass = hass
        self._entry_id = entry.entry_id
        self._title = entry.title
        self._injury_date = date.fromisoformat(entry.data[CONF_INJURY_DATE])
        self._events = events
        self._save = save
        self.notify: Callable[[], None] = lambda: None
        """Shows the new state; the view that shows the diary sets it."""
        self._diary = PainDiary()
        self.status: PainStatus = self._compute()
        entry.async_on_unload(self._async_unload)

    # Storage (contract rule 8).

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored entries; skip (and log) any that is malformed.

        Today's status is computed without an event: a review already on
        at start-up is not announced again; its repair issue stands.
        """
        raw = data.get(STORED_KEY) or {}
        items = raw.get("entries", []) if isinstance(raw, Mapping) else None
        if not isinstance(items, list):
            _LOGGER.error(
                "Stored pain diary of %s is malformed; it starts empty", self._title
            )
            items = []
        entries: list[PainEntry] = []
        for item in items:
            try:
                entries.append(PainEntry.from_dict(item))
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                _LOGGER.error(
                    "Stored pain entry of %s is malformed (%s); it is skipped",
                    self._title,
                    err,
                )
        self._diary = PainDiary(entries)
        self.status = self._compute()
        self._show_issue()

    def as_dict(self) -> dict[str, Any]:
        """Return the diary's part of the stored history, notes included."""
        return {STORED_KEY: self._diary.as_dict()}

    # Reading.

    def __len__(self) -> int:
        """Return how many entries the diary holds."""
        return len(self._diary)

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the diary without notes: the count, the levels and their dates."""
        first = self._diary.first
        return {
            "entries": len(self._diary),
            "first_recorded_at": first.recorded_at.isoformat() if first else None,
            "latest": self.status.latest.as_dict(note=False)
            if self.status.latest
            else None,
            "average_7d": round_for_display(self.status.average_7d),
            "trend": self.status.trend.value,
            "review_recommended": self.status.review.recommended,
        }

    # Changes.

    async def async_log(
        self, level: int, recorded_at: datetime | None = None, note: str | None = None
    ) -> PainEntry:
        """Record pain ``level`` (0 to 10) at ``recorded_at`` (aware; default now) with ``note``.

        Raises ``ServiceValidationError`` (``recorded_at_in_future``,
        ``recorded_before_injury``: contract "Pain diary and review") and
        records nothing then. The entry is stored and shown before
        ``back_recovery_pain_logged`` fires, so an automation reads the new
        state; a review it turns on is announced after that.
        """
        now = dt_util.utcnow()
        try:
            entry = self._diary.log(
                level,
                recorded_at or now,
                now=now,
                injury_date=self._injury_date,
                tz=dt_util.get_default_time_zone(),
                note=note,
            )
        except PainRefusedError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key=err.reason.value
            ) from err
        turned_on = self._update()
        await self._save()
        self.notify()
        self._events.pain_logged(entry)
        if turned_on:
            self._events.review_recommended(self.status.review)
        return entry

    @callback
    def refresh(self) -> None:
        """Compute today's status again (local midnight, new options); announce a review turned on."""
        if self._update():
            self.notify()
            self._events.review_recommended(self.status.review)

    def _compute(self) -> PainStatus:
        return self._diary.status(
            dt_util.now().date(),
            self._injury_date,
            dt_util.get_default_time_zone(),
        )

    def _update(self) -> bool:
        """Compute today's status and its repair issue; return whether the review turned on."""
        was_on = self.status.review.recommended
        self.status = self._compute()
        self._show_issue()
        return self.status.review.recommended and not was_on

    def _show_issue(self) -> None:
        """Raise ``pain_not_improving`` while the review is recommended; clear it otherwise."""
        review = self.status.review
        if not review.recommended:
            async_clear_issue(self._hass, ISSUE_PAIN_NOT_IMPROVING, self._entry_id)
            return
        async_raise_issue(
            self._hass,
            ISSUE_PAIN_NOT_IMPROVING,
            self._entry_id,
            {
                "name": self._title,
                "average": str(round_for_display(review.average)),
            },
            severity=ir.IssueSeverity.WARNING,
        )

    @callback
    def _async_unload(self) -> None:
        async_clear_issue(self._hass, ISSUE_PAIN_NOT_IMPROVING, self._entry_id)
