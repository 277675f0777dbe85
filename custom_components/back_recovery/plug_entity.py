"""The heating-pad plug in Home Assistant's registries: the one owner of the plug as an entity.

Which switch may be a plug (the flows' picker and check), the configured
plug, hiding it while wrapped and showing it again, following its renames
and its removal (the repair issue ``heating_pad_missing``), deleting its
issues with the entry, and naming it in a message. Used by the flows, the
repair flow, the entry's lifecycle and the engine; the switching itself is
``engine/plug.py``'s ``HeatingPadPlug``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import (
    Context,
    Event,
    HomeAssistant,
    State,
    callback,
    split_entity_id,
    valid_entity_id,
)
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.event import async_track_entity_registry_updated_event
from homeassistant.helpers.helper_integration import async_handle_source_entity_changes
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig
from homeassistant.helpers.start import async_at_started

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    CONF_HEATING_PAD,
    DOMAIN,
    ISSUE_HEATING_PAD_MISSING,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON,
    ISSUE_HEATING_PAD_UNREACHABLE,
    unique_id,
)
from .issues import async_clear_issue, async_raise_issue
from .therapy import SwitchCause

_LOGGER = logging.getLogger(__name__)


@callback
def configured_plug(entry: ConfigEntry) -> str | None:
    """Return the configured plug; anything but a switch entity id is ignored."""
    plug = entry.data.get(CONF_HEATING_PAD) or None
    if plug is None:
        return None
    if isinstance(plug, str) and valid_entity_id(plug) and plug.startswith("switch."):
        return plug
    _LOGGER.error(
        "The heating pad plug of %s must be a switch entity, not %r; "
        "reconfigure the entry to choose one. Heat stays off until then",
        entry.title,
        plug,
    )
    return None


@callback
def plug_placeholders(hass: HomeAssistant, entity_id: str) -> dict[str, str]:
    """Name the plug in a message: ``entity_id``, and ``plug``, its name as people see it.

    ``plug`` is the friendly name (its state's, else its registry entry's),
    else the entity id: said in the messages a person hears or reads at once
    (a spoken reminder must not spell an entity id; a repair names the plug
    as the dashboard does, its id beside it).
    """
    if (state := hass.states.get(entity_id)) is not None:
        return {"entity_id": entity_id, "plug": state.name}
    registered = er.async_get(hass).async_get(entity_id)
    name = registered and (registered.name or registered.original_name)
    return {"entity_id": entity_id, "plug": name or entity_id}


class PlugReading(StrEnum):
    """What the plug reports, as the rules read it."""

    ON = "on"
    OFF = "off"
    UNKNOWN = "unknown"
    """Reachable, state not known: commanded, neither on nor off for the rules."""
    UNREACHABLE = "unreachable"
    """``unavailable``, or not in the state machine: cannot be commanded."""


def reading(state: State | None) -> PlugReading:
    """Read a switch state: only ``unavailable`` or no state at all is unreachable."""
    if state is None or state.state == STATE_UNAVAILABLE:
        return PlugReading.UNREACHABLE
    if state.state in (STATE_ON, STATE_OFF):
        return PlugReading(state.state)
    return PlugReading.UNKNOWN


def can_be_reached(state: State | None) -> bool:
    """Return whether a plug in ``state`` can be commanded (anything but unreachable)."""
    return reading(state) is not PlugReading.UNREACHABLE


def on_off(state: State | None) -> bool | None:
    """Return whether a switch state is on, or ``None`` when it is neither on nor off."""
    return {PlugReading.ON: True, PlugReading.OFF: False}.get(reading(state))


def switch_cause(context: Context, own: Context) -> SwitchCause | None:
    """Say who switched the plug to a state carrying ``context`` (rule 16); ``None``: ``own``, Back Recovery's start.

    A context with a user is a person's (the dashboard, voice, the app), one
    with a parent an automation's or a script's. Any other is the plug's own:
    a state the plug reports by itself gets a new context, and one it reports
    within 5 seconds of a command carries that command's (Home Assistant's
    entity keeps it that long), such as Back Recovery's own switch-off, whose
    context has neither. An automation started by time alone has neither too.
    """
    if context.id == own.id:
        return None
    if context.user_id is not None:
        return SwitchCause.PERSON
    if context.parent_id is not None:
        return SwitchCause.AUTOMATION
    return SwitchCause.PLUG


@callback
def plug_event_data(
    hass: HomeAssistant, entry_id: str, entity_id: str
) -> dict[str, str]:
    """Return the data of an event about the plug: the entry, the plug, the recovery's device.

    ``device_id`` is the recovery's device (contract, "The truth while the
    pad heats"), so its logbook shows the event: filtered to a device, the
    logbook keeps only events that name it. Left out before the device exists.
    """
    data = {ATTR_CONFIG_ENTRY_ID: entry_id, ATTR_ENTITY_ID: entity_id}
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry_id), entry_id
    )
    if device is not None:
        data[ATTR_DEVICE_ID] = device.id
    return data


def _own_switches(hass: HomeAssistant) -> list[str]:
    """Return the integration's own heating-pad switches: never a plug to wrap."""
    return [
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.domain == Platform.SWITCH
    ]


