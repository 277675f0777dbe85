"""Rules 2 and 6: heat is refused while the skin rests; the rest counts from the real end.

Rule 2: during the rest gap (2 hours by default) the switch and the action
refuse heat, a plug switched on anyway goes off again at once and
``back_recovery_session_blocked`` fires; also when the pad is found on at a
restart after ice. Rule 6: a plug switched off by hand ends the session and
the rest counts from then.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from ..helpers.clock import advance
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    PLUG,
    SESSION_ACTIVE,
    SKIN_REST,
    action,
    add_entry,
    entity_state,
    switch,
)
from ..helpers.plug import PLUG_POWER, plug_power, set_input_boolean, start_heat
from ..helpers.restart import crash

# Rule 2: heat is refused while the skin rests


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_2_start_refused_during_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """During the rest gap the switch and the action refuse heat; the plug stays off."""
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=20))
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await advance(hass, freezer, timedelta(minutes=30))

    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, how)
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == "rest_gap_active"
    # 11:20 UTC is 3:20 AM in the test time zone (US/Pacific), on English's clock.
    assert info.value.translation_placeholders == {"allowed_at": "3:20 AM"}
    assert "3:20 AM" in str(info.value)
    await hass.async_block_till_done()
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert [e.data for e in blocked] == [
        {
            "config_entry_id": ENTRY_ID,
            "modality": "heat",
            "allowed_at": "2026-11-25T11:20:00+00:00",
        }
    ]


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_plug_switched_on_during_rest_gap_switched_off_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug switched on by hand during the rest gap goes off again and the start is blocked."""
    await start_heat(hass, "switch")
    await switch(hass, HEATING_PAD, on=False)
    await hass.async_block_till_done()
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await advance(hass, freezer, timedelta(minutes=90))

    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert started == []
    assert len(blocked) == 1
    assert blocked[0].data["allowed_at"] == "2026-11-25T11:00:00+00:00"

    # Again, and again: every time.
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 2


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_heat_allowed_again_after_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Once the rest gap is over, heat starts again."""
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=119, seconds=59))
    assert entity_state(hass, SKIN_REST) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    await start_heat(hass, "switch")
    assert entity_state(hass, PLUG) == STATE_ON


async def test_rule_2_restart_after_ice_switches_off_a_plug_found_on(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Ice ran out while Home Assistant was down and the pad was switched on by hand.

    The ice session is closed and the plug, on during the rest gap, goes off.
    """
    async with crash(hass_storage) as crashed:
        await action(crashed, "start_session", modality="ice")

    await advance(hass, freezer, timedelta(minutes=30))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:20:00+00:00"
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T11:20:00+00:00"]
    await advance(hass, freezer, timedelta(hours=2))
    assert plug_power(hass) == STATE_OFF


# Rule 6: a plug switched off by hand ends the session; the rest counts from then


@pytest.mark.usefixtures("init_integration")
async def test_rule_6_plug_switched_off_outside_ends_session_external(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The plug switched off by hand ends heat 'external'; the rest gap counts from then."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=8))
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["external"]
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:08:00+00:00"
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:08:00+00:00"
    assert entity_state(hass, SKIN_REST) == STATE_ON
    # No timer is left to fire at the old planned end.
    await advance(hass, freezer, timedelta(minutes=12))
    assert len(ended) == 1
