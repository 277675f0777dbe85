"""The engine: one per config entry.

It owns the therapy log and the phase schedule, the timers for the planned
end, the heads-up, the end of the rest gap and local midnight, the listener on
the heating-pad plug, the storage and the events. Platforms only present it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import logging
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
    callback,
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
    """Format a moment as a person reads it: local time, minutes precision."""
    return dt_util.as_local(moment).strftime("%H:%M")


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
    """Named one-shot timers; setting one replaces it."""

    hass: HomeAssistant
    unsubs: dict[str, CALLBACK_TYPE] = field(default_factory=dict)

    def set(
        self, name: str, when: datetime | None, action: Callable[[datetime], None]
    ) -> None:
        self.cancel(name)
        if when is not None:
            self.unsubs[name] = async_track_point_in_utc_time(
                self.hass, HassJob(action, cancel_on_shutdown=True), when
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
        self.plug_entity_id: str | None = entry.data.get(CONF_HEATING_PAD) or None
        self.plug_available = False
        self.reminders = Reminders(hass, entry)
        self._store = RecoveryStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry.entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
        )
        self._phase: Phase = self.schedule.phase_on(self.today)
        self._listeners: list[Listener] = []
        self._minute_listeners: list[Listener] = []
        self._timers = _Timers(hass)
        self._minute_unsub: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._loaded = False
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
        try:
            data = await self._store.async_load()
        except NotImplementedError:
            _LOGGER.error(
                "Stored Back Recovery data for %s comes from a newer version; "
                "starting with an empty history and keeping the stored file untouched",
                self.entry.title,
            )
            self._store = RecoveryStore(
                self.hass,
                STORAGE_VERSION,
                f"{DOMAIN}.{self.entry.entry_id}.recovered",
                minor_version=STORAGE_MINOR_VERSION,
            )
            return
        if not data:
            return
        try:
            self.log.restore(data)
            if anchor := data.get("phase_anchor"):
                self.schedule = PhaseSchedule(
                    **{
                        **self._schedule_fields(),
                        "anchor_phase": Phase(anchor["phase"]),
                        "anchor_date": date.fromisoformat(anchor["date"]),
                    }
                )
            if last_phase := data.get("phase"):
                self._phase = Phase(last_phase)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            _LOGGER.error(
                "Stored Back Recovery data for %s is malformed (%s); "
                "starting with an empty history",
                self.entry.title,
                err,
            )
            self.log.sessions = []

    def _schedule_fields(self) -> dict[str, Any]:
        return {
            "injury_date": self.schedule.injury_date,
            "rest_weeks": self.schedule.rest_weeks,
            "rehabilitation_weeks": self.schedule.rehabilitation_weeks,
            "return_weeks": self.schedule.return_weeks,
            "ice_days": self.schedule.ice_days,
        }

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
        await self._store.async_save(self._data_to_store())

    async def _async_reconcile(self) -> None:
        """After a start or reload: close overdue sessions, govern a plug found on."""
        plug_on = self._plug_is_on()
        outcome = self.log.deadline(self.now, plug_on)
        if outcome is NOTHING and plug_on is not None:
            outcome = self.log.plug_state(self.now, plug_on)
        elif outcome is NOTHING and self.log.plug_must_be_off and self.plug_entity_id:
            outcome = Outcome(switch_off=True)
        await self._async_apply(outcome)

    async def async_unload(self) -> None:
        """Unload: a heat session ends with the plug switched off first."""
        if not self._loaded:
            return
        await self._async_apply(self.log.halt_heat(self.now, EndReason.UNLOADED))
        self._stop_listening()
        await self._async_save()
        self._loaded = False

    async def _async_shutdown(self) -> None:
        """Home Assistant stops: switch the plug off while services still run."""
        await self._async_apply(self.log.halt_heat(self.now, EndReason.SHUTDOWN))
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
        self.schedule = PhaseSchedule(
            **{
                **self._schedule_fields(),
                **{
                    key: int(self.options[conf])
                    for key, conf in (
                        ("rest_weeks", CONF_REST_WEEKS),
                        ("rehabilitation_weeks", CONF_REHABILITATION_WEEKS),
                        ("return_weeks", CONF_RETURN_WEEKS),
                        ("ice_days", CONF_ICE_DAYS),
                    )
                },
                "anchor_phase": self.schedule.anchor_phase,
                "anchor_date": self.schedule.anchor_date,
            }
        )
        self._update_phase()
        self._schedule_midnight()
        self._refresh_timers()
        self.entry.async_create_task(self.hass, self._async_save())

    # Requests.

    async def async_start_session(
        self, modality: Modality, minutes: int | None = None
    ) -> None:
        """Start an ice or heat session, or raise a translated refusal."""
        if modality is Modality.HEAT:
            self._require_plug()
        try:
            outcome = self.log.request_start(modality, self.now, minutes)
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
        running = self.running
        if running is not None and running.modality is Modality.HEAT:
            await self._async_apply(self.log.request_stop(self.now))
        else:
            await self._async_switch(on=False)

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

    async def async_set_phase(self, phase: Phase) -> None:
        """``phase`` starts today; later phases follow with their lengths."""
        self.schedule = self.schedule.rebased(phase, self.today)
        self._update_phase()
        self._schedule_midnight()
        await self._async_save()
        self._notify()

    def _require_plug(self) -> None:
        if self.plug_entity_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_heating_pad"
            )
        if not self.plug_available:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="heating_pad_unavailable",
                translation_placeholders={"entity_id": self.plug_entity_id},
            )

    def _refusal(self, err: TherapyRefusedError) -> ServiceValidationError:
        placeholders: dict[str, str] = {}
        if err.allowed_at is not None:
            placeholders["allowed_at"] = local_time_text(err.allowed_at)
        if err.max_minutes is not None:
            placeholders["max_minutes"] = str(err.max_minutes)
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.reason.value,
            translation_placeholders=placeholders or None,
        )

    # The plug.

    def _plug_is_on(self) -> bool | None:
        """``True``/``False`` when the plug is reachable, else ``None``."""
        if self.plug_entity_id is None:
            return None
        state = self.hass.states.get(self.plug_entity_id)
        self.plug_available = state is not None and state.state in (STATE_ON, STATE_OFF)
        if not self.plug_available or state is None:
            return None
        return state.state == STATE_ON

    @callback
    def _async_plug_changed(self, event: Event[EventStateChangedData]) -> None:
        was_available = self.plug_available
        old_state = event.data["old_state"]
        plug_on = self._plug_is_on()
        if plug_on is None:
            self._notify()
            return
        if (
            was_available
            and old_state is not None
            and old_state.state == (STATE_ON if plug_on else STATE_OFF)
        ):
            self._notify()
            return
        if not plug_on:
            self._delete_issue(ISSUE_HEATING_PAD_UNREACHABLE)
        outcome = self.log.plug_state(self.now, plug_on)
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome),
            "back_recovery plug",
            eager_start=True,
        )

    async def _async_switch(self, on: bool) -> None:
        if self.plug_entity_id is None:
            return
        if self._plug_is_on() is None:
            if not on:
                self._raise_unreachable()
            return
        try:
            await self.hass.services.async_call(
                Platform.SWITCH,
                SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
                {ATTR_ENTITY_ID: self.plug_entity_id},
                blocking=True,
                context=self._context,
            )
        except HomeAssistantError as err:
            _LOGGER.error(
                "Could not switch %s %s: %s",
                self.plug_entity_id,
                "on" if on else "off",
                err,
            )
            if not on:
                self._raise_unreachable()
            return
        if not on and self._plug_is_on() is False:
            self.log.plug_must_be_off = False
            self._delete_issue(ISSUE_HEATING_PAD_UNREACHABLE)

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
        """Switch first, then tell: events, reminders, storage, timers, entities."""
        if outcome is NOTHING:
            return
        if outcome.switch_off:
            await self._async_switch(on=False)
        if outcome.switch_on:
            await self._async_switch(on=True)
        entry_id = self.entry.entry_id
        if (ended := outcome.ended) is not None:
            self._fire(
                EVENT_SESSION_ENDED,
                {ATTR_MODALITY: ended.modality.value, ATTR_REASON: ended.end_reason},
            )
            if (
                ended.end_reason is EndReason.COMPLETED
                and self.options[CONF_REMIND_SESSION_END]
            ):
                self.reminders.send(
                    f"session_completed_{ended.modality.value}",
                    {"allowed_at": self._allowed_at_text()},
                )
        if (started := outcome.started) is not None:
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
                    {"ends_at": local_time_text(started.planned_end)},
                )
        if (blocked := outcome.blocked) is not None:
            self._fire(
                EVENT_SESSION_BLOCKED,
                {
                    ATTR_MODALITY: blocked.modality.value,
                    ATTR_ALLOWED_AT: blocked.allowed_at.isoformat(),
                },
            )
        _LOGGER.debug("Applied %s for %s", outcome, entry_id)
        if self._loaded and (outcome.started or outcome.ended or outcome.switch_off):
            await self._async_save()
        if self._loaded:
            self._refresh_timers()
            self._notify()

    def _fire(self, event_type: str, data: dict[str, Any]) -> None:
        self.hass.bus.async_fire(
            event_type, {ATTR_CONFIG_ENTRY_ID: self.entry.entry_id, **data}
        )

    def _allowed_at_text(self) -> str:
        allowed = self.next_session_allowed
        return local_time_text(allowed) if allowed else ""

    # Timers.

    def _refresh_timers(self) -> None:
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
        self._set_minute_tick(running is not None or self.log.last_end is not None)

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
    def _on_deadline(self, _now: datetime) -> None:
        """Reach the planned end: switch the plug off in this very turn of the loop."""
        self._timers.unsubs.pop("deadline", None)
        outcome = self.log.deadline(self.now, self._plug_is_on())
        self.entry.async_create_task(
            self.hass,
            self._async_apply(outcome),
            "back_recovery deadline",
            eager_start=True,
        )

    @callback
    def _on_heads_up(self, _now: datetime) -> None:
        self._timers.unsubs.pop("heads_up", None)
        if (running := self.running) is None:
            return
        remaining = max(1, round((running.planned_end - self.now).total_seconds() / 60))
        self.reminders.send(
            f"session_ending_{running.modality.value}", {"minutes": str(remaining)}
        )

    @callback
    def _on_rest_over(self, _now: datetime) -> None:
        self._timers.unsubs.pop("rest_over", None)
        self._fire(EVENT_SKIN_REST_OVER, {})
        if self.options[CONF_REMIND_REST_OVER]:
            self.reminders.send("rest_over", {})
        self._notify()

    def _schedule_midnight(self) -> None:
        tomorrow = self.today + timedelta(days=1)
        self._timers.set("midnight", self.local_midnight(tomorrow), self._on_midnight)

    @callback
    def _on_midnight(self, _now: datetime) -> None:
        self._timers.unsubs.pop("midnight", None)
        self._update_phase()
        self._schedule_midnight()
        self._notify()

    def _update_phase(self) -> None:
        """Fire ``phase_changed`` once when today's phase differs from the last one seen."""
        new_phase = self.phase
        if new_phase is self._phase:
            return
        old_phase, self._phase = self._phase, new_phase
        self._fire(
            EVENT_PHASE_CHANGED,
            {ATTR_FROM_PHASE: old_phase.value, ATTR_TO_PHASE: new_phase.value},
        )
        if self.options[CONF_REMIND_PHASE_CHANGE]:
            self.reminders.send("phase_changed", {}, phase=new_phase)
        if self._loaded:
            self.entry.async_create_task(self.hass, self._async_save())

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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
