"""Back Recovery: a safe heating pad and a visible recovery after a lower-back stress fracture."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.helper_integration import async_handle_source_entity_changes
from homeassistant.helpers.storage import Store
from homeassistant.helpers.typing import ConfigType

from .const import CONF_HEATING_PAD, DOMAIN, PLATFORMS, STORAGE_VERSION
from .data import BackRecoveryConfigEntry, BackRecoveryData
from .engine import RecoveryEngine
from .repairs import async_check_heating_pad_exists, async_heating_pad_missing
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once for all entries."""
    async_setup_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> bool:
    """Load one person's recovery: the engine first, then the platforms that show it."""
    engine = RecoveryEngine(hass, entry)
    entry.runtime_data = BackRecoveryData(engine)
    await engine.async_load()

    if (plug := engine.plug_entity_id) is not None:

        def follow_renamed_plug(new_entity_id: str) -> None:
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_HEATING_PAD: new_entity_id}
            )
            hass.config_entries.async_schedule_reload(entry.entry_id)

        async def plug_removed() -> None:
            async_heating_pad_missing(hass, entry)

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
        async_check_heating_pad_exists(hass, entry)

    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_options_updated(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> None:
    """Options apply to the next session without a reload."""
    entry.runtime_data.engine.async_options_updated()


async def async_unload_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> bool:
    """Switch the plug off first (a heat session ends 'unloaded'), then unload."""
    await entry.runtime_data.engine.async_unload()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> None:
    """Give the plug back to the dashboard and forget the history."""
    if plug := entry.data.get(CONF_HEATING_PAD):
        registry = er.async_get(hass)
        if (
            plug_entry := registry.async_get(plug)
        ) and plug_entry.hidden_by is er.RegistryEntryHider.INTEGRATION:
            registry.async_update_entity(plug, hidden_by=None)
    await Store[dict[str, object]](
        hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}"
    ).async_remove()
