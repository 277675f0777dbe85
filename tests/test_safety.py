"""The safety rules of the contract, one test (or more) named after each rule.

Each drives the real integration: the template-switch plug from conftest, the
heating pad switch, the buttons and the actions, the clock through freezer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
import copy
from datetime import datetime, timedelta
import logging
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from custom_components.back_recovery.const import (
    CONF_SESSION_MINUTES,
    DOMAIN,
    EVENT_HEATING_PAD_NOT_RESPONDING,
    EVENT_SESSION_BLOCKED,
    EVENT_SESSION_ENDED,
    EVENT_SESSION_STARTED,
    EVENT_SKIN_REST_OVER,
)
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_CALL_SERVICE, STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError

from .conftest import (
    ENTRY_ID,
    PLUG,
    PLUG_CONFIG,
    PLUG_FAILS,
    PLUG_IGNORES,
    PLUG_ONLINE,
    PLUG_POWER,
    PLUG_STALE,
    advance,
    set_input_boolean,
)

HEATING_PAD = "switch.back_recovery_heating_pad"
SESSION_ACTIVE = "binary_sensor.back_recovery_session_active"
SKIN_REST = "binary_sensor.back_recovery_skin_rest"
SESSION_ENDS = "sensor.back_recovery_session_ends"
NEXT_ALLOWED = "sensor.back_recovery_next_session_allowed"
LAST_END = "sensor.back_recovery_last_session_end"
STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
UNREACHABLE_ISSUE = f"heating_pad_unreachable_{ENTRY_ID}"


async def action(hass: HomeAssistant, service: str, **data: Any) -> None:
    """Call one of the integration's actions for the test entry."""
    await hass.services.async_call(
        DOMAIN, service, {"config_entry_id": ENTRY_ID, **data}, blocking=True
    )


async def switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    """Call switch.turn_on / turn_off on ``entity_id``."""
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": entity_id},
        blocking=True,
    )


async def start_heat(hass: HomeAssistant, how: str) -> None:
    """Start heat through the switch, the action, or the plug itself."""
    if how == "switch":
        await switch(hass, HEATING_PAD, on=True)
    elif how == "action":
        await action(hass, "start_session", modality="heat")
    else:
        await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> str:
    """Return the state of ``entity_id``."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


def plug_power(hass: HomeAssistant) -> str:
    """Return whether the plug really is on (even while unreachable)."""
    return state(hass, PLUG_POWER)


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
    hass.bus.async_listen(EVENT_SESSION_ENDED, on_ended)
    return order


@asynccontextmanager
async def other_home_assistant(
    storage: dict[str, Any], plug_on: bool = False, stop: bool = True
) -> AsyncGenerator[HomeAssistant]:
    """Run a second Home Assistant with the plug and the entry, sharing the storage.

    ``storage`` is what ``hass_storage`` holds for the entry when it starts.
    """
    async with async_test_home_assistant() as other:
        other.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        assert await async_setup_component(other, "input_boolean", PLUG_CONFIG)
        assert await async_setup_component(other, "template", PLUG_CONFIG)
        await other.async_block_till_done()
        if plug_on:
            await set_input_boolean(other, PLUG_POWER, on=True)
        yield other
        for entry in other.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                await other.config_entries.async_unload(entry.entry_id)
        await other.async_block_till_done()
        if stop:
            await other.async_stop(force=True)


async def add_entry(
    hass: HomeAssistant, options: dict[str, Any] | None = None
) -> MockConfigEntry:
    """Set up the test entry in ``hass``."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Back recovery",
        data={
            "name": "Back recovery",
            "injury_date": "2026-11-20",
            "heating_pad": PLUG,
        },
        options=options or {},
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


