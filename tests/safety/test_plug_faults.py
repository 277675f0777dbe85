"""Rules 5, 10 and 11: a plug that is unreachable, does not switch off, or does not switch on.

Rule 5: an unreachable plug at the planned end raises a repair issue and is
switched off as soon as it is back; heat is refused while it is gone. Rule
10: a switch-off counts only when the plug reports off; until then it is
sent again, an issue and the problem sensor say so, the alarm fires once,
also after a restart or an unload. Rule 11: heat starts only when the plug
reports on. Driven through the simulated plug and its faults
(``helpers/plug.py``).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_mock_service,
)

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_POWER_SENSOR,
    DOMAIN,
    RecoveryEvent,
)
from homeassistant.const import (
    EVENT_CALL_SERVICE,
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util

from ..helpers.clock import advance, waited
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    HEATING_PAD_PROBLEM,
    LAST_SESSION_END,
    MISSING_ISSUE,
    NEXT_SESSION_ALLOWED,
    NOT_RESPONDING_ISSUE,
    PLUG,
    SECOND_ENTRY_ID,
    SESSION_ACTIVE,
    SKIN_REST,
    STOP_SESSION,
    UNREACHABLE_ISSUE,
    action,
    add_entry,
    assert_no_session,
    config_entries_disabler,
    device_id,
    entity_state,
    press,
    problem_reason,
    switch,
)
from ..helpers.plug import (
    PLUG_CONFIG,
    PLUG_FAILS,
    PLUG_IGNORES,
    PLUG_ONLINE,
    PLUG_POWER,
    PLUG_POWER_SENSOR,
    PLUG_STALE,
    PLUG_UNKNOWN,
    plug_power,
    set_input_boolean,
    start_heat,
)
from ..helpers.restart import crash
from ..helpers.storage import STORAGE_KEY, stored

ALARM_ID = f"back_recovery_{ENTRY_ID}_unplug_heating_pad"
"""The test entry's notification "Unplug the heating pad"."""
SECOND_ALARM_ID = f"back_recovery_{SECOND_ENTRY_ID}_unplug_heating_pad"
"""That of the recovery added again for the same plug."""
SECOND_NOT_RESPONDING = f"heating_pad_not_responding_{SECOND_ENTRY_ID}"


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


# Rule 5: an unreachable plug is switched off when back (and its coming and going logged)


