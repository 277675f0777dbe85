"""Tests of the binary sensors: session_active, skin_rest and the heating pad's problem sensor.

The problem sensor is on while a switch-off is unconfirmed; its rules 5 and
10 are in ``safety/test_plug_faults.py``.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .helpers.clock import advance
from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD_PROBLEM,
    SESSION_ACTIVE,
    SKIN_REST,
    UNREACHABLE_ISSUE,
    action,
    add_entry,
    entity_state,
    problem_reason,
)
from .helpers.plug import (
    PLUG_IGNORES,
    PLUG_ONLINE,
    PLUG_POWER,
    set_input_boolean,
    start_heat,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Set up the binary sensor platform only."""
    return [Platform.BINARY_SENSOR]


async def test_all_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_platforms: MockConfigEntry,
) -> None:
    """The binary sensors' registry entries and states match the snapshot."""
    await snapshot_platform(hass, entity_registry, snapshot, init_platforms.entry_id)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("entity_id", "key", "device_class"),
    [(SESSION_ACTIVE, "session_active", "running"), (SKIN_REST, "skin_rest", None)],
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
    rest_over = async_capture_events(hass, RecoveryEvent.SKIN_REST_OVER)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    await action(hass, "start_session", modality="ice", minutes=10)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF

    await advance(hass, freezer, timedelta(minutes=10))
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON

    await advance(hass, freezer, timedelta(minutes=119))
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert rest_over == []
    await advance(hass, freezer, timedelta(minutes=1))
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert [e.data for e in rest_over] == [{"config_entry_id": ENTRY_ID}]


# The heating pad's problem sensor: on while a switch-off is unconfirmed


@pytest.mark.usefixtures("init_integration")
async def test_problem_sensor_registered(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A problem binary sensor with the key's unique id, off while the plug obeys."""
    entry = entity_registry.async_get(HEATING_PAD_PROBLEM)
    assert entry is not None
    assert entry.unique_id == f"{ENTRY_ID}_heating_pad_problem"
    assert entry.translation_key == "heating_pad_problem"
    assert entry.entity_category is None
    state = hass.states.get(HEATING_PAD_PROBLEM)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes["device_class"] == "problem"
    assert "reason" not in state.attributes


@pytest.mark.usefixtures("init_integration")
async def test_problem_follows_the_plug_from_unreachable_to_still_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Back, but ignoring the switch-off: the reason changes, the sensor stays on."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    assert problem_reason(hass) == "unreachable"
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    await advance(hass, freezer, timedelta(seconds=60))
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_ON
    assert problem_reason(hass) == "not_responding"
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF


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


# "May still be heating": a plug that becomes unreachable during heat is shown at once


@pytest.mark.usefixtures("init_integration")
async def test_plug_unreachable_during_heat_may_still_be_heating_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """At minute 5 the plug drops off: on at once; the repair issue comes at the planned end (rule 5)."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_ON
    assert problem_reason(hass) == "may_still_be_heating"
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    await advance(hass, freezer, timedelta(minutes=15))
    assert problem_reason(hass) == "unreachable"
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert entity_state(hass, PLUG_POWER) == STATE_OFF
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF
    assert problem_reason(hass) is None


@pytest.mark.usefixtures("init_integration")
async def test_plug_back_during_heat_clears_may_still_be_heating(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Back before the planned end: the plug is seen again, the sensor goes off."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert problem_reason(hass) == "may_still_be_heating"
    await advance(hass, freezer, timedelta(minutes=3))
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_plug_unreachable_without_heat_is_no_problem(hass: HomeAssistant) -> None:
    """Unreachable with no heat running (ice, or nothing): nothing may be heating."""
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF
    await action(hass, "start_session", modality="ice")
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF
