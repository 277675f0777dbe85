"""A restart: a second Home Assistant sharing the test's storage, and the crash it can end in.

The test's own ``hass`` then plays Home Assistant coming back.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
import copy
from typing import Any

from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.back_recovery.const import DOMAIN
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .ha import add_entry
from .plug import setup_plug
from .storage import STORAGE_KEY


@asynccontextmanager
async def other_home_assistant(
    storage: dict[str, Any], stop: bool = True
) -> AsyncGenerator[HomeAssistant]:
    """Run a second Home Assistant with the plug and the entry, sharing the storage.

    ``storage`` is what ``hass_storage`` holds for the entry when it starts.
    """
    async with async_test_home_assistant() as other:
        other.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        await setup_plug(other)
        yield other
        for entry in other.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                await other.config_entries.async_unload(entry.entry_id)
        await other.async_block_till_done()
        if stop:
            await other.async_stop(force=True)


@asynccontextmanager
async def crash(storage: dict[str, Any]) -> AsyncGenerator[HomeAssistant]:
    """Run the test entry in a second Home Assistant that then crashes.

    What the block leaves in the entry's storage is all that survives: the
    saves of the clean unload after it are lost, as in a crash. The test's own
    ``hass`` then plays Home Assistant coming back.
    """
    async with other_home_assistant(storage) as crashed:
        await add_entry(crashed)
        yield crashed
        kept = copy.deepcopy(storage[STORAGE_KEY])
        # A crash switches nothing and waits for nothing: the engine stops
        # where it stands (its crash seam), then the harness tidies up.
        for entry in crashed.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                entry.runtime_data.engine.abandon()
    storage[STORAGE_KEY] = kept
