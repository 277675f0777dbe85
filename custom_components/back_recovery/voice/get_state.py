"""HassGetState on a recovery's heating pad: "is the heating pad on" while it may heat.

Home Assistant's built-in question answers from the heating pad switch's
state, which is the plug's: "No, unavailable" while the plug cannot be
reached. During heat, or while a switch-off is owed, the pad may still be
heating then (contract: "The truth while the pad heats"), and the answer says
so (``voice_heating_pad_may_heat``). Otherwise Home Assistant's answer stands.
``voice/turn_on.py`` puts the handler in place.
"""

from __future__ import annotations

from typing import Self, override

from homeassistant.components.intent import GetStateIntentHandler
from homeassistant.helpers import intent

from ..texts import async_load_texts
from .answers import pad_may_heat
from .targets import HEATING_PAD_KEY, recovery_entity


class HeatingPadStateIntentHandler(GetStateIntentHandler):
    """Home Assistant's state question; a heating pad that may heat says so."""

    @classmethod
    def from_handler(cls, handler: GetStateIntentHandler) -> Self:
        """Return a handler configured exactly like ``handler``."""
        new = cls.__new__(cls)
        new.__dict__.update(vars(handler))
        return new

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer as Home Assistant does, unless it is about heating pads of which one may heat.

        Raises what Home Assistant's handler raises (no entity matched).
        """
        response = await super().async_handle(intent_obj)
        states = [*response.matched_states, *response.unmatched_states]
        targets = [recovery_entity(intent_obj.hass, s.entity_id) for s in states]
        if not targets or any(
            target is None or target.key != HEATING_PAD_KEY for target in targets
        ):
            return response
        if any(
            pad_may_heat(target.recovery) for target in targets if target is not None
        ):
            texts = await async_load_texts(intent_obj.hass, intent_obj.language)
            response.async_set_speech(texts["voice_heating_pad_may_heat"])
        return response
