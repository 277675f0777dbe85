"""The Back Recovery tools for language models: which recovery, who asks, and the reading tools.

A tool acts only on recoveries with at least one entity exposed to the
assistant that asks (contract: "Assist tools for language models"). With
more than one, it takes ``name`` (the entry title) and, without it, answers
with the names to choose from. ``RecoveryTool`` is what every tool shares;
the reading tools are here (``get_status`` and the two question intents'
answers, from ``voice/answers.py``), the acting ones in
``voice/tool_actions.py``. ``llm.py`` offers them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.const import MATCH_ALL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.llm import (
    LLMContext,
    Tool,
    ToolAnnotations,
    ToolInput,
    ToolResult,
)
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..data import BackRecoveryConfigEntry
from ..engine import RecoveryState
from ..errors import async_clock_hours
from ..texts import Texts, async_load_texts
from ..therapy import same_name
from .answers import activities_status, local_iso, status, time_since_text
from .exercise_answers import programme_status
from .medication import medicines_status

TOOL_PREFIX: Final = f"{DOMAIN}__"
ATTR_NAME: Final = "name"

_NAME_DESCRIPTION: Final = (
    "The name of the recovery (the person's Back Recovery). Required when "
    "several recoveries are set up; without it the tool answers with the names."
)

_READS: Final = ToolAnnotations(
    read_only=True, destructive=False, idempotent=True, open_world=False
)


# Which recoveries an assistant may act on.


@callback
def exposed_recoveries(
    hass: HomeAssistant, assistant: str
) -> list[BackRecoveryConfigEntry]:
    """Return the loaded recoveries with at least one entity exposed to ``assistant``.

    Exposure is Home Assistant's (Settings → Voice assistants → Expose); a
    disabled entity does not count.
    """
    registry = er.async_get(hass)
    entries: list[BackRecoveryConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    return [
        entry
        for entry in entries
        if any(
            not entity.disabled
            and async_should_expose(hass, assistant, entity.entity_id)
            for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
        )
    ]


def asker_language(hass: HomeAssistant, llm_context: LLMContext) -> str:
    """Return the language to answer in: the asker's, else Home Assistant's.

    Home Assistant's MCP server asks in every language (``*``): it gets Home
    Assistant's.
    """
    language = llm_context.language
    return language if language and language != MATCH_ALL else hass.config.language


def asker_user_id(llm_context: LLMContext) -> str | None:
    """Return the id of the person who asked, when Home Assistant knows them."""
    return llm_context.context.user_id if llm_context.context else None


class RecoveryTool(Tool):
    """A tool on one exposed recovery, chosen by ``name`` when there are several."""

    integration = DOMAIN

    def __init__(self, titles: list[str]) -> None:
        """Offer ``name`` (one of ``titles``) when more than one recovery is exposed."""
        schema: dict[Any, Any] = {}
        if len(titles) > 1:
            schema[vol.Optional(ATTR_NAME, description=_NAME_DESCRIPTION)] = vol.In(
                titles
            )
        schema.update(self.fields())
        self.parameters = vol.Schema(schema)

    def fields(self) -> dict[Any, Any]:
        """Return the tool's own parameters (besides ``name``)."""
        return {}

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult:
        """Choose the recovery, then act on it; an unclear choice is an error result."""
        args = dict(tool_input.tool_args)
        name = args.pop(ATTR_NAME, None)
        texts = await async_load_texts(hass, asker_language(hass, llm_context))
        entries = exposed_recoveries(hass, llm_context.assistant)
        titles = [entry.title for entry in entries]
        if not entries:
            return error_result(texts["llm_no_recovery"])
        if name:
            entries = [e for e in entries if same_name(e.title, str(name))]
            if len(entries) != 1:
                return error_result(
                    texts["llm_unknown_recovery"].format(
                        name=name, names=", ".join(titles)
                    ),
                    names=titles,
                )
        elif len(entries) > 1:
            return error_result(
                texts["llm_choose_recovery"].format(names=", ".join(titles)),
                names=titles,
            )
        return await self.async_act(hass, entries[0], args, texts, llm_context)

    @abstractmethod
    async def async_act(
        self,
        hass: HomeAssistant,
        entry: BackRecoveryConfigEntry,
        args: dict[str, Any],
        texts: Texts,
        llm_context: LLMContext,
    ) -> ToolResult:
        """Act on the recovery of ``entry`` with the tool's other arguments."""


def error_result(message: str, **extra: Any) -> ToolResult:
    """Return an error result: the message for the model (and the person), and more."""
    return ToolResult(data={"error": message, **extra}, error=True)


# Reading.


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
        "therapist is recommended; when the last session, the last heat session "
        "and the last ice session ended, each with how long ago in words (say "
        "that, e.g. '12 minutes ago'). Times are local ISO times. When "
        "heating_pad_may_heat is true the heating pad may still be heating (its "
        "plug has not confirmed that it is off, or cannot be reached): say "
        "heating_pad_warning first; it tells the person to unplug the heating pad. "
        "medicines (when the person added any): per medicine the limits the "
        "person entered from the label or the prescription, doses in the last 24 "
        "hours and when the next dose is allowed by those limits; Back Recovery "
        "gives no drug, dose or interaction advice. "
        "With a rehabilitation programme, exercises: today's items (done or "
        "open), the 7-day adherence in percent, and per exercise its target, "
        "its pain rule and its response to pain (green, amber, red, unknown); "
        "therapist_progression_note is the physical therapist's own words: say "
        "it as theirs. Never suggest, change or progress an exercise. "
        "activities: each activity the guidance says to avoid until the doctor "
        "permits it (and the person's own), with the clearance the person "
        "recorded (cleared_on, cleared_by) or none; say its answer as it is and "
        "never call an activity allowed without a recorded clearance: the "
        "recovery phase clears nothing."
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
        """Return the status of the recovery, with the time since each kind of session, and its programme."""
        recovery = entry.runtime_data.engine.state
        since: dict[str, Any] = {}
        for key, moment in (
            ("last_session_end", recovery.last_session_end),
            ("last_heat_session", recovery.last_heat_end),
            ("last_ice_session", recovery.last_ice_end),
        ):
            since[key] = local_iso(moment)
            since[f"{key}_ago"] = time_since_text(texts, moment)
        activities = entry.runtime_data.engine.records.activities.states()
        since["activities"] = activities_status(texts, activities, dt_util.now().date())
        data: dict[str, Any] = {"name": entry.title, **status(recovery, texts), **since}
        # Pain medication, only once the person added a medicine (issue 24).
        if medicines := medicines_status(entry.runtime_data.engine.records.medication):
            data["medicines"] = medicines
        programme = entry.runtime_data.engine.records.exercises
        if programme is not None and programme.status.exercises:
            data["exercises"] = programme_status(texts, programme.status)
        return ToolResult(data=data)


class QuestionTool(RecoveryTool):
    """One of the question intents, answered for the chosen recovery."""

    annotations = _READS

    def __init__(
        self,
        titles: list[str],
        intent_type: str,
        title: str,
        description: str,
        answer: Callable[[Texts, RecoveryState, int], str],
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
        recovery = entry.runtime_data.engine.state
        return ToolResult(
            data={"name": entry.title, "answer": self._answer(texts, recovery, hours)}
        )
