"""The heating-pad switch: the safe way to switch the plug under the pad."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brace_entities import async_setup_brace_entities
from .data import BackRecoveryConfigEntry
from .entity import BackRecoveryEntity
from .errors import async_said_to
from .therapy import Modality

PARALLEL_UPDATES = 0

HEATING_PAD = SwitchEntityDescription(key="heating_pad")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BackRecoveryConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the heating-pad switch when a plug is configured (and the brace's while it has no sensor)."""
    if entry.runtime_data.engine.plug_entity_id is not None:
        async_add_entities([HeatingPadSwitch(entry, HEATING_PAD)])
    async_setup_brace_entities(hass, entry, Platform.SWITCH, async_add_entities)


class HeatingPadSwitch(BackRecoveryEntity, SwitchEntity):
    """Mirrors the plug; turning it on starts a heat session under the safety rules."""

    # The last refusal only tells a dashboard to show the state again: the
    # session_blocked event is what the recorder keeps of it.
    _unrecorded_attributes = frozenset({"session_ends", "last_refusal"})
    # Turning it on is a request the safety rules may refuse, so the frontend
    # must not show the switch on before the plug is: with an assumed state
    # it shows separate on and off buttons that follow the state, where its
    # toggle (tile card, more-info) would stay on after a refusal until the
    # page is reloaded (frontend 20260930: the toggle keeps its own position
    # when the state it is given does not change).
    _attr_assumed_state = True

    @property
    def available(self) -> bool:
        """Unavailable while the plug is."""
        return self.recovery.plug_available

    @property
    def is_on(self) -> bool | None:
        """Whether the plug is on."""
        return self.recovery.plug_on

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The plug it governs, when the heat ends and the last refused start.

        ``last_refusal`` changes with every refused or undone start, so the
        state written after one always differs from the one before: a
        dashboard that showed the switch on while it asked receives the state
        and shows it off again.
        """
        ends = self.recovery.session_ends
        running = self.recovery.running
        refusal = self.recovery.last_refusal
        return {
            "plug_entity_id": self.recovery.plug_entity_id,
            "session_ends": ends.isoformat()
            if ends and running and running.modality is Modality.HEAT
            else None,
            "last_refusal": refusal.as_attribute() if refusal else None,
        }

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start a heat session, or raise the refusal (rest gap, session running).

        While its own heat session runs (one the plug confirmed), nothing
        changes and nothing fires (Home Assistant's convention for a switch
        that is on already). A start still waiting for the plug is not one:
        its outcome is this call's too (``RecoveryEngine.async_turn_on_pad``).
        """
        user_id = self._context.user_id if self._context else None
        async with async_said_to(self.hass, user_id):
            await self.engine.async_turn_on_pad()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """End the heat session and switch the plug off.

        Raises ``HomeAssistantError`` ``heating_pad_not_responding`` when the
        plug does not confirm ``off`` (the dashboard shows it; the switch-off
        goes on).
        """
        await self.engine.async_turn_off_pad()
