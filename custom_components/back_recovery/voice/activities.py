"""The question "may I run yet?": Assist's intent and the language models' tool, over ``answers.activity_answer``.

``BackRecoveryActivityCleared`` answers from the clearances the person
recorded (``back_recovery.record_clearance``), never from the phase:
"Running and jumping: not recorded as cleared by your doctor" or "…:
cleared by Dr. Lee on 3 March", the date in the asker's language. Its slot
``activity`` (``high_impact``, ``contact_sports``, ``heavy_lifting``, or the
name of one of the person's own activities) says which; without it, every
activity is answered. The shipped sentences
(``custom_sentences/<language>/back_recovery.yaml``) fill the slot for the
guidance's three; the language models' tool takes it as a parameter.
"""

from __future__ import annotations

from typing import Any, Final, override

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.helpers.llm import LLMContext, ToolAnnotations, ToolResult
from homeassistant.util import dt as dt_util

from ..const import ATTR_ACTIVITY, DOMAIN
from ..data import BackRecoveryConfigEntry
from ..texts import Texts, async_load_texts
from .answers import activity_answer
from .tools import TOOL_PREFIX, RecoveryTool

INTENT_ACTIVITY_CLEARED: Final = "BackRecoveryActivityCleared"
DESCRIPTION: Final = (
    "Tells whether the person's doctor has cleared an activity again (running "
    "and jumping, contact sports, heavy lifting, or one of the person's own), "
    "as the person recorded it: by whom and on which day, or that no "
    "clearance is recorded. Back Recovery never clears anything by itself."
)


def _answer(texts: Texts, entry: BackRecoveryConfigEntry, asked: str | None) -> str:
    """Answer for one recovery, on Home Assistant's local today."""
    return activity_answer(
        texts,
        entry.runtime_data.engine.records.activities.states(),
        asked,
        dt_util.now().date(),
    )


class ActivityQuestionHandler(intent.IntentHandler):
    """Answers "may I run yet?" for every loaded recovery, in the asker's language."""

    intent_type = INTENT_ACTIVITY_CLEARED
    description = DESCRIPTION

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer for the one recovery, or for each, named."""
        hass = intent_obj.hass
        texts = await async_load_texts(hass, intent_obj.language)
        asked = (intent_obj.slots.get(ATTR_ACTIVITY) or {}).get("value")
        response = intent_obj.create_response()
        entries: list[BackRecoveryConfigEntry] = (
            hass.config_entries.async_loaded_entries(DOMAIN)
        )
        if not entries:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                texts["voice_no_recovery"],
            )
            return response
        if len(entries) == 1:
            speech = _answer(texts, entries[0], asked)
        else:
            speech = " ".join(
                texts["voice_named_answer"].format(
                    name=entry.title, answer=_answer(texts, entry, asked)
                )
                for entry in entries
            )
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        response.async_set_speech(speech)
        return response


class ActivityQuestionTool(RecoveryTool):
    """The same question for a language model, for the chosen recovery."""

    name = f"{TOOL_PREFIX}{INTENT_ACTIVITY_CLEARED}"
    title = "Activity cleared by the doctor"
    description = (
        f"{DESCRIPTION} Answer with the sentence as it is; never say an "
        "activity is allowed when no clearance is recorded."
    )
    annotations = ToolAnnotations(
        read_only=True, destructive=False, idempotent=True, open_world=False
    )

    @override
    def fields(self) -> dict[Any, Any]:
        """Return ``activity``: optional; without it every activity is answered."""
        return {
            vol.Optional(
                ATTR_ACTIVITY,
                description="high_impact (running, jogging, jumping), "
                "contact_sports, heavy_lifting (heavy furniture, heavy loads), "
                "or the name of one of the person's own activities; leave it "
                "out to answer for every activity.",
            ): str
        }

    @override
    async def async_act(
        self,
        hass: HomeAssistant,
        entry: BackRecoveryConfigEntry,
        args: dict[str, Any],
        texts: Texts,
        llm_context: LLMContext,
    ) -> ToolResult:
        """Return the answer in the asker's language."""
        return ToolResult(
            data={
                "name": entry.title,
                "answer": _answer(texts, entry, args.get(ATTR_ACTIVITY)),
            }
        )