def plug_selector(hass: HomeAssistant) -> EntitySelector:
    """Return the plug picker of the flows: any switch but the integration's own."""
    return EntitySelector(
        EntitySelectorConfig(
            domain=Platform.SWITCH, exclude_entities=_own_switches(hass)
        )
    )


def resolve_entity(hass: HomeAssistant, entity_id_or_uuid: str) -> str | None:
    """Return the entity id of an entity given by id or registry id; ``None`` if none.

    An entity exists when it has a state or a registry entry.
    """
    registry = er.async_get(hass)
    entity_id = er.async_resolve_entity_id(registry, entity_id_or_uuid)
    if entity_id is None or (
        hass.states.get(entity_id) is None and registry.async_get(entity_id) is None
    ):
        return None
    return entity_id


class PlugRefusedError(ValueError):
    """A plug the flows refuse; ``reason`` is the form's error key (contract.md)."""

    def __init__(self, reason: str) -> None:
        """Refuse with the error key ``reason``."""
        super().__init__(reason)
        self.reason = reason


def validate_plug(
    hass: HomeAssistant, entity_id_or_uuid: str, entry_id: str | None
) -> str:
    """Return the entity id of the plug entry ``entry_id`` (``None``: a new one) is to wrap.

    Raises ``PlugRefusedError``: ``entity_not_found``; ``heating_pad_invalid``
    (not a switch, or this integration's own); ``heating_pad_in_use`` (another
    entry controls it).
    """
    if (entity_id := resolve_entity(hass, entity_id_or_uuid)) is None:
        raise PlugRefusedError("entity_not_found")
    if split_entity_id(entity_id)[0] != Platform.SWITCH or (
        entity_id in _own_switches(hass)
    ):
        raise PlugRefusedError("heating_pad_invalid")
    if any(
        entry.data.get(CONF_HEATING_PAD) == entity_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.entry_id != entry_id
    ):
        raise PlugRefusedError("heating_pad_in_use")
    return entity_id


@callback
def async_unhide_plug(hass: HomeAssistant, entity_id: str) -> None:
    """Show a plug this integration hid; a plug the user hid stays hidden."""
    registry = er.async_get(hass)
    if (
        entry := registry.async_get(entity_id)
    ) and entry.hidden_by is er.RegistryEntryHider.INTEGRATION:
        registry.async_update_entity(entity_id, hidden_by=None)


@callback
def async_hide_plug(hass: HomeAssistant, new: str | None, old: str | None) -> None:
    """Hide the wrapped plug ``new``, like switch_as_x, and show ``old`` given up again."""
    if old and old != new:
        async_unhide_plug(hass, old)
    registry = er.async_get(hass)
    if new and (entry := registry.async_get(new)) and entry.hidden_by is None:
        registry.async_update_entity(new, hidden_by=er.RegistryEntryHider.INTEGRATION)


@callback
def async_remove_pad_switch(hass: HomeAssistant, entry_id: str) -> None:
    """Remove the heating-pad switch left from a plug that was given up."""
    registry = er.async_get(hass)
    if stale := registry.async_get_entity_id(
        Platform.SWITCH, DOMAIN, unique_id(entry_id, "heating_pad")
    ):
        registry.async_remove(stale)


# Following the plug: its renames, its removal, its issues.


@callback
def _async_heating_pad_missing(
    hass: HomeAssistant, entry: ConfigEntry, seen: dict[str, str] | None = None
) -> None:
    """Raise the repair: the plug is gone; pick another or none.

    ``seen``: the plug's placeholders from when it was last there (a removed
    plug's name is gone with it); else whatever still names it.
    """
    plug = entry.data.get(CONF_HEATING_PAD, "")
    named = seen if seen and seen["entity_id"] == plug else None
    async_raise_issue(
        hass,
        ISSUE_HEATING_PAD_MISSING,
        entry.entry_id,
        {**(named or plug_placeholders(hass, plug)), "name": entry.title},
        fixable=True,
    )


