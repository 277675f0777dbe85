"""The repair flow of ``heating_pad_missing``: pick another plug, or none.

The issue itself is raised and cleared where the plug is followed in the
registries (``plug_entity.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import CONF_HEATING_PAD, DOMAIN, ISSUE_HEATING_PAD_MISSING, issue_id
from .issues import async_clear_issue
from .plug_entity import (
    PlugRefusedError,
    async_hide_plug,
    plug_placeholders,
    plug_selector,
    validate_plug,
)


class HeatingPadMissingFlow(RepairsFlow):
    """Pick another plug, or none."""

    def __init__(self, entry_id: str) -> None:
        """Fix the entry ``entry_id``."""
        self.entry_id = entry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start at the only step."""
        return await self.async_step_pick_plug()

    async def async_step_pick_plug(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Show the plug picker; an empty choice removes the heating pad."""
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {k: v for k, v in entry.data.items() if k != CONF_HEATING_PAD}
            try:
                if picked := user_input.get(CONF_HEATING_PAD):
                    data[CONF_HEATING_PAD] = validate_plug(
                        self.hass, picked, entry.entry_id
                    )
            except PlugRefusedError as err:
                errors[CONF_HEATING_PAD] = err.reason
            else:
                async_hide_plug(
                    self.hass,
                    data.get(CONF_HEATING_PAD),
                    entry.data.get(CONF_HEATING_PAD),
                )
                async_clear_issue(self.hass, ISSUE_HEATING_PAD_MISSING, entry.entry_id)
                # A loaded entry's update listener reloads it with the new plug.
                self.hass.config_entries.async_update_entry(entry, data=data)
                return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="pick_plug",
            data_schema=vol.Schema(
                {vol.Optional(CONF_HEATING_PAD): plug_selector(self.hass)}
            ),
            errors=errors,
            description_placeholders=self._placeholders(entry.data),
        )

    def _placeholders(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Name the missing plug as the issue did: its name, its entity id beside it.

        The issue was raised while the plug could still be named; gone since,
        only its entity id is left to name it.
        """
        issue = ir.async_get(self.hass).async_get_issue(
            DOMAIN, issue_id(ISSUE_HEATING_PAD_MISSING, self.entry_id)
        )
        said = dict(issue.translation_placeholders or {}) if issue else {}
        return plug_placeholders(self.hass, data.get(CONF_HEATING_PAD, "")) | {
            key: said[key] for key in ("plug", "entity_id") if said.get(key)
        }


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow for a missing plug."""
    return HeatingPadMissingFlow(str((data or {}).get("entry_id", "")))
