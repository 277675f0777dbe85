"""What the bus and the person hear: the events of contract.md and their reminders.

Every event carries the entry's ``config_entry_id``; every reminder goes out
only when its option asks for it (``remind_*``), except the heating pad that
does not switch off (contract rule 10) and the plug that keeps switching
itself on (rule 16, ``SelfSwitchAlarm``), which are urgent.
"""

from __future__ import annotations

from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from ..const import (
    ATTR_ALLOWED_AT,
    ATTR_CAUSE,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDS_AT,
    ATTR_FROM_PHASE,
    ATTR_LEVEL,
    ATTR_MODALITY,
    ATTR_REACHABLE,
    ATTR_REASON,
    ATTR_RECORDED_AT,
    ATTR_TO_PHASE,
    BLOCKED_HEAT_HOURS,
    DOMAIN,
    ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON,
    RecoveryEvent,
    issue_id,
)
from ..issues import async_clear_issue, async_raise_issue
from ..options import RecoveryOptions
from ..plug_entity import configured_plug, plug_event_data, plug_placeholders
from ..therapy import (
    Blocked,
    EndReason,
    Modality,
    Outcome,
    PainEntry,
    PainReview,
    Phase,
    Refusal,
    SelfSwitchWatch,
    SwitchCause,
    TherapySession,
)

if TYPE_CHECKING:
    from .reminders import Reminders

_LOGGER = logging.getLogger(__name__)


class SelfSwitchAlarm:
    """A plug that keeps switching itself on (rule 16): its repair issue and urgent reminder.

    The rules count (``therapy.SelfSwitchWatch``): from the third time within
    10 minutes, the issue ``heating_pad_switches_itself_on`` is raised and the
    urgent reminder sent, once; the issue is cleared when 30 minutes pass
    without one (a timer on the event loop's clock, which asks the rules on
    the wall clock's reading and waits on if they say not yet).
    """

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, reminders: Reminders
    ) -> None:
        """Alarm for ``entry``'s plug through ``reminders``."""
        self._hass = hass
        self._entry = entry
        self._reminders = reminders
        self._watch = SelfSwitchWatch()
        self._timer: CALLBACK_TYPE | None = None

    @callback
    def async_seen(self) -> bool:
        """Count the plug switched on by itself (and off again) now; return whether to announce it."""
        now = dt_util.utcnow()
        verdict = self._watch.switched_itself_on(now)
        if verdict.alarm:
            self._alarm()
        self._arm(now)
        return verdict.announce

    def _alarm(self) -> None:
        """Raise the issue and send the urgent reminder: the plug keeps switching itself on."""
        plug = configured_plug(self._entry) or ""
        placeholders = plug_placeholders(self._hass, plug)
        _LOGGER.warning(
            "The heating pad plug %s keeps switching itself on and is switched "
            "off each time: unplug the heating pad and check the plug's own "
            "timers and power-on setting",
            plug,
        )
        async_raise_issue(
            self._hass,
            ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON,
            self._entry.entry_id,
            {**placeholders, "name": self._entry.title},
        )
        self._reminders.send(
            "heating_pad_switches_itself_on", placeholders, urgent=True
        )

    @callback
    def _arm(self, now: datetime) -> None:
        """Wait for the quiet time's end, while an alarm stands."""
        self._async_stop()
        if (until := self._watch.quiet_until) is not None:
            self._timer = async_call_later(
                self._hass,
                max((until - now).total_seconds(), 1.0),
                HassJob(
                    self._quiet, "back_recovery quiet plug", cancel_on_shutdown=True
                ),
            )

    @callback
    def _quiet(self, _now: datetime) -> None:
        self._timer = None
        now = dt_util.utcnow()
        if self._watch.quiet(now):
            async_clear_issue(
                self._hass, ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON, self._entry.entry_id
            )
        else:
            self._arm(now)

    @callback
    def async_track(self) -> CALLBACK_TYPE:
        """Let an issue left standing (a reload) stand until a quiet time from now; return the stop."""
        issue = issue_id(ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON, self._entry.entry_id)
        if ir.async_get(self._hass).async_get_issue(DOMAIN, issue) is not None:
            now = dt_util.utcnow()
            self._watch.resume(now)
            self._arm(now)
        return self._async_stop

    @callback
    def _async_stop(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None


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
        self.self_switch = SelfSwitchAlarm(hass, entry, reminders)

    @property
    def options(self) -> RecoveryOptions:
        """The options in force (the reminders' own): which reminders go, and where."""
        return self.reminders.options

    @options.setter
    def options(self, options: RecoveryOptions) -> None:
        self.reminders.options = options

    @callback
    def async_track(self) -> CALLBACK_TYPE:
        """Follow the urgent alarm's notification and the quiet time (rule 16); return the stop."""
        stops = (self.reminders.async_track_alarm(), self.self_switch.async_track())

        @callback
        def stop() -> None:
            for stop_one in stops:
                stop_one()

        return stop

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
        """``session_blocked``: a start the rules refused or undid; ``cause``: who switched the plug on.

        Heat refused outside the heat hours says so: ``reason`` ``heat_hours``
        (rule 19). A plug that switched itself on is counted (rule 16): while
        it keeps doing so, the event fires at most once a minute
        (``SelfSwitchAlarm``).
        """
        if blocked.cause is SwitchCause.PLUG and not self.self_switch.async_seen():
            return
        data = {
            ATTR_MODALITY: blocked.modality.value,
            ATTR_ALLOWED_AT: blocked.allowed_at.isoformat(),
        }
        if blocked.reason is Refusal.OUTSIDE_HEAT_HOURS:
            data[ATTR_REASON] = BLOCKED_HEAT_HOURS
        if blocked.cause is not None:
            data[ATTR_CAUSE] = blocked.cause.value
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
