"""The plug's own auto-off, set before every heat start (contract rule 15).

``PlugBackstop`` is the one caller of ``number.set_value`` and
``switch.turn_on`` on the plug's auto-off and its enabling switch. What to set
is decided by the rules (``therapy.backstop``); this part sets it, reads both
back and says whether the backstop holds. The engine refuses a heat start
whose backstop does not hold (``plug_auto_off_not_set``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from homeassistant.components.number.const import (
    ATTR_MAX,
    ATTR_MIN,
    ATTR_STEP,
    ATTR_VALUE,
    SERVICE_SET_VALUE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_UNIT_OF_MEASUREMENT,
    SERVICE_TURN_ON,
    STATE_ON,
    Platform,
)
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event

from ..therapy import AutoOffRange, backstop_holds, backstop_value

_LOGGER = logging.getLogger(__name__)

CALL_SECONDS: Final = 10.0
"""Seconds each call to the auto-off or its switch may take before it counts as failed."""
READ_BACK_SECONDS: Final = 5.0
"""Seconds the auto-off and its switch have to report what they were set to.

A device whose entity follows its own report (MQTT with a state topic,
Zigbee2MQTT's countdown) shows the new value a moment after the call
returns.
"""


class PlugBackstop:
    """The auto-off ``number`` of the plug's device and the ``switch`` that enables it."""

    def __init__(self, hass: HomeAssistant, number: str, switch: str | None) -> None:
        """Set ``number`` (unit ``s``, ``min`` or ``h``) and turn on ``switch`` (if any) before heat."""
        self._hass = hass
        self.number = number
        """The auto-off number's entity id."""
        self.switch = switch
        """The enabling switch's entity id, or ``None`` where the device has none."""
        self.failed = number
        """After a failed ``async_set``: the entity that did not take or hold its value."""
        self._context = Context()

    async def async_set(self, session_minutes: int) -> bool:
        """Set the auto-off for a session of ``session_minutes``; return whether it holds.

        Sets the number to the session's minutes plus 2 in its unit (rounded
        up to its step; ``therapy.backstop``), turns the enabling switch on,
        then reads both back: the number must show the value (within half
        its step), the switch ``on``, within ``READ_BACK_SECONDS``. A number
        that is unavailable, has no time unit or too small a maximum, a call
        that fails or takes longer than ``CALL_SECONDS``: ``False``, logged as
        a warning, never raised.
        """
        self.failed = self.number
        value = self._value(session_minutes)
        if value is None:
            return False
        if not await self._async_call(
            Platform.NUMBER, SERVICE_SET_VALUE, self.number, {ATTR_VALUE: value}
        ):
            return False
        if self.switch is not None and not await self._async_call(
            Platform.SWITCH, SERVICE_TURN_ON, self.switch, {}
        ):
            self.failed = self.switch
            return False
        return await self._async_read_back(value)

    async def _async_read_back(self, value: float) -> bool:
        """Wait up to ``READ_BACK_SECONDS`` for both to report what they were set to."""
        if self._holds(value, quiet=True):
            return True
        held: asyncio.Future[None] = self._hass.loop.create_future()

        @callback
        def reported(_event: Event[EventStateChangedData]) -> None:
            if not held.done() and self._holds(value, quiet=True):
                held.set_result(None)

        watched = [self.number, *([self.switch] if self.switch else [])]
        unsub = async_track_state_change_event(self._hass, watched, reported)
        try:
            async with asyncio.timeout(READ_BACK_SECONDS):
                await held
        except TimeoutError:
            return self._holds(value)
        finally:
            unsub()
        return True

    def _value(self, session_minutes: int) -> float | None:
        """Return what the number must be set to, from its state; ``None`` if it cannot hold it."""
        attributes = (
            state.attributes if (state := self._hass.states.get(self.number)) else {}
        )
        try:
            number = AutoOffRange(
                unit=attributes.get(ATTR_UNIT_OF_MEASUREMENT),
                minimum=float(attributes[ATTR_MIN]),
                maximum=float(attributes[ATTR_MAX]),
                step=float(attributes[ATTR_STEP]),
            )
        except KeyError, TypeError, ValueError:
            _LOGGER.warning(
                "The heating pad's auto-off %s is not a number with a range",
                self.number,
            )
            return None
        value = backstop_value(session_minutes, number)
        if value is None:
            _LOGGER.warning(
                "The heating pad's auto-off %s (unit %s, %s to %s) cannot hold %s minutes",
                self.number,
                number.unit,
                number.minimum,
                number.maximum,
                session_minutes,
            )
        return value

    def _holds(self, value: float, quiet: bool = False) -> bool:
        """Return whether the number reads ``value`` back and the switch ``on``; warn unless ``quiet``."""
        holds = False
        if (state := self._hass.states.get(self.number)) is not None:
            try:
                read = float(state.state)
                step = float(state.attributes[ATTR_STEP])
            except KeyError, TypeError, ValueError:
                pass
            else:
                holds = backstop_holds(read, value, step)
        if not holds:
            if not quiet:
                _LOGGER.warning(
                    "The heating pad's auto-off %s does not read back %s",
                    self.number,
                    value,
                )
            return False
        if self.switch is None:
            return True
        if (switch := self._hass.states.get(self.switch)) is None or (
            switch.state != STATE_ON
        ):
            self.failed = self.switch
            if not quiet:
                _LOGGER.warning("The auto-off's switch %s is not on", self.switch)
            return False
        return True

    async def _async_call(
        self, domain: str, service: str, entity_id: str, data: dict[str, float]
    ) -> bool:
        """Call ``domain.service`` on ``entity_id`` and wait for it; return whether it went through."""
        try:
            async with asyncio.timeout(CALL_SECONDS):
                await self._hass.services.async_call(
                    domain,
                    service,
                    {ATTR_ENTITY_ID: entity_id, **data},
                    blocking=True,
                    context=self._context,
                )
        except Exception as err:  # noqa: BLE001 - a device's bug refuses the start, no more
            _LOGGER.warning(
                "The heating pad's auto-off %s did not take %s.%s: %s",
                entity_id,
                domain,
                service,
                err or type(err).__name__,
            )
            return False
        return True
