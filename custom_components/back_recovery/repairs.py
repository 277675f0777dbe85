"""Repair issues about the plug, and the fix flow when it is gone."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.start import async_at_started

from .config_flow import async_hide_plug, user_schema, validate_user_input
from .const import CONF_HEATING_PAD, DOMAIN, ISSUE_HEATING_PAD_MISSING


def _missing_issue_id(entry: ConfigEntry) -> str:
    return f"{ISSUE_HEATING_PAD_MISSING}_{entry.entry_id}"


@callback
def async_heating_pad_missing(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise the repair: the plug is gone; pick another or none."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _missing_issue_id(entry),
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_HEATING_PAD_MISSING,
        translation_placeholders={
            "entity_id": entry.data.get(CONF_HEATING_PAD, ""),
            "name": entry.title,
        },
        data={"entry_id": entry.entry_id},
    )


@callback
def async_check_heating_pad_exists(
    hass: HomeAssistant, entry: ConfigEntry, plug: str
) -> None:
    """Once Home Assistant has started, raise the issue if ``plug`` is not there.

    The check runs at once when Home Assistant has started already (the entry
    is then still being set up); an unload before the start cancels it.
    """

    @callback
    def check(_hass: HomeAssistant) -> None:
        if hass.states.get(plug) is None and er.async_get(hass).async_get(plug) is None:
            async_heating_pad_missing(hass, entry)
        else:
            ir.async_delete_issue(hass, DOMAIN, _missing_issue_id(entry))

    entry.async_on_unload(async_at_started(hass, check))


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
            candidate = {
                **entry.data,
                CONF_HEATING_PAD: user_input.get(CONF_HEATING_PAD),
            }
            errors = {
                key: error
                for key, error in validate_user_input(
                    self.hass, candidate, entry.entry_id
                ).items()
                if key == CONF_HEATING_PAD
            }
            if not errors:
                old = entry.data.get(CONF_HEATING_PAD)
                data = {k: v for k, v in entry.data.items() if k != CONF_HEATING_PAD}
                if plug := candidate.get(CONF_HEATING_PAD):
                    data[CONF_HEATING_PAD] = plug
                async_hide_plug(self.hass, plug, old)
                ir.async_delete_issue(self.hass, DOMAIN, _missing_issue_id(entry))
                # A loaded entry's update listener reloads it with the new plug.
                self.hass.config_entries.async_update_entry(entry, data=data)
                return self.async_create_entry(data={})
        schema = user_schema(self.hass, {})
        return self.async_show_form(
            step_id="pick_plug",
            data_schema=vol.Schema(
                {k: v for k, v in schema.schema.items() if k == CONF_HEATING_PAD}
            ),
            errors=errors,
            description_placeholders={
                "entity_id": entry.data.get(CONF_HEATING_PAD, "")
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow for a missing plug."""
    return HeatingPadMissingFlow(str((data or {}).get("entry_id", "")))