# Rule 1


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action", "outside"])
async def test_rule_1_heat_ends_after_session_minutes_however_started(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """Heat started by the switch, the action or the plug itself ends after 20 minutes."""
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await start_heat(hass, how)
    assert state(hass, PLUG) == STATE_ON
    assert state(hass, HEATING_PAD) == STATE_ON
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    assert len(started) == 1
    assert started[0].data["ends_at"] == "2026-11-25T09:20:00+00:00"

    await advance(hass, freezer, timedelta(minutes=19, seconds=59))
    assert state(hass, PLUG) == STATE_ON
    assert ended == []

    await advance(hass, freezer, timedelta(seconds=1))
    assert state(hass, PLUG) == STATE_OFF
    assert state(hass, HEATING_PAD) == STATE_OFF
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]


@pytest.mark.usefixtures("init_integration")
async def test_rule_1_action_minutes_end_heat_earlier(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Heat started for 5 minutes ends after 5 minutes."""
    await action(hass, "start_session", modality="heat", minutes=5)
    assert state(hass, SESSION_ENDS) == "2026-11-25T09:05:00+00:00"
    await advance(hass, freezer, timedelta(minutes=5))
    assert state(hass, PLUG) == STATE_OFF


@pytest.mark.parametrize("entry_options", [{CONF_SESSION_MINUTES: 12}])
@pytest.mark.usefixtures("init_integration")
async def test_rule_1_session_minutes_option_limits_heat_from_outside(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug switched on by hand ends after the configured session_minutes."""
    await start_heat(hass, "outside")
    await advance(hass, freezer, timedelta(minutes=11, seconds=59))
    assert state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert state(hass, PLUG) == STATE_OFF


# Rule 2


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_2_start_refused_during_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """During the rest gap the switch and the action refuse heat; the plug stays off."""
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=20))
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await advance(hass, freezer, timedelta(minutes=30))

    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, how)
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == "rest_gap_active"
    # 11:20 UTC is 03:20 in the test time zone (US/Pacific).
    assert info.value.translation_placeholders == {"allowed_at": "03:20"}
    assert "03:20" in str(info.value)
    await hass.async_block_till_done()
    assert state(hass, PLUG) == STATE_OFF
    assert state(hass, SKIN_REST) == STATE_ON
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
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await advance(hass, freezer, timedelta(minutes=90))

    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert state(hass, PLUG) == STATE_OFF
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
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
    assert state(hass, SKIN_REST) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert state(hass, SKIN_REST) == STATE_OFF
    await start_heat(hass, "switch")
    assert state(hass, PLUG) == STATE_ON


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
        assert state(crashed, PLUG) == STATE_ON
    assert len(snapshots) == 1
    assert snapshots[0] is not None
    hass_storage[STORAGE_KEY] = snapshots[0]

    await advance(hass, freezer, timedelta(minutes=7))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await add_entry(hass)

    assert state(hass, PLUG) == STATE_ON
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    assert state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert started == []
    await advance(hass, freezer, timedelta(minutes=12, seconds=59))
    assert state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert state(hass, PLUG) == STATE_OFF
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
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await add_entry(hass)

    assert plug_power(hass) == STATE_OFF
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert blocked == []
    # The rest gap counts from now: the plug ran until it was switched off.
    assert state(hass, NEXT_ALLOWED) == "2026-11-25T11:45:00+00:00"


async def test_rule_3_planned_end_survives_an_entry_setup_from_storage(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """A stored running ice session keeps its planned end when the entry starts again."""
    await add_entry(hass)
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.back_recovery_start_ice_session"},
        blocking=True,
    )
    await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert state(hass, LAST_END) == "2026-11-25T09:20:00+00:00"


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


# Rule 5