@pytest.mark.usefixtures("init_integration")
async def test_rule_5_unreachable_plug_switched_off_when_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An unreachable plug at the planned end raises the issue and goes off once back."""
    await start_heat(hass, "action")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, PLUG) == "unavailable"
    assert entity_state(hass, HEATING_PAD) == "unavailable"

    await advance(hass, freezer, timedelta(minutes=20))
    # The pad may still heat: nothing says the skin rests (contract: "The
    # truth while the pad heats").
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    issue = issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "heating_pad_unreachable"
    assert plug_power(hass) == STATE_ON

    await advance(hass, freezer, timedelta(minutes=30))
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON

    # Nothing waits to switch it off any more: after the rest gap heat works.
    await advance(hass, freezer, timedelta(hours=2))
    await start_heat(hass, "outside")
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


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
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    await advance(hass, freezer, timedelta(minutes=15))
    assert plug_power(hass) == STATE_OFF


async def test_rule_5_restart_keeps_the_unreachable_issue(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A switch-off owed to an unreachable plug keeps its issue across a restart."""
    hass_storage[STORAGE_KEY] = stored(
        {
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
        }
    )
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await add_entry(hass)
    # The switch-off is owed: the pad may heat, so a session shows as active.
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_5_problem_on_while_the_plug_is_unreachable(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug gone at the planned end: on (unreachable) until it is back and off.

    On from the moment it is gone, as "may still be heating" (contract, "The
    truth while the pad heats"); the issue "unreachable" from the planned end.
    """
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_ON
    assert problem_reason(hass) == "may_still_be_heating"
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_ON
    assert problem_reason(hass) == "unreachable"

    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF


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


# Rule 10: a switch-off is confirmed


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
    alarms = async_capture_events(hass, RecoveryEvent.HEATING_PAD_NOT_RESPONDING)
    await start_heat(hass, "switch")
    await set_input_boolean(hass, fault, on=True)
    offs = plug_calls(hass, "turn_off")
    await advance(hass, freezer, timedelta(minutes=20))
    assert len(offs) == 1
    assert plug_power(hass) == STATE_ON
    # Heat is on the skin until the plug confirms off (contract: "The truth
    # while the pad heats").
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
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
        {
            "config_entry_id": ENTRY_ID,
            "entity_id": PLUG,
            "device_id": device_id(hass),
            "reachable": True,
        }
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
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    # The skin was heated until the plug went off: the rest counts from then.
    assert (
        entity_state(hass, NEXT_SESSION_ALLOWED)
        == (dt_util.utcnow() + timedelta(hours=2)).isoformat()
    )
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    calls_when_off = len(offs)
    await advance(hass, freezer, timedelta(minutes=10))
    assert len(offs) == calls_when_off


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
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_ON
    assert problem_reason(hass) == "not_responding"

    await set_input_boolean(hass, fault, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF
    assert problem_reason(hass) is None


async def test_rule_10_switch_off_owed_survives_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A switch-off the plug never confirmed is owed after a restart, and retried."""
    async with crash(hass_storage) as crashed:
        await start_heat(crashed, "switch")
        await set_input_boolean(crashed, PLUG_IGNORES, on=True)
        await advance(crashed, freezer, timedelta(minutes=20))
        assert plug_power(crashed) == STATE_ON
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is True

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
    hass_storage[STORAGE_KEY] = stored({"sessions": [], "plug_must_be_off": True})
    await set_input_boolean(hass, PLUG_POWER, on=True)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is False


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_unreachable_plug_at_the_end_alarms_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A plug gone at the planned end: unreachable issue, one event, switched off when back."""
    alarms = async_capture_events(hass, RecoveryEvent.HEATING_PAD_NOT_RESPONDING)
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    for _ in range(3):
        await advance(hass, freezer, timedelta(minutes=1))
    assert [e.data for e in alarms] == [
        {
            "config_entry_id": ENTRY_ID,
            "entity_id": PLUG,
            "device_id": device_id(hass),
            "reachable": False,
        }
    ]
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None


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
    await _unload(hass, freezer, how)
    assert len(offs) == 1
    assert "has not confirmed that it is off" in caplog.text
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["remove", "disable", "reload"])
@pytest.mark.parametrize(
    "off_after", [timedelta(seconds=2), timedelta(minutes=11), timedelta(hours=5)]
)
async def test_rule_10_plug_that_switches_off_after_the_unload_clears_its_warning(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    shown: dict[str, str],
    off_after: timedelta,
    how: str,
) -> None:
    """The unload alarms while the plug is still on; its ``off``, however late, clears the alarm.

    A radio plug carries the last switch-off out seconds after the entry is
    gone, another comes back hours later: the repair issue and the
    notification "Unplug the heating pad" stand until then, with the recovery
    disabled, deleted or loaded again, and go then, as a confirmed
    switch-off's do.
    """
    issue_registry = ir.async_get(hass)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await _unload(hass, freezer, how)
    assert plug_power(hass) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert ALARM_ID in shown

    await advance(hass, freezer, off_after - timedelta(seconds=1))
    # Still on: the alarm stands.
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert ALARM_ID in shown
    await advance(hass, freezer, timedelta(seconds=1))
    await _switched_off_at_last(hass)
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert shown == {}


async def _unload(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """Remove, reload or disable the test entry; the plug has its 5 seconds to confirm."""
    if how == "remove":
        await waited(hass, freezer, hass.config_entries.async_remove(ENTRY_ID))
    elif how == "reload":
        await waited(hass, freezer, hass.config_entries.async_reload(ENTRY_ID))
    else:
        await waited(
            hass,
            freezer,
            hass.config_entries.async_set_disabled_by(
                ENTRY_ID, config_entries_disabler()
            ),
        )
    await hass.async_block_till_done()


async def _switched_off_at_last(hass: HomeAssistant) -> None:
    """Let the plug listen again and switch it off by hand (from its own dashboard card)."""
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": PLUG}, blocking=True
    )
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_deleted_recovery_alarm_gives_way_to_the_new_recovery_of_its_plug(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    shown: dict[str, str],
) -> None:
    """A new user's try-out: one plug, one alarm, gone when the plug is off at last.

    The plug ignores commands and is switched on by hand during the skin
    rest: the alarm. The recovery is deleted while the plug is still on, and
    added again for the same plug, which alarms itself: its alarm replaces
    the deleted one's (not two identical notifications and issues). When the
    plug reports off, no alarm is left, 11 minutes later neither.
    """
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await advance(hass, freezer, timedelta(seconds=5))
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert list(shown) == [ALARM_ID]

    await _unload(hass, freezer, "remove")
    assert plug_power(hass) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert list(shown) == [ALARM_ID]

    await add_entry(hass, entry_id=SECOND_ENTRY_ID)
    await advance(hass, freezer, timedelta(seconds=5))
    assert list(shown) == [SECOND_ALARM_ID]
    assert shown[SECOND_ALARM_ID].startswith(
        'The heating pad plug "Heating pad plug" does not switch off.'
    )
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert issue_registry.async_get_issue(DOMAIN, SECOND_NOT_RESPONDING) is not None

    await _switched_off_at_last(hass)
    await advance(hass, freezer, timedelta(minutes=11))
    assert shown == {}
    assert issue_registry.async_get_issue(DOMAIN, SECOND_NOT_RESPONDING) is None
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_deleted_recovery_alarm_stays_beside_another_until_its_plug_is_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    shown: dict[str, str],
) -> None:
    """A recovery added that does not govern the plug leaves the deleted one's alarm standing.

    The plug may still heat and nothing else says so: the alarm goes only
    with the plug's ``off``.
    """
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await _unload(hass, freezer, "remove")
    await add_entry(hass, entry_id=SECOND_ENTRY_ID, plug=None)
    await advance(hass, freezer, timedelta(minutes=1))
    assert list(shown) == [ALARM_ID]
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None

    await _switched_off_at_last(hass)
    assert shown == {}
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_deleted_with_the_plug_off_takes_its_alarm_along(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    shown: dict[str, str],
) -> None:
    """An alarm that stands with the plug off (it keeps switching itself on, rule 16) goes with the deletion.

    Nobody would dismiss it afterwards: its issue is deleted with the recovery.
    """
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    for _ in range(3):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await advance(hass, freezer, timedelta(minutes=1))
    assert plug_power(hass) == STATE_OFF
    assert ALARM_ID in shown

    await _unload(hass, freezer, "remove")
    assert shown == {}
    assert [
        issue for (domain, issue) in issue_registry.issues if domain == DOMAIN
    ] == []


async def test_rule_10_deleted_while_the_pad_draws_behind_a_frozen_off_keeps_its_alarm(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    shown: dict[str, str],
    plug: str,
) -> None:
    """A plug that reports off while its power sensor reads a draw: the deletion keeps the alarm.

    Its ``off`` is no switch-off (rule 14): the issue and the notification
    stand until the draw stops.
    """
    await add_entry(hass, {CONF_POWER_SENSOR: PLUG_POWER_SENSOR})
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_STALE, on=True)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    assert entity_state(hass, plug) == STATE_OFF
    await _unload(hass, freezer, "remove")
    assert plug_power(hass) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert ALARM_ID in shown

    await advance(hass, freezer, timedelta(hours=1))
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert shown == {}


async def test_rule_10_alarm_issues_of_a_deleted_recovery_do_not_outlive_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    plug: str,
) -> None:
    """After a restart, the inactive alarm issues of a deleted recovery are deleted; others stay.

    Issues are not persistent: a restart keeps an inactive record of them,
    which nothing would delete once the recovery is gone (its plug may never
    report again).
    """
    removed = "01KRECOVERY00000000000000R"
    kept_ids = [f"heating_pad_not_responding_{ENTRY_ID}", "other_issue_x"]
    left_ids = [
        f"heating_pad_not_responding_{removed}",
        f"heating_pad_unreachable_{removed}",
        f"heating_pad_switches_itself_on_{removed}",
    ]
    hass_storage[ir.STORAGE_KEY] = {
        "version": ir.STORAGE_VERSION_MAJOR,
        "minor_version": ir.STORAGE_VERSION_MINOR,
        "key": ir.STORAGE_KEY,
        "data": {
            "issues": [
                {
                    "created": "2026-11-25T09:00:00+00:00",
                    "dismissed_version": None,
                    "domain": DOMAIN,
                    "is_persistent": False,
                    "issue_id": issue,
                }
                for issue in kept_ids + left_ids
            ]
        },
    }
    await issue_registry.async_load()
    await add_entry(hass)
    left = [issue for (domain, issue) in issue_registry.issues if domain == DOMAIN]
    assert sorted(left) == sorted(kept_ids)


# Rule 11: a heat start counts only when the plug confirms on


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_11_heat_start_refused_when_turn_on_raises(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """turn_on raises: the start is refused, no session, no rest gap, no events."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_FAILS, on=True)
    with pytest.raises(HomeAssistantError) as info:
        await start_heat(hass, how)
    assert info.value.translation_key == "heating_pad_not_responding"
    assert info.value.translation_domain == DOMAIN
    # Named as people see the plug, not by its entity id.
    assert str(info.value).startswith(
        'The heating pad plug "Heating pad plug" has not confirmed that it is off'
    )
    await hass.async_block_till_done()
    assert_no_session(hass)
    assert started == blocked == []

    # Nothing was recorded: heat works as soon as the plug does.
    await set_input_boolean(hass, PLUG_FAILS, on=False)
    await start_heat(hass, how)
    assert plug_power(hass) == STATE_ON
    assert len(started) == 1


@pytest.mark.usefixtures("init_integration")
async def test_rule_11_heat_start_refused_when_the_plug_does_not_report_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug that answers success and stays off: refused after 5 s; a later on is a start."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
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
async def test_rule_11_plug_on_after_a_failed_turn_on_is_switched_off(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """turn_on raises though the relay went on: the start is refused, the relay goes off."""
    with patch(
        "custom_components.back_recovery.engine.plug.HeatingPadPlug._async_call",
        side_effect=[False],
    ):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await set_input_boolean(hass, PLUG_POWER, on=False)
        await advance(hass, freezer, timedelta(hours=3))
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)

    async def on_but_raise(self: Any, service: str) -> bool:
        await set_input_boolean(hass, PLUG_POWER, on=True)
        return False

    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    with (
        patch(
            "custom_components.back_recovery.engine.plug.HeatingPadPlug._async_call",
            on_but_raise,
        ),
        pytest.raises(HomeAssistantError),
    ):
        await start_heat(hass, "action")
    # Rule 11 (issue 20, item 5): the start was refused, so a switch-off is
    # owed until the plug is seen off; the relay that went on is switched
    # off (the patched plug raised that too: at the first retry), and
    # nothing is recorded.
    await advance(hass, freezer, timedelta(seconds=5))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF
    assert ended == started == []


# Rule 12: a plug that reports unknown is reachable, and gets its switch-off


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_plug_reporting_unknown_is_switched_off_at_the_planned_end(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Its state lost at minute 10, the plug still takes the switch-off at the planned end.

    ``unknown`` is neither on nor off: heat runs on until the planned end,
    the switch-off is sent then and again until the plug reports ``off``,
    and the plug counts as reachable (never ``heating_pad_unreachable``).
    """
    await start_heat(hass, "switch")
    offs = plug_calls(hass, "turn_off")
    await advance(hass, freezer, timedelta(minutes=10))
    await set_input_boolean(hass, PLUG_UNKNOWN, on=True)
    assert entity_state(hass, PLUG) == "unknown"
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert offs == []

    await advance(hass, freezer, timedelta(minutes=10))
    end = dt_util.utcnow()
    assert offs == [end]
    # The relay obeyed; the plug just cannot say so.
    assert plug_power(hass) == STATE_OFF
    for _ in range(25):
        await advance(hass, freezer, timedelta(seconds=1))
    assert [(call - end).total_seconds() for call in offs] == [0, 5, 20]
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None

    # Its report comes back: off, and everything clears.
    await set_input_boolean(hass, PLUG_UNKNOWN, on=False)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    await advance(hass, freezer, timedelta(minutes=5))
    assert len(offs) == 3


@pytest.mark.parametrize("how", ["stop", "load"])
async def test_rule_12_switch_off_owed_while_the_plug_reports_unknown_is_sent(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    *,
    freezer: FrozenDateTimeFactory,
    plug: str,
    issue_registry: ir.IssueRegistry,
    how: str,
) -> None:
    """A stop, or a switch-off owed at start-up, reaches a plug that reports ``unknown``."""
    if how == "load":
        hass_storage[STORAGE_KEY] = stored({"sessions": [], "plug_must_be_off": True})
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await set_input_boolean(hass, PLUG_UNKNOWN, on=True)
        offs = plug_calls(hass, "turn_off")
        await add_entry(hass)
    else:
        await add_entry(hass)
        await start_heat(hass, "action")
        await set_input_boolean(hass, PLUG_UNKNOWN, on=True)
        offs = plug_calls(hass, "turn_off")
        # The relay obeys, but its report stays unknown: heat is not seen off,
        # so the stop says so after the confirmation time (contract, "The
        # truth while the pad heats").
        _not_responding(
            (await waited(hass, freezer, action(hass, "stop_session"))).exception()
        )
    assert offs
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    await set_input_boolean(hass, PLUG_UNKNOWN, on=False)
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is False


# Rule 5: a plug seen again gets its switch-off at once, backoff from its first step


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("back_as", [STATE_ON, "unknown"])
async def test_rule_5_plug_back_is_switched_off_at_once_and_again_after_5_seconds(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    back_as: str,
) -> None:
    """Gone over the planned end, back ``on`` (or ``unknown``) and deaf to its first command.

    A plug that reconnects may publish its state before it listens: the
    ``turn_off`` sent at once is lost, and the next one must follow after
    5 seconds, not after the backoff the unreachable spell had reached
    (retries 60 s apart by then).
    """
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    # Tries at the end and 5, 20, 50 and 110 s after it; back 1 s after the last.
    for _ in range(111):
        await advance(hass, freezer, timedelta(seconds=1))
    offs = plug_calls(hass, "turn_off")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    if back_as == "unknown":
        await set_input_boolean(hass, PLUG_UNKNOWN, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    back = dt_util.utcnow()
    assert entity_state(hass, PLUG) == back_as
    assert offs == [back]
    assert plug_power(hass) == STATE_ON
    await set_input_boolean(hass, PLUG_IGNORES, on=False)

    await advance(hass, freezer, timedelta(seconds=4))
    assert len(offs) == 1
    await advance(hass, freezer, timedelta(seconds=1))
    assert [(call - back).total_seconds() for call in offs] == [0, 5]
    assert plug_power(hass) == STATE_OFF
    await set_input_boolean(hass, PLUG_UNKNOWN, on=False)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    await advance(hass, freezer, timedelta(minutes=5))
    assert len(offs) == 2


# Rule 17: a plug that leaves counts as unreachable, never as off


async def _plug_leaves(hass: HomeAssistant, how: str) -> None:
    """Take the plug out of the state machine: removed or disabled in the registry, or its state gone."""
    registry = er.async_get(hass)
    if how == "removed":
        registry.async_remove(PLUG)
    elif how == "disabled":
        registry.async_update_entity(PLUG, disabled_by=er.RegistryEntryDisabler.USER)
    else:  # its integration unloaded, or in setup retry
        hass.states.async_remove(PLUG)
    await hass.async_block_till_done()
    assert hass.states.get(PLUG) is None


async def _plug_returns(hass: HomeAssistant, how: str) -> None:
    """Bring the plug back under its entity id, as its integration sets it up again."""
    if how == "disabled":
        er.async_get(hass).async_update_entity(PLUG, disabled_by=None)
    if how == "unloaded":
        # Its platform writes its state again on the next report.
        await set_input_boolean(hass, PLUG_UNKNOWN, on=True)
        await set_input_boolean(hass, PLUG_UNKNOWN, on=False)
    else:
        with patch(
            "homeassistant.config.load_yaml_config_file", return_value=PLUG_CONFIG
        ):
            await hass.services.async_call("template", "reload", blocking=True)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["removed", "disabled", "unloaded"])
async def test_rule_17_plug_that_leaves_during_heat_counts_as_unreachable(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    how: str,
) -> None:
    """A plug gone from the state machine mid-session: rule 5, never an end of heat.

    The session runs on to its planned end (no rest gap begins), the
    unreachable issue stands from then, and the plug is switched off as soon
    as it is back under its entity id, reporting ``on``. Heat ends when the
    plug confirms ``off`` (contract, "The truth while the pad heats"): until
    then the session stays active and no skin rest begins.
    """
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await _plug_leaves(hass, how)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert ended == []
    await advance(hass, freezer, timedelta(minutes=10))
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None

    await advance(hass, freezer, timedelta(minutes=5))
    assert ended == []
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert plug_power(hass) == STATE_ON

    await advance(hass, freezer, timedelta(minutes=30))
    offs = plug_calls(hass, "turn_off")
    await _plug_returns(hass, how)
    assert offs
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert ended[0].data["heat_off_at"] is not None
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None
    assert issue_registry.async_get_issue(DOMAIN, MISSING_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_17_plug_that_leaves_outside_a_session_starts_no_rest(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug that leaves and comes back off outside a session changes nothing."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await _plug_leaves(hass, "removed")
    await _plug_returns(hass, "removed")
    assert entity_state(hass, PLUG) == STATE_OFF
    assert_no_session(hass)
    assert blocked == []


async def test_rule_17_a_new_plug_entity_is_never_adopted_silently(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A re-paired plug under a new entity id is not taken on: only the person picks it.

    The recovery keeps its plug (gone: unreachable at the planned end, the
    missing issue standing, whose fix flow offers the new one) and never
    commands the new entity.
    """
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await start_heat(hass, "switch")
    await _plug_leaves(hass, "removed")
    new = er.async_get(hass).async_get_or_create(
        "switch", "template", "repaired_plug", suggested_object_id="repaired_plug"
    )
    assert new.entity_id != PLUG
    hass.states.async_set(new.entity_id, STATE_ON)
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(minutes=20))
    for _ in range(3):
        await advance(hass, freezer, timedelta(minutes=1))

    assert init_integration.data[CONF_HEATING_PAD] == PLUG
    assert issue_registry.async_get_issue(DOMAIN, MISSING_ISSUE) is not None
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None
    assert entity_state(hass, HEATING_PAD) == "unavailable"
    assert not [
        call
        for call in calls
        if call.data["service_data"].get("entity_id") == new.entity_id
    ]
    assert entity_state(hass, new.entity_id) == STATE_ON


async def test_rule_17_plug_whose_integration_unloads_during_heat(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    second_plug: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The plug's own config entry unloaded mid-session: unreachable, switched off once set up again."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await add_entry(hass, plug=second_plug)
    await action(hass, "start_session", modality="heat")
    assert entity_state(hass, second_plug) == STATE_ON
    (plug_entry,) = hass.config_entries.async_entries("template")
    assert await hass.config_entries.async_unload(plug_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, second_plug) == "unavailable"
    await advance(hass, freezer, timedelta(minutes=19))
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert ended == []
    await advance(hass, freezer, timedelta(minutes=1))
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None

    states = async_capture_events(hass, EVENT_STATE_CHANGED)
    assert await hass.config_entries.async_setup(plug_entry.entry_id)
    await hass.async_block_till_done()
    # Back as it was (on), then switched off.
    assert [
        new_state.state
        for event in states
        if event.data["entity_id"] == second_plug
        and (new_state := event.data["new_state"]) is not None
    ] == [STATE_ON, STATE_OFF]
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None


# The truth while the pad heats (contract section of that name; issue 20)


def _not_responding(error: BaseException | None) -> None:
    """Check ``error`` is the plug's ``heating_pad_not_responding`` (a HomeAssistantError)."""
    assert isinstance(error, HomeAssistantError), error
    assert not isinstance(error, ServiceValidationError)
    assert error.translation_key == "heating_pad_not_responding"


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_the_screens_say_heat_while_a_switch_off_is_owed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The plug ignores the switch-off at the planned end: every surface says heat is on.

    Until the plug confirms off: session active, no skin rest, the next
    session unknown (after the switch-off), starts refused with
    heating_pad_not_responding, Off/stop raise it; then session_ended with
    heat_off_at, and the rest gap counts from the real off.
    """
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    rest_over = async_capture_events(hass, RecoveryEvent.SKIN_REST_OVER)
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(seconds=5))
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    allowed = hass.states.get(NEXT_SESSION_ALLOWED)
    assert allowed is not None
    assert allowed.state == "unknown"
    assert allowed.attributes["allowed"] == "after_switch_off"
    assert allowed.attributes["allowed_at"] is None
    assert entity_state(hass, LAST_SESSION_END) == "unknown"
    assert ended == []

    # Starts are refused: heat may be on the skin.
    for modality in ("heat", "ice"):
        with pytest.raises(HomeAssistantError) as info:
            await action(hass, "start_session", modality=modality)
        _not_responding(info.value)
    with pytest.raises(HomeAssistantError) as info:
        await switch(hass, HEATING_PAD, on=True)
    _not_responding(info.value)

    # Off, stop_session and the stop button say the plug does not obey.
    _not_responding(
        (await waited(hass, freezer, switch(hass, HEATING_PAD, on=False))).exception()
    )
    _not_responding(
        (await waited(hass, freezer, action(hass, "stop_session"))).exception()
    )
    _not_responding(
        (await waited(hass, freezer, press(hass, STOP_SESSION))).exception()
    )
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON

    # Two hours on, the skin has not rested: nothing says it has.
    await advance(hass, freezer, timedelta(hours=2))
    assert rest_over == []
    assert entity_state(hass, SKIN_REST) == STATE_OFF

    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == STATE_OFF
    off = dt_util.utcnow()
    assert [e.data for e in ended] == [
        {
            "config_entry_id": ENTRY_ID,
            "modality": "heat",
            "reason": "completed",
            "heat_off_at": off.isoformat(),
        }
    ]
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, LAST_SESSION_END) == off.isoformat()
    assert (
        entity_state(hass, NEXT_SESSION_ALLOWED)
        == (off + timedelta(hours=2)).isoformat()
    )
    await advance(hass, freezer, timedelta(hours=2) - timedelta(seconds=1))
    assert rest_over == []
    await advance(hass, freezer, timedelta(seconds=1))
    assert len(rest_over) == 1


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("stop", ["switch", "action", "button"])
async def test_rule_11_a_stop_while_the_plug_confirms_cancels_the_start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, stop: str
) -> None:
    """The turn_on never arrives and heat is stopped 1 s later: nothing recorded, no rest gap."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    task = asyncio.get_running_loop().create_task(start_heat(hass, "action"))
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(seconds=1))
    if stop == "switch":
        await switch(hass, HEATING_PAD, on=False)
    elif stop == "action":
        await action(hass, "stop_session")
    else:
        await press(hass, STOP_SESSION)
    for _ in range(4):
        await advance(hass, freezer, timedelta(seconds=1))
    with pytest.raises(HomeAssistantError) as info:
        await task
    assert info.value.translation_key == "heat_start_stopped"
    assert_no_session(hass)
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "unknown"
    assert started == ended == []
    # Nothing holds the next start back.
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await start_heat(hass, "action")
    assert plug_power(hass) == STATE_ON
    assert len(started) == 1


@pytest.mark.usefixtures("init_integration")
async def test_rule_11_a_plug_gone_while_switching_on_owes_a_switch_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The turn_on reached the relay, the report did not: refused, and switched off when back.

    50 minutes later the plug comes back on: it is switched off at once, not
    taken for a new start from outside with 20 more minutes.
    """
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)

    async def on_then_gone(self: Any, service: str) -> bool:
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await set_input_boolean(hass, PLUG_ONLINE, on=False)
        return True

    with patch(
        "custom_components.back_recovery.engine.plug.HeatingPadPlug._async_call",
        on_then_gone,
    ):
        error = (await waited(hass, freezer, start_heat(hass, "action"))).exception()
    _not_responding(error)
    assert started == []
    # The relay may be on: the pad may heat, and the alarm says so.
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is not None

    await advance(hass, freezer, timedelta(minutes=50))
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "unknown"
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_ISSUE) is None


@pytest.mark.parametrize("how", ["remove", "disable"])
async def test_rule_10_unload_while_the_plug_ignores_the_switch_off_alarms_first(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    plug: str,
    how: str,
) -> None:
    """At minute 5 of heat the recovery is removed or disabled and the plug ignores the switch-off.

    The alarm goes out before the entry is gone: the event, the reminder to
    every target (spoken although in quiet hours), and the repair issue stays.
    """
    hass.states.async_set("notify.phone", "unknown")
    hass.states.async_set("assist_satellite.kitchen", "idle")
    written = async_mock_service(hass, "notify", "send_message")
    spoken = async_mock_service(hass, "assist_satellite", "announce")
    alarms = async_capture_events(hass, RecoveryEvent.HEATING_PAD_NOT_RESPONDING)
    await add_entry(
        hass,
        {
            "notify_entities": ["notify.phone"],
            "announce_satellites": ["assist_satellite.kitchen"],
            "quiet_start": "00:00:00",
            "quiet_end": "23:59:00",
        },
    )
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await _unload(hass, freezer, how)
    assert plug_power(hass) == STATE_ON
    assert [e.data for e in alarms] == [
        {
            "config_entry_id": ENTRY_ID,
            "entity_id": PLUG,
            "device_id": alarms[0].data["device_id"],
            "reachable": True,
        }
    ]
    assert alarms[0].data["device_id"]
    stuck = 'The heating pad plug "Heating pad plug" does not switch off.'
    assert written[-1].data["message"] == f"{stuck} Unplug the heating pad now."
    assert len(spoken) == 1
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
