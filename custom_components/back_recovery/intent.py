"""Assist: Home Assistant's intent platform of the integration, which registers its intents.

Home Assistant's ``intent`` integration loads this platform. It registers
``BackRecoveryLastHeatSession`` ("how long since my last heat session") and
``BackRecoveryNextHeatSession`` ("when can I use the heating pad again"),
handled by ``voice/questions.py`` with the answers of ``voice/answers.py``,
and the rehabilitation programme's ``BackRecoveryExercisesDone`` ("I did my
exercises", "I did my stretches") and ``BackRecoveryExercisesLeft`` ("what
exercises are left today"), handled by ``voice/exercise_intents.py``. A custom integration cannot add sentences to the default
conversation agent in Home Assistant 2026.10: the agent reads the built-in
sentences, ``<config>/custom_sentences/<language>/*.yaml`` and the
``conversation: intents:`` YAML only. The repository therefore ships
``custom_sentences/<language>/back_recovery.yaml`` for the user to copy.

A third, ``BackRecoveryActivityCleared`` ("may I run yet?"), is
``voice/activities.py``'s: it answers from the clearances the person recorded.

It also puts ``voice/turn_on.py``'s and ``voice/get_state.py``'s handlers in
place of the built-in ``HassTurnOn``, ``HassTurnOff`` and ``HassGetState``
handlers, so that a refused heating pad answers with the reason, a switch-off
the plug has not confirmed says to unplug the pad, and "is the heating pad
on" says it may still heat when the plug cannot tell (contract: "The truth
while the pad heats").
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_when_setup

from .voice.activities import ActivityQuestionHandler
from .voice.answers import last_heat_answer, next_heat_answer
from .voice.exercise_intents import ExercisesDoneHandler, ExercisesLeftHandler
from .voice.medication import medication_intents
from .voice.questions import (
    INTENT_LAST_HEAT_SESSION,
    INTENT_NEXT_HEAT_SESSION,
    RecoveryQuestionHandler,
)
from .voice.turn_on import INTENT_COMPONENT, async_answer_for_recoveries


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intents; answer for the recoveries' entities in the built-in ones."""
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
    # Pain medication (issue 24): "I took an ibuprofen", "when can I take my next ibuprofen".
    for handler in medication_intents():
        intent.async_register(hass, handler)
    intent.async_register(hass, ExercisesDoneHandler())
    intent.async_register(hass, ExercisesLeftHandler())
    intent.async_register(hass, ActivityQuestionHandler())
    # The intent integration loads this platform before it registers its own
    # intents: replace theirs once it has finished setting up.
    async_when_setup(hass, INTENT_COMPONENT, async_answer_for_recoveries)