@callback
def async_follow_plug(hass: HomeAssistant, entry: ConfigEntry, plug: str) -> None:
    """Follow the plug's registry entry until ``entry`` unloads.

    A renamed plug is written to the entry (its update listener reloads it).
    A removed plug raises ``heating_pad_missing``, and so does one that does
    not exist once Home Assistant has started (checked at once when it has;
    an unload before the start cancels the check); one that exists then, or
    is registered again under its entity id, clears the issue. Any other new
    entity, a re-paired plug with a new entity id, is never taken on: only
    the person picks it, in the issue's fix flow or the reconfigure flow
    (contract rule 17).
    """

    def follow_renamed_plug(new_entity_id: str) -> None:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_HEATING_PAD: new_entity_id}
        )

    # The plug as people saw it last, for the issue once it is gone.
    seen = plug_placeholders(hass, plug)

    async def plug_removed() -> None:
        _async_heating_pad_missing(hass, entry, seen)

    @callback
    def plug_registered(event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        if event.data["action"] != "remove":
            seen.update(plug_placeholders(hass, plug))
        if event.data["action"] == "create":
            async_clear_issue(hass, ISSUE_HEATING_PAD_MISSING, entry.entry_id)

    @callback
    def check(_hass: HomeAssistant) -> None:
        if resolve_entity(hass, plug) is None:
            _async_heating_pad_missing(hass, entry)
        else:
            seen.update(plug_placeholders(hass, plug))
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
    entry.async_on_unload(
        async_track_entity_registry_updated_event(hass, plug, plug_registered)
    )
    entry.async_on_unload(async_at_started(hass, check))


@callback
def async_delete_plug_issues(
    hass: HomeAssistant, entry_id: str, plug: str | None, may_heat: bool = False
) -> None:
    """Delete the plug's issues of a removed entry ``entry_id``.

    A plug still on (or gone), or one that ``may_heat`` (it has not read off
    since the unload alarmed: its power sensor may still read a draw, rule
    14), keeps its warning to unplug the pad (``heating_pad_unreachable``,
    ``heating_pad_not_responding``); nothing would clear
    ``heating_pad_switches_itself_on`` after 30 quiet minutes.
    """
    keys = [ISSUE_HEATING_PAD_MISSING, ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON]
    if not plug or not may_heat and hass.states.is_state(plug, STATE_OFF):
        keys += [ISSUE_HEATING_PAD_UNREACHABLE, ISSUE_HEATING_PAD_NOT_RESPONDING]
    for key in keys:
        async_clear_issue(hass, key, entry_id)


@callback
def async_track_plug(hass: HomeAssistant, entry: ConfigEntry, plug: str | None) -> None:
    """Follow the loaded entry's ``plug`` (``async_follow_plug``) until ``entry`` unloads.

    Without a plug, the heating-pad switch left from a plug given up is
    removed (``async_remove_pad_switch``).
    """
    if plug is not None:
        async_follow_plug(hass, entry, plug)
    else:
        async_remove_pad_switch(hass, entry.entry_id)


@callback
def async_give_plug_back(
    hass: HomeAssistant, entry: ConfigEntry, may_heat: bool = False
) -> None:
    """Give the plug of a removed ``entry`` back: shown on the dashboard, its issues deleted.

    ``may_heat``: see ``async_delete_plug_issues``.
    """
    plug = entry.data.get(CONF_HEATING_PAD)
    if plug:
        async_unhide_plug(hass, plug)
    async_delete_plug_issues(hass, entry.entry_id, plug, may_heat)


@callback
def one_on_plug_device(
    hass: HomeAssistant, plug: str | None, wanted: Callable[[er.RegistryEntry], bool]
) -> str | None:
    """Return the plug's device's one entity that is ``wanted``; ``None`` for none or several.

    The flows' suggestion of the plug's own power sensor (rule 14) and
    auto-off (rule 15). ``None`` too without a plug on a device.
    """
    registry = er.async_get(hass)
    if not plug or (entry := registry.async_get(plug)) is None or not entry.device_id:
        return None
    found = [
        other.entity_id
        for other in er.async_entries_for_device(registry, entry.device_id)
        if wanted(other)
    ]
    return found[0] if len(found) == 1 else None
