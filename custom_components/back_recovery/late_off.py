"""After an unload: a plug that confirms its last switch-off late still clears its alarm (rule 10).

The unload sends one last ``turn_off`` and, as nobody watches the plug after
it, alarms at once when the plug is not off yet (the urgent reminder, the
event, the repair issue). A radio plug often carries the command out a few
seconds later: for ``WATCH_SECONDS`` after the unload the plug (and its power
sensor, rule 14) is still followed, and the first ``off`` it reports clears
the "does not switch off" and "unreachable" repair issues, as a confirmed
switch-off does while the entry runs. Nothing is switched and nothing else is
sent: the next load of the entry takes the plug over again (rule 8).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
import logging
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .power_sensor import PowerDraw, StateChanged

_LOGGER = logging.getLogger(__name__)

WATCH_SECONDS: Final = 600
"""How long after the unload a late ``off`` still clears the alarm (seconds)."""


@callback
def async_watch_late_off(
    hass: HomeAssistant,
    entry: ConfigEntry,
    plug_entity_id: str,
    confirmed_off: Callable[[], None],
) -> None:
    """Follow the plug for ``WATCH_SECONDS``; at its first ``off`` call ``confirmed_off``.

    ``confirmed_off`` clears the plug's repair issues (``HeatingPadPlug``'s).
    The plug is read with a reader of its own (``PowerDraw``): the engine's
    stops with the entry.
    """
    unsubs: list[CALLBACK_TYPE] = []

    @callback
    def stop(_now: datetime | Event | None = None) -> None:
        while unsubs:
            unsubs.pop()()

    @callback
    def on_event(_old: bool | None, new: bool | None, _event: StateChanged) -> None:
        if new is False:
            _LOGGER.info(
                "The heating pad plug %s confirmed the switch-off after the unload",
                plug_entity_id,
            )
            confirmed_off()
            stop()

    unsubs.append(PowerDraw(hass, entry).async_track(plug_entity_id, on_event))
    unsubs.append(async_call_later(hass, WATCH_SECONDS, stop))
    # Home Assistant stopping ends the watch too: no timer outlives it.
    unsubs.append(hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, stop))
