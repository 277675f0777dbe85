"""Rules 1 and 7: heat ends after the session length however it started; ice has the same limit.

Rule 1: heat started by the heating pad switch, the action or the plug
itself (by hand, another app, or found on at setup) ends with the plug
switched off no later than the session length after it began. Rule 7: ice
sessions have the same length limit and share the skin rest; the pad switched
on during ice is refused. Driven through the simulated plug, the clock
through freezer.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.back_recovery.const import CONF_SESSION_MINUTES, RecoveryEvent
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from ..helpers.clock import advance
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    PLUG,
    SESSION_ACTIVE,
    SESSION_ENDS,
    START_ICE_SESSION,
    action,
    add_entry,
    entity_state,
    press,
    switch,
)
from ..helpers.plug import PLUG_POWER, plug_power, set_input_boolean, start_heat

# Rule 1: heat ends after the session length, however it started


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action", "outside"])
async def test_rule_1_heat_ends_after_session_minutes_however_started(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """Heat started by the switch, the action or the plug itself ends after 20 minutes."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, how)
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert len(started) == 1
    assert started[0].data["ends_at"] == "2026-11-25T09:20:00+00:00"

    await advance(hass, freezer, timedelta(minutes=19, seconds=59))
    assert entity_state(hass, PLUG) == STATE_ON
    assert ended == []

    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]


@pytest.mark.usefixtures("init_integration")
async def test_rule_1_action_minutes_end_heat_earlier(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Heat started for 5 minutes ends after 5 minutes."""
    await action(hass, "start_session", modality="heat", minutes=5)
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:05:00+00:00"
    await advance(hass, freezer, timedelta(minutes=5))
    assert entity_state(hass, PLUG) == STATE_OFF


@pytest.mark.parametrize("entry_options", [{CONF_SESSION_MINUTES: 12}])
@pytest.mark.usefixtures("init_integration")
async def test_rule_1_session_minutes_option_limits_heat_from_outside(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug switched on by hand ends after the configured session_minutes."""
    await start_heat(hass, "outside")
    await advance(hass, freezer, timedelta(minutes=11, seconds=59))
    assert entity_state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, PLUG) == STATE_OFF


async def test_plug_found_on_without_session_starts_one(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    """A plug found on at setup with no session starts heat with a deadline."""
    await set_input_boolean(hass, PLUG_POWER, on=True)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await add_entry(hass)
    assert len(started) == 1
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF


# Rule 7: ice has the same limit and the same skin rest; no heat during ice


@pytest.mark.usefixtures("init_integration")
async def test_rule_7_ice_session_same_limit_and_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Ice ends after session_minutes and the rest gap then refuses heat."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await press(hass, START_ICE_SESSION)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, PLUG) == STATE_OFF
    with pytest.raises(ServiceValidationError, match="ends at 1:20 AM"):
        await action(hass, "start_session", modality="heat")
    await advance(hass, freezer, timedelta(minutes=20))
    assert [(e.data["modality"], e.data["reason"]) for e in ended] == [
        ("ice", "completed")
    ]
    with pytest.raises(ServiceValidationError) as info:
        await switch(hass, HEATING_PAD, on=True)
    assert info.value.translation_key == "rest_gap_active"
    assert entity_state(hass, PLUG) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_rule_7_plug_switched_on_during_ice_is_refused(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The plug switched on during ice goes off again and the start is blocked."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await action(hass, "start_session", modality="ice", minutes=15)
    await advance(hass, freezer, timedelta(minutes=3))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert [e.data for e in blocked] == [
        {
            "config_entry_id": ENTRY_ID,
            "modality": "heat",
            "allowed_at": "2026-11-25T09:15:00+00:00",
            "cause": "plug",
        }
    ]
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:15:00+00:00"
