"""Repair issues about the plug, and the fix flow when it is gone."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.helper_integration import async_handle_source_entity_changes
from homeassistant.helpers.start import async_at_started

from .const import (
    CONF_HEATING_PAD,
    ISSUE_HEATING_PAD_MISSING,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
)
from .issues import async_clear_issue, async_raise_issue
from .plug_entity import (
    PlugRefusedError,
    async_hide_plug,
    plug_selector,
    resolve_entity,
    validate_plug,
)


@callback
def _async_heating_pad_missing(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Raise the repair: the plug is gone; pick another or none."""
    async_raise_issue(
        hass,
        ISSUE_HEATING_PAD_MISSING,
        entry.entry_id,
        {"entity_id": entry.data.get(CONF_HEATING_PAD, ""), "name": entry.title},
        fixable=True,
    )


@callback
def async_follow_plug(hass: HomeAssistant, entry: ConfigEntry, plug: str) -> None:
    """Follow the plug's registry entry until ``entry`` unloads.

    A renamed plug is written to the entry (its update listener reloads it).
    A removed plug raises ``heating_pad_missing``, and so does one that does
    not exist once Home Assistant has started (checked at once when it has;
    an unload before the start cancels the check); one that exists then
    clears the issue.
    """

    def follow_renamed_plug(new_entity_id: str) -> None:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_HEATING_PAD: new_entity_id}
        )

    async def plug_removed() -> None:
        _async_heating_pad_missing(hass, entry)

    @callback
    def check(_hass: HomeAssistant) -> None:
        if resolve_entity(hass, plug) is None:
            _async_heating_pad_missing(hass, entry)
        else:
            async_clear_issue(hass, ISSUE_HEATING_PAD_MISSING, entry.entry_id)

    entry.async_on_unload(
        async_handle_source_entity_changes(
            hass,
            helper_config_entry_id=entry.entry_id,
            set_source_entity_id_or_uuid=follow_renamed_plug,
            source_device_id=None,
            source_entity_id_or_uuid=plug,
            source_entity_removed=plug_removed,
        )
    )
    entry.async_on_unload(async_at_started(hass, check))


@callback
def async_delete_plug_issues(
    hass: HomeAssistant, entry_id: str, plug: str | None
) -> None:
    """Delete the plug's issues of a removed entry ``entry_id``.

    A plug still on (or gone) keeps its warning to unplug the pad
    (``heating_pad_unreachable``, ``heating_pad_not_responding``).
    """
    keys = [ISSUE_HEATING_PAD_MISSING]
    if not plug or hass.states.is_state(plug, STATE_OFF):
        keys += [ISSUE_HEATING_PAD_UNREACHABLE, ISSUE_HEATING_PAD_NOT_RESPONDING]
    for key in keys:
        async_clear_issue(hass, key, entry_id)


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
            description_placeholders={
                "entity_id": entry.data.get(CONF_HEATING_PAD, "")
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow for a missing plug."""
    return HeatingPadMissingFlow(str((data or {}).get("entry_id", "")))
