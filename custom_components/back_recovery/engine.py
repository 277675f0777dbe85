"""The engine: one per config entry.

It owns the therapy log and the phase schedule, the plug (through
``plug.HeatingPadPlug``), the timers for the planned end, the heads-up, the
end of the rest gap and local midnight, the two clocks (``timers.Clocks``),
the storage (``store.HistoryStorage``) and the events. Platforms only present it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
import logging
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import (
    CALLBACK_TYPE,
    HassJob,
    HomeAssistant,
    callback,
    valid_entity_id,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_get_translations,
)
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_ALLOWED_AT,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDS_AT,
    ATTR_FROM_PHASE,
    ATTR_MODALITY,
    ATTR_REASON,
    ATTR_TO_PHASE,
    CONF_HEATING_PAD,
    CONF_ICE_DAYS,
    CONF_INJURY_DATE,
    CONF_REHABILITATION_WEEKS,
    CONF_REMIND_BEFORE_END_MINUTES,
    CONF_REMIND_PHASE_CHANGE,
    CONF_REMIND_REST_OVER,
    CONF_REMIND_SESSION_END,
    CONF_REST_GAP_MINUTES,
    CONF_REST_WEEKS,
    CONF_RETURN_WEEKS,
    CONF_SESSION_MINUTES,
    DEFAULT_OPTIONS,
    DOMAIN,
    EVENT_HEATING_PAD_NOT_RESPONDING,
    EVENT_PHASE_CHANGED,
    EVENT_SESSION_BLOCKED,
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
    EVENT_SKIN_REST_OVER,
    MAX_STORED_SESSIONS,
)
from .model import NOTHING, Outcome, TherapyLog
from .plug import HeatingPadPlug
from .reminders import Reminders
from .schedule import Phase, PhaseSchedule
from .session import (
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)
from .store import HistoryStorage
from .timers import Clocks, Timers

_LOGGER = logging.getLogger(__name__)

CLOCK_WATCH_SECONDS: Final = 10.0
"""While a session runs, the clocks are compared this often (rule 12)."""

type Listener = Callable[[], None]


def entry_options(entry: ConfigEntry) -> dict[str, Any]:
    """Return the entry's options, with the contract's defaults for those never set."""
    return {**DEFAULT_OPTIONS, **entry.options}


def therapy_settings(options: Mapping[str, Any]) -> TherapySettings:
    """Return the session settings the options ask for."""
    return TherapySettings(
        session_minutes=int(options[CONF_SESSION_MINUTES]),
        rest_gap_minutes=int(options[CONF_REST_GAP_MINUTES]),
    )


def phase_schedule(
    entry: ConfigEntry, options: Mapping[str, Any], anchor: PhaseSchedule | None = None
) -> PhaseSchedule:
    """Return the phase schedule for the entry's injury date and options."""
    return PhaseSchedule(
        injury_date=date.fromisoformat(entry.data[CONF_INJURY_DATE]),
        rest_weeks=int(options[CONF_REST_WEEKS]),
        rehabilitation_weeks=int(options[CONF_REHABILITATION_WEEKS]),
        return_weeks=int(options[CONF_RETURN_WEEKS]),
        ice_days=int(options[CONF_ICE_DAYS]),
        anchor_phase=anchor.anchor_phase if anchor else Phase.REST,
        anchor_date=anchor.anchor_date if anchor else None,
    )


