"""Voice aliases: "turn on the heating pad", not "turn on back recovery heating pad".

Assist matches an entity by its full name (device name and entity name) or an
alias. When an entity of a recovery is first registered, it also gets its own
name as an alias ("Heating pad", "Recovery phase", "Skin rest", in Home
Assistant's language), unless another Back Recovery entity already has that
alias (a second person's recovery): then its full name stays the way to say it.
Aliases are only suggested once; the user may change or remove them.
"""

from __future__ import annotations

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .data import BackRecoveryConfigEntry


@callback
def async_suggest_voice_aliases(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> CALLBACK_TYPE:
    """Give each newly registered entity of ``entry`` its own name as an alias."""
    registry = er.async_get(hass)

    @callback
    def _created(event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        registry_entry = registry.async_get(event.data["entity_id"])
        if registry_entry is not None and registry_entry.config_entry_id == (
            entry.entry_id
        ):
            async_add_short_alias(registry, registry_entry)

    return hass.bus.async_listen(
        er.EVENT_ENTITY_REGISTRY_UPDATED, _created, event_filter=_is_creation
    )


@callback
def _is_creation(data: er.EventEntityRegistryUpdatedData) -> bool:
    return data["action"] == "create"


@callback
def async_add_short_alias(
    registry: er.EntityRegistry, registry_entry: er.RegistryEntry
) -> None:
    """Add the entity's own name as an alias, keeping the full name first."""
    name = (registry_entry.original_name or "").strip()
    if (
        not name
        or not registry_entry.has_entity_name
        or registry_entry.aliases != [er.COMPUTED_NAME]
    ):
        return
    taken = {
        alias.casefold()
        for other in registry.entities.values()
        if other.platform == DOMAIN and other.entity_id != registry_entry.entity_id
        for alias in other.aliases
        if isinstance(alias, str)
    }
    if name.casefold() in taken:
        return
    registry.async_update_entity(
        registry_entry.entity_id, aliases=[er.COMPUTED_NAME, name]
    )
