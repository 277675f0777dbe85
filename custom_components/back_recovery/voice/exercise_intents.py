"""Assist and the rehabilitation programme: "I did my exercises/stretches", "what exercises are left today".

``BackRecoveryExercisesDone`` checks off, done as prescribed and now, one
session of each exercise still open today: its first open time of day (the
to-do list's own path, so it counts as checking the item). With the slot
``kind`` ``stretch`` ("I did my stretches") only the stretches. A person who
did their exercises did each once, not every time of day at once; yesterday's
items are left to the to-do list. ``BackRecoveryExercisesLeft`` names today's
open items. The answers are ``voice/exercise_answers.py``'s (the language
models' tools say the same), in the asker's language.

With several recoveries that have exercises, the question answers for each,
named; "I did my exercises" logs nothing and says to check them off on the
right to-do list (whose exercises were done is not known from the sentence).
"""

from __future__ import annotations

from typing import Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent

from ..const import DOMAIN
from ..data import BackRecoveryConfigEntry
from ..engine import ExerciseProgramme
from ..texts import Texts, async_load_texts
from ..therapy import ExerciseKind
from .exercise_answers import done_items, exercises_left_answer, exercises_logged_answer

INTENT_EXERCISES_DONE: Final = "BackRecoveryExercisesDone"
INTENT_EXERCISES_LEFT: Final = "BackRecoveryExercisesLeft"
SLOT_KIND: Final = "kind"
"""The slot of "I did my stretches": ``stretch``."""


def _programmes(hass: HomeAssistant) -> list[tuple[str, ExerciseProgramme]]:
    """Return (title, programme) of every loaded recovery that has an exercise."""
    entries: list[BackRecoveryConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    found = []
    for entry in entries:
        programme = entry.runtime_data.engine.records.exercises
        if programme is not None and programme.status.exercises:
            found.append((entry.title, programme))
    return found


class _ExerciseHandler(intent.IntentHandler):
    """Answers about the programmes in the asker's language; none set up is said as such."""

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer for the recoveries that have exercises."""
        hass = intent_obj.hass
        texts = await async_load_texts(hass, intent_obj.language)
        response = intent_obj.create_response()
        if not hass.config_entries.async_loaded_entries(DOMAIN):
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                texts["voice_no_recovery"],
            )
            return response
        return await self.async_answer(intent_obj, response, texts)

    async def async_answer(
        self,
        intent_obj: intent.Intent,
        response: intent.IntentResponse,
        texts: Texts,
    ) -> intent.IntentResponse:
        """Fill ``response`` for the programmes (``_programmes``)."""
        raise NotImplementedError


class ExercisesLeftHandler(_ExerciseHandler):
    """Answers "what exercises are left today"."""

    intent_type = INTENT_EXERCISES_LEFT
    description = (
        "Tells which exercises of the back recovery's rehabilitation programme "
        "are still open today."
    )

    @override
    async def async_answer(
        self,
        intent_obj: intent.Intent,
        response: intent.IntentResponse,
        texts: Texts,
    ) -> intent.IntentResponse:
        """Name today's open items, per recovery when several have exercises."""
        programmes = _programmes(intent_obj.hass)
        if not programmes:
            speech = texts["voice_exercises_none"]
        elif len(programmes) == 1:
            speech = exercises_left_answer(texts, programmes[0][1].status)
        else:
            speech = " ".join(
                texts["voice_named_answer"].format(
                    name=title, answer=exercises_left_answer(texts, programme.status)
                )
                for title, programme in programmes
            )
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        response.async_set_speech(speech)
        return response


class ExercisesDoneHandler(_ExerciseHandler):
    """Logs "I did my exercises" / "I did my stretches" as done as prescribed."""

    intent_type = INTENT_EXERCISES_DONE
    description = (
        "Logs the exercises (or, with kind stretch, the stretches) of the back "
        "recovery's programme still open today as done as prescribed."
    )

    @override
    async def async_answer(
        self,
        intent_obj: intent.Intent,
        response: intent.IntentResponse,
        texts: Texts,
    ) -> intent.IntentResponse:
        """Check off one session of each open exercise (of the kind asked); say what stays open."""
        programmes = _programmes(intent_obj.hass)
        if len(programmes) > 1:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                texts["voice_exercises_several_recoveries"].format(
                    names=", ".join(title for title, _ in programmes)
                ),
            )
            return response
        if not programmes:
            response.async_set_speech(texts["voice_exercises_none"])
            return response
        programme = programmes[0][1]
        slot = (intent_obj.slots.get(SLOT_KIND) or {}).get("value")
        kind = ExerciseKind.STRETCH if slot == ExerciseKind.STRETCH else None
        logged = done_items(programme.status, kind)
        for item in logged:
            await programme.async_set_done(item.occurrence.uid, True)
        response.async_set_speech(
            exercises_logged_answer(texts, programme.status, logged, kind)
        )
        return response