def local_time_text(moment: datetime) -> str:
    """Format a moment as a person reads it: local time, minutes precision.

    A moment on another day than today carries its date too.
    """
    local = dt_util.as_local(moment)
    if local.date() == dt_util.now().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class RecoveryEngine:
    """Sessions, the heating pad's safety rules and the recovery phases of one person."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare the engine; nothing runs before ``async_load``."""
        self.hass = hass
        self.entry = entry
        self.options = entry_options(entry)
        self.log = TherapyLog(
            settings=therapy_settings(self.options), max_sessions=MAX_STORED_SESSIONS
        )
        self.schedule = phase_schedule(entry, self.options)
        self.plug_entity_id = _plug_entity_id(entry)
        self._plug = (
            HeatingPadPlug(hass, entry, self.plug_entity_id, self._on_plug_alarm)
            if self.plug_entity_id is not None
            else None
        )
        self.reminders = Reminders(hass, entry)
        self._storage = HistoryStorage(hass, entry.entry_id, entry.title)
        self._clocks = Clocks(hass)
        # The running session's start and its planned end on the monotonic
        # clock; the last end and its monotonic reading (rule 12).
        self._deadline_monotonic: tuple[datetime, float] | None = None
        self._last_end_monotonic: tuple[datetime, float] | None = None
        self._phase: Phase = self.schedule.phase_on(self.today)
        self._phase_stored = False
        self._listeners: list[Listener] = []
        self._minute_listeners: list[Listener] = []
        self._timers = Timers(hass)
        self._minute_unsub: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._loaded = False
        self._stopping = False
        self._stored_plug_must_be_off = False

    # What the entities present.

    @property
    def now(self) -> datetime:
        """The current moment on the wall clock (UTC).

        Reading it also brings the monotonic clock's end of the rest gap into
        the wall clock's current reading (rule 12).
        """
        now = self._clocks.wall()
        self._sync_rest_floor()
        return now

    @property
    def today(self) -> date:
        """Today's local date."""
        return dt_util.now().date()

    @property
    def phase(self) -> Phase:
        """The phase of the recovery today."""
        return self.schedule.phase_on(self.today)

    @property
    def days_since_injury(self) -> int:
        """Whole days since the injury date."""
        return self.schedule.days_since_injury(self.today)

    @property
    def recommended_therapy(self) -> Modality:
        """Ice in the first days, heat from then on."""
        return self.schedule.recommended_therapy(self.today)

    @property
    def running(self) -> TherapySession | None:
        """The session that runs now, if any."""
        return self.log.running

    @property
    def last_session_end(self) -> datetime | None:
        """The end of the latest finished session."""
        return self.log.last_end

    @property
    def time_since_last_session(self) -> int | None:
        """Whole minutes since the last session ended; 0 while one runs."""
        if self.running is not None:
            return 0
        if (last_end := self.log.last_end) is None:
            return None
        return max(0, int((self.now - last_end).total_seconds() // 60))

    @property
    def next_session_allowed(self) -> datetime | None:
        """The end of the rest gap after the last session (the safer clock's reading)."""
        self._sync_rest_floor()
        return self.log.next_allowed()

    @property
    def session_ends(self) -> datetime | None:
        """The planned end of the running session."""
        return running.planned_end if (running := self.running) else None

    @property
    def sessions_today(self) -> int:
        """Sessions started since local midnight."""
        return self.log.started_since(dt_util.start_of_local_day())

    @property
    def skin_resting(self) -> bool:
        """Whether the rest gap runs (it goes on while a stuck plug is switched off)."""
        return self.log.skin_resting(self.now)

    @property
    def plug_on(self) -> bool | None:
        """Whether the plug is on; ``None`` when it is unreachable or none is set."""
        return self._plug.is_on if self._plug is not None else None

    @property
    def plug_available(self) -> bool:
        """Whether the plug can be reached."""
        return self._plug is not None and self._plug.available

    def local_midnight(self, day: date) -> datetime:
        """Return the start of a local date, as an aware datetime."""
        return dt_util.start_of_local_day(day)

    def _sync_rest_floor(self) -> None:
        """Say the monotonic clock's end of the rest gap in the wall clock's reading now."""
        if self._last_end_monotonic is None:
            self.log.rest_floor = None
            return
        gap = self.log.settings.rest_gap_minutes * 60
        self.log.rest_floor = self._clocks.wall_of(self._last_end_monotonic[1] + gap)

    # Listeners.

    @callback
    def async_add_listener(
        self, listener: Listener, every_minute: bool = False
    ) -> CALLBACK_TYPE:
        """Call ``listener`` on every change (and every minute, if asked)."""
        listeners = self._minute_listeners if every_minute else self._listeners
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)

        return remove

    @callback
    def _notify(self, listeners: list[Listener] | None = None) -> None:
        """Call every listener; one that fails is logged and the others go on (rule 13)."""
        if listeners is None:
            listeners = [*self._listeners, *self._minute_listeners]
        for listener in listeners:
            try:
                listener()
            except Exception:
                _LOGGER.exception(
                    "Presenting the recovery of %s failed", self.entry.title
                )

    # Lifecycle.

    def text(self, key: str, default: str = "") -> str:
        """Return a text of the ``common`` translations in the configured language."""
        for language in dict.fromkeys((self.hass.config.language, "en")):
            texts = async_get_cached_translations(self.hass, language, "common", DOMAIN)
            if (text := texts.get(f"component.{DOMAIN}.common.{key}")) is not None:
                return text
        return default

    async def async_load(self) -> None:
        """Restore from storage, reconcile with the plug, start listening."""
        for language in dict.fromkeys((self.hass.config.language, "en")):
            await async_get_translations(self.hass, language, "common", [DOMAIN])
        if (data := await self._storage.async_load(self.log.restore)) is not None:
            # The phase part has its own fallbacks.
            self._restore_phase(data)
        self._stored_plug_must_be_off = self.log.plug_must_be_off
        self._loaded = True
        if self._plug is not None:
            self._unsubs.append(self._plug.async_track(self._on_plug_changed))
        self._unsubs.append(
            self.hass.async_add_shutdown_job(HassJob(self._async_shutdown))
        )
        await self._async_reconcile()
        self._update_phase()
        self._schedule_midnight()
        self._refresh_timers()

    def _restore_phase(self, data: Mapping[str, Any]) -> None:
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
                self.entry.title,
                err,
            )
            return
        self.schedule = schedule
        if last_phase is not None:
            self._phase = last_phase
            self._phase_stored = True

    def _data_to_store(self) -> dict[str, Any]:
        anchor = None
        if self.schedule.anchor_date is not None:
            anchor = {
                "phase": self.schedule.anchor_phase.value,
                "date": self.schedule.anchor_date.isoformat(),
            }
        return {
            **self.log.as_dict(),
            "phase_anchor": anchor,
            "phase": self._phase.value,
        }

    async def _async_save(self) -> bool:
        """Write the history; return whether it was written."""
        data = self._data_to_store()
        self._stored_plug_must_be_off = self.log.plug_must_be_off
        return await self._storage.async_save(data)

    async def _async_reconcile(self) -> None:
        """After a start or reload: close overdue sessions, then judge the plug as it is."""
        plug_on = self.plug_on
        if self._plug is None:
            self.log.forget_plug()
        elif self._storage.history_unknown and plug_on:
            # Without the history the rest gap is unknown: no heat now.
            self.log.history_unknown()
        for outcome in self.log.reconcile(self.now, plug_on):
            await self._async_apply(outcome)

    async def async_unload(self) -> None:
        """Unload: a heat session ends with the plug switched off first (rule 9)."""
        if not self._loaded:
            return
        await self._async_apply(self.log.halt_heat(self.now, EndReason.UNLOADED))
        if self._plug is not None and self.log.plug_must_be_off:
            # No retries after this: one last switch-off, and a warning.
            await self._plug.async_cancel_on()
            if self.plug_on is not False:
                _LOGGER.warning(
                    "Back Recovery of %s stops while the heating pad plug %s has not "
                    "confirmed that it is off: unplug the heating pad",
                    self.entry.title,
                    self._plug.entity_id,
                )
        self._stop_listening()
        await self._async_save()
        self._loaded = False

    async def _async_shutdown(self) -> None:
        """Home Assistant stops: switch the plug off while services still run (rule 4).

        Then no timer runs on (``async_track_point_in_utc_time`` ignores
        ``cancel_on_shutdown``); the plug listener stays, so a plug switched on
        while Home Assistant stops is still switched off.
        """
        await self._async_apply(self.log.halt_heat(self.now, EndReason.SHUTDOWN))
        self._stopping = True
        self._timers.cancel_all()
        self._set_minute_tick(False)
        await self._async_save()

    def _stop_listening(self) -> None:
        self._timers.cancel_all()
        self._set_minute_tick(False)
        if self._plug is not None:
            self._plug.async_stop()
        while self._unsubs:
            self._unsubs.pop()()

    @callback
    def async_options_updated(self) -> None:
        """Apply new options to the next session; the running one goes on (rule 9)."""
        self.options = entry_options(self.entry)
        self.log.settings = therapy_settings(self.options)
        self.schedule = phase_schedule(self.entry, self.options, self.schedule)
        if not self._update_phase():
            self._notify()
        self._schedule_midnight()
        self._refresh_timers()
        self.entry.async_create_task(self.hass, self._async_save())

    # Requests.

    async def async_start_session(
        self, modality: Modality, minutes: int | None = None
    ) -> None:
        """Start an ice or heat session, or raise a translated refusal.

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
        reachable = modality is Modality.ICE or self.plug_on is not None
        try:
            outcome = self.log.request_start(modality, self.now, minutes, reachable)
        except TherapyRefusedError as err:
            await self._async_apply(self.log.blocked_outcome(err))
            raise self._refusal(err) from err
        if outcome.switch_on:
            await self._async_heat_on(outcome)
        await self._async_apply(outcome, plan_saved=outcome.switch_on)

    async def _async_heat_on(self, outcome: Outcome) -> None:
        """Store the plan, then switch the plug on and wait for it to confirm.

        Raises ``HomeAssistantError`` (the session is forgotten) when the plan
        cannot be stored or the plug does not confirm ``on`` in time.
        """
        started = outcome.started
        assert started is not None and self._plug is not None
        self._note_clocks()
        if not await self._async_save():
            self._forget_start(started)
            await self._async_save()
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="plan_not_saved"
            )
        if await self._plug.async_turn_on():
            return
        self._forget_start(started)
        if not self.plug_on:
            # Told it did not start, the person expects the pad off: a plug
            # that answers late must not heat on its own.
            await self._plug.async_cancel_on()
        await self._async_save()
        self._refresh_timers()
        self._notify()
        if self.plug_on:
            # On after all, but too late or with an error: a start from
            # outside, timed like any other (rule 1).
            await self._async_apply(self.log.plug_state(self.now, True))
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="heating_pad_not_responding",
            translation_placeholders={"entity_id": self._plug.entity_id},
        )

    def _forget_start(self, started: TherapySession) -> None:
        self.log.discard(started)
        self._note_clocks()

    async def async_stop_session(self) -> None:
        """End the running session; with none running nothing happens."""
        await self._async_apply(self.log.request_stop(self.now))

    async def async_turn_off_pad(self) -> None:
        """Turn the heating pad off: end heat, or just switch the plug off."""
        await self._async_apply(self.log.turn_off_pad(self.now))

    async def async_log_session(
        self, modality: Modality, minutes: int, ended_at: datetime | None
    ) -> None:
        """Record a session done without the integration, or raise a translated refusal."""
        now = self.now
        try:
            self.log.log(modality, minutes, ended_at or now, now)
        except TherapyRefusedError as err:
            raise self._refusal(err) from err
        self._note_clocks()
        await self._async_save()
        self._refresh_timers()
        self._notify()

    async def async_set_phase(self, phase: Phase | str) -> None:
        """``phase`` starts today; later phases follow with their lengths.

        An unknown phase is refused with a translated error; the schedule stays.
        """
        try:
            new_phase = Phase(phase)
        except ValueError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_phase",
                translation_placeholders={
                    "phase": str(phase),
                    "phases": ", ".join(Phase),
                },
            ) from err
        self.schedule = self.schedule.rebased(new_phase, self.today)
        if not self._update_phase():
            self._notify()
        self._schedule_midnight()
        await self._async_save()

    def _refusal(self, err: TherapyRefusedError) -> ServiceValidationError:
        placeholders: dict[str, str] = {}
        if err.allowed_at is not None:
            placeholders["allowed_at"] = local_time_text(err.allowed_at)
        if err.max_minutes is not None:
            placeholders["max_minutes"] = str(err.max_minutes)
        if err.reason is Refusal.HEATING_PAD_UNAVAILABLE:
            placeholders["entity_id"] = self.plug_entity_id or ""
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.reason.value,
            translation_placeholders=placeholders or None,
        )

    # The plug.

    @callback
    def _on_plug_changed(self, old: bool | None, new: bool | None) -> None:
        """Follow the plug, event by event: on, off, gone and back.

        Each event is judged by its own old and new reading, so changes that
        arrive queued one after another are all seen in order.
        """
        now = self.now
        if new is False and self._plug is not None and self._plug.take_stuck():
            self.log.stuck_plug_off(now)
        if new is None or old is new:
            # Gone, or only its attributes changed: show it, decide nothing.
            self._notify()
            return
        # The rules decide at once; the switching follows in this loop turn.
        outcome = self.log.plug_state(now, new)
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome),
            "back_recovery plug",
            eager_start=True,
        )

    @callback
    def _on_plug_alarm(self) -> None:
        """Tell everyone at once: the plug did not confirm a switch-off (rule 10)."""
        assert self._plug is not None
        self._fire(
            EVENT_HEATING_PAD_NOT_RESPONDING, {"entity_id": self._plug.entity_id}
        )
        self.reminders.send(
            "heating_pad_not_responding",
            {"entity_id": self._plug.entity_id},
            urgent=True,
        )

    async def _async_switch_off(self) -> None:
        """Switch the plug off; once it reports ``off``, nothing is owed any more."""
        if self._plug is not None and await self._plug.async_turn_off():
            self.log.plug_confirmed_off()

    # Carrying out what the rules decided.

    async def _async_apply(self, outcome: Outcome, plan_saved: bool = False) -> None:
        """Carry out what the rules decided, the plug first.

        Switching off comes before anything else. A started session is saved
        (unless its plan was saved already) before events, reminders,
        storage, timers and entities.
        """
        self._note_clocks()
        if outcome.switch_off:
            await self._async_switch_off()
        if (started := outcome.started) is not None and self._loaded and not plan_saved:
            await self._async_save()
        if (ended := outcome.ended) is not None:
            self._fire(
                EVENT_SESSION_ENDED,
                {
                    ATTR_MODALITY: ended.modality.value,
                    ATTR_REASON: (ended.end_reason or EndReason.COMPLETED).value,
                },
            )
            if (
                ended.end_reason is EndReason.COMPLETED
                and self.options[CONF_REMIND_SESSION_END]
            ):
                self.reminders.send(
                    f"session_completed_{ended.modality.value}",
                    {"allowed_at": self.next_session_allowed},
                )
        if started is not None:
            self._fire(
                EVENT_SESSION_STARTED,
                {
                    ATTR_MODALITY: started.modality.value,
                    ATTR_ENDS_AT: started.planned_end.isoformat(),
                },
            )
            if self.options[CONF_REMIND_SESSION_END]:
                self.reminders.send(
                    f"session_started_{started.modality.value}",
                    {"ends_at": started.planned_end},
                )
        if (blocked := outcome.blocked) is not None:
            self._fire(
                EVENT_SESSION_BLOCKED,
                {
                    ATTR_MODALITY: blocked.modality.value,
                    ATTR_ALLOWED_AT: blocked.allowed_at.isoformat(),
                },
            )
        if outcome is not NOTHING:
            _LOGGER.debug("Applied %s for %s", outcome, self.entry.entry_id)
        if self._loaded and (
            outcome.ended
            or self.log.plug_must_be_off is not self._stored_plug_must_be_off
        ):
            await self._async_save()
        if self._loaded:
            self._refresh_timers()
            self._notify()

    def _fire(self, event_type: str, data: dict[str, Any]) -> None:
        self.hass.bus.async_fire(
            event_type, {ATTR_CONFIG_ENTRY_ID: self.entry.entry_id, **data}
        )

    # Timers and clocks.

    def _note_clocks(self) -> None:
        """Pin the running session's planned end and the last end on the monotonic clock.

        Called in the same turn of the loop as the change it follows, so both
        clocks are read at the moment the rules saw (rule 12).
        """
        running = self.log.running
        if running is None:
            self._deadline_monotonic = None
        elif self._deadline_monotonic is None or (
            self._deadline_monotonic[0] != running.started
        ):
            self._deadline_monotonic = (
                running.started,
                self._clocks.monotonic_of(running.planned_end),
            )
        last_end = self.log.last_end
        if last_end is None:
            self._last_end_monotonic = None
        elif self._last_end_monotonic is None or (
            self._last_end_monotonic[0] != last_end
        ):
            self._last_end_monotonic = (last_end, self._clocks.monotonic_of(last_end))

    def _refresh_timers(self) -> None:
        """Set the planned end's timers, the reminders' timers and the minute tick.

        The planned end has two timers, one on each clock: whichever comes
        first ends the session (rule 12). While a session runs, the clocks are
        also compared every ``CLOCK_WATCH_SECONDS``.
        """
        if self._stopping:
            return
        running = self.running
        now = self.now
        self._timers.at(
            "deadline", running.planned_end if running else None, self._on_deadline
        )
        self._timers.at_monotonic(
            "deadline_monotonic",
            self._deadline_monotonic[1]
            if running and self._deadline_monotonic
            else None,
            self._on_monotonic_deadline,
        )
        if running is None:
            self._timers.cancel("clock_watch")
        elif "clock_watch" not in self._timers.names:
            self._watch_clocks()
        heads_up = None
        minutes = int(self.options[CONF_REMIND_BEFORE_END_MINUTES])
        if running is not None and minutes > 0:
            heads_up = running.planned_end - timedelta(minutes=minutes)
            if heads_up <= now or heads_up <= running.started:
                heads_up = None
        self._timers.at("heads_up", heads_up, self._on_heads_up)
        rest_over = self.log.next_allowed() if running is None else None
        if rest_over is not None and rest_over <= now:
            rest_over = None
        self._timers.at("rest_over", rest_over, self._on_rest_over)
        # Only the time since the last session changes by the minute (0 while
        # a session runs).
        self._set_minute_tick(running is None and self.log.last_end is not None)

    def _set_minute_tick(self, wanted: bool) -> None:
        if wanted and self._minute_unsub is None:
            self._minute_unsub = async_track_utc_time_change(
                self.hass, self._on_minute, second=0
            )
        elif not wanted and self._minute_unsub is not None:
            self._minute_unsub()
            self._minute_unsub = None

    @callback
    def _on_minute(self, _now: datetime) -> None:
        self._notify(self._minute_listeners)

    @callback
    def _on_deadline(self, planned_end: datetime) -> None:
        """End the session at its planned end on the wall clock, in this very turn.

        The timer passes the moment it was set for: the deadline has come even
        if the clock reads a hair earlier.
        """
        self._close_if_due(max(self.now, planned_end))

    @callback
    def _on_monotonic_deadline(self) -> None:
        """End the session at its planned end on the monotonic clock, whatever the wall says."""
        self._close_if_due(self.now, due=True)

    def _watch_clocks(self) -> None:
        self._timers.at_monotonic(
            "clock_watch",
            self._clocks.monotonic() + CLOCK_WATCH_SECONDS,
            self._on_clock_watch,
        )

    @callback
    def _on_clock_watch(self) -> None:
        """Compare the clocks: a start now in the future or a passed end ends the session."""
        if self.running is not None and not self._stopping:
            self._close_if_due(self.now, watch=True)

    @callback
    def _close_if_due(
        self, now: datetime, due: bool = False, watch: bool = False
    ) -> None:
        outcome = self.log.deadline(now, self.plug_on, due=due)
        if outcome is NOTHING:
            if watch:
                self._watch_clocks()
            else:
                self._refresh_timers()
            return
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome),
            "back_recovery deadline",
            eager_start=True,
        )

    @callback
    def _on_heads_up(self, _moment: datetime) -> None:
        if (running := self.running) is None:
            return
        remaining = max(1, round((running.planned_end - self.now).total_seconds() / 60))
        self.reminders.send(
            f"session_ending_{running.modality.value}", {"minutes": remaining}
        )

    @callback
    def _on_rest_over(self, _moment: datetime) -> None:
        if self.log.skin_resting(self.now):
            # The wall clock stepped forward: the monotonic clock's rest goes on.
            self._refresh_timers()
            return
        self._fire(EVENT_SKIN_REST_OVER, {})
        if self.options[CONF_REMIND_REST_OVER]:
            self.reminders.send("rest_over", {})
        self._notify()

    def _schedule_midnight(self) -> None:
        tomorrow = self.today + timedelta(days=1)
        self._timers.at("midnight", self.local_midnight(tomorrow), self._on_midnight)

    @callback
    def _on_midnight(self, _moment: datetime) -> None:
        """Start a new local day: the one timer that moves the phases on."""
        if not self._update_phase():
            self._notify()
        self._schedule_midnight()

    def _update_phase(self) -> bool:
        """Fire ``phase_changed`` once when today's phase differs from the last one seen.

        The entities show the new phase before the event fires, so an automation
        it triggers reads the new state. Return whether the phase changed.
        """
        new_phase = self.phase
        if new_phase is self._phase:
            if self._loaded and not self._phase_stored:
                # Remember the phase now, so a change while Home Assistant is
                # down still fires once when it starts again.
                self._phase_stored = True
                self.entry.async_create_task(self.hass, self._async_save())
            return False
        old_phase, self._phase = self._phase, new_phase
        if self._loaded:
            self._notify()
        self._fire(
            EVENT_PHASE_CHANGED,
            {ATTR_FROM_PHASE: old_phase.value, ATTR_TO_PHASE: new_phase.value},
        )
        if self.options[CONF_REMIND_PHASE_CHANGE]:
            self.reminders.send("phase_changed", {}, phase=new_phase)
        if self._loaded:
            self._phase_stored = True
            self.entry.async_create_task(self.hass, self._async_save())
        return True

    # Diagnostics.

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the engine's state, without health details that identify the person."""
        running = self.running
        return {
            "phase": self.phase.value,
            "plug_available": self.plug_available,
            "plug_must_be_off": self.log.plug_must_be_off,
            "running": running.as_dict() if running else None,
            "sessions_stored": len(self.log.sessions),
            "last_session_end": _iso(self.last_session_end),
            "next_session_allowed": _iso(self.next_session_allowed),
            "timers": self._timers.names,
            "minute_tick": self._minute_unsub is not None,
        }


def _plug_entity_id(entry: ConfigEntry) -> str | None:
    """Return the configured plug; anything but a switch entity id is ignored."""
    plug = entry.data.get(CONF_HEATING_PAD) or None
    if plug is None:
        return None
    if isinstance(plug, str) and valid_entity_id(plug) and plug.startswith("switch."):
        return plug
    _LOGGER.error(
        "The heating pad plug of %s must be a switch entity, not %r; "
        "reconfigure the entry to choose one. Heat stays off until then",
        entry.title,
        plug,
    )
    return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
