"""Tests of the buttons: start an ice session, stop the session."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.const import RecoveryEvent
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .helpers.ha import (
    ENTRY_ID,
    PLUG,
    SESSION_ACTIVE,
    START_ICE_SESSION,
    STOP_SESSION,
    entity_state,
    press,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Set up the button platform only."""
    return [Platform.BUTTON]


async def test_all_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_platforms: MockConfigEntry,
) -> None:
    """The buttons' registry entries and states match the snapshot."""
    await snapshot_platform(hass, entity_registry, snapshot, init_platforms.entry_id)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("entity_id", "key"),
    [(START_ICE_SESSION, "start_ice_session"), (STOP_SESSION, "stop_session")],
)
async def test_buttons_registered(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, entity_id: str, key: str
) -> None:
    """Both buttons carry the contract's unique id and translation key."""
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.unique_id == f"{ENTRY_ID}_{key}"
    assert entry.translation_key == key


@pytest.mark.usefixtures("init_integration")
async def test_start_ice_session(hass: HomeAssistant) -> None:
    """The start button runs an ice session of session_minutes."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await press(hass, START_ICE_SESSION)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [(e.data["modality"], e.data["ends_at"]) for e in started] == [
        ("ice", "2026-11-25T09:20:00+00:00")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_stop_session(hass: HomeAssistant) -> None:
    """The stop button ends the running session with reason stopped."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await press(hass, START_ICE_SESSION)
    await press(hass, STOP_SESSION)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [(e.data["modality"], e.data["reason"]) for e in ended] == [
        ("ice", "stopped")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_stop_without_session_does_nothing(hass: HomeAssistant) -> None:
    """Stop with nothing running does nothing and raises nothing (pressed twice too)."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await press(hass, STOP_SESSION)
    await press(hass, START_ICE_SESSION)
    await press(hass, STOP_SESSION)
    await press(hass, STOP_SESSION)
    await hass.async_block_till_done()
    assert [event.data["reason"] for event in ended] == ["stopped"]
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_start_ice_during_rest_gap_refused(hass: HomeAssistant) -> None:
    """The start button refuses ice during the rest gap."""
    await press(hass, START_ICE_SESSION)
    await press(hass, STOP_SESSION)
    with pytest.raises(ServiceValidationError) as info:
        await press(hass, START_ICE_SESSION)
    assert info.value.translation_key == "rest_gap_active"