@pytest.mark.usefixtures("init_integration")
async def test_rule_5_unreachable_plug_switched_off_when_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An unreachable plug at the planned end raises the issue and goes off once back."""
    await start_heat(hass, "action")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert state(hass, PLUG) == "unavailable"
    assert state(hass, HEATING_PAD) == "unavailable"

    await advance(hass, freezer, timedelta(minutes=20))
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    issue = issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "heating_pad_unreachable"
    assert plug_power(hass) == STATE_ON

    await advance(hass, freezer, timedelta(minutes=30))
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert state(hass, HEATING_PAD) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None

    # Nothing waits to switch it off any more: after the rest gap heat works.
    await advance(hass, freezer, timedelta(hours=2))
    await start_heat(hass, "outside")
    assert plug_power(hass) == STATE_ON
    assert state(hass, SESSION_ACTIVE) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_5_plug_back_off_deletes_the_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A plug that comes back already off clears the issue."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=21))
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    await set_input_boolean(hass, PLUG_POWER, on=False)
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_rule_5_plug_back_before_the_planned_end_keeps_heating(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A short dropout before the planned end changes nothing."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=5))
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    assert state(hass, HEATING_PAD) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    await advance(hass, freezer, timedelta(minutes=15))
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_heat_refused_while_plug_unavailable(hass: HomeAssistant) -> None:
    """Heat asked for while the plug is unreachable is refused and blocked; no session."""
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat")
    assert info.value.translation_key == "heating_pad_unavailable"
    assert info.value.translation_placeholders is not None
    assert info.value.translation_placeholders["entity_id"] == PLUG
    await hass.async_block_till_done()
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T09:00:00+00:00"]
    # The switch is unavailable: Home Assistant skips the call.
    await switch(hass, HEATING_PAD, on=True)
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    # Ice needs no plug.
    await action(hass, "start_session", modality="ice")
    assert state(hass, SESSION_ACTIVE) == STATE_ON


# Rule 6


@pytest.mark.usefixtures("init_integration")
async def test_rule_6_plug_switched_off_outside_ends_session_external(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The plug switched off by hand ends heat 'external'; the rest gap counts from then."""
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=8))
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert state(hass, HEATING_PAD) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["external"]
    assert state(hass, LAST_END) == "2026-11-25T09:08:00+00:00"
    assert state(hass, NEXT_ALLOWED) == "2026-11-25T11:08:00+00:00"
    assert state(hass, SKIN_REST) == STATE_ON
    # No timer is left to fire at the old planned end.
    await advance(hass, freezer, timedelta(minutes=12))
    assert len(ended) == 1


# Rule 7


@pytest.mark.usefixtures("init_integration")
async def test_rule_7_ice_session_same_limit_and_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Ice ends after session_minutes and the rest gap then refuses heat."""
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.back_recovery_start_ice_session"},
        blocking=True,
    )
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    assert state(hass, PLUG) == STATE_OFF
    with pytest.raises(ServiceValidationError, match="ends at 01:20"):
        await action(hass, "start_session", modality="heat")
    await advance(hass, freezer, timedelta(minutes=20))
    assert [(e.data["modality"], e.data["reason"]) for e in ended] == [
        ("ice", "completed")
    ]
    with pytest.raises(ServiceValidationError) as info:
        await switch(hass, HEATING_PAD, on=True)
    assert info.value.translation_key == "rest_gap_active"
    assert state(hass, PLUG) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_rule_7_plug_switched_on_during_ice_is_refused(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The plug switched on during ice goes off again and the start is blocked."""
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
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
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    assert state(hass, SESSION_ENDS) == "2026-11-25T09:15:00+00:00"


# Rule 8


