"""Tests of the binary sensors session_active and skin_rest."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.back_recovery.const import DOMAIN, EVENT_SKIN_REST_OVER
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import ENTRY_ID, advance

ACTIVE = "binary_sensor.back_recovery_session_active"
REST = "binary_sensor.back_recovery_skin_rest"


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return the state of ``entity_id``."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("entity_id", "key", "device_class"),
    [(ACTIVE, "session_active", "running"), (REST, "skin_rest", None)],
)
async def test_binary_sensors_registered(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    entity_id: str,
    key: str,
    device_class: str | None,
) -> None:
    """Both sensors carry the contract's unique id, key and device class."""
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.unique_id == f"{ENTRY_ID}_{key}"
    assert entry.translation_key == key
    assert hass.states.get(entity_id).attributes.get("device_class") == device_class  # type: ignore[union-attr]


@pytest.mark.usefixtures("init_integration")
async def test_session_then_skin_rest(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A session turns session_active on; its end turns skin_rest on for the gap."""
    rest_over = async_capture_events(hass, EVENT_SKIN_REST_OVER)
    assert state(hass, ACTIVE) == STATE_OFF
    assert state(hass, REST) == STATE_OFF
    await hass.services.async_call(
        DOMAIN,
        "start_session",
        {"config_entry_id": ENTRY_ID, "modality": "ice", "minutes": 10},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert state(hass, ACTIVE) == STATE_ON
    assert state(hass, REST) == STATE_OFF

    await advance(hass, freezer, timedelta(minutes=10))
    assert state(hass, ACTIVE) == STATE_OFF
    assert state(hass, REST) == STATE_ON

    await advance(hass, freezer, timedelta(minutes=119))
    assert state(hass, REST) == STATE_ON
    assert rest_over == []
    await advance(hass, freezer, timedelta(minutes=1))
    assert state(hass, REST) == STATE_OFF
    assert [e.data for e in rest_over] == [{"config_entry_id": ENTRY_ID}]
