"""HassTurnOn and HassTurnOff on a recovery's entities: say what really happened.

Home Assistant's built-in on/off intents call a service, wait 0.2 seconds
for it and answer success when it has not failed by then; a reason it failed
becomes a generic error. On a Back Recovery entity (the heating pad, the
buttons) Home Assistant's own handler is kept but taught to answer what the
request did:

- the request is waited for until it is done: a heat start or a switch-off
  waits for the plug's confirmation (at most a few seconds, the engine's);
- a refusal (the skin rests, a session runs) answers with the refusal, which
  says when heat is allowed again;
- turning the heating pad off, or pressing stop, while the plug has not
  confirmed ``off`` answers "I could not switch it off: unplug the heating
  pad" (contract: "The truth while the pad heats"), also when Home Assistant
  skipped the call because the heating pad switch is unavailable.

The intent platform (``intent.py``) puts these handlers, and
``voice/get_state.py``'s, in place once Home Assistant's ``intent``
integration has set up.
"""

from __future__ import annotations

import logging
from typing import Final, Self, override

from homeassistant.components.button.const import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.intent import GetStateIntentHandler, OnOffIntentHandler
from homeassistant.components.switch.const import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent

from ..const import DOMAIN
from ..errors import async_error_text
from ..texts import async_load_texts
from .answers import NOT_SWITCHED_OFF, heat_in_doubt, plug_did_not_confirm
from .get_state import HeatingPadStateIntentHandler
from .targets import recovery_entity

_LOGGER = logging.getLogger(__name__)

INTENT_COMPONENT: Final = "intent"
"""Home Assistant's integration that owns ``HassTurnOn``, ``HassTurnOff`` and ``HassGetState``."""

_SERVICES: Final[dict[bool, dict[str, str]]] = {
    True: {SWITCH_DOMAIN: SERVICE_TURN_ON, BUTTON_DOMAIN: SERVICE_PRESS},
    False: {SWITCH_DOMAIN: SERVICE_TURN_OFF},
}
"""The service that turns a recovery's entity on (``True``) or off, by its domain."""

type Answer = HomeAssistantError | str
"""Why a target failed: the integration's error, or the key of a ``common`` text."""


class HeatingPadOnOffIntentHandler(OnOffIntentHandler):
    """Home Assistant's on/off handler; a recovery's entity answers what the request did.

    A refusal is expected behaviour: it is kept from Home Assistant's handler,
    which would log it with a traceback (``Service call failed for …``), and
    the target counts as failed with the refusal as the answer.
    """

    _answers: dict[int, dict[str, Answer]]

    @classmethod
    def from_handler(cls, handler: OnOffIntentHandler) -> Self:
        """Return a handler configured exactly like ``handler``."""
        new = cls.__new__(cls)
        new.__dict__.update(vars(handler))
        new.__dict__["_answers"] = {}
        return new

    @override
    async def async_call_service(
        self, domain: str, service: str, intent_obj: intent.Intent, state: State
    ) -> None:
        """Call the service; on a recovery's entity wait for it and remember what went wrong.

        Raises what Home Assistant's handler raises for any other entity (and
        for turning a button off), and errors that are not this integration's.
        """
        hass = intent_obj.hass
        turns_on = service == SERVICE_TURN_ON
        target = recovery_entity(hass, state.entity_id)
        # The heating pad on or off, a button pressed: the rest as Home Assistant does.
        if target is None or state.domain not in _SERVICES[turns_on]:
            await super().async_call_service(domain, service, intent_obj, state)
            return
        switches_off = target.switches_off(turns_on)
        answers = self._answers.setdefault(id(intent_obj), {})
        try:
            # Not in the background after 0.2 s as Home Assistant's handler
            # does: the answer is what the plug confirmed.
            await hass.services.async_call(
                state.domain,
                _SERVICES[turns_on][state.domain],
                {ATTR_ENTITY_ID: state.entity_id},
                context=intent_obj.context,
                blocking=True,
            )
        except HomeAssistantError as err:
            if err.translation_domain != DOMAIN or not err.translation_key:
                raise
            answers[state.entity_id] = (
                NOT_SWITCHED_OFF if switches_off and plug_did_not_confirm(err) else err
            )
            return
        if switches_off and heat_in_doubt(target.recovery):
            # Home Assistant skips an unavailable switch: nothing was switched off.
            answers[state.entity_id] = NOT_SWITCHED_OFF

    @override
    async def async_handle_states(
        self,
        intent_obj: intent.Intent,
        match_result: intent.MatchTargetsResult,
        match_constraints: intent.MatchTargetsConstraints,
        match_preferences: intent.MatchTargetsPreferences | None = None,
    ) -> intent.IntentResponse:
        """Handle as Home Assistant does; a target that failed says why."""
        try:
            response = await super().async_handle_states(
                intent_obj, match_result, match_constraints, match_preferences
            )
            answers = self._answers.get(id(intent_obj))
        finally:
            self._answers.pop(id(intent_obj), None)
        if not answers:
            return response
        succeeded = response.success_results
        failed = [t for t in succeeded if t.id in answers]
        if any(
            t.type is intent.IntentResponseTargetType.ENTITY and t not in failed
            for t in succeeded
        ):
            # Others did what was asked: the failed ones are listed as such.
            response.async_set_results(
                success_results=[t for t in succeeded if t not in failed],
                failed_results=[*response.failed_results, *failed],
            )
            return response
        texts = await async_load_texts(intent_obj.hass, intent_obj.language)
        messages = [
            texts[answer]
            if isinstance(answer, str)
            else await async_error_text(intent_obj.hass, answer, intent_obj.language)
            for answer in answers.values()
        ]
        response = intent_obj.create_response()
        response.async_set_error(
            intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
            " ".join(dict.fromkeys(messages)),
        )
        return response


async def async_answer_for_recoveries(
    hass: HomeAssistant, _component: str = INTENT_COMPONENT
) -> None:
    """Put the handlers that answer for a recovery's entities in place of Home Assistant's.

    ``HassTurnOn`` and ``HassTurnOff`` (``HeatingPadOnOffIntentHandler``) and
    ``HassGetState`` (``HeatingPadStateIntentHandler``); each only in place of
    Home Assistant's own handler, never on another replacement.
    """
    handlers = {h.intent_type: h for h in intent.async_get(hass)}
    for intent_type in (intent.INTENT_TURN_ON, intent.INTENT_TURN_OFF):
        current = handlers.get(intent_type)
        if current is None or type(current) is not OnOffIntentHandler:
            _LOGGER.debug("%s is handled by %s; not replaced", intent_type, current)
            continue
        intent.async_remove(hass, intent_type)
        intent.async_register(hass, HeatingPadOnOffIntentHandler.from_handler(current))
    current = handlers.get(intent.INTENT_GET_STATE)
    if current is None or type(current) is not GetStateIntentHandler:
        _LOGGER.debug("HassGetState is handled by %s; not replaced", current)
        return
    intent.async_remove(hass, intent.INTENT_GET_STATE)
    intent.async_register(hass, HeatingPadStateIntentHandler.from_handler(current))
