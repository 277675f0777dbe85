"""HassTurnOn on a Back Recovery heating pad: say why it stays off.

The built-in ``HassTurnOn`` intent swallows the reason a service call failed
and answers with a generic error. When it targets a Back Recovery heating pad
that refuses to start (the skin rests, a session runs), Home Assistant's own
handler is kept but taught to answer with the refusal, which says when heat
is allowed again. The intent platform (``intent.py``) puts it in place once
Home Assistant's ``intent`` integration has set up.
"""

from __future__ import annotations

import logging
from typing import Final, Self, override

from homeassistant.components.intent import OnOffIntentHandler
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import intent

from ..const import DOMAIN
from ..errors import async_error_text

_LOGGER = logging.getLogger(__name__)

INTENT_COMPONENT: Final = "intent"
"""Home Assistant's integration that owns ``HassTurnOn``."""


class HeatingPadOnOffIntentHandler(OnOffIntentHandler):
    """Home Assistant's on/off handler; a refused heating pad answers with the reason.

    A refusal is expected behaviour: it is kept from Home Assistant's handler,
    which would log it with a traceback (``Service call failed for …``), and
    the target counts as failed with the refusal as the answer.
    """

    _refusals: dict[int, dict[str, HomeAssistantError]]

    @classmethod
    def from_handler(cls, handler: OnOffIntentHandler) -> Self:
        """Return a handler configured exactly like ``handler``."""
        new = cls.__new__(cls)
        new.__dict__.update(vars(handler))
        new.__dict__["_refusals"] = {}
        return new

    @override
    async def async_call_service(
        self, domain: str, service: str, intent_obj: intent.Intent, state: State
    ) -> None:
        """Call the service; remember a Back Recovery refusal instead of raising it."""
        try:
            await super().async_call_service(domain, service, intent_obj, state)
        except ServiceValidationError as err:
            if err.translation_domain != DOMAIN or not err.translation_key:
                raise
            self._refusals.setdefault(id(intent_obj), {})[state.entity_id] = err

    @override
    async def async_handle_states(
        self,
        intent_obj: intent.Intent,
        match_result: intent.MatchTargetsResult,
        match_constraints: intent.MatchTargetsConstraints,
        match_preferences: intent.MatchTargetsPreferences | None = None,
    ) -> intent.IntentResponse:
        """Handle as Home Assistant does; a refused target failed, and says why."""
        try:
            response = await super().async_handle_states(
                intent_obj, match_result, match_constraints, match_preferences
            )
            refusals = self._refusals.get(id(intent_obj))
        finally:
            self._refusals.pop(id(intent_obj), None)
        if not refusals:
            return response
        succeeded = response.success_results
        refused = [t for t in succeeded if t.id in refusals]
        if any(
            t.type is intent.IntentResponseTargetType.ENTITY and t not in refused
            for t in succeeded
        ):
            # Others did what was asked: the refused ones are listed as failed.
            response.async_set_results(
                success_results=[t for t in succeeded if t not in refused],
                failed_results=[*response.failed_results, *refused],
            )
            return response
        messages = [
            await async_error_text(intent_obj.hass, err, intent_obj.language)
            for err in refusals.values()
        ]
        response = intent_obj.create_response()
        response.async_set_error(
            intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
            " ".join(dict.fromkeys(messages)),
        )
        return response


async def async_explain_heating_pad_refusals(
    hass: HomeAssistant, _component: str = INTENT_COMPONENT
) -> None:
    """Put the explaining handler in place of Home Assistant's HassTurnOn handler."""
    current = next(
        (h for h in intent.async_get(hass) if h.intent_type == intent.INTENT_TURN_ON),
        None,
    )
    # Only Home Assistant's own handler: never stack on another replacement.
    if current is None or type(current) is not OnOffIntentHandler:
        _LOGGER.debug("HassTurnOn is handled by %s; not replaced", current)
        return
    intent.async_remove(hass, intent.INTENT_TURN_ON)
    intent.async_register(hass, HeatingPadOnOffIntentHandler.from_handler(current))
