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
- ``back_recovery__BackRecoveryLastHeatSession`` and
  ``back_recovery__BackRecoveryNextHeatSession`` (read-only): the two question
  intents' answers.

A tool acts only on recoveries with at least one entity exposed to the
assistant that asks. With more than one such recovery a tool takes ``name``
(the entry title) and, without it, answers with the names to choose from.
Descriptions for the model are English; what a person reads is translated.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.llm import (
    LLM_API_ASSIST,
    LLMContext,
    ToolAnnotations,
    ToolResult,
)
from homeassistant.util.json import JsonObjectType

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_LEVEL,
    ATTR_MINUTES,
    ATTR_MODALITY,
    ATTR_NOTE,
    ATTR_RECORDED_AT,
    DOMAIN,
    Service,
)
from .data import BackRecoveryConfigEntry
from .engine import RecoveryView
from .errors import async_clock_hours, async_error_text, async_said_to
from .intent import (
    INTENT_LAST_HEAT_SESSION,
    INTENT_NEXT_HEAT_SESSION,
    last_heat_answer,
    next_heat_answer,
)
from .texts import Texts
from .therapy import (
    NOTE_MAX_LENGTH,
    PAIN_LEVEL_MAX,
    PAIN_LEVEL_MIN,
    Modality,
    round_for_display,
)
from .voice.tools import (
    RecoveryTool,
    asker_language,
    asker_user_id,
    error_result,
    exposed_recoveries,
    local_iso,
    status,
)

TOOL_PREFIX: Final = f"{DOMAIN}__"

_READS: Final = ToolAnnotations(
    read_only=True, destructive=False, idempotent=True, open_world=False
)
_STARTS: Final = ToolAnnotations(destructive=False, open_world=False)
_STOPS: Final = ToolAnnotations(destructive=False, idempotent=True, open_world=False)
_ADDS: Final = ToolAnnotations(destructive=False, open_world=False)


class GetStatusTool(RecoveryTool):
    """How one recovery stands: phase, guidance, sessions, skin rest and pain."""

    name = f"{TOOL_PREFIX}get_status"
    title = "Back recovery status"
    description = (
        "Get the state of a person's lower-back recovery: the recovery phase and "
        "what the guidance says to do in it, the recommended therapy (ice or "
        "heat), the running ice or heat session and when it ends, the skin rest "
        "(at least 2 hours between sessions) and when the next session is "
        "allowed, sessions today, the latest pain level (0-10), the 7-day pain "
        "average and its trend, and whether a review by a doctor or physical "
        "therapist is recommended. Times are local ISO times."
    )
    annotations = _READS

    @override
    async def async_act(
        self,
        hass: HomeAssistant,
        entry: BackRecoveryConfigEntry,
        args: dict[str, Any],
        texts: Texts,
        llm_context: LLMContext,
    ) -> ToolResult:
        """Return the status of the recovery."""
        return ToolResult(
            data={"name": entry.title, **status(entry.runtime_data.engine.view, texts)}
        )


class QuestionTool(RecoveryTool):
    """One of the question intents, answered for the chosen recovery."""

    annotations = _READS

    def __init__(
        self,
        titles: list[str],
        intent_type: str,
        title: str,
        description: str,
        answer: Callable[[Texts, RecoveryView, int], str],
    ) -> None:
        """Answer ``intent_type`` with ``answer``, like the intent does."""
        super().__init__(titles)
        self.name = f"{TOOL_PREFIX}{intent_type}"
        self.title = title
        self.description = description
        self._answer = answer

    @override
    async def async_act(
        self,
        hass: HomeAssistant,
        entry: BackRecoveryConfigEntry,
        args: dict[str, Any],
        texts: Texts,
        llm_context: LLMContext,
    ) -> ToolResult:
        """Return the intent's answer in the asker's language, on the asker's clock."""
        hours = await async_clock_hours(
            hass, asker_user_id(llm_context), asker_language(hass, llm_context)
        )
        view = entry.runtime_data.engine.view
        return ToolResult(
            data={"name": entry.title, "answer": self._answer(texts, view, hours)}
        )


# Acting: through the actions, so their rules and refusals hold.


