"""What the bus and the person hear: the events of contract.md and their reminders.

Every event carries the entry's ``config_entry_id``; every reminder goes out
only when its option asks for it (``remind_*``), except the heating pad that
does not switch off, which is urgent (contract rule 10).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import (
    ATTR_ALLOWED_AT,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDS_AT,
    ATTR_FROM_PHASE,
    ATTR_LEVEL,
    ATTR_MODALITY,
    ATTR_REACHABLE,
    ATTR_REASON,
    ATTR_RECORDED_AT,
    ATTR_TO_PHASE,
    RecoveryEvent,
)
from ..options import RecoveryOptions
from ..plug_entity import plug_event_data, plug_placeholders
from ..therapy import (
    Blocked,
    EndReason,
    Modality,
    Outcome,
    PainEntry,
    PainReview,
    Phase,
    Refusal,
    TherapySession,
)

if TYPE_CHECKING:
    from .reminders import Reminders

BLOCKED_HEAT_HOURS: Final = "heat_hours"
"""``session_blocked``'s ``reason`` for heat outside the heat hours (contract rule 19)."""


class RecoveryEvents:
    """Fires one entry's events and sends the reminders that go with them."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        reminders: Reminders,
    ) -> None:
        """Fire for ``entry``; send what goes with each event through ``reminders``."""
        self._hass = hass
        self._entry_id = entry.entry_id
        self.reminders = reminders

    @property
    def options(self) -> RecoveryOptions:
        """The options in force (the reminders' own): which reminders go, and where."""
        return self.reminders.options

    @options.setter
    def options(self, options: RecoveryOptions) -> None:
        self.reminders.options = options

    def fire(
        self,
        outcome: Outcome,
        next_allowed: datetime | None,
        recommended: Modality = Modality.HEAT,
    ) -> None:
        """Fire the events of ``outcome``, in order, and send their reminders.

        ``next_allowed`` is when the next session is allowed after an ended
        one; ``recommended`` today's recommended therapy (heat started while
        ice is recommended is reminded of it, never refused).
        """
        if (ended := outcome.ended) is not None:
            self.session_ended(ended, next_allowed)
        if (started := outcome.started) is not None:
            self.session_started(started, recommended)
        if (blocked := outcome.blocked) is not None:
            self.session_blocked(blocked)
        if (pain := outcome.pain) is not None:
            if pain.entry is not None:
                self.pain_logged(pain.entry)
            if pain.review_turned_on:
                self.review_recommended(pain.status.review)
        if (change := outcome.phase_change) is not None:
            self.phase_changed(*change)
        if outcome.rest_over:
            self.skin_rest_over()

    def _fire(self, event_type: str, data: dict[str, Any]) -> None:
        self._hass.bus.async_fire(
            event_type, {ATTR_CONFIG_ENTRY_ID: self._entry_id, **data}
        )

    def session_started(
        self, session: TherapySession, recommended: Modality = Modality.HEAT
    ) -> None:
        """``session_started``; and "ends at …" if ``remind_session_end``.

        Heat while ``recommended`` is ice says ice is recommended in the first days.
        """
        self._fire(
            RecoveryEvent.SESSION_STARTED,
            {
                ATTR_MODALITY: session.modality.value,
                ATTR_ENDS_AT: session.planned_end.isoformat(),
            },
        )
        if self.options.remind_session_end:
            key = f"session_started_{session.modality.value}"
            if session.modality is Modality.HEAT and recommended is Modality.ICE:
                # Back Recovery does not prescribe: heat runs, with a word.
                key += "_ice_recommended"
            self.reminders.send(key, {"ends_at": session.planned_end})

    def session_ended(
        self, session: TherapySession, allowed_at: datetime | None
    ) -> None:
        """``session_ended`` with its reason; a completed one also reminds of the rest gap."""
        reason = session.end_reason or EndReason.COMPLETED
        data = {ATTR_MODALITY: session.modality.value, ATTR_REASON: reason.value}
        if (
            session.modality is Modality.HEAT
            and session.ended is not None
            and reason is not EndReason.LOGGED
        ):
            # Heat ends when the plug confirms off (contract: "The truth while
            # the pad heats").
            data["heat_off_at"] = session.ended.isoformat()
        self._fire(RecoveryEvent.SESSION_ENDED, data)
        if reason is EndReason.COMPLETED and self.options.remind_session_end:
            self.reminders.send(
                f"session_completed_{session.modality.value}",
                {"allowed_at": allowed_at},
            )

    def session_blocked(self, blocked: Blocked) -> None:
        """``session_blocked``: a start the rules refused or undid.

        Heat refused outside the heat hours says so: ``reason`` ``heat_hours``
        (rule 19).
        """
        data = {
            ATTR_MODALITY: blocked.modality.value,
            ATTR_ALLOWED_AT: blocked.allowed_at.isoformat(),
        }
        if blocked.reason is Refusal.OUTSIDE_HEAT_HOURS:
            data[ATTR_REASON] = BLOCKED_HEAT_HOURS
        self._fire(RecoveryEvent.SESSION_BLOCKED, data)

    def session_ending(self, session: TherapySession, minutes: int) -> None:
        """Send the heads-up, ``minutes`` (whole minutes) before the planned end."""
        self.reminders.send(
            f"session_ending_{session.modality.value}", {"minutes": minutes}
        )

    def skin_rest_over(self) -> None:
        """``skin_rest_over``; and a reminder if ``remind_rest_over``."""
        self._fire(RecoveryEvent.SKIN_REST_OVER, {})
        if self.options.remind_rest_over:
            self.reminders.send("rest_over", {})

    def phase_changed(self, old: Phase, new: Phase) -> None:
        """``phase_changed``; and a reminder if ``remind_phase_change``."""
        self._fire(
            RecoveryEvent.PHASE_CHANGED,
            {ATTR_FROM_PHASE: old.value, ATTR_TO_PHASE: new.value},
        )
        if self.options.remind_phase_change:
            self.reminders.send("phase_changed", {}, phase=new)

    def heating_pad_not_responding(self, entity_id: str, reachable: bool) -> None:
        """Tell everyone at once: the plug did not confirm a switch-off (rules 5, 10).

        ``reachable``: the plug answered but is still on, or it cannot be
        reached at all; the event says which, and so does the reminder. It
        carries the recovery's ``device_id`` too, for the device's logbook.
        """
        self._fire(
            RecoveryEvent.HEATING_PAD_NOT_RESPONDING,
            {
                **plug_event_data(self._hass, self._entry_id, entity_id),
                ATTR_REACHABLE: reachable,
            },
        )
        self.reminders.send(
            "heating_pad_not_responding" if reachable else "heating_pad_unreachable",
            plug_placeholders(self._hass, entity_id),
            urgent=True,
        )

    def pain_logged(self, entry: PainEntry) -> None:
        """``pain_logged``: the level and the moment it describes (ISO, UTC)."""
        self._fire(
            RecoveryEvent.PAIN_LOGGED,
            {
                ATTR_LEVEL: entry.level,
                ATTR_RECORDED_AT: entry.recorded_at.isoformat(),
            },
        )

    def review_recommended(self, review: PainReview) -> None:
        """``review_recommended``; and a reminder if ``remind_review`` (quiet hours apply).

        Contract "Pain diary and review": ``baseline`` is ``None`` when the
        worsening clause alone turned the review on; both numbers are rounded
        to 1 decimal like ``pain_average_7d``.
        """
        data = review.event_data()
        self._fire(RecoveryEvent.REVIEW_RECOMMENDED, data)
        if self.options.remind_review:
            self.reminders.send("review_recommended", {"average": str(data["average"])})
