"""Which recovery an entity that Home Assistant's built-in intents target belongs to.

The built-in intents (``HassTurnOn``, ``HassTurnOff``, ``HassGetState``)
target entities by name; ``recovery_entity`` tells whether one is a loaded
recovery's, and which: its heating-pad switch, its stop button, another. The
handlers of ``voice/turn_on.py`` and ``voice/get_state.py`` answer for those
from the recovery's snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from ..const import DOMAIN, unique_id
from ..data import BackRecoveryConfigEntry
from ..engine import RecoveryState

HEATING_PAD_KEY: Final = "heating_pad"
"""The key of a recovery's heating-pad switch (``switch.py``)."""
STOP_SESSION_KEY: Final = "stop_session"
"""The key of a recovery's stop button (``button.py``)."""


@dataclass(frozen=True, slots=True)
class RecoveryEntity:
    """An entity of a loaded recovery: the entry it belongs to and its key (``heating_pad``)."""

    entry: BackRecoveryConfigEntry
    key: str

    @property
    def recovery(self) -> RecoveryState:
        """The recovery as it stands now (the engine's snapshot)."""
        return self.entry.runtime_data.engine.state

    def switches_off(self, service_turns_on: bool) -> bool:
        """Whether turning it on (``service_turns_on``) or off asks for the heating pad to go off.

        The heating pad's Off and the stop button's press (which the built-in
        intents call turning it on) do.
        """
        if self.key == HEATING_PAD_KEY:
            return not service_turns_on
        return self.key == STOP_SESSION_KEY and service_turns_on


@callback
def recovery_entity(hass: HomeAssistant, entity_id: str) -> RecoveryEntity | None:
    """Return the loaded recovery's entity ``entity_id``; ``None`` when it is no such entity."""
    registry_entry = er.async_get(hass).async_get(entity_id)
    if (
        registry_entry is None
        or registry_entry.platform != DOMAIN
        or registry_entry.config_entry_id is None
    ):
        return None
    entry: BackRecoveryConfigEntry | None = hass.config_entries.async_get_entry(
        registry_entry.config_entry_id
    )
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        return None
    # unique_id(entry_id, key) is "<entry id>_<key>".
    return RecoveryEntity(
        entry, registry_entry.unique_id.removeprefix(unique_id(entry.entry_id, ""))
    )
