"""The language-model tool ``back_recovery__log_dose`` (contract "Pain medication").

It calls the action ``back_recovery.log_dose`` for the chosen recovery, so
the rules are the action's: a dose is never refused for the limits; input
that is no dose (an unknown medicine, a moment in the future) comes back as
an error result with its translated message. The result says what the dose
means against the limits the person entered. ``PROMPT`` tells the model that
Back Recovery gives no drug, dose or interaction advice.
"""

from __future__ import annotations

from typing import Any, Final, override

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.llm import LLMContext, ToolAnnotations, ToolResult

from ..const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_MEDICATION,
    ATTR_MOST_DOSES_24H,
    ATTR_TAKEN_AT,
    CONF_MAX_DOSES_PER_24H,
    DOMAIN,
    Service,
)
from ..data import BackRecoveryConfigEntry
from ..errors import async_error_text
from ..texts import Texts, dose_warning_text
from .tools import TOOL_PREFIX, RecoveryTool, asker_language, error_result

PROMPT: Final = (
    "Back Recovery records the doses of the person's medicines against the "
    "limits the person entered from the label or the prescription, and says "
    "when a dose is outside them or when the next dose is allowed by them. "
    "It gives no drug, dose or interaction advice, and neither do you: never "
    "suggest a medicine, a dose, a limit or whether medicines may be combined; "
    "say the warnings as they are and refer questions about medicines to a "
    "pharmacist or doctor. Never call a dose safe."
)
"""The prompt fragment that goes with the medication tools."""


class LogDoseTool(RecoveryTool):
    """Records a dose of one of the person's medicines."""

    name = f"{TOOL_PREFIX}log_dose"
    title = "Log a dose"
    description = (
        "Record that the person took a dose of one of their medicines (by the "
        "name they entered; the status tool lists them), now or at an earlier "
        "time. A dose is always recorded. The result says whether it is within "
        "the limits the person entered (warnings: too_soon, "
        "daily_limit_reached, one_before_limit, same_kind_overlap; "
        "warnings_text says them in the person's language) and when the next "
        "dose is allowed by those limits. Give no advice of your own."
    )
    annotations = ToolAnnotations(destructive=False, open_world=False)

    @override
    def fields(self) -> dict[Any, Any]:
        """Return ``medication`` and ``taken_at``."""
        return {
            vol.Required(
                ATTR_MEDICATION,
                description="The medicine's name as the person entered it.",
            ): str,
            vol.Optional(
                ATTR_TAKEN_AT,
                description="When the dose was taken, ISO date and time (local time "
                "without an offset); default now. Not in the future.",
            ): str,
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
        """Call the action; its refusal is an error result in the asker's language."""
        try:
            response = await hass.services.async_call(
                DOMAIN,
                Service.LOG_DOSE,
                {**args, ATTR_CONFIG_ENTRY_ID: entry.entry_id},
                blocking=True,
                context=llm_context.context,
                return_response=True,
            )
        except HomeAssistantError as err:
            return error_result(
                await async_error_text(hass, err, asker_language(hass, llm_context))
            )
        except vol.Invalid as err:
            return error_result(str(err))
        data = dict(response or {})
        said = data.get("warnings")
        warnings = [
            dose_warning_text(
                texts,
                warning,
                data.get(ATTR_MOST_DOSES_24H),
                data.get(CONF_MAX_DOSES_PER_24H),
            )
            for warning in (said if isinstance(said, list) else [])
        ]
        return ToolResult(
            data={
                "success": True,
                "name": entry.title,
                **data,
                "warnings_text": " ".join(warnings) or None,
            }
        )
