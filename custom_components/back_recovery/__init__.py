"""Back Recovery: a safe heating pad and a visible recovery after a lower-back stress fracture."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.helper_integration import async_handle_source_entity_changes
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_HEATING_PAD,
    DOMAIN,
    ISSUE_HEATING_PAD_MISSING,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
    ISSUE_STORAGE_NOT_WRITABLE,
    PLATFORMS,
)
from .data import BackRecoveryConfigEntry, BackRecoveryData
from .engine import RecoveryEngine
from .repairs import async_check_heating_pad_exists, async_heating_pad_missing
from .services import async_setup_services
from .store import async_remove_history
from .voice import async_suggest_voice_aliases

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
    entry.runtime_data = BackRecoveryData(
        engine, title=entry.title, data=dict(entry.data)
    )
    await engine.async_load()
    # Also when a later step fails: listeners, timers and the shutdown job go.
    entry.async_on_unload(engine.async_unload)

    if (plug := engine.plug_entity_id) is not None:

        def follow_renamed_plug(new_entity_id: str) -> None:
            # The update listener reloads the entry with the new entity id.
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_HEATING_PAD: new_entity_id}
            )

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
        async_check_heating_pad_exists(hass, entry, plug)
    else:
        # A heating-pad switch left from a plug that was given up.
        registry = er.async_get(hass)
        if stale := registry.async_get_entity_id(
            Platform.SWITCH, DOMAIN, f"{entry.entry_id}_heating_pad"
        ):
            registry.async_remove(stale)

    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    entry.async_on_unload(async_suggest_voice_aliases(hass, entry))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_entry_updated(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> None:
    """Reload for a new name, injury date or plug; options apply without a reload."""
    runtime = entry.runtime_data
    if entry.title != runtime.title or dict(entry.data) != runtime.data:
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    runtime.engine.async_options_updated()


async def async_unload_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> bool:
    """Switch the plug off first (a heat session ends 'unloaded'), then unload."""
    await entry.runtime_data.engine.async_unload()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> None:
    """Give the plug back to the dashboard and forget the history and the issues."""
    if plug := entry.data.get(CONF_HEATING_PAD):
        registry = er.async_get(hass)
        if (
            plug_entry := registry.async_get(plug)
        ) and plug_entry.hidden_by is er.RegistryEntryHider.INTEGRATION:
            registry.async_update_entity(plug, hidden_by=None)
    issues = [ISSUE_HEATING_PAD_MISSING, ISSUE_STORAGE_NOT_WRITABLE]
    if not plug or hass.states.is_state(plug, STATE_OFF):
        # A plug still on (or gone) keeps its warning to unplug the pad.
        issues += [ISSUE_HEATING_PAD_UNREACHABLE, ISSUE_HEATING_PAD_NOT_RESPONDING]
    for issue in issues:
        ir.async_delete_issue(hass, DOMAIN, f"{issue}_{entry.entry_id}")
    await async_remove_history(hass, entry.entry_id)
