"""Assist: the integration's own intents, and why the heating pad stays off.

Home Assistant's ``intent`` integration loads this platform. It registers two
intents, ``BackRecoveryLastHeatSession`` ("how long since my last heat
session") and ``BackRecoveryNextHeatSession`` ("when can I use the heating pad
again"). A custom integration cannot add sentences to the default
conversation agent in Home Assistant 2026.10: the agent reads the built-in
sentences, ``<config>/custom_sentences/<language>/*.yaml`` and the
``conversation: intents:`` YAML only. The repository therefore ships
``custom_sentences/<language>/back_recovery.yaml`` for the user to copy.

The built-in ``HassTurnOn`` intent swallows the reason a service call failed
and answers with a generic error. When it targets a Back Recovery heating pad
that refuses to start (the skin rests, a session runs), Home Assistant's own
handler is kept but taught to answer with the refusal, which says when heat
is allowed again.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Final, Self, override

from homeassistant.components.intent import OnOffIntentHandler
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import intent
from homeassistant.setup import async_when_setup

from .const import DOMAIN
from .data import BackRecoveryConfigEntry
from .engine import RecoveryView
from .errors import async_clock_hours, async_error_text
from .texts import Texts, async_load_texts, clock_hours, duration_text, moment_text
from .therapy import Modality

_LOGGER = logging.getLogger(__name__)

INTENT_LAST_HEAT_SESSION: Final = "BackRecoveryLastHeatSession"
INTENT_NEXT_HEAT_SESSION: Final = "BackRecoveryNextHeatSession"
INTENT_COMPONENT: Final = "intent"


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intents and explain refused heating pads in HassTurnOn."""
    intent.async_register(
        hass,
        RecoveryQuestionHandler(
            INTENT_LAST_HEAT_SESSION,
            "Tells how long ago the last heat session (heating pad) of the back "
            "recovery ended, or until when the running one lasts.",
            last_heat_answer,
        ),
    )
    intent.async_register(
        hass,
        RecoveryQuestionHandler(
            INTENT_NEXT_HEAT_SESSION,
            "Tells when the heating pad of the back recovery may be used again: "
            "the skin rests at least 2 hours between sessions.",
            next_heat_answer,
        ),
    )
    # The intent integration loads this platform before it registers its own
    # intents: replace HassTurnOn once it has finished setting up.
    async_when_setup(hass, INTENT_COMPONENT, async_explain_heating_pad_refusals)


# Our own intents.


def _loaded_views(hass: HomeAssistant) -> list[tuple[str, RecoveryView]]:
    """Return (title, view) of every loaded recovery."""
    entries: list[BackRecoveryConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    return [(entry.title, entry.runtime_data.engine.view) for entry in entries]


def last_heat_answer(texts: Texts, view: RecoveryView, hours: int | None = None) -> str:
    """Answer "how long since my last heat session"; times on a clock of ``hours``.

    ``hours`` (12 or 24) defaults to the clock of the language of ``texts``.
    """
    running = view.running
    if running is not None and running.modality is Modality.HEAT:
        return texts["voice_last_heat_running"].format(
            ends_at=moment_text(
                running.planned_end, texts, hours=hours or clock_hours(texts)
            )
        )
    if (ended := view.last_end_of(Modality.HEAT)) is None:
        return texts["voice_last_heat_none"]
    minutes = int((view.now - ended).total_seconds() // 60)
    if minutes < 1:
        return texts["voice_last_heat_just_now"]
    return texts["voice_last_heat_ago"].format(ago=duration_text(minutes, texts))


def next_heat_answer(texts: Texts, view: RecoveryView, hours: int | None = None) -> str:
    """Answer "when can I use the heating pad again"; times on a clock of ``hours``.

    ``hours`` (12 or 24) defaults to the clock of the language of ``texts``.
    """
    hours = hours or clock_hours(texts)
    if (running := view.running) is not None:
        key = (
            "voice_next_heat_running_heat"
            if running.modality is Modality.HEAT
            else "voice_next_heat_running_ice"
        )
        return texts[key].format(
            ends_at=moment_text(running.planned_end, texts, hours=hours),
            allowed_at=moment_text(
                view.next_allowed_after_running or running.planned_end,
                texts,
                hours=hours,
            ),
        )
    allowed = view.next_session_allowed
    if allowed is not None and allowed > view.now:
        return texts["voice_next_heat_rest"].format(
            allowed_at=moment_text(allowed, texts, hours=hours)
        )
    if view.recommended_therapy is Modality.ICE:
        return texts["voice_next_heat_now_ice_recommended"]
    return texts["voice_next_heat_now"]


class RecoveryQuestionHandler(intent.IntentHandler):
    """Answers one question about every loaded recovery, in the asker's language."""

    def __init__(
        self,
        intent_type: str,
        description: str,
        answer: Callable[[Texts, RecoveryView, int], str],
    ) -> None:
        """Answer ``intent_type`` for each recovery with ``answer``."""
        self.intent_type = intent_type
        self.description = description
        self._answer = answer

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer for the one recovery, or for each, named."""
        texts = await async_load_texts(intent_obj.hass, intent_obj.language)
        # The asker's time format, else the clock of the language asked in.
        hours = await async_clock_hours(
            intent_obj.hass, intent_obj.context.user_id, intent_obj.language
        )
        response = intent_obj.create_response()
        views = _loaded_views(intent_obj.hass)
        if not views:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                texts["voice_no_recovery"],
            )
            return response
        if len(views) == 1:
            speech = self._answer(texts, views[0][1], hours)
        else:
            speech = " ".join(
                texts["voice_named_answer"].format(
                    name=title, answer=self._answer(texts, view, hours)
                )
                for title, view in views
            )
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        response.async_set_speech(speech)
        return response


# HassTurnOn: say why the heating pad stays off.


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
