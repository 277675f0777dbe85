"""The integration's own question intents: "how long since my last heat session", "when can I use the heating pad again".

``RecoveryQuestionHandler`` answers one question for every loaded recovery,
in the asker's language and on the asker's clock; the answers are
``voice/answers.py``'s. The intent names are the questions' names here: the
intent platform (``intent.py``) registers the handlers, and the language
models' question tools (``voice/tools.py``) are named after them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent

from ..const import DOMAIN
from ..data import BackRecoveryConfigEntry
from ..engine import RecoveryState
from ..errors import async_clock_hours
from ..texts import Texts, async_load_texts

INTENT_LAST_HEAT_SESSION: Final = "BackRecoveryLastHeatSession"
INTENT_NEXT_HEAT_SESSION: Final = "BackRecoveryNextHeatSession"

ASKED_ABOUT_ICE: Final = "ice"
"""The ``modality`` slot of a sentence that asks about ice ("when can I ice my back again")."""
_HEAT_ANSWERS: Final = "voice_next_heat_"
_ICE_OR_HEAT_ANSWERS: Final = "voice_next_ice_"


def asked_texts(texts: Texts, slots: Mapping[str, Any]) -> Texts:
    """Return the texts to answer in: asked about ice, the rest gap's answers say "ice or heat".

    The rest gap is shared by ice and heat (rule 7): "when can I ice my back
    again" is answered with the same moments as the heating pad's question,
    said about both (``voice_next_ice_*`` in place of ``voice_next_heat_*``).
    """
    if (slots.get("modality") or {}).get("value") != ASKED_ABOUT_ICE:
        return texts
    return {**texts} | {
        _HEAT_ANSWERS + key.removeprefix(_ICE_OR_HEAT_ANSWERS): said
        for key, said in texts.items()
        if key.startswith(_ICE_OR_HEAT_ANSWERS)
    }


def _loaded_recoveries(hass: HomeAssistant) -> list[tuple[str, RecoveryState]]:
    """Return (title, recovery) of every loaded recovery."""
    entries: list[BackRecoveryConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    return [(entry.title, entry.runtime_data.engine.state) for entry in entries]


class RecoveryQuestionHandler(intent.IntentHandler):
    """Answers one question about every loaded recovery, in the asker's language."""

    def __init__(
        self,
        intent_type: str,
        description: str,
        answer: Callable[[Texts, RecoveryState, int], str],
    ) -> None:
        """Answer ``intent_type`` for each recovery with ``answer``."""
        self.intent_type = intent_type
        self.description = description
        self._answer = answer

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer for the one recovery, or for each, named."""
        texts = asked_texts(
            await async_load_texts(intent_obj.hass, intent_obj.language),
            intent_obj.slots,
        )
        # The asker's time format, else the clock of the language asked in.
        hours = await async_clock_hours(
            intent_obj.hass, intent_obj.context.user_id, intent_obj.language
        )
        response = intent_obj.create_response()
        recoveries = _loaded_recoveries(intent_obj.hass)
        if not recoveries:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                texts["voice_no_recovery"],
            )
            return response
        if len(recoveries) == 1:
            speech = self._answer(texts, recoveries[0][1], hours)
        else:
            speech = " ".join(
                texts["voice_named_answer"].format(
                    name=title, answer=self._answer(texts, recovery, hours)
                )
                for title, recovery in recoveries
            )
        response.response_type = intent.IntentResponseType.QUERY_ANSWER
        response.async_set_speech(speech)
        return response
