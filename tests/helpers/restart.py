"""A restart: a second Home Assistant sharing the test's storage, and the crash it can end in.

The test's own ``hass`` then plays Home Assistant coming back.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.back_recovery.const import DOMAIN
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .plug import PLUG_CONFIG


@asynccontextmanager
async def other_home_assistant(
    storage: dict[str, Any], stop: bool = True
) -> AsyncGenerator[HomeAssistant]:
    """Run a second Home Assistant with the plug and the entry, sharing the storage.

    ``storage`` is what ``hass_storage`` holds for the entry when it starts.
    """
    async with async_test_home_assistant() as other:
        other.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        assert await async_setup_component(other, "input_boolean", PLUG_CONFIG)
        assert await async_setup_component(other, "template", PLUG_CONFIG)
        await other.async_block_till_done()
        yield other
        for entry in other.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                await other.config_entries.async_unload(entry.entry_id)
        await other.async_block_till_done()
        if stop:
            await other.async_stop(force=True)
