"""The engine: one per config entry, the façade the platforms and actions talk to.

It owns the therapy log (``model.TherapyLog``), the phases
(``phases.PhaseTracker``), the pain diary (``diary.RecoveryPainDiary``),
the plug (``plug.HeatingPadPlug``), the timers
(``deadlines.DeadlineWatch``), the storage (``store.HistoryStorage``) and the
events (``events.RecoveryEvents``). It asks the rules, and carries out what
they decide in one place (``_async_apply``); the platforms read
``view.RecoveryView``.
"""

from __future__ import annotations

from datetime import date, datetime
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import CONF_INJURY_DATE, DOMAIN, MAX_STORED_SESSIONS
from ..options import RecoveryOptions
from ..plug_entity import plug_placeholders
from ..texts import async_load_texts, async_track_language, refusal_error
from ..therapy import (
    NOTHING,
    EndReason,
    Modality,
    Outcome,
    Phase,
    PhaseTracker,
    TherapyLog,
    TherapyRefusedError,
)
from .deadlines import DeadlineWatch
from .diary import RecoveryPainDiary
from .events import RecoveryEvents
from .plug import entry_plug
from .state import RecoveryView
from .store import HistoryStorage

_LOGGER = logging.getLogger(__name__)


class RecoveryEngine:
    """Sessions, the heating pad's safety rules and the recovery phases of one person."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare the engine; nothing runs before ``async_load``."""
        self.hass = hass
        self.entry = entry
        self.options = RecoveryOptions.from_entry(entry)
        self._injury_date = date.fromisoformat(entry.data[CONF_INJURY_DATE])
        self._log = TherapyLog(
            settings=self.options.therapy_settings(), max_sessions=MAX_STORED_SESSIONS
        )
        self._phases = PhaseTracker(
            self.options.phase_schedule(self._injury_date), dt_util.now().date()
        )
        self._events = RecoveryEvents(hass, entry, lambda: self.options)
        self._plug = entry_plug(hass, entry, self._events.heating_pad_not_responding)
        self.plug_entity_id = self._plug.entity_id if self._plug else None
        self._storage = HistoryStorage(hass, entry.entry_id, entry.title)
        self._watch = DeadlineWatch(
            hass,
            self._log,
            plug_on=lambda: self.view.plug_on,
            heads_up_minutes=lambda: self.options.remind_before_end_minutes,
            on_outcome=self._apply_soon,
            on_heads_up=self._events.session_ending,
            on_rest_over=self._events.skin_rest_over,
            on_minute=lambda: self.view.async_notify(minute=True),
            on_midnight=self._update_phase,
        )
        self.pain = RecoveryPainDiary(hass, entry, self._events, self._async_save)
        self.view = RecoveryView(
            entry.title,
            self._log,
            self._phases,
            self._watch,
            self._plug,
            pain=self.pain,
        )
        self._unsubs: list[CALLBACK_TYPE] = []
        self._loaded = False
        self._stored_plug_must_be_off = False

    # Lifecycle.

    async def async_load(self) -> None:
        """Restore from storage, reconcile with the plug, listen (plug, shutdown, language)."""
        await async_load_texts(self.hass)
        if (data := await self._storage.async_load(self._log.restore)) is not None:
            # The phase part has its own fallbacks.
            self._phases.restore(data, self.entry.title)
            self.pain.restore(data)
        self._stored_plug_must_be_off = self._log.plug_must_be_off
        # Both clocks watch the stored moments from now on (rule 12 after a
        # restart: "while Home Assistant runs" starts when the entry loads).
        self._watch.arm()
        self._loaded = True
        if self._plug is not None:
            self._unsubs.append(self._plug.async_track(self._on_plug_changed))
        shutdown = HassJob(self._async_shutdown)
        self._unsubs.append(self.hass.async_add_shutdown_job(shutdown))
        self._unsubs.append(async_track_language(self.hass, self.view.async_notify))
        # Close overdue sessions, then judge the plug as it is.
        for outcome in self._log.reconcile(
            self.view.now,
            self.view.plug_on,
            has_plug=self._plug is not None,
            history_unknown=self._storage.history_unknown,
            rest_floor=self._watch.rest_floor(),
        ):
            await self._async_apply(outcome)
        self._update_phase()
        self._watch.arm()

    async def _async_save(self) -> bool:
        """Write the history; return whether it was written."""
        self._stored_plug_must_be_off = self._log.plug_must_be_off
        return await self._storage.async_save(
            {**self._log.as_dict(), **self._phases.as_dict(), **self.pain.as_dict()}
        )

    async def async_unload(self) -> None:
        """Unload: a heat session ends with the plug switched off first (rule 9)."""
        if not self._loaded:
            return
        await self._async_apply(self._log.halt_heat(self.view.now, EndReason.UNLOADED))
        if self._plug is not None and self._log.plug_must_be_off:
            await self._plug.async_last_turn_off()
        self._stop_listening()
        await self._async_save()
        self._loaded = False

    def abandon(self) -> None:
        """Stop every timer and listener and write nothing more, as a killed process would.

        For tests that simulate a crash; Home Assistant never calls it. The
        unload that follows then switches nothing and saves nothing.
        """
        self._stop_listening()
        self._loaded = False

    def _stop_listening(self) -> None:
        self._watch.stop()
        if self._plug is not None:
            self._plug.async_stop()
        while self._unsubs:
            self._unsubs.pop()()

    async def _async_shutdown(self) -> None:
        """Home Assistant stops: switch the plug off while services still run (rule 4).

        Then no timer runs on (``async_track_point_in_utc_time`` ignores
        ``cancel_on_shutdown``); the plug listener stays, so a plug switched on
        while Home Assistant stops is still switched off.
        """
        await self._async_apply(self._log.halt_heat(self.view.now, EndReason.SHUTDOWN))
        self._watch.stop()
        await self._async_save()

    @callback
    def async_options_updated(self) -> None:
        """Apply new options to the next session; the running one goes on (rule 9)."""
        self.options = RecoveryOptions.from_entry(self.entry)
        self._log.settings = self.options.therapy_settings()
        self._phases.schedule = self.options.phase_schedule(
            self._injury_date, self._phases.schedule
        )
        self._update_phase()
        self._watch.arm()
        self.entry.async_create_task(self.hass, self._async_save())

    # Requests.

    async def async_start_session(
        self, modality: Modality, minutes: int | None = None
    ) -> None:
        """Start an ice or heat session of ``minutes`` (default the session length).

        A start the rules refuse (running session, rest gap, plug unreachable)
        fires ``session_blocked`` first and raises ``ServiceValidationError``.
        Heat counts only once the plug confirms ``on`` (rule 11), and only
        with its planned end stored (rule 3); otherwise ``HomeAssistantError``
        (``heating_pad_not_responding``, ``plan_not_saved``) is raised and no
        session is recorded.
        """
        if modality is Modality.HEAT and self._plug is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_heating_pad"
            )
        reachable = modality is Modality.ICE or self.view.plug_on is not None
        try:
            outcome = self._log.request_start(
                modality,
                self.view.now,
                minutes,
                reachable,
                rest_floor=self._watch.rest_floor(),
            )
        except TherapyRefusedError as err:
            await self._async_apply(self._log.blocked_outcome(err))
            raise refusal_error(err, self.plug_entity_id) from err
        if outcome.switch_on:
            try:
                await self._async_heat_on(outcome)
            except HomeAssistantError as err:
                self.view.note_refusal(err.translation_key or "", None)
                self.view.async_notify()
                raise
        await self._async_apply(outcome, plan_saved=outcome.switch_on)

    async def _async_heat_on(self, outcome: Outcome) -> None:
        """Store the plan, then switch the plug on and wait for it to confirm.

        Raises ``HomeAssistantError`` (the session is forgotten) when the plan
        cannot be stored or the plug does not confirm ``on`` in time.
        """
        started = outcome.started
        assert started is not None and self._plug is not None
        self._watch.arm()
        if not await self._async_save():
            self._log.discard(started)
            await self._async_save()
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="plan_not_saved"
            )
        if await self._plug.async_turn_on():
            return
        self._log.discard(started)
        if not self.view.plug_on:
            # Told it did not start, the person expects the pad off: a plug
            # that answers late must not heat on its own.
            await self._plug.async_cancel_on()
        await self._async_apply(NOTHING, save=True)
        if self.view.plug_on:
            # On after all, but too late or with an error: a start from
            # outside, timed like any other (rule 1).
            await self._async_apply(self._plug_state(True))
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="heating_pad_not_responding",
            translation_placeholders=plug_placeholders(self.hass, self._plug.entity_id),
        )

    async def async_stop_session(self) -> None:
        """End the running session; with none running nothing happens."""
        await self._async_apply(self._log.request_stop(self.view.now))

    async def async_turn_off_pad(self) -> None:
        """Turn the heating pad off: end heat, or just switch the plug off."""
        await self._async_apply(self._log.turn_off_pad(self.view.now))

    async def async_log_session(
        self, modality: Modality, minutes: int, ended_at: datetime | None
    ) -> None:
        """Record a session of ``minutes`` done without the integration, ended at ``ended_at`` (UTC, default now).

        Raises ``ServiceValidationError`` when the rules refuse it.
        """
        now = self.view.now
        try:
            self._log.log(modality, minutes, ended_at or now, now)
        except TherapyRefusedError as err:
            raise refusal_error(err, self.plug_entity_id) from err
        await self._async_apply(NOTHING, save=True)

    async def async_set_phase(self, phase: Phase) -> None:
        """``phase`` starts today; later phases follow with their lengths (rule 8: stored)."""
        self._phases.rebase(phase, self.view.today)
        self._update_phase()
        await self._async_save()

    # The plug.

    @callback
    def _on_plug_changed(self, old: bool | None, new: bool | None) -> None:
        """Follow the plug, event by event: on, off, gone and back.

        Each event is judged by its own old and new reading, so changes that
        arrive queued one after another are all seen in order.
        """
        now = self.view.now
        if new is False and self._plug is not None and self._plug.take_stuck():
            self._log.stuck_plug_off(now)
        if new is None or old is new:
            # Gone, or only its attributes changed: show it, decide nothing.
            self.view.async_notify()
            return
        # The rules decide at once; the switching follows in this loop turn.
        self._apply_soon(self._plug_state(new))

    def _plug_state(self, is_on: bool) -> Outcome:
        """Ask the rules what the plug seen on or off means now."""
        return self._log.plug_state(self.view.now, is_on, self._watch.rest_floor())

    # Carrying out what the rules decided.

    @callback
    def _apply_soon(self, outcome: Outcome) -> None:
        """Carry out ``outcome`` in a task that starts in this very turn of the loop."""
        self.entry.async_create_task(
            self.hass, self._async_apply(outcome), "back_recovery", eager_start=True
        )

    async def _async_apply(
        self, outcome: Outcome, plan_saved: bool = False, save: bool = False
    ) -> None:
        """Carry out what the rules decided, the plug first.

        Switching off comes before anything else. A started session is saved
        (unless its plan was saved already) before events, reminders,
        storage, timers and entities. ``save`` saves the history in any case.
        """
        self._watch.arm()
        if outcome.switch_off and self._plug is not None:
            if await self._plug.async_turn_off():
                self._log.plug_confirmed_off()
        if (started := outcome.started) is not None and self._loaded and not plan_saved:
            await self._async_save()
        if (ended := outcome.ended) is not None:
            self._events.session_ended(ended, self.view.next_session_allowed)
        if started is not None:
            self._events.session_started(started)
        if (blocked := outcome.blocked) is not None:
            self._events.session_blocked(blocked)
            if blocked.modality is Modality.HEAT:
                # Refused or undone (rules 2, 7): the heating pad shows why.
                self.view.note_refusal(blocked.reason, blocked.allowed_at)
        if outcome is not NOTHING:
            _LOGGER.debug("Applied %s for %s", outcome, self.entry.entry_id)
        if self._loaded and (
            save
            or outcome.ended
            or self._log.plug_must_be_off is not self._stored_plug_must_be_off
        ):
            await self._async_save()
        if self._loaded:
            self._watch.arm()
            self.view.async_notify()

    # The phases.

    @callback
    def _update_phase(self) -> None:
        """Show today's phase; fire ``phase_changed`` once when it differs from the last seen.

        Runs at local midnight and after anything that moves the phases. The
        entities show the new phase before the event fires, so an automation
        it triggers reads the new state.
        """
        change = self._phases.change(self.view.today)
        self.pain.refresh()
        self.view.async_notify()
        if change is not None:
            self._events.phase_changed(*change)
        if self._loaded and (change is not None or not self._phases.stored):
            # Remember the phase now, so a change while Home Assistant is
            # down still fires once when it starts again.
            self._phases.stored = True
            self.entry.async_create_task(self.hass, self._async_save())
