"""Voice aliases: "turn on the heating pad", not "turn on back recovery heating pad".

Assist matches an entity by its full name (device name and entity name) or an
alias. When an entity of a recovery is first registered, it also gets its own
name as an alias ("Heating pad", "Recovery phase", "Skin rest", in Home
Assistant's language), unless another Back Recovery entity already has that
alias (a second person's recovery): then its full name stays the way to say it.
Aliases are only suggested once; the user may change or remove them.

The recovery phase and the skin rest are also exposed to Assist when they are
first registered ("what is the recovery phase", "is the skin rest on"): Home
Assistant exposes switches by default, but not enum sensors or binary sensors
without a device class. Like the aliases this is a suggestion made once: an
entity whose exposure the user already chose, or an installation where the user
turned off exposing new entities, is left alone.
"""

from __future__ import annotations

from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from ..const import DOMAIN
from ..data import BackRecoveryConfigEntry


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
            async_suggest_exposure(hass, registry_entry)

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


# Assist's own name for its default conversation agent in the expose settings.
ASSISTANT = "conversation"
# The entities (translation keys) that answer the built-in questions.
EXPOSED_KEYS = frozenset({"phase", "skin_rest"})


@callback
def async_suggest_exposure(
    hass: HomeAssistant, registry_entry: er.RegistryEntry
) -> None:
    """Expose a new phase or skin-rest entity to Assist, unless the user chose."""
    if (
        registry_entry.translation_key not in EXPOSED_KEYS
        or "should_expose" in registry_entry.options.get(ASSISTANT, {})
        or (exposed := hass.data.get(DATA_EXPOSED_ENTITIES)) is None
        or not exposed.async_get_expose_new_entities(ASSISTANT)
    ):
        return
    async_expose_entity(hass, ASSISTANT, registry_entry.entity_id, True)
