"""The heating-pad plug: the one place that reads it, switches it and confirms it.

The engine asks for ``on`` or ``off`` and is told the result; nothing else
calls ``switch.*`` on the plug. Every device lies sometimes, so nothing here
trusts a call that returned: only the state the plug reports counts.

- On (contract rule 11): ``turn_on`` must not raise and the plug must report
  ``on`` within ``CONFIRM_SECONDS``, or the start does not count.
- Off (rule 10): the plug must report ``off`` within ``CONFIRM_SECONDS``.
  Until it does, ``turn_off`` is sent again after 5, 15 and 30 seconds, then
  every 60 seconds, for as long as it takes; the repair issue
  ``heating_pad_not_responding`` (reachable, still on) or
  ``heating_pad_unreachable`` (gone) stands, and the engine is alarmed once.
  A plug seen again after it was gone gets its ``turn_off`` at once, and the
  retries start again from 5 seconds (a plug that reconnects may publish
  ``on`` before it listens, and lose that first command).

The plug's reading (``plug_entity.PlugReading``): ``on``, ``off``, ``unknown`` (it
answers but its state is not known: it takes commands, and is neither on nor
off for the rules) or ``unreachable`` (``unavailable``, or no entity in the
state machine: it left, rule 17). Only an unreachable plug is not commanded.
With a power sensor, a draw above its threshold reads ``on`` whatever the plug
reports: only ``off`` without one confirms a switch-off (rule 14,
``power_sensor.py``). Who switched it: ``plug_entity.switch_cause`` (rule 16).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import logging
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    Platform,
)
from homeassistant.core import CALLBACK_TYPE, Context, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .. import plug_entity
from ..const import (
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
    PLUG_OFF_ISSUES,
    RecoveryEvent,
)
from ..issues import async_clear_issue, async_raise_issue
from ..late_off import async_watch_late_off
from ..plug_entity import can_be_reached, configured_plug, on_off, plug_event_data
from ..power_sensor import PowerDraw, StateChanged
from ..therapy import SwitchCause

_LOGGER = logging.getLogger(__name__)

CONFIRM_SECONDS: Final = 5.0
"""How long the plug has to report the state it was switched to (rules 10, 11)."""

RETRY_DELAYS: Final = (5.0, 15.0, 30.0, 60.0)
"""Seconds before each further ``turn_off``; the last delay repeats (rule 10)."""


@dataclass(frozen=True, slots=True)
class PlugChanged:
    """The plug's reading changed: on, off, or ``None`` (unknown or unreachable).

    ``None`` is neither on nor off: the rules decide nothing on it (whether
    the plug can be commanded is the plug's own business, ``reachable``).
    ``was_stuck``: the plug reports ``off`` after it had not switched off
    when told (the skin was heated until now). ``cause``: who switched it.
    """

    old: bool | None
    new: bool | None
    was_stuck: bool = False
    cause: SwitchCause | None = None


@dataclass(frozen=True, slots=True)
class PlugNotSwitchedOff:
    """A switch-off was not confirmed (rule 10); reported once until the plug is off.

    ``reachable``: whether the plug answered (still on) or could not be reached.
    """

    entity_id: str
    reachable: bool


type PlugReport = PlugChanged | PlugNotSwitchedOff
"""What the plug reports to the engine, through one channel."""


def entry_plug(
    hass: HomeAssistant, entry: ConfigEntry, on_report: Callable[[PlugReport], None]
) -> HeatingPadPlug | None:
    """Return the entry's configured plug (``plug_entity.configured_plug``); ``None`` without one."""
    entity_id = configured_plug(entry)
    return HeatingPadPlug(hass, entry, entity_id, on_report) if entity_id else None


class HeatingPadPlug:
    """One config entry's heating-pad plug."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        entity_id: str,
        on_report: Callable[[PlugReport], None],
    ) -> None:
        """Govern ``entity_id``; every change and each unconfirmed switch-off go to ``on_report``."""
        self._hass = hass
        self._entry = entry
        self.entity_id = entity_id
        self._on_report = on_report
        self._context = Context()
        self._off_context: Context | None = None
        self._waiters: list[tuple[bool, asyncio.Future[None]]] = []
        self._retry_unsub: CALLBACK_TYPE | None = None
        self._attempt = 0
        self._owed = False
        self._offs_sent = 0
        self._alarmed = False
        self._stuck = False
        self.power = PowerDraw(hass, entry)
        self.available = self.reachable
        """Whether the plug was reachable at its last report."""

    # Reading.

    @property
    def is_on(self) -> bool | None:
        """Whether the pad is on: it draws power (rule 14) or the plug reports on; ``None``: unknown."""
        return self.power.pad_on(on_off(self._hass.states.get(self.entity_id)))

    @property
    def reachable(self) -> bool:
        """Whether the plug can be commanded: it is in the state machine and not ``unavailable``."""
        return can_be_reached(self._hass.states.get(self.entity_id))

    @property
    def switching_off(self) -> bool:
        """Whether a switch-off waits for the plug to confirm it (retries run)."""
        return self._owed

    @callback
    def async_track(self) -> CALLBACK_TYPE:
        """Follow the plug and its power sensor, change by change; the engine decides what each means.

        Becoming unreachable and coming back are logged once each, at info
        level. A reported ``off`` ends a pending switch-off; a plug seen again
        while one is pending gets it at once (``_async_back``).
        """

        @callback
        def on_event(old: bool | None, new: bool | None, event: StateChanged) -> None:
            was_available = self.available
            self.available = self.reachable
            if was_available and not self.available:
                _LOGGER.info("The heating pad plug %s is unavailable", self.entity_id)
            elif self.available and not was_available:
                _LOGGER.info(
                    "The heating pad plug %s is available again", self.entity_id
                )
            was_stuck = False
            if new is False:
                self.async_confirmed_off()
                was_stuck, self._stuck = self._stuck, False
            for wanted, waiter in self._waiters:
                if new is wanted and not waiter.done():
                    waiter.set_result(None)
            back = self.available and not was_available and self._owed
            if back:
                self._async_cancel_retry()
                self._attempt = 0
            offs_sent = self._offs_sent
            cause = plug_entity.switch_cause(event.context, self._context)
            self._on_report(PlugChanged(old, new, was_stuck, cause))
            if back:
                self._async_back(sent=self._offs_sent != offs_sent)

        return self.power.async_track(self.entity_id, on_event)

    # Switching.

    async def _async_call(self, service: str) -> bool:
        """Call the plug's switch service; return whether the call went through.

        A switch-off is announced once with ``heating_pad_switching_off``, fired in a
        new context that its ``turn_off`` and every retry of it then carry: that event
        is the context's origin, so the logbook credits Back Recovery with the plug's
        switch-off, and a plug that needs many retries adds one line, not one a minute.
        Any error of the plug's integration is logged as a warning, never raised: the
        caller decides by the state the plug reports.
        """
        context = self._context
        if service == SERVICE_TURN_OFF:
            self._offs_sent += 1
            if self._off_context is None or not self._owed:
                self._off_context = Context()
                self._hass.bus.async_fire(
                    RecoveryEvent.HEATING_PAD_SWITCHING_OFF,
                    plug_event_data(self._hass, self._entry.entry_id, self.entity_id),
                    context=self._off_context,
                )
            context = self._off_context
        try:
            await self._hass.services.async_call(
                Platform.SWITCH,
                service,
                {ATTR_ENTITY_ID: self.entity_id},
                blocking=True,
                context=context,
            )
        except Exception as err:  # noqa: BLE001 - a plug's bug must not stop the rules
            _LOGGER.warning(
                "The heating pad plug %s did not take %s: %s",
                self.entity_id,
                service,
                err or type(err).__name__,
            )
            return False
        return True

    async def async_turn_on(self) -> bool:
        """Switch the plug on; return whether it reported ``on`` in time (rule 11).

        A ``turn_on`` that raises, or a plug that does not report ``on``
        within ``CONFIRM_SECONDS``, returns ``False``.
        """
        if not self.reachable:
            return False
        if not await self._async_call(SERVICE_TURN_ON):
            return False
        return await self._async_reported(True)

    async def async_cancel_on(self) -> None:
        """Send one ``turn_off`` after a start that did not count; owe nothing after it."""
        if self.reachable:
            await self._async_call(SERVICE_TURN_OFF)

    async def async_last_turn_off(self) -> None:
        """Send one last ``turn_off`` as the entry unloads; warn and alarm if the plug is not off.

        No retries follow (rule 10 resumes at the next start, from storage);
        the repair issue and the notification stay until the plug reports off,
        however late (``late_off.py``).
        """
        await self.async_cancel_on()
        if self.is_on is not False:
            _LOGGER.warning(
                "Back Recovery of %s stops while the heating pad plug %s has not "
                "confirmed that it is off: unplug the heating pad",
                self._entry.title,
                self.entity_id,
            )
            # Nobody watches after the unload: the alarm goes now (rule 10).
            self._async_not_switched_off()
            async_watch_late_off(self._hass, self._entry, self.entity_id)

    async def _async_reported(self, wanted: bool) -> bool:
        """Wait up to ``CONFIRM_SECONDS`` for the plug to report ``wanted``."""
        if self.is_on is wanted:
            return True
        waiter: asyncio.Future[None] = self._hass.loop.create_future()
        entry = (wanted, waiter)
        self._waiters.append(entry)
        try:
            async with asyncio.timeout(CONFIRM_SECONDS):
                await waiter
        except TimeoutError:
            return False
        finally:
            self._waiters.remove(entry)
        return True

    async def async_turn_off(self) -> bool:
        """Switch the plug off; return whether it reports ``off`` now (rule 10).

        If it does not, the switch-off goes on in the background until the
        plug reports ``off``: checked after ``CONFIRM_SECONDS``, then sent
        again with backoff. A plug that reports ``unknown`` is sent it like
        any other (rule 12); one that cannot be reached raises
        ``heating_pad_unreachable`` at once; Home Assistant skips calls to it.
        """
        if (
            not self.reachable
            or not await self._async_call(SERVICE_TURN_OFF)
            and self.is_on is not False
        ):
            self._async_not_switched_off()
        if self.is_on is False:
            self.async_confirmed_off()
            return True
        if self._alarmed:
            # Already alarmed: the repair issue follows the plug's state at once.
            self._async_not_switched_off()
        self._owed = True
        if self._retry_unsub is None:
            self._attempt = 0
            self._async_schedule_retry()
        return False

    @callback
    def _async_back(self, sent: bool) -> None:
        """Send a pending switch-off to a plug seen again, unless ``sent`` (by the engine) already.

        The next try follows after the first delay (item 10 of issue 20).
        """
        if not sent:
            self._async_send_off()
        if self._owed and self._retry_unsub is None:
            self._async_schedule_retry()

    @callback
    def _async_schedule_retry(self) -> None:
        delay = RETRY_DELAYS[min(self._attempt, len(RETRY_DELAYS) - 1)]
        self._retry_unsub = async_call_later(
            self._hass, delay, HassJob(self._async_retry, "back_recovery switch-off")
        )

    @callback
    def _async_retry(self, _now: datetime) -> None:
        """Alarm, send ``turn_off`` again and wait longer: the plug has not reported ``off``."""
        self._retry_unsub = None
        if self.is_on is False:
            self.async_confirmed_off()
            return
        self._async_not_switched_off()
        self._attempt += 1
        self._async_schedule_retry()
        self._async_send_off()

    @callback
    def _async_send_off(self) -> None:
        """Send ``turn_off`` again, in a task, unless the plug cannot be reached."""
        if self.reachable:
            self._entry.async_create_task(
                self._hass,
                self._async_call(SERVICE_TURN_OFF),
                "back_recovery switch-off again",
                eager_start=True,
            )

    @callback
    def _async_not_switched_off(self) -> None:
        """Raise the repair issue that fits the plug's state; alarm once."""
        reachable = self.reachable
        standing, cleared = (
            (ISSUE_HEATING_PAD_NOT_RESPONDING, ISSUE_HEATING_PAD_UNREACHABLE)
            if reachable
            else (ISSUE_HEATING_PAD_UNREACHABLE, ISSUE_HEATING_PAD_NOT_RESPONDING)
        )
        async_clear_issue(self._hass, cleared, self._entry.entry_id)
        async_raise_issue(
            self._hass,
            standing,
            self._entry.entry_id,
            {
                **plug_entity.plug_placeholders(self._hass, self.entity_id),
                "name": self._entry.title,
            },
        )
        self._stuck = True
        if not self._alarmed:
            self._alarmed = True
            _LOGGER.warning(
                "The heating pad plug %s has not switched off (%s); "
                "sending the switch-off again until it does",
                self.entity_id,
                "still on or drawing power" if reachable else "unreachable",
            )
            self._on_report(PlugNotSwitchedOff(self.entity_id, reachable))

    @callback
    def async_confirmed_off(self) -> None:
        """Stop retrying, clear the issues and re-arm the alarm: the plug reports ``off``."""
        self._async_cancel_retry()
        self._owed = False
        self._alarmed = False
        for key in PLUG_OFF_ISSUES:
            async_clear_issue(self._hass, key, self._entry.entry_id)

    @callback
    def _async_cancel_retry(self) -> None:
        if self._retry_unsub is not None:
            self._retry_unsub()
            self._retry_unsub = None

    @callback
    def async_stop(self) -> None:
        """Stop retrying (unload); the stored obligation resumes at the next start."""
        self._async_cancel_retry()
        self._owed = False
