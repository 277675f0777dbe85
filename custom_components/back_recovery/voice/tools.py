"""What every Back Recovery tool for language models shares: which recovery, and its status.

A tool acts only on recoveries with at least one entity exposed to the
assistant that asks (contract: "Assist tools for language models"). With
more than one, it takes ``name`` (the entry title) and, without it, answers
with the names to choose from. ``llm.py`` offers the tools.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.const import MATCH_ALL
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.llm import LLMContext, Tool, ToolInput, ToolResult
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType

from ..const import DOMAIN
from ..data import BackRecoveryConfigEntry
from ..engine import RecoveryView
from ..texts import Texts, async_load_texts, guidance_text, phase_text
from ..therapy import round_for_display

ATTR_NAME: Final = "name"

_NAME_DESCRIPTION: Final = (
    "The name of the recovery (the person's Back Recovery). Required when "
    "several recoveries are set up; without it the tool answers with the names."
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


def local_iso(moment: datetime | None) -> str | None:
    """Say a moment as local ISO time with its offset, or ``None``."""
    return dt_util.as_local(moment).isoformat() if moment is not None else None


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
            wanted = str(name).strip().casefold()
            entries = [e for e in entries if e.title.strip().casefold() == wanted]
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


def status(view: RecoveryView, texts: Texts) -> JsonObjectType:
    """Return one recovery as it stands; local times with their offset.

    Read from the view only (the engine's truth, not the state machine). The
    pain diary's note is health data that the model does not need: left out.
    """
    running = view.running
    allowed = view.next_session_allowed
    pain = view.pain
    latest = pain.latest
    return {
        "now": local_iso(view.now),
        "phase": view.phase.value,
        "phase_name": phase_text(view.phase, texts),
        "guidance": guidance_text(view.phase, texts),
        "days_since_injury": view.days_since_injury,
        "recommended_therapy": view.recommended_therapy.value,
        "session_running": running is not None,
        "session": (
            {
                "modality": running.modality.value,
                "started_at": local_iso(running.started),
                "ends_at": local_iso(running.planned_end),
            }
            if running is not None
            else None
        ),
        "skin_rest": view.skin_resting,
        "next_session_allowed": local_iso(allowed),
        "next_session_allowed_now": running is None
        and (allowed is None or allowed <= view.now),
        "sessions_today": view.sessions_today,
        "latest_pain": (
            {"level": latest.level, "recorded_at": local_iso(latest.recorded_at)}
            if latest is not None
            else None
        ),
        "pain_average_7d": round_for_display(pain.average_7d),
        "pain_trend": pain.trend.value,
        "review_recommended": pain.review.recommended,
    }
