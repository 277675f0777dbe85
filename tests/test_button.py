"""Tests of the buttons: start an ice session, stop the session."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.back_recovery.const import (
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
)
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .conftest import ENTRY_ID, PLUG

START_ICE = "button.back_recovery_start_ice_session"
STOP = "button.back_recovery_stop_session"
ACTIVE = "binary_sensor.back_recovery_session_active"


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button."""
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("entity_id", "key"),
    [(START_ICE, "start_ice_session"), (STOP, "stop_session")],
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
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await press(hass, START_ICE)
    assert hass.states.get(ACTIVE).state == STATE_ON  # type: ignore[union-attr]
    assert hass.states.get(PLUG).state == STATE_OFF  # type: ignore[union-attr]
    assert [(e.data["modality"], e.data["ends_at"]) for e in started] == [
        ("ice", "2026-11-25T09:20:00+00:00")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_stop_session(hass: HomeAssistant) -> None:
    """The stop button ends the running session with reason stopped."""
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await press(hass, START_ICE)
    await press(hass, STOP)
    assert hass.states.get(ACTIVE).state == STATE_OFF  # type: ignore[union-attr]
    assert [(e.data["modality"], e.data["reason"]) for e in ended] == [
        ("ice", "stopped")
    ]


@pytest.mark.usefixtures("init_integration")
async def test_stop_without_session_does_nothing(hass: HomeAssistant) -> None:
    """Stop with nothing running does nothing and raises nothing (pressed twice too)."""
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await press(hass, STOP)
    await press(hass, START_ICE)
    await press(hass, STOP)
    await press(hass, STOP)
    await hass.async_block_till_done()
    assert [event.data["reason"] for event in ended] == ["stopped"]
    assert hass.states.get("binary_sensor.back_recovery_session_active").state == "off"  # type: ignore[union-attr]


@pytest.mark.usefixtures("init_integration")
async def test_start_ice_during_rest_gap_refused(hass: HomeAssistant) -> None:
    """The start button refuses ice during the rest gap."""
    await press(hass, START_ICE)
    await press(hass, STOP)
    with pytest.raises(ServiceValidationError) as info:
        await press(hass, START_ICE)
    assert info.value.translation_key == "rest_gap_active"
