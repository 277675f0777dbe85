"""The Back Recovery tools for language models that act: start and stop a session, log pain, log an exercise.

They call the integration's actions, so the rules and refusals are exactly
the actions'; a refusal comes back as an error result carrying its translated
message, in the asker's language and on the asker's clock. A stop the plug
does not confirm is said as what it is: "I could not switch it off: unplug
the heating pad" (contract: "The truth while the pad heats").

The tools' parameters repeat the actions' fields (``services.py``'s schemas):
the model reads them as JSON schema with a description per field, where the
actions' schemas say less (no descriptions; the pain level any number, as the
action takes ``2.0``; ``recorded_at`` without a type). The action validates
each call again, so its schema stays the rule. One declaration for both
would put the descriptions on the actions' fields and refine two of them here.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.llm import LLMContext, ToolAnnotations, ToolResult
from homeassistant.util.json import JsonObjectType

from ..const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DONE_AT,
    ATTR_EXERCISE,
    ATTR_LEVEL,
    ATTR_MINUTES,
    ATTR_MODALITY,
    ATTR_NOTE,
    ATTR_PAIN_DURING,
    ATTR_RECORDED_AT,
    ATTR_REPS_DONE,
    ATTR_SECONDS_DONE,
    ATTR_SETS_DONE,
    ATTR_SKIP_REASON,
    ATTR_SKIPPED,
    DOMAIN,
    Service,
)
from ..data import BackRecoveryConfigEntry
from ..engine import RecoveryState
from ..errors import async_error_text, async_said_to
from ..texts import Texts
from ..therapy import (
    NOTE_MAX_LENGTH,
    PAIN_LEVEL_MAX,
    PAIN_LEVEL_MIN,
    Modality,
    SkipReason,
    round_for_display,
)
from .answers import NOT_SWITCHED_OFF, local_iso, plug_did_not_confirm
from .exercise_answers import item_text, open_today
from .tools import (
    TOOL_PREFIX,
    RecoveryTool,
    asker_language,
    asker_user_id,
    error_result,
)

_STARTS: Final = ToolAnnotations(destructive=False, open_world=False)
_STOPS: Final = ToolAnnotations(destructive=False, idempotent=True, open_world=False)
_ADDS: Final = ToolAnnotations(destructive=False, open_world=False)


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
            return await self.async_error(hass, err, texts, language)
        except vol.Invalid as err:
            return error_result(str(err))
        recovery = entry.runtime_data.engine.state
        return ToolResult(
            data={"success": True, "name": entry.title, **self.result(recovery)}
        )

    async def async_error(
        self, hass: HomeAssistant, err: HomeAssistantError, texts: Texts, language: str
    ) -> ToolResult:
        """Return the action's error as an error result: its message in ``language``."""
        return error_result(await async_error_text(hass, err, language))

    @abstractmethod
    def result(self, recovery: RecoveryState) -> JsonObjectType:
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
    def result(self, recovery: RecoveryState) -> JsonObjectType:
        """Return the session that now runs and its end."""
        running = recovery.running
        return {
            "modality": running.modality.value if running else None,
            "ends_at": local_iso(recovery.session_ends),
        }


class StopSessionTool(ActionTool):
    """Ends the running session."""

    name = f"{TOOL_PREFIX}stop_session"
    title = "Stop the session"
    description = (
        "End the running ice or heat session now (heat: the heating pad goes "
        "off). With no session running nothing happens. The skin rest starts "
        "at the session's end. When the heating pad plug does not confirm that "
        "it switched off, the error says so: tell the person to unplug the "
        "heating pad."
    )
    annotations = _STOPS
    action = Service.STOP_SESSION

    @override
    async def async_error(
        self, hass: HomeAssistant, err: HomeAssistantError, texts: Texts, language: str
    ) -> ToolResult:
        """Say a switch-off the plug has not confirmed as such: unplug the heating pad.

        Contract: "The truth while the pad heats". Other errors are said as the action's.
        """
        if plug_did_not_confirm(err):
            return error_result(texts[NOT_SWITCHED_OFF], heating_pad_may_heat=True)
        return await super().async_error(hass, err, texts, language)

    @override
    def result(self, recovery: RecoveryState) -> JsonObjectType:
        """Return when the next session is allowed."""
        return {"next_session_allowed": local_iso(recovery.next_session_allowed)}


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
    def result(self, recovery: RecoveryState) -> JsonObjectType:
        """Return the diary's reading after the entry."""
        pain = recovery.pain
        return {
            "pain_average_7d": round_for_display(pain.average_7d),
            "pain_trend": pain.trend.value,
            "review_recommended": pain.review.recommended,
        }


def _amount(high: int) -> vol.All[Any]:
    return vol.All(vol.Coerce(int), vol.Range(min=0, max=high))


class LogExerciseTool(ActionTool):
    """Logs one session of an exercise of the rehabilitation programme, done or skipped."""

    name = f"{TOOL_PREFIX}log_exercise"
    title = "Log an exercise"
    description = (
        "Record that the person did, or skipped, one exercise of the "
        "rehabilitation programme their physical therapist prescribed (the "
        "exercises are in get_status). Without amounts it counts as done as "
        "prescribed. Ask for the pain during the exercise (0-10) when the "
        "person mentions pain. A skip needs skip_reason. Never suggest, change "
        "or progress an exercise: only the physical therapist does."
    )
    annotations = _ADDS
    action = Service.LOG_EXERCISE

    @override
    def fields(self) -> dict[Any, Any]:
        """Return the fields of ``back_recovery.log_exercise`` (the action validates them again)."""
        return {
            vol.Required(
                ATTR_EXERCISE,
                description="The exercise's name, as the programme names it.",
            ): vol.All(str, vol.Length(min=1)),
            vol.Optional(
                ATTR_DONE_AT,
                description="When it was done, ISO date and time (local time "
                "without an offset); default now. Not in the future.",
            ): str,
            vol.Optional(ATTR_SETS_DONE, description="Sets done, 0 to 10."): _amount(
                10
            ),
            vol.Optional(
                ATTR_REPS_DONE, description="Repetitions per set done, 0 to 100."
            ): _amount(100),
            vol.Optional(
                ATTR_SECONDS_DONE, description="Seconds held per set, 0 to 3600."
            ): _amount(3600),
            vol.Optional(
                ATTR_PAIN_DURING,
                description="Pain during the exercise, a whole number from 0 to 10.",
            ): vol.All(
                vol.Coerce(int), vol.Range(min=PAIN_LEVEL_MIN, max=PAIN_LEVEL_MAX)
            ),
            vol.Optional(
                ATTR_SKIPPED, description="True when the exercise was skipped."
            ): bool,
            vol.Optional(
                ATTR_SKIP_REASON, description="Why it was skipped (needed for a skip)."
            ): vol.In([reason.value for reason in SkipReason]),
            vol.Optional(
                ATTR_NOTE, description="A short note, at most 200 characters."
            ): vol.All(str, vol.Length(max=NOTE_MAX_LENGTH)),
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
        """Log through the action; after it, what is still open today and the adherence."""
        result = await super().async_act(hass, entry, args, texts, llm_context)
        programme = entry.runtime_data.engine.records.exercises
        if result.error or programme is None:
            return result
        status = programme.status
        data = dict(result.data or {})
        data["open_today"] = [item_text(texts, item) for item in open_today(status)]
        data["adherence_7d"] = status.adherence_7d
        return ToolResult(data=data)

    @override
    def result(self, recovery: RecoveryState) -> JsonObjectType:
        """Return nothing of the recovery's state (``async_act`` adds the programme's)."""
        return {}
