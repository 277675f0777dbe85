"""The engine: one per config entry.

It owns the therapy log and the phase schedule, the timers for the planned
end, the heads-up, the end of the rest gap and local midnight, the listener on
the heating-pad plug, the storage and the events. Platforms only present it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps
import logging
import os
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Context,
    Event,
    EventStateChangedData,
    HassJob,
    HomeAssistant,
    State,
    callback,
    valid_entity_id,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_utc_time_change,
)
from homeassistant.helpers.storage import Store
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
    EVENT_PHASE_CHANGED,
    EVENT_SESSION_BLOCKED,
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
    EVENT_SKIN_REST_OVER,
    ISSUE_HEATING_PAD_UNREACHABLE,
    MAX_STORED_SESSIONS,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
)
from .model import (
    NOTHING,
    EndReason,
    Modality,
    Outcome,
    Phase,
    PhaseSchedule,
    Refusal,
    TherapyLog,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)
from .reminders import Reminders

_LOGGER = logging.getLogger(__name__)

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


class RecoveryStore(Store[dict[str, Any]]):
    """Versioned storage of one entry's history and schedule."""

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        """Migrate stored data; a newer major version cannot be read."""
        if old_major_version > STORAGE_VERSION:
            raise NotImplementedError
        return old_data


@dataclass
class _Timers:
    """Named one-shot timers; setting one replaces it, a fired one is forgotten."""

    hass: HomeAssistant
    unsubs: dict[str, CALLBACK_TYPE] = field(default_factory=dict)

    def set(
        self, name: str, when: datetime | None, action: Callable[[datetime], None]
    ) -> None:
        self.cancel(name)
        if when is None:
            return

        @callback
        @wraps(action)
        def fire(moment: datetime) -> None:
            self.unsubs.pop(name, None)
            action(moment)

        self.unsubs[name] = async_track_point_in_utc_time(
            self.hass, HassJob(fire, cancel_on_shutdown=True), when
        )

    def cancel(self, name: str) -> None:
        if (unsub := self.unsubs.pop(name, None)) is not None:
            unsub()

    def cancel_all(self) -> None:
        for name in list(self.unsubs):
            self.cancel(name)


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
        self.plug_available = False
        self.reminders = Reminders(hass, entry)
        self._store = RecoveryStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry.entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
        )
        self._phase: Phase = self.schedule.phase_on(self.today)
        self._phase_stored = False
        self._listeners: list[Listener] = []
        self._minute_listeners: list[Listener] = []
        self._timers = _Timers(hass)
        self._minute_unsub: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._loaded = False
        self._stopping = False
        self._history_unknown = False
        self._stored_plug_must_be_off = False
        self._context = Context()

    # What the entities present.

    @property
    def now(self) -> datetime:
        """The current moment (UTC)."""
        return dt_util.utcnow()

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
        """The end of the rest gap after the last session."""
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
        """Whether the rest gap runs."""
        return self.log.skin_resting(self.now)

    def local_midnight(self, day: date) -> datetime:
        """Return the start of a local date, as an aware datetime."""
        return dt_util.start_of_local_day(day)

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
    def _notify(self) -> None:
        for listener in [*self._listeners, *self._minute_listeners]:
            listener()

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
        await self._async_restore()
        self._loaded = True
        if self.plug_entity_id is not None:
            self._unsubs.append(
                async_track_state_change_event(
                    self.hass, [self.plug_entity_id], self._async_plug_changed
                )
            )
        self._unsubs.append(
            self.hass.async_add_shutdown_job(HassJob(self._async_shutdown))
        )
        await self._async_reconcile()
        self._update_phase()
        self._schedule_midnight()
        self._refresh_timers()

    async def _async_restore(self) -> None:
        """Load the history; unreadable data is logged, kept and never fatal.

        Data that cannot be read (malformed, or from a newer version) stays
        untouched in its file; the engine goes on in ``<key>.recovered``, and
        reads that on later starts. A plug found on while the history is
        unknown is switched off.
        """
        data, problem = await self._async_read(self._store)
        if problem is not None:
            _LOGGER.error(
                "Stored Back Recovery data of %s cannot be read (%s); the file "
                "%s stays untouched and the history continues in a new file",
                self.entry.title,
                problem,
                self._store.path,
            )
            self._store = RecoveryStore(
                self.hass,
                STORAGE_VERSION,
                f"{DOMAIN}.{self.entry.entry_id}.recovered",
                minor_version=STORAGE_MINOR_VERSION,
            )
            recovered, recovered_problem = await self._async_read(self._store)
            if recovered_problem is not None:
                await self._async_move_aside(recovered_problem)
            elif recovered is not None:
                data = recovered
            self._history_unknown = not self.log.sessions
        self._stored_plug_must_be_off = self.log.plug_must_be_off
        if data is not None:
            # The phase part has its own fallbacks.
            self._restore_phase(data)

    async def _async_read(self, store: RecoveryStore) -> tuple[Any, str | None]:
        """Load and restore ``store``: the data read, and why it cannot be read."""
        try:
            data = await store.async_load()
        except (
            HomeAssistantError,
            NotImplementedError,
            KeyError,
            TypeError,
            ValueError,
        ) as err:
            return None, str(err) or type(err).__name__
        if data is None:
            return None, None
        try:
            self.log.restore(data)
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            OverflowError,
        ) as err:
            return data, f"malformed: {err}"
        return data, None

    async def _async_move_aside(self, problem: str) -> None:
        """Keep an unreadable recovered history beside, under a new name."""
        path = self._store.path
        aside = f"{path}.unreadable.{dt_util.utcnow().strftime('%Y%m%dT%H%M%S')}"
        _LOGGER.error(
            "Stored Back Recovery data %s cannot be read either (%s); kept as %s",
            path,
            problem,
            aside,
        )
        try:
            await self.hass.async_add_executor_job(os.replace, path, aside)
        except OSError as err:
            _LOGGER.error("Could not keep %s as %s: %s", path, aside, err)

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

    async def _async_save(self) -> None:
        data = self._data_to_store()
        self._stored_plug_must_be_off = self.log.plug_must_be_off
        await self._store.async_save(data)

    async def _async_reconcile(self) -> None:
        """After a start or reload: close overdue sessions, govern a plug found on."""
        plug_on = self._plug_is_on()
        if self.plug_entity_id is None:
            self.log.plug_must_be_off = False
        elif self._history_unknown and plug_on:
            # Without the history the rest gap is unknown: no heat now.
            self.log.plug_must_be_off = True
        await self._async_apply(self.log.reconcile(self.now, plug_on))

    async def async_unload(self) -> None:
        """Unload: a heat session ends with the plug switched off first."""
        if not self._loaded:
            return
        await self._async_apply(self.log.halt_heat(self.now, EndReason.UNLOADED))
        self._stop_listening()
        await self._async_save()
        self._loaded = False

    async def _async_shutdown(self) -> None:
        """Home Assistant stops: switch the plug off while services still run.

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
        while self._unsubs:
            self._unsubs.pop()()

    @callback
    def async_options_updated(self) -> None:
        """Apply new options to the next session; the running one goes on."""
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

        A refused start (running session, rest gap, plug unreachable) fires
        ``session_blocked`` first.
        """
        if modality is Modality.HEAT and self.plug_entity_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_heating_pad"
            )
        reachable = modality is Modality.ICE or self._plug_is_on() is not None
        try:
            outcome = self.log.request_start(modality, self.now, minutes, reachable)
        except TherapyRefusedError as err:
            await self._async_apply(self.log.blocked_outcome(err))
            raise self._refusal(err) from err
        await self._async_apply(outcome)

    async def async_stop_session(self) -> None:
        """End the running session, or raise a translated refusal."""
        try:
            outcome = self.log.request_stop(self.now)
        except TherapyRefusedError as err:
            raise self._refusal(err) from err
        await self._async_apply(outcome)

    async def async_turn_off_pad(self) -> None:
        """Turn the heating pad off: end heat, or just switch the plug off."""
        await self._async_apply(self.log.turn_off_pad(self.now))

    async def async_log_session(
        self, modality: Modality, minutes: int, ended_at: datetime | None
    ) -> None:
        """Record a session done without the integration."""
        try:
            self.log.log(modality, minutes, ended_at or self.now, self.now)
        except TherapyRefusedError as err:
            raise self._refusal(err) from err
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

    @property
    def plug_on(self) -> bool | None:
        """Whether the plug is on; ``None`` when it is unreachable or none is set."""
        if self.plug_entity_id is None:
            return None
        return _on_off(self.hass.states.get(self.plug_entity_id))

    def _plug_is_on(self) -> bool | None:
        """``True``/``False`` when the plug is reachable, else ``None``; notes availability."""
        plug_on = self.plug_on
        self.plug_available = plug_on is not None
        return plug_on

    @callback
    def _async_plug_changed(self, event: Event[EventStateChangedData]) -> None:
        """Follow the plug, event by event: on, off, gone and back.

        Each event is judged by its own old and new state, so changes that
        arrive queued one after another are all seen in order.
        """
        plug_on = _on_off(event.data["new_state"])
        self.plug_available = plug_on is not None
        if plug_on is None or _on_off(event.data["old_state"]) is plug_on:
            # Gone, or only its attributes changed: show it, decide nothing.
            self._notify()
            return
        if not plug_on:
            self._delete_issue(ISSUE_HEATING_PAD_UNREACHABLE)
        # The rules decide at once; the switching follows in this loop turn.
        outcome = self.log.plug_state(self.now, plug_on)
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome),
            "back_recovery plug",
            eager_start=True,
        )

    async def _async_switch(self, on: bool) -> None:
        """Call the plug's switch service; an unreachable plug raises the repair issue.

        ``switch.turn_off`` on an unavailable entity is skipped without an error,
        so availability is checked here first.
        """
        if self.plug_entity_id is None:
            return
        if self._plug_is_on() is None:
            if not on:
                self._raise_unreachable()
            return
        failed = False
        try:
            await self.hass.services.async_call(
                Platform.SWITCH,
                SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
                {ATTR_ENTITY_ID: self.plug_entity_id},
                blocking=True,
                context=self._context,
            )
        except HomeAssistantError as err:
            failed = True
            _LOGGER.error(
                "Could not switch %s %s: %s",
                self.plug_entity_id,
                "on" if on else "off",
                err,
            )
        if on:
            return
        if self._plug_is_on() is False:
            self.log.plug_must_be_off = False
            self._delete_issue(ISSUE_HEATING_PAD_UNREACHABLE)
        elif failed:
            self._raise_unreachable()

    def _raise_unreachable(self) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"{ISSUE_HEATING_PAD_UNREACHABLE}_{self.entry.entry_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_HEATING_PAD_UNREACHABLE,
            translation_placeholders={
                "entity_id": self.plug_entity_id or "",
                "name": self.entry.title,
            },
        )

    def _delete_issue(self, key: str) -> None:
        ir.async_delete_issue(self.hass, DOMAIN, f"{key}_{self.entry.entry_id}")

    # Carrying out what the rules decided.

    async def _async_apply(self, outcome: Outcome) -> None:
        """Carry out what the rules decided, the plug first.

        Switching off comes before anything else. A started session is saved
        before the plug is switched on, so a crash a moment later still knows
        the planned end. Then events, reminders, storage, timers, entities.
        """
        if outcome.switch_off:
            await self._async_switch(on=False)
        if (started := outcome.started) is not None and self._loaded:
            await self._async_save()
        if outcome.switch_on and started is not None and self.running is started:
            await self._async_switch(on=True)
        entry_id = self.entry.entry_id
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
            _LOGGER.debug("Applied %s for %s", outcome, entry_id)
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

    # Timers.

    def _refresh_timers(self) -> None:
        """Set the one timer for the planned end, the reminders' timers and the minute tick."""
        if self._stopping:
            return
        running = self.running
        now = self.now
        self._timers.set(
            "deadline", running.planned_end if running else None, self._on_deadline
        )
        heads_up = None
        minutes = int(self.options[CONF_REMIND_BEFORE_END_MINUTES])
        if running is not None and minutes > 0:
            heads_up = running.planned_end - timedelta(minutes=minutes)
            if heads_up <= now or heads_up <= running.started:
                heads_up = None
        self._timers.set("heads_up", heads_up, self._on_heads_up)
        rest_over = self.next_session_allowed if running is None else None
        if rest_over is not None and rest_over <= now:
            rest_over = None
        self._timers.set("rest_over", rest_over, self._on_rest_over)
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
        for listener in self._minute_listeners:
            listener()

    @callback
    def _on_deadline(self, planned_end: datetime) -> None:
        """Reach the planned end: switch the plug off in this very turn of the loop.

        The timer passes the moment it was set for: the deadline has come even
        if the clock reads a hair earlier.
        """
        outcome = self.log.deadline(max(self.now, planned_end), self._plug_is_on())
        if outcome is NOTHING:
            self._refresh_timers()
            return
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome),
            "back_recovery deadline",
            eager_start=True,
        )

    @callback
    def _on_heads_up(self, _now: datetime) -> None:
        if (running := self.running) is None:
            return
        remaining = max(1, round((running.planned_end - self.now).total_seconds() / 60))
        self.reminders.send(
            f"session_ending_{running.modality.value}", {"minutes": remaining}
        )

    @callback
    def _on_rest_over(self, _now: datetime) -> None:
        self._fire(EVENT_SKIN_REST_OVER, {})
        if self.options[CONF_REMIND_REST_OVER]:
            self.reminders.send("rest_over", {})
        self._notify()

    def _schedule_midnight(self) -> None:
        tomorrow = self.today + timedelta(days=1)
        self._timers.set("midnight", self.local_midnight(tomorrow), self._on_midnight)

    @callback
    def _on_midnight(self, _now: datetime) -> None:
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
            "timers": sorted(self._timers.unsubs),
            "minute_tick": self._minute_unsub is not None,
        }


def _on_off(state: State | None) -> bool | None:
    """Return whether a switch state is on, or ``None`` when it is neither on nor off."""
    if state is None or state.state not in (STATE_ON, STATE_OFF):
        return None
    return state.state == STATE_ON


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