class ActionTool(RecoveryTool):
    """Calls one of our actions for the chosen recovery."""

    action: str

    @override
    async def async_act(
        self,
        hass: HomeAssistant,
        entry: BackRecoveryConfigEntry,
        args: dict[str, Any],
        texts: Texts,
        llm_context: LLMContext,
    ) -> ToolResult:
        """Call the action; a refusal is an error result with its translated message.

        Raises nothing: the action's ``ServiceValidationError`` (a refusal),
        ``HomeAssistantError`` (a plug that did not confirm) and schema errors
        come back as error results.
        """
        language = asker_language(hass, llm_context)
        try:
            # The asker's clock, as the asker's language: the action alone
            # knows only the person.
            async with async_said_to(hass, asker_user_id(llm_context), language):
                await hass.services.async_call(
                    DOMAIN,
                    self.action,
                    {**args, ATTR_CONFIG_ENTRY_ID: entry.entry_id},
                    blocking=True,
                    context=llm_context.context,
                )
        except HomeAssistantError as err:
            return error_result(await async_error_text(hass, err, language))
        except vol.Invalid as err:
            return error_result(str(err))
        view = entry.runtime_data.engine.view
        return ToolResult(
            data={"success": True, "name": entry.title, **self.result(view)}
        )

    @abstractmethod
    def result(self, view: RecoveryView) -> JsonObjectType:
        """Return what the model should know after the action succeeded."""


class StartSessionTool(ActionTool):
    """Starts an ice or heat session."""

    name = f"{TOOL_PREFIX}start_session"
    title = "Start an ice or heat session"
    description = (
        "Start an ice or heat therapy session on the lower back. Heat switches "
        "the heating pad on and off again by itself. Refused while a session "
        "runs or the skin rests (at least 2 hours between sessions); the refusal "
        "says when a session is allowed again. Tell the person the reason."
    )
    annotations = _STARTS
    action = Service.START_SESSION

    @override
    def fields(self) -> dict[Any, Any]:
        """Return ``modality`` and ``minutes``."""
        return {
            vol.Required(ATTR_MODALITY, description="ice or heat"): vol.In(
                [modality.value for modality in Modality]
            ),
            vol.Optional(
                ATTR_MINUTES,
                description="Session length in minutes (default: the configured "
                "length; always less than 20).",
            ): vol.Coerce(int),
        }

    @override
    def result(self, view: RecoveryView) -> JsonObjectType:
        """Return the session that now runs and its end."""
        running = view.running
        return {
            "modality": running.modality.value if running else None,
            "ends_at": local_iso(view.session_ends),
        }


class StopSessionTool(ActionTool):
    """Ends the running session."""

    name = f"{TOOL_PREFIX}stop_session"
    title = "Stop the session"
    description = (
        "End the running ice or heat session now (heat: the heating pad goes "
        "off). With no session running nothing happens. The skin rest starts "
        "at the session's end."
    )
    annotations = _STOPS
    action = Service.STOP_SESSION

    @override
    def result(self, view: RecoveryView) -> JsonObjectType:
        """Return when the next session is allowed."""
        return {"next_session_allowed": local_iso(view.next_session_allowed)}


class LogPainTool(ActionTool):
    """Records a pain level in the pain diary."""

    name = f"{TOOL_PREFIX}log_pain"
    title = "Log pain"
    description = (
        "Record the person's lower-back pain level in the pain diary: 0 (no "
        "pain) to 10 (worst imaginable), now or at an earlier time. Ask for the "
        "level when the person did not say it."
    )
    annotations = _ADDS
    action = Service.LOG_PAIN

    @override
    def fields(self) -> dict[Any, Any]:
        """Return ``level``, ``recorded_at`` and ``note``."""
        return {
            vol.Required(
                ATTR_LEVEL, description="Pain level, a whole number from 0 to 10."
            ): vol.All(
                vol.Coerce(int), vol.Range(min=PAIN_LEVEL_MIN, max=PAIN_LEVEL_MAX)
            ),
            vol.Optional(
                ATTR_RECORDED_AT,
                description="When the pain was felt, ISO date and time (local "
                "time without an offset); default now. Not in the future.",
            ): str,
            vol.Optional(
                ATTR_NOTE, description="A short note, at most 200 characters."
            ): vol.All(str, vol.Length(max=NOTE_MAX_LENGTH)),
        }

    @override
    def result(self, view: RecoveryView) -> JsonObjectType:
        """Return the diary's reading after the entry."""
        pain = view.pain
        return {
            "pain_average_7d": round_for_display(pain.average_7d),
            "pain_trend": pain.trend.value,
            "review_recommended": pain.review.recommended,
        }


@callback
def async_get_tools(
    hass: HomeAssistant, llm_context: LLMContext, api_id: str
) -> LLMTools | None:
    """Return the tools for the Assist API when a recovery is exposed to the assistant."""
    if api_id != LLM_API_ASSIST:
        return None
    titles = [entry.title for entry in exposed_recoveries(hass, llm_context.assistant)]
    if not titles:
        return None
    return LLMTools(
        tools=[
            GetStatusTool(titles),
            StartSessionTool(titles),
            StopSessionTool(titles),
            LogPainTool(titles),
            QuestionTool(
                titles,
                INTENT_LAST_HEAT_SESSION,
                "Last heat session",
                "Answer how long ago the last heat session (heating pad) of the "
                "back recovery ended, or until when the running one lasts; a "
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
        ]
    )