@pytest.mark.usefixtures("init_integration")
async def test_rule_8_history_survives_restarts(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """Sessions and a set phase are stored and come back after a reload."""
    await action(hass, "log_session", modality="ice", minutes=15)
    await advance(hass, freezer, timedelta(hours=3))
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await action(hass, "set_phase", phase="rehabilitation")
    stored = hass_storage[STORAGE_KEY]["data"]
    assert [s["modality"] for s in stored["sessions"]] == ["ice", "heat"]

    await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert state(hass, LAST_END) == "2026-11-25T12:20:00+00:00"
    assert state(hass, "sensor.back_recovery_sessions_today") == "2"
    assert state(hass, "sensor.back_recovery_recovery_phase") == "rehabilitation"
    assert len(hass_storage[STORAGE_KEY]["data"]["sessions"]) == 2


# Rule 9


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["reload", "disable", "remove"])
async def test_rule_9_unload_during_heat_switches_plug_off_first(
    hass: HomeAssistant, how: str
) -> None:
    """Reloading, disabling or removing the entry during heat switches off first."""
    await start_heat(hass, "action")
    order = record_order(hass)
    events = async_capture_events(hass, EVENT_SESSION_ENDED)
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
        assert state(hass, SESSION_ACTIVE) == STATE_OFF
        assert state(hass, SKIN_REST) == STATE_ON


def config_entries_disabler() -> Any:
    """Return the 'disabled by the user' marker."""
    from homeassistant.config_entries import ConfigEntryDisabler

    return ConfigEntryDisabler.USER


