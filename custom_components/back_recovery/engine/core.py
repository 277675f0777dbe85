"""The engine: one per config entry, the only writer of a recovery.

It owns the rules' state (``therapy.TherapyLog``, ``therapy.PhaseTracker``,
``therapy.PainLog``) and the parts that act: the plug (``plug``), the
deadlines on both clocks (``deadlines.DeadlineWatch``), the storage
(``store``) and the events and reminders (``events``). Requests, plug
readings, deadlines, pain entries and new days are asked of the rules, and
what they decide is carried out in one place, ``_async_apply``, in one order:
the plug, storage, what the entities show, the events. The platforms, voice
and diagnostics read the snapshot it builds, ``state.RecoveryState``.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..const import CONF_INJURY_DATE, ISSUE_PAIN_NOT_IMPROVING, MAX_STORED_SESSIONS
from ..issues import async_clear_issue, async_show_pain_review
from ..options import RecoveryOptions
from ..texts import async_load_texts, async_track_language
from ..therapy import (
    NOTHING,
    EndReason,
    Modality,
    Outcome,
    PainLog,
    PhaseTracker,
    TherapyLog,
    reconcile,
)
from .deadlines import (
    DeadlineDue,
    DeadlineWatch,
    Due,
    HeadsUp,
    Midnight,
    MinuteTick,
    RestOver,
)
from .events import RecoveryEvents
from .plug import PlugChanged, PlugNotSwitchedOff, PlugReport, entry_plug
from .plug_memory import async_recall_rest
from .records import RecoveryRecords
from .reminders import Reminders
from .requests import RecoveryRequests
from .state import RecoveryState, RefusedStart, StateHub, build_state
from .store import HistoryStorage

_LOGGER = logging.getLogger(__name__)


class RecoveryEngine(RecoveryRequests):
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
        self._pain = PainLog(
            self._injury_date, dt_util.now().date(), dt_util.get_default_time_zone()
        )
        self._events = RecoveryEvents(hass, entry, Reminders(hass, entry, self.options))
        self._plug = entry_plug(hass, entry, self._on_plug_report)
        self.plug_entity_id = self._plug.entity_id if self._plug else None
        self._storage = HistoryStorage(hass, entry.entry_id, entry.title)
        self._watch = DeadlineWatch(
            hass, self._log, self._on_due, self.options.remind_before_end_minutes
        )
        self.hub = StateHub(entry.title)
        """Who shows the recovery: entities listen here for every new snapshot."""
        self.records = RecoveryRecords(entry.title, self._async_save, self._publish)
        """Exercises, medicines, the brace, activities: saved and shown as the rest."""
        self._last_refusal: RefusedStart | None = None
        self.state: RecoveryState = self._build_state()
        """The recovery as it stands: rebuilt on every change and each minute."""
        self._unsubs: list[CALLBACK_TYPE] = []
        self._off_waiters: list[asyncio.Future[None]] = []
        self._loaded = self._stored_plug_must_be_off = False

    # Lifecycle.

    async def async_load(self) -> None:
        """Restore from storage, reconcile with the plug, listen (plug, shutdown, language)."""
        await async_load_texts(self.hass)
        if (data := await self._storage.async_load(self._log.restore)) is not None:
            self._phases.restore(data, self.entry.title)  # phase, pain: own fallbacks
            self._pain.restore(
                data, self.entry.title, _today(), dt_util.get_default_time_zone()
            )
            self.records.restore(data)
        # Every load: a removed recovery's later rest, by plug or person (rules 2, 7, 8).
        carried = self._log.carry(await async_recall_rest(self.hass, self.entry))
        async_show_pain_review(
            self.hass, self.entry.entry_id, self.entry.title, self._pain.status.review
        )
        self._stored_plug_must_be_off = self._log.plug_must_be_off
        # Both clocks watch the stored moments from now on (rule 12 after a
        # restart: "while Home Assistant runs" starts when the entry loads).
        self._watch.arm()
        self._loaded = True
        if self._plug is not None:
            self._unsubs.append(self._plug.async_track())
        shutdown = HassJob(self._async_shutdown)
        self._unsubs.append(self.hass.async_add_shutdown_job(shutdown))
        self._unsubs.append(async_track_language(self.hass, self._publish))
        # The urgent alarm goes with its issues; a self-switching plug's after quiet.
        self._unsubs.append(self._events.async_track())
        # Close overdue sessions, then judge the plug as it is.
        for outcome in reconcile(
            self._log,
            self._watch.now(),
            self._plug_on(),
            has_plug=self._plug is not None,
            history_unknown=self._storage.history_unknown,
            rest_floor=self._watch.rest_floor(),
        ):
            await self._async_apply(outcome)
        await self._async_apply(self._new_day(), save=carried)

    async def _async_save(self) -> bool:
        """Write the history; return whether it was written."""
        self._stored_plug_must_be_off = self._log.plug_must_be_off
        self._phases.stored = True
        parts = (self._log, self._phases, self._pain, self.records)
        written = await self._storage.async_save(
            {key: value for part in parts for key, value in part.as_dict().items()}
        )
        self._phases.stored = written
        return written

    async def async_unload(self) -> None:
        """Unload: a heat session ends with the plug switched off first (rule 9).

        A plug that has not confirmed the switch-off then is told once more;
        if it still has not, the alarm (rule 10: the repair issue, the event,
        the urgent reminder to every target) goes out before the entry is
        gone, and the repair issue stays.
        """
        if not self._loaded:
            return
        await self._async_apply(
            self._log.halt_heat(self._watch.now(), EndReason.UNLOADED)
        )
        if self._plug is not None and self._log.switch_off_owed:
            await self._plug.async_last_turn_off()
            await self._events.reminders.async_sent()
        self._stop_listening()
        await self._async_save()
        self._loaded = False
        async_clear_issue(self.hass, ISSUE_PAIN_NOT_IMPROVING, self.entry.entry_id)

    def abandon(self) -> None:
        """Stop every timer and listener and write nothing more, as a killed process would.

        For tests of a crash only; the unload that follows switches and saves nothing.
        """
        self._stop_listening()
        self._loaded = False

    def _stop_listening(self) -> None:
        """Stop every timer and listener; the last snapshot says so (diagnostics)."""
        self._watch.stop()
        if self._plug is not None:
            self._plug.async_stop()
        while self._unsubs:
            self._unsubs.pop()()
        self.state = self._build_state()

    async def _async_shutdown(self) -> None:
        """Home Assistant stops: switch the plug off while services still run (rule 4).

        Then no timer runs on (``async_track_point_in_utc_time`` ignores
        ``cancel_on_shutdown``); the plug listener stays, so a plug switched on
        while Home Assistant stops is still switched off.
        """
        await self._async_apply(
            self._log.halt_heat(self._watch.now(), EndReason.SHUTDOWN)
        )
        self._watch.stop()
        await self._async_save()

    @callback
    def async_options_updated(self) -> None:
        """Apply new options to the next session; the running one goes on (rule 9)."""
        self.options = self._events.options = RecoveryOptions.from_entry(self.entry)
        self._watch.heads_up_minutes = self.options.remind_before_end_minutes
        self._log.settings = self.options.therapy_settings()
        self._phases.schedule = self.options.phase_schedule(
            self._injury_date, self._phases.schedule
        )
        self._apply_soon(self._new_day(), save=True)

    # What the plug and the deadlines report.

    @callback
    def _on_plug_report(self, report: PlugReport) -> None:
        """Follow the plug, event by event: on, off, gone and back; a switch-off not confirmed.

        Each change is judged by its own old and new reading, so changes that
        arrive queued one after another are all seen in order. The rules
        decide at once; the switching follows in this loop turn.
        """
        match report:
            case PlugNotSwitchedOff(entity_id, reachable):
                self._events.heating_pad_not_responding(entity_id, reachable)
            case PlugChanged(old, new, was_stuck, cause):
                if was_stuck:
                    self._log.stuck_plug_off(self._watch.now())
                if new is None or old is new:
                    # Gone, or only its attributes changed: show it, decide nothing.
                    self._publish()
                else:
                    self._apply_soon(self._plug_state(new).caused_by(cause))
                if new is False:
                    for waiter in self._off_waiters:
                        if not waiter.done():
                            waiter.set_result(None)

    @callback
    def _on_due(self, due: Due) -> None:
        """Carry out what comes due: a deadline, a heads-up, the rest's end, a minute, midnight."""
        match due:
            case DeadlineDue(now, is_due, watch):
                outcome = self._log.deadline(now, self._plug_on(), due=is_due)
                if outcome is not NOTHING:
                    self._apply_soon(outcome)
                elif watch:
                    self._watch.watch_clocks()
                else:
                    self._watch.arm()
            case HeadsUp(session, minutes):
                self._events.session_ending(session, minutes)
            case RestOver():
                # Not while heat may be on the skin: the rest counts from its off.
                if not self._log.switch_off_owed:
                    self._apply_soon(Outcome(rest_over=True))
            case MinuteTick():
                self._publish(minute=True)
            case Midnight():
                self._apply_soon(self._new_day())

    def _plug_state(self, is_on: bool) -> Outcome:
        """Ask the rules what the plug seen on or off means now."""
        return self._log.plug_state(
            self._watch.now(),
            is_on,
            self._watch.rest_floor(),
            unknown_floor=self._watch.unknown_floor(),
        )

    # Carrying out what the rules decided.

    @callback
    def _apply_soon(self, outcome: Outcome, save: bool = False) -> None:
        """Carry out ``outcome`` in a task that starts in this very turn of the loop."""
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome, save=save),
            "back_recovery",
            eager_start=True,
        )

    async def _async_apply(
        self, outcome: Outcome, plan_saved: bool = False, save: bool = False
    ) -> None:
        """Carry out what the rules decided, in one order: plug, storage, entities, events.

        Switching off comes before anything else; heat the rules ended is
        over once the plug confirms ``off`` (then ``ended``), else it stays
        on the screens as heat until it does. The history is saved once
        (a started session unless its plan was saved already, an ended one, a
        pain entry, a phase change, a switch-off owed or no longer owed;
        ``save`` in any case), then the entities show the new state, then the
        events fire and the reminders go, so an automation they trigger reads
        the new state. Both clocks are armed in the same turn as the change.
        """
        self._watch.arm()
        if outcome.switch_off and (
            self._plug is None or await self._plug.async_turn_off()
        ):
            ended = self._log.plug_confirmed_off(self._watch.now())
            if ended is not None:
                outcome = replace(outcome, ended=ended)
        if (pain := outcome.pain) is not None:
            async_show_pain_review(
                self.hass, self.entry.entry_id, self.entry.title, pain.status.review
            )
        blocked = outcome.blocked
        if blocked is not None and blocked.modality is Modality.HEAT:
            # Refused or undone (rules 2, 7): the heating pad shows why.
            self._note_refusal(blocked.reason, blocked.allowed_at)
        if self._loaded and (
            save
            or (outcome.started is not None and not plan_saved)
            or outcome.ended is not None
            or (pain is not None and pain.entry is not None)
            or not self._phases.stored
            or self._log.plug_must_be_off is not self._stored_plug_must_be_off
        ):
            await self._async_save()
        if outcome is not NOTHING:
            _LOGGER.debug("Applied %s for %s", outcome, self.entry.entry_id)
        if self._loaded:
            self._watch.arm()
            self._publish()
        self._events.fire(
            outcome,
            self._log.next_allowed(self._watch.rest_floor()),
            self._phases.schedule.recommended_therapy(_today()),
        )

    # A new day (local midnight, new options, a phase set).

    def _new_day(self) -> Outcome:
        """Ask the rules what today means: a phase change (once), pain's status again.

        A phase not stored yet is saved by the apply path, so a change while
        Home Assistant is down still fires once when it starts again.
        """
        today = _today()
        self.records.new_day(today)
        change = self._phases.change(today)
        pain = self._pain.refresh(today, dt_util.get_default_time_zone())
        return Outcome(pain=pain, phase_change=change)

    # What the recovery shows.

    def _build_state(self) -> RecoveryState:
        return build_state(
            self.entry.title,
            log=self._log,
            phases=self._phases,
            pain=self._pain,
            watch=self._watch,
            plug=self._plug,
            last_refusal=self._last_refusal,
        )

    @callback
    def _publish(self, minute: bool = False) -> None:
        """Build the snapshot once and show it (only to the minute listeners for ``minute``)."""
        self.state = self._build_state()
        self.hub.async_notify(minute)


def _today() -> date:
    """Return today's local date."""
    return dt_util.now().date()
