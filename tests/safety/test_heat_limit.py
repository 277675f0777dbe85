"""The engine: requests and their refusals, outcomes carried out, events, lifecycle.

The safety rules the engine carries out end to end, one test (or more) named
after each rule: the template-switch plug from conftest, the heating pad
switch, the buttons and the actions, the clock through freezer.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_SESSION_MINUTES,
    DOMAIN,
    RecoveryEvent,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_CALL_SERVICE, STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError

from ..helpers.clock import advance
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    SESSION_ACTIVE,
    SESSION_ENDS,
    SKIN_REST,
    START_ICE_SESSION,
    action,
    add_entry,
    config_entries_disabler,
    entity_state,
    press,
    start_heat,
    switch,
)
from ..helpers.plug import (
    PLUG,
    PLUG_ONLINE,
    PLUG_POWER,
    PLUG_STALE,
    plug_power,
    set_input_boolean,
)
from ..helpers.restart import other_home_assistant
from ..helpers.storage import STORAGE_KEY


def record_order(hass: HomeAssistant) -> list[str]:
    """Record plug switch calls and session events in the order they happen."""
    order: list[str] = []

    @callback
    def on_call(event: Event) -> None:
        if event.data["domain"] == "switch":
            order.append(f"switch.{event.data['service']}")

    @callback
    def on_ended(event: Event) -> None:
        order.append(f"ended:{event.data['reason']}")

    hass.bus.async_listen(EVENT_CALL_SERVICE, on_call)
    hass.bus.async_listen(RecoveryEvent.SESSION_ENDED, on_ended)
    return order


# Rule 1


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


# Rule 2


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


# Rule 3


async def test_rule_3_planned_end_survives_a_crash(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """After a crash mid-session the plug still goes off at the planned end."""
    snapshots: list[Any] = []

    @callback
    def crash_when_plug_on(event: Event) -> None:
        # The crash: what was stored when the plug went on is all that survives.
        if event.data["entity_id"] == PLUG and event.data["new_state"].state == "on":
            snapshots.append(copy.deepcopy(hass_storage.get(STORAGE_KEY)))

    async with other_home_assistant(hass_storage) as crashed:
        await add_entry(crashed)
        crashed.bus.async_listen("state_changed", crash_when_plug_on)
        await start_heat(crashed, "action")
        assert entity_state(crashed, PLUG) == STATE_ON
    assert len(snapshots) == 1
    assert snapshots[0] is not None
    hass_storage[STORAGE_KEY] = snapshots[0]

    await advance(hass, freezer, timedelta(minutes=7))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await add_entry(hass)

    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert started == []
    await advance(hass, freezer, timedelta(minutes=12, seconds=59))
    assert entity_state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]


async def test_rule_3_planned_end_passed_during_downtime_switches_off_at_once(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Starting again after the planned end switches the plug off at once."""
    async with other_home_assistant(hass_storage) as crashed:
        await add_entry(crashed)
        await start_heat(crashed, "switch")
        stored = copy.deepcopy(hass_storage[STORAGE_KEY])
    hass_storage[STORAGE_KEY] = stored

    await advance(hass, freezer, timedelta(minutes=45))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await add_entry(hass)

    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert blocked == []
    # The rest gap counts from now: the plug ran until it was switched off.
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:45:00+00:00"


async def test_rule_3_planned_end_survives_an_entry_setup_from_storage(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """A stored running ice session keeps its planned end when the entry starts again."""
    await add_entry(hass)
    await press(hass, START_ICE_SESSION)
    await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:20:00+00:00"


# Rule 4


async def test_rule_4_home_assistant_stop_switches_plug_off_first(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant stopping during heat switches the plug off, then ends 'shutdown'."""
    async with other_home_assistant(hass_storage, stop=False) as other:
        await add_entry(other)
        await start_heat(other, "switch")
        order = record_order(other)
        await other.async_stop()
        assert plug_power(other) == STATE_OFF
        assert order == ["switch.turn_off", "ended:shutdown"]
    stored = hass_storage[STORAGE_KEY]["data"]["sessions"]
    assert [s["end_reason"] for s in stored] == ["shutdown"]


# Requests: heat is refused while the plug is unavailable


@pytest.mark.usefixtures("init_integration")
async def test_heat_refused_while_plug_unavailable(hass: HomeAssistant) -> None:
    """Heat asked for while the plug is unreachable is refused and blocked; no session."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat")
    assert info.value.translation_key == "heating_pad_unavailable"
    assert info.value.translation_placeholders is not None
    assert info.value.translation_placeholders["entity_id"] == PLUG
    await hass.async_block_till_done()
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T09:00:00+00:00"]
    # The switch is unavailable: Home Assistant skips the call.
    await switch(hass, HEATING_PAD, on=True)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    # Ice needs no plug.
    await action(hass, "start_session", modality="ice")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


# Rule 6


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


# Rule 7


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
        }
    ]
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:15:00+00:00"


# Rule 9


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["reload", "disable", "remove"])
async def test_rule_9_unload_during_heat_switches_plug_off_first(
    hass: HomeAssistant, how: str
) -> None:
    """Reloading, disabling or removing the entry during heat switches off first."""
    await start_heat(hass, "action")
    order = record_order(hass)
    events = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    if how == "reload":
        await hass.config_entries.async_reload(ENTRY_ID)
    elif how == "disable":
        await hass.config_entries.async_set_disabled_by(
            ENTRY_ID, config_entries_disabler()
        )
    else:
        await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert order[:2] == ["switch.turn_off", "ended:unloaded"]
    assert events[0].data == {
        "config_entry_id": ENTRY_ID,
        "modality": "heat",
        "reason": "unloaded",
    }
    if how == "reload":
        assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
        assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_9_options_change_keeps_running_session(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """New options apply to the next session; the running one keeps its end."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=10))
    hass.config_entries.async_update_entry(
        init_integration,
        options={**init_integration.options, CONF_SESSION_MINUTES: 5},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert ended == []
    await advance(hass, freezer, timedelta(minutes=10))
    assert entity_state(hass, PLUG) == STATE_OFF
    await advance(hass, freezer, timedelta(hours=2))
    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T11:25:00+00:00"


# Rules 2, 3 and 12 at a restart: whatever is overdue, the plug is judged as it is


async def test_rule_2_restart_after_ice_switches_off_a_plug_found_on(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Ice ran out while Home Assistant was down and the pad was switched on by hand.

    The ice session is closed and the plug, on during the rest gap, goes off.
    """
    async with other_home_assistant(hass_storage) as crashed:
        await add_entry(crashed)
        await action(crashed, "start_session", modality="ice")
        stored = copy.deepcopy(hass_storage[STORAGE_KEY])
    hass_storage[STORAGE_KEY] = stored

    await advance(hass, freezer, timedelta(minutes=30))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:20:00+00:00"
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T11:20:00+00:00"]
    await advance(hass, freezer, timedelta(hours=2))
    assert plug_power(hass) == STATE_OFF


async def test_rule_12_stale_off_after_a_restart_still_sends_turn_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Back after a crash, the plug reports off while its relay is on: it is switched off.

    Heat ends 'external' (rule 6), with a turn_off all the same, and when the
    plug then reports its relay on, that is a start during the rest gap (rule 2).
    """
    async with other_home_assistant(hass_storage) as crashed:
        await add_entry(crashed)
        await start_heat(crashed, "switch")
        stored = copy.deepcopy(hass_storage[STORAGE_KEY])
    hass_storage[STORAGE_KEY] = stored

    await advance(hass, freezer, timedelta(minutes=8))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_STALE, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["external"]

    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_STALE, on=False)
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 1


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