@pytest.mark.usefixtures("init_integration")
async def test_rule_9_options_change_keeps_running_session(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """New options apply to the next session; the running one keeps its end."""
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=10))
    hass.config_entries.async_update_entry(
        init_integration,
        options={**init_integration.options, CONF_SESSION_MINUTES: 5},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert state(hass, PLUG) == STATE_ON
    assert state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert ended == []
    await advance(hass, freezer, timedelta(minutes=10))
    assert state(hass, PLUG) == STATE_OFF
    await advance(hass, freezer, timedelta(hours=2))
    await start_heat(hass, "switch")
    assert state(hass, SESSION_ENDS) == "2026-11-25T11:25:00+00:00"


# Details the rules rely on


@pytest.mark.usefixtures("init_integration")
async def test_events_carry_entry_id_and_plain_strings(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Every session event names the entry and carries plain strings."""
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    for event in (*started, *ended, *blocked):
        assert event.data["config_entry_id"] == ENTRY_ID
        assert all(type(value) is str for value in event.data.values()), event.data
    assert len(started) == len(ended) == len(blocked) == 1
    assert dt_util.parse_datetime(started[0].data["ends_at"]) == datetime.fromisoformat(
        "2026-11-25T09:20:00+00:00"
    )


@pytest.mark.usefixtures("init_integration")
async def test_heating_pad_mirrors_plug_switched_outside(hass: HomeAssistant) -> None:
    """The heating pad switch follows the plug, whoever switches it."""
    await start_heat(hass, "outside")
    assert state(hass, HEATING_PAD) == STATE_ON
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert state(hass, HEATING_PAD) == STATE_OFF
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert state(hass, HEATING_PAD) == "unavailable"
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert state(hass, HEATING_PAD) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_switch_off_confirmed_is_not_stored_as_pending(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """Once the plug is seen off, storage no longer says it must be switched off."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is True
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is False


async def test_plug_that_must_be_off_is_switched_off_at_setup(
    hass: HomeAssistant, hass_storage: dict[str, Any], plug: str
) -> None:
    """A stored pending switch-off is carried out when the entry starts."""
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {"sessions": [], "plug_must_be_off": True},
    }
    await set_input_boolean(hass, PLUG_POWER, on=True)
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is False


async def test_plug_found_on_without_session_starts_one(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, plug: str
) -> None:
    """A plug found on at setup with no session starts heat with a deadline."""
    await set_input_boolean(hass, PLUG_POWER, on=True)
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await add_entry(hass)
    assert len(started) == 1
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF


# Rule 10: a switch-off is confirmed


def plug_calls(hass: HomeAssistant, service: str) -> list[datetime]:
    """Record when ``switch.<service>`` is called on the plug."""
    calls: list[datetime] = []

    @callback
    def on_call(event: Event) -> None:
        data = event.data
        if (
            data["domain"] == "switch"
            and data["service"] == service
            and data["service_data"].get("entity_id") == PLUG
        ):
            calls.append(dt_util.utcnow())

    hass.bus.async_listen(EVENT_CALL_SERVICE, on_call)
    return calls


NOT_RESPONDING_ISSUE = f"heating_pad_not_responding_{ENTRY_ID}"


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("fault", [PLUG_IGNORES, PLUG_FAILS])
async def test_rule_10_switch_off_sent_again_until_the_plug_reports_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    fault: str,
) -> None:
    """A plug that ignores turn_off, or whose turn_off raises, is told again until it obeys.

    Meanwhile the repair issue stands, the event fires once and the pad shows
    on; all clears once the plug reports off, and the skin rests from then.
    """
    alarms = async_capture_events(hass, EVENT_HEATING_PAD_NOT_RESPONDING)
    await start_heat(hass, "switch")
    await set_input_boolean(hass, fault, on=True)
    offs = plug_calls(hass, "turn_off")
    await advance(hass, freezer, timedelta(minutes=20))
    assert len(offs) == 1
    assert plug_power(hass) == STATE_ON
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert state(hass, HEATING_PAD) == STATE_ON
    assert state(hass, SKIN_REST) == STATE_ON
    if fault == PLUG_FAILS:
        # The call raised: the issue stands at once.
        assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE)
    else:
        assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
        await advance(hass, freezer, timedelta(seconds=4))
        assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
        await advance(hass, freezer, timedelta(seconds=1))
    issue = issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert [e.data for e in alarms] == [
        {"config_entry_id": ENTRY_ID, "entity_id": PLUG}
    ]
    # Sent again after 5, 15 and 30 seconds, then every 60 seconds.
    for _ in range(6 * 60):
        await advance(hass, freezer, timedelta(seconds=1))
    end = datetime.fromisoformat("2026-11-25T09:20:00+00:00")
    assert [(call - end).total_seconds() for call in offs] == [
        0,
        5,
        20,
        50,
        110,
        170,
        230,
        290,
        350,
    ]
    assert len(alarms) == 1
    assert plug_power(hass) == STATE_ON

    # The plug obeys again: the next switch-off takes, and everything clears.
    await set_input_boolean(hass, fault, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == STATE_OFF
    assert state(hass, HEATING_PAD) == STATE_OFF
    assert state(hass, SKIN_REST) == STATE_ON
    # The skin was heated until the plug went off: the rest counts from then.
    assert (
        state(hass, NEXT_ALLOWED) == (dt_util.utcnow() + timedelta(hours=2)).isoformat()
    )
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    calls_when_off = len(offs)
    await advance(hass, freezer, timedelta(minutes=10))
    assert len(offs) == calls_when_off


async def test_rule_10_switch_off_owed_survives_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A switch-off the plug never confirmed is owed after a restart, and retried."""
    async with other_home_assistant(hass_storage) as crashed:
        await add_entry(crashed)
        await start_heat(crashed, "switch")
        await set_input_boolean(crashed, PLUG_IGNORES, on=True)
        await advance(crashed, freezer, timedelta(minutes=20))
        assert plug_power(crashed) == STATE_ON
        stored = copy.deepcopy(hass_storage[STORAGE_KEY])
    assert stored["data"]["plug_must_be_off"] is True
    hass_storage[STORAGE_KEY] = stored

    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await add_entry(hass)
    await advance(hass, freezer, timedelta(seconds=5))
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=15))
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is False


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_unreachable_plug_at_the_end_alarms_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A plug gone at the planned end: unreachable issue, one event, switched off when back."""
    alarms = async_capture_events(hass, EVENT_HEATING_PAD_NOT_RESPONDING)
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    for _ in range(3):
        await advance(hass, freezer, timedelta(minutes=1))
    assert len(alarms) == 1
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None


# Rule 11: a heat start counts only when the plug confirms on


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_11_heat_start_refused_when_turn_on_raises(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """turn_on raises: the start is refused, no session, no rest gap, no events."""
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_FAILS, on=True)
    with pytest.raises(HomeAssistantError) as info:
        await start_heat(hass, how)
    assert info.value.translation_key == "heating_pad_not_responding"
    assert info.value.translation_domain == DOMAIN
    await hass.async_block_till_done()
    assert_no_session(hass)
    assert started == blocked == []

    # Nothing was recorded: heat works as soon as the plug does.
    await set_input_boolean(hass, PLUG_FAILS, on=False)
    await start_heat(hass, how)
    assert plug_power(hass) == STATE_ON
    assert len(started) == 1


def assert_no_session(hass: HomeAssistant) -> None:
    """Check that no session runs or was recorded, and the skin is not resting."""
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert state(hass, SKIN_REST) == STATE_OFF
    assert state(hass, LAST_END) == "unknown"
    assert state(hass, "sensor.back_recovery_sessions_today") == "0"


@pytest.mark.usefixtures("init_integration")
async def test_rule_11_heat_start_refused_when_the_plug_does_not_report_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug that answers success and stays off: refused after 5 s; a later on is a start."""
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    # The start waits for the plug in a task of the test's own, which
    # block_till_done does not wait for: the clocks move on meanwhile.
    task = asyncio.get_running_loop().create_task(start_heat(hass, "action"))
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(seconds=4))
    assert not task.done()
    await advance(hass, freezer, timedelta(seconds=1))
    with pytest.raises(HomeAssistantError) as info:
        await task
    assert info.value.translation_key == "heating_pad_not_responding"
    assert_no_session(hass)
    assert started == []

    # The plug switched on later by itself is a start from outside (rule 1).
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(minutes=3))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert len(started) == 1
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_rule_11_plug_on_after_a_failed_turn_on_is_timed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """turn_on raises though the relay went on: the start is refused, the heat is timed."""
    with patch(
        "custom_components.back_recovery.plug.HeatingPadPlug._async_call",
        side_effect=[False],
    ):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await set_input_boolean(hass, PLUG_POWER, on=False)
        await advance(hass, freezer, timedelta(hours=3))
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)

    async def on_but_raise(self: Any, service: str) -> bool:
        await set_input_boolean(hass, PLUG_POWER, on=True)
        return False

    with (
        patch(
            "custom_components.back_recovery.plug.HeatingPadPlug._async_call",
            on_but_raise,
        ),
        pytest.raises(HomeAssistantError),
    ):
        await start_heat(hass, "action")
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]


# Rule 12: clock steps cannot lengthen heat or shorten the rest gap


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_wall_clock_stepped_back_cannot_lengthen_heat(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Heat ends after 20 real minutes although the wall clock went back 5 minutes."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=10))
    await step_wall_clock(-timedelta(minutes=5))
    await advance(hass, freezer, timedelta(seconds=10))
    assert "The wall clock stepped" in caplog.text
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=9, seconds=49))
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert plug_power(hass) == STATE_OFF
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    # Wall time 09:15 is when the plug went off; the rest gap counts from then.
    assert state(hass, LAST_END) == "2026-11-25T09:15:00+00:00"


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("step", [timedelta(hours=1), timedelta(minutes=6)])
async def test_rule_12_session_that_starts_in_the_future_ends_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    step: timedelta,
) -> None:
    """The wall clock goes back past the start of heat: heat ends at once."""
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await step_wall_clock(-step)
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_wall_clock_stepped_forward_cannot_shorten_the_rest_gap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """After heat, the wall clock jumps an hour ahead: the rest gap still lasts 2 real hours."""
    rest_over = async_capture_events(hass, EVENT_SKIN_REST_OVER)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=10))
    await step_wall_clock(timedelta(hours=1))
    # The wall clock reads 12:19 after 1 h 59 min of rest; the wall-clock
    # rest gap ended at 11:20.
    await advance(hass, freezer, timedelta(minutes=109))
    assert dt_util.utcnow() == datetime.fromisoformat("2026-11-25T12:19:00+00:00")
    assert rest_over == []
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "rest_gap_active"
    # 12:20 UTC is 04:20 in the test time zone (US/Pacific).
    assert info.value.translation_placeholders == {"allowed_at": "04:20"}
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=1))
    assert len(rest_over) == 1
    await start_heat(hass, "action")
    assert plug_power(hass) == STATE_ON


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
    ended = async_capture_events(hass, EVENT_SESSION_ENDED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["external"]

    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_STALE, on=False)
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 1


# Rules 2, 3 and 5 at a restart: whatever is overdue, the plug is judged as it is


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
    blocked = async_capture_events(hass, EVENT_SESSION_BLOCKED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert state(hass, LAST_END) == "2026-11-25T09:20:00+00:00"
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T11:20:00+00:00"]
    await advance(hass, freezer, timedelta(hours=2))
    assert plug_power(hass) == STATE_OFF


async def test_rule_5_restart_keeps_the_unreachable_issue(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A switch-off owed to an unreachable plug keeps its issue across a restart."""
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {
            "sessions": [
                {
                    "modality": "ice",
                    "started": "2026-11-25T08:30:00+00:00",
                    "planned_end": "2026-11-25T08:50:00+00:00",
                    "ended": None,
                    "end_reason": None,
                }
            ],
            "plug_must_be_off": True,
        },
    }
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await add_entry(hass)
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None


