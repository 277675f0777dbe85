"""The heating-pad plug in Home Assistant's registries: which switch may be one, and hiding it.

Used by the flows, the repair flow and the entry's lifecycle; the switching
itself is ``plug.HeatingPadPlug``'s.
"""

from __future__ import annotations

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback, split_entity_id, valid_entity_id
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig

from .const import CONF_HEATING_PAD, DOMAIN, unique_id

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

    ``plug`` is the friendly name, else the entity id: said in the messages
    a person hears or reads at once (a spoken reminder must not spell an
    entity id).
    """
    state = hass.states.get(entity_id)
    return {
        "entity_id": entity_id,
        "plug": state.name if state is not None else entity_id,
    }


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
