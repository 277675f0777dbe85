"""Tests of the heating pad's problem sensor: on while a switch-off is unconfirmed."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import (
    ENTRY_ID,
    PLUG_FAILS,
    PLUG_IGNORES,
    PLUG_ONLINE,
    PLUG_POWER,
    add_entry,
    advance,
    entity_state,
    plug_power,
    set_input_boolean,
    start_heat,
)

PROBLEM = "binary_sensor.back_recovery_heating_pad_switch_off"


def reason(hass: HomeAssistant) -> str | None:
    """Return the problem sensor's ``reason`` attribute."""
    state = hass.states.get(PROBLEM)
    assert state is not None
    value: str | None = state.attributes.get("reason")
    return value


@pytest.mark.usefixtures("init_integration")
async def test_problem_sensor_registered(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A problem binary sensor with the key's unique id, off while the plug obeys."""
    entry = entity_registry.async_get(PROBLEM)
    assert entry is not None
    assert entry.unique_id == f"{ENTRY_ID}_heating_pad_problem"
    assert entry.translation_key == "heating_pad_problem"
    assert entry.entity_category is None
    state = hass.states.get(PROBLEM)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes["device_class"] == "problem"
    assert "reason" not in state.attributes


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("fault", [PLUG_IGNORES, PLUG_FAILS])
async def test_rule_10_problem_on_while_the_plug_does_not_switch_off(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, fault: str
) -> None:
    """A plug that stays on after the switch-off: on (not_responding) until it is off."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, fault, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(seconds=5))
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, PROBLEM) == STATE_ON
    assert reason(hass) == "not_responding"

    await set_input_boolean(hass, fault, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PROBLEM) == STATE_OFF
    assert reason(hass) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_5_problem_on_while_the_plug_is_unreachable(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug gone at the planned end: on (unreachable) until it is back and off."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, PROBLEM) == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, PROBLEM) == STATE_ON
    assert reason(hass) == "unreachable"

    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PROBLEM) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_problem_follows_the_plug_from_unreachable_to_still_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Back, but ignoring the switch-off: the reason changes, the sensor stays on."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    assert reason(hass) == "unreachable"
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    await advance(hass, freezer, timedelta(seconds=60))
    assert entity_state(hass, PROBLEM) == STATE_ON
    assert reason(hass) == "not_responding"
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert entity_state(hass, PROBLEM) == STATE_OFF


async def test_no_problem_sensor_without_a_heating_pad(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Without a plug there is nothing to unplug: no problem sensor."""
    entry: MockConfigEntry = await add_entry(hass, plug=None)
    assert (
        entity_registry.async_get_entity_id(
            "binary_sensor", "back_recovery", f"{entry.entry_id}_heating_pad_problem"
        )
        is None
    )