# Storage: a plan that cannot be saved is not started; corrupt storage is an unknown history


@pytest.mark.usefixtures("init_integration")
async def test_rule_3_heat_refused_when_its_planned_end_cannot_be_stored(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With storage failing, heat is refused (plug off) and a repair issue stands."""
    storage_issue = f"storage_not_writable_{ENTRY_ID}"
    with patch(
        "homeassistant.helpers.storage.Store._async_write_data",
        side_effect=WriteError("No space left on device"),
    ):
        with pytest.raises(HomeAssistantError) as info:
            await start_heat(hass, "switch")
        assert info.value.translation_key == "plan_not_saved"
        await hass.async_block_till_done()
        assert plug_power(hass) == STATE_OFF
        assert_no_session(hass)
        assert issue_registry.async_get_issue(DOMAIN, storage_issue) is not None
        # Ice needs no plan to be safe: it runs, and the issue stays.
        await action(hass, "start_session", modality="ice")
        assert state(hass, SESSION_ACTIVE) == STATE_ON
        await action(hass, "stop_session")
    assert "No space left on device" in caplog.text
    await action(
        hass, "log_session", modality="ice", minutes=5, ended_at="2026-11-25 00:00:00"
    )
    assert issue_registry.async_get_issue(DOMAIN, storage_issue) is None


@pytest.mark.parametrize(
    "content",
    ["this is not json", '{"version": 1, "minor_version": 1, "da'],
)
async def test_rule_3_corrupt_storage_is_an_unknown_history(
    hass: HomeAssistant, plug: str, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Home Assistant moves a corrupt file aside; a plug found on is then switched off."""
    path = Path(hass.config.path(".storage", STORAGE_KEY))
    path.parent.mkdir(exist_ok=True)
    path.write_text(content)
    started = async_capture_events(hass, EVENT_SESSION_STARTED)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    # Read through Home Assistant's real loading code, not the harness's dict.
    with patch.object(Store, "_async_load", Store._async_load_data):
        await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    assert "Unrecoverable error decoding storage" in caplog.text
    assert not path.exists()
    assert list(path.parent.glob(f"{STORAGE_KEY}.corrupt.*"))


# Rule 13: an error in one entity stops nothing else


@pytest.mark.usefixtures("init_integration")
async def test_rule_13_an_entity_that_fails_stops_nothing_else(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The calendar failing to present itself leaves the other entities and the plug working."""
    with patch(
        "custom_components.back_recovery.calendar.RecoveryCalendar.event",
        new_callable=PropertyMock,
        side_effect=RuntimeError("calendar bug"),
    ):
        await start_heat(hass, "switch")
        assert plug_power(hass) == STATE_ON
        assert state(hass, SESSION_ACTIVE) == STATE_ON
        assert state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
        await advance(hass, freezer, timedelta(minutes=20))
        assert plug_power(hass) == STATE_OFF
        assert state(hass, SESSION_ACTIVE) == STATE_OFF
        assert state(hass, SKIN_REST) == STATE_ON
    assert "calendar bug" in caplog.text


@pytest.mark.usefixtures("init_integration")
async def test_plug_unavailable_and_back_logged_once_each(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """One info line when the plug becomes unavailable and one when it is back."""
    with caplog.at_level(logging.INFO, logger="custom_components.back_recovery"):
        await set_input_boolean(hass, PLUG_ONLINE, on=False)
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await set_input_boolean(hass, PLUG_ONLINE, on=True)
    lines = [
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components")
    ]
    assert lines.count(f"The heating pad plug {PLUG} is unavailable") == 1
    assert lines.count(f"The heating pad plug {PLUG} is available again") == 1
    levels = {
        r.levelno
        for r in caplog.records
        if "is unavailable" in r.getMessage() or "available again" in r.getMessage()
    }
    assert levels == {logging.INFO}


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        # Fall back: 01:45 PDT to 01:05 PST, a local end before the local start.
        # Home Assistant refuses that end (it compares local readings), so the
        # event keeps the real start and length and says the real times.
        (
            "2026-11-01T08:45:00+00:00",
            {
                "start": "2026-11-01T01:45:00-07:00",
                "end": "2026-11-01T02:05:00-08:00",
                "description": "completed (2026-11-01T08:45:00+00:00 – "
                "2026-11-01T09:05:00+00:00 UTC)",
            },
        ),
        # Spring forward: 01:50 PST to 03:10 PDT, 20 real minutes.
        (
            "2027-03-14T09:50:00+00:00",
            {
                "start": "2027-03-14T01:50:00-08:00",
                "end": "2027-03-14T03:10:00-07:00",
                "description": "completed",
            },
        ),
    ],
    ids=["fall_back", "spring_forward"],
)
async def test_rule_13_session_across_a_daylight_saving_change(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    plug: str,
    start: str,
    shown: dict[str, str],
) -> None:
    """Heat across a DST change works, every entity is current, the calendar answers."""
    freezer.move_to(start)
    await add_entry(hass)
    await start_heat(hass, "switch")
    assert plug_power(hass) == STATE_ON
    assert state(hass, SESSION_ACTIVE) == STATE_ON
    assert state(hass, "calendar.back_recovery_recovery") == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF
    assert state(hass, SESSION_ACTIVE) == STATE_OFF
    begin = datetime.fromisoformat(start) - timedelta(hours=12)
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": "calendar.back_recovery_recovery",
            "start_date_time": begin.isoformat(),
            "end_date_time": (begin + timedelta(days=1)).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    result: Any = response["calendar.back_recovery_recovery"]
    (session,) = [e for e in result["events"] if e["summary"] == "Heat session"]
    assert {key: session[key] for key in shown} == shown


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["remove", "disable"])
async def test_rule_10_unload_with_a_stuck_plug_tries_once_more_and_keeps_the_warning(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    """Removing or disabling the entry while the plug is stuck on: one last switch-off.

    The repair issue stays while the plug is still on: it is the only alarm left.
    """
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(seconds=5))
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    offs = plug_calls(hass, "turn_off")
    if how == "remove":
        await hass.config_entries.async_remove(ENTRY_ID)
    else:
        await hass.config_entries.async_set_disabled_by(
            ENTRY_ID, config_entries_disabler()
        )
    await hass.async_block_till_done()
    assert len(offs) == 1
    assert "has not confirmed that it is off" in caplog.text
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
