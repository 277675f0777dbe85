"""Tools for conversation agents built on language models (the Assist API).

Home Assistant 2026.10 gives such agents, and its MCP server, only the tools
an integration offers in its ``llm.py`` (contract: "Assist tools for language
models"); our question intents do not reach them otherwise. The tools:

- ``back_recovery__get_status`` (read-only): one recovery as it stands, read
  from the engine's view, never from the state machine;
- ``back_recovery__start_session``, ``back_recovery__stop_session``,
  ``back_recovery__log_pain``: they call our actions, so the rules and
  refusals are exactly the actions'; a refusal comes back as an error result
  carrying its translated message (the asker's language);
- ``back_recovery__log_exercise``, offered when an exposed recovery has a
  rehabilitation programme: it calls ``back_recovery.log_exercise``; the
  programme itself is in ``get_status`` (``voice/exercise_answers.py``);
- ``back_recovery__BackRecoveryLastHeatSession`` and
  ``back_recovery__BackRecoveryNextHeatSession`` (read-only): the two question
  intents' answers;
- ``back_recovery__log_dose``: a dose of one of the person's medicines
  (``voice/medication_tools.py``), with the prompt that Back Recovery gives
  no drug, dose or interaction advice; the status tool lists the medicines.
- ``back_recovery__BackRecoveryActivityCleared`` (read-only): "may I run
  yet?", from the clearances the person recorded.

A tool acts only on recoveries with at least one entity exposed to the
assistant that asks. With more than one such recovery a tool takes ``name``
(the entry title) and, without it, answers with the names to choose from.
Descriptions for the model are English; what a person reads is translated.
The tools are ``voice/tools.py``'s and ``voice/tool_actions.py``'s; this
module offers them.
"""

from __future__ import annotations

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.llm import LLM_API_ASSIST, LLMContext, Tool

from .data import BackRecoveryConfigEntry
from .voice.activities import ActivityQuestionTool
from .voice.answers import last_heat_answer, next_heat_answer
from .voice.medication_tools import PROMPT as MEDICATION_PROMPT, LogDoseTool
from .voice.questions import INTENT_LAST_HEAT_SESSION, INTENT_NEXT_HEAT_SESSION
from .voice.tool_actions import (
    LogExerciseTool,
    LogPainTool,
    StartSessionTool,
    StopSessionTool,
)
from .voice.tools import GetStatusTool, QuestionTool, exposed_recoveries


@callback
def async_get_tools(
    hass: HomeAssistant, llm_context: LLMContext, api_id: str
) -> LLMTools | None:
    """Return the tools for the Assist API when a recovery is exposed to the assistant."""
    if api_id != LLM_API_ASSIST:
        return None
    entries = exposed_recoveries(hass, llm_context.assistant)
    titles = [entry.title for entry in entries]
    if not titles:
        return None
    exercises: list[Tool] = (
        [LogExerciseTool(titles)] if any(map(_has_programme, entries)) else []
    )
    return LLMTools(
        tools=[
            *exercises,
            GetStatusTool(titles),
            StartSessionTool(titles),
            StopSessionTool(titles),
            LogPainTool(titles),
            LogDoseTool(titles),
            ActivityQuestionTool(titles),
            QuestionTool(
                titles,
                INTENT_LAST_HEAT_SESSION,
                "Last heat session",
                "Answer how long ago the last heat session (heating pad) of the "
                "back recovery ended, or until when the running one lasts, or "
                "that the heating pad has not confirmed that it is off; a "
                "sentence to say as it is.",
                last_heat_answer,
            ),
            QuestionTool(
                titles,
                INTENT_NEXT_HEAT_SESSION,
                "Next heat session",
                "Answer when the heating pad of the back recovery may be used "
                "again (the skin rests at least 2 hours between sessions); a "
                "sentence to say as it is.",
                next_heat_answer,
            ),
        ],
        prompt=MEDICATION_PROMPT,
    )


def _has_programme(entry: BackRecoveryConfigEntry) -> bool:
    """Whether the recovery has an exercise (a rehabilitation programme to log in)."""
    programme = entry.runtime_data.engine.records.exercises
    return programme is not None and bool(programme.status.exercises)
