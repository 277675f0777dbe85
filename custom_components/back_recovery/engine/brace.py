"""The brace as a recorded part of the recovery: follows its sensor or its switch, keeps the worn time.

Contract "Brace". The rules are ``therapy/brace.py``'s (``BraceLog``); this
part feeds them what Home Assistant observes and keeps them in the
recovery's store under ``records["brace"]`` (never the recorder, which may be
purged or exclude the sensor):

- With ``brace_sensor`` set, each change of the sensor's state is an
  observation (``brace_sensor.brace_worn_in``: worn, not worn, unknown);
  without one, the ``brace_worn`` switch the person sets is.
- The time Home Assistant is down is not counted: every save stores a wear
  in progress with the moment of the save, and the stop and the unload save.
  At the next load that wear is closed there; a sensor found worn opens a
  new wear from the load, and a switch left on stays on and counts again
  from the load. While worn, the history is also saved every
  ``CHECKPOINT_MINUTES``, so a crash (no stop, no save) loses at most that
  much of a wear, and never counts more than was seen.
- ``brace_hours_today`` changes while the brace is worn, so while (and only
  while) a wear is in progress a minute tick tells the hours sensor to look
  again; it writes a state only when the hours (one decimal) changed, about
  every 6 minutes. The start of the wear is its attribute ``worn_since``.
  Local midnight is the engine's new day: today's hours start at 0.
- The entities exist only while ``brace_hours_per_day`` is above 0 (the
  switch only without a sensor): options never reload the entry, so the
  platforms add them and remove them as this part's configuration changes
  (``async_add_config_listener``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_utc_time_change,
)
from homeassistant.util import dt as dt_util

from ..brace_sensor import brace_worn_in
from ..const import BRACE_RECORD_KEY
from ..options import RecoveryOptions
from ..report.part_sections import brace_section
from ..report.sections import ReportPeriod, SectionData
from ..texts import cached_texts
from ..therapy import BraceLog

if TYPE_CHECKING:
    from .records import RecoveryRecords

_LOGGER = logging.getLogger(__name__)

CHECKPOINT_MINUTES = 15
"""While the brace is worn, the history is saved this often (minutes): a crash loses no more."""

type Listener = Callable[[], None]


class BraceRecord:
    """The brace of one recovery: its prescription, its sensor or switch, and the worn time (a ``RecordPart``)."""

    key = BRACE_RECORD_KEY

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, records: RecoveryRecords
    ) -> None:
        """Hold nothing worn; ``new_day`` (at the load) reads the options and starts following."""
        self._hass = hass
        self._entry = entry
        self._records = records
        self.log = BraceLog()
        self.hours_per_day = 0
        """Hours a day prescribed (the options); 0: no brace."""
        self.sensor: str | None = None
        """The sensor followed; ``None``: the switch says it (or no brace)."""
        self._following = False
        self._sensor_unsub: CALLBACK_TYPE | None = None
        self._minute_unsub: CALLBACK_TYPE | None = None
        self._minutes_unsaved = 0
        self._minute_listeners: list[Listener] = []
        self._config_listeners: list[Listener] = []
        entry.async_on_unload(self._stop)

    # What the entities show.

    @property
    def configured(self) -> bool:
        """Whether a brace is prescribed (its sensors exist)."""
        return self.hours_per_day > 0

    @property
    def uses_switch(self) -> bool:
        """Whether the ``brace_worn`` switch says it (a brace, and no sensor)."""
        return self.configured and self.sensor is None

    @property
    def worn(self) -> bool:
        """Whether a wear is in progress."""
        return self.log.worn

    @property
    def worn_since(self) -> datetime | None:
        """The start of the wear in progress (UTC)."""
        return self.log.open_since

    def hours_today(self) -> float:
        """Return the hours worn since local midnight, to one decimal."""
        now = dt_util.utcnow()
        return self.log.hours_on(dt_util.as_local(now).date(), now, _zone())

    def adherence_7d(self) -> int | None:
        """Return ``brace_adherence_7d`` (whole percent, at most 100); ``None`` until a day counts."""
        now = dt_util.utcnow()
        return self.log.adherence(dt_util.as_local(now).date(), now, _zone())

    def as_diagnostics(self) -> dict[str, Any]:
        """Return hours only: the prescription, whether a sensor is set, today's hours, the adherence."""
        return {
            "hours_per_day": self.hours_per_day,
            "has_sensor": self.sensor is not None,
            "worn": self.worn,
            "hours_today": self.hours_today(),
            "adherence_7d": self.adherence_7d(),
            "days_kept": len(self.log.days),
        }

    def report_section(self, period: ReportPeriod) -> SectionData | None:
        """Return the clinician report's section: the hours worn each day of ``period`` against the prescription."""
        now = dt_util.utcnow()
        days = self.log.days_between(period.first, period.last, now, period.tz)
        today = dt_util.as_local(now).date()
        return brace_section(days, period, today, cached_texts(self._hass))

    @callback
    def async_add_minute_listener(self, listener: Listener) -> CALLBACK_TYPE:
        """Call ``listener`` once a minute while the brace is worn."""
        return _added(self._minute_listeners, listener)

    @callback
    def async_add_config_listener(self, listener: Listener) -> CALLBACK_TYPE:
        """Call ``listener`` when the brace is prescribed or not, or gets or loses its sensor."""
        return _added(self._config_listeners, listener)

    # The RecordPart protocol.

    def restore(self, data: Any) -> None:
        """Take the stored worn time; a wear stored in progress is closed at its last save."""
        self.log = BraceLog.from_dict(data, _zone())

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form; a wear in progress is stored with this moment as ``seen_until``."""
        return self.log.as_dict(dt_util.utcnow())

    def new_day(self, today: date) -> None:
        """Read the options again, start or stop following, and take today's prescription.

        Called at the load, at local midnight and after every options update.
        """
        options = RecoveryOptions.from_entry(self._entry)
        before = (self.configured, self.uses_switch)
        self.hours_per_day = options.brace_hours_per_day
        sensor = options.brace_sensor if self.configured else None
        self.log.new_day(today, self.hours_per_day)
        now = dt_util.utcnow()
        changed = False
        if not self.configured:
            self._unfollow()
            changed = self.log.close(now, _zone())
        elif not self._following or sensor != self.sensor:
            self._unfollow()
            if sensor is not None:
                self._sensor_unsub = async_track_state_change_event(
                    self._hass, sensor, self._on_sensor_changed
                )
                worn = brace_worn_in(self._hass.states.get(sensor))
                changed = self.log.observe(now, worn, _zone())
            elif self.log.worn_at_last_save:
                # The switch was left on: it stays on, counting from now.
                changed = self.log.observe(now, True, _zone())
        self.log.worn_at_last_save = False
        self.sensor = sensor
        self._following = self.configured
        self._set_minute_tick()
        if (self.configured, self.uses_switch) != before:
            for listener in list(self._config_listeners):
                listener()
        if changed:
            self._save_soon()

    # What the person and the sensor say.

    async def async_set_worn(self, worn: bool) -> None:
        """Start or end a wear now (the ``brace_worn`` switch); save and show it."""
        if self.log.observe(dt_util.utcnow(), worn, _zone()):
            self._set_minute_tick()
            self._minutes_unsaved = 0
            await self._records.async_changed()

    @callback
    def _on_sensor_changed(self, event: Event[EventStateChangedData]) -> None:
        """Take the sensor's new state as an observation; save and show a wear that opened or closed."""
        worn = brace_worn_in(event.data["new_state"])
        if self.log.observe(dt_util.utcnow(), worn, _zone()):
            self._set_minute_tick()
            self._save_soon()

    # Housekeeping.

    @callback
    def _save_soon(self) -> None:
        self._minutes_unsaved = 0
        self._entry.async_create_task(
            self._hass, self._records.async_changed(), "back_recovery_brace"
        )

    def _set_minute_tick(self) -> None:
        """Tick each minute while a prescribed brace is worn, and not otherwise."""
        wanted = self.configured and self.log.worn
        if wanted and self._minute_unsub is None:
            self._minute_unsub = async_track_utc_time_change(
                self._hass, self._on_minute, second=0
            )
        elif not wanted and self._minute_unsub is not None:
            self._minute_unsub()
            self._minute_unsub = None

    @callback
    def _on_minute(self, _now: datetime) -> None:
        """Show today's hours again; save every ``CHECKPOINT_MINUTES`` while worn."""
        self._minutes_unsaved += 1
        if self._minutes_unsaved >= CHECKPOINT_MINUTES:
            self._save_soon()
        # One listener that fails never stops the others (rule 13).
        for listener in list(self._minute_listeners):
            try:
                listener()
            except Exception:
                _LOGGER.exception("Showing the brace of %s failed", self._entry.title)

    def _unfollow(self) -> None:
        if self._sensor_unsub is not None:
            self._sensor_unsub()
            self._sensor_unsub = None

    @callback
    def _stop(self) -> None:
        """Follow nothing more: the entry unloads (its last save has stored the wear)."""
        self._unfollow()
        self._following = False
        self.hours_per_day = 0
        self._set_minute_tick()


def _added(listeners: list[Listener], listener: Listener) -> CALLBACK_TYPE:
    listeners.append(listener)

    @callback
    def remove() -> None:
        if listener in listeners:
            listeners.remove(listener)

    return remove


def _zone() -> tzinfo:
    """Return Home Assistant's time zone, asked at each reading (a change applies at once)."""
    return dt_util.get_default_time_zone()
