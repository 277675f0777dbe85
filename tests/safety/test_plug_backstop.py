"""Rule 15: the plug's own auto-off as a backstop, set before every heat start.

Before heat starts, the plug's auto-off is set to the session's minutes plus
2 in its unit and its enabling switch turned on, both read back; a start
whose backstop cannot be set is refused (``plug_auto_off_not_set``, a
``HomeAssistantError``) with a repair issue that stands until a start sets
it. With it, a Home Assistant that dies mid-session still leaves the pad off
within the session's minutes plus 2. Driven through the simulated plug's
auto-off (``helpers/plug.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_PLUG_AUTO_OFF,
    CONF_PLUG_AUTO_OFF_SWITCH,
    DOMAIN,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.const import EVENT_CALL_SERVICE, STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later

from ..helpers.clock import advance, minutes, waited
from ..helpers.ha import (
    ENTRY_ID,
    NEXT_SESSION_ALLOWED,
    SESSION_ACTIVE,
    SESSION_ENDS,
    action,
    assert_no_session,
    entity_state,
)
from ..helpers.plug import (
    PLUG_AUTO_OFF,
    PLUG_AUTO_OFF_IGNORED,
    PLUG_AUTO_OFF_SECONDS,
    PLUG_AUTO_OFF_SWITCH,
    plug_power,
    set_input_boolean,
    setup_countdown,
    start_heat,
)

BACKSTOP_ISSUE = f"plug_auto_off_not_set_{ENTRY_ID}"


def _with_backstop(number: str, switch: str | None = PLUG_AUTO_OFF_SWITCH) -> Any:
    """Return the options with the plug's auto-off ``number`` and its ``switch``."""
    options = {**DEFAULT_OPTIONS, CONF_PLUG_AUTO_OFF: number}
    if switch is not None:
        options[CONF_PLUG_AUTO_OFF_SWITCH] = switch
    return options


async def _refused(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, request: Any
) -> HomeAssistantError:
    """Run a start whose backstop may wait to be read back; return the error it raised.

    The auto-off and its switch have ``READ_BACK_SECONDS`` to report what
    they were set to: time passes meanwhile.
    """
    error = (await waited(hass, freezer, request)).exception()
    assert isinstance(error, HomeAssistantError), error
    return error


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Return the options with the auto-off in minutes and its enabling switch."""
    return dict(_with_backstop(PLUG_AUTO_OFF))


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_15_backstop_set_in_minutes_before_the_plug_is_switched_on(
    hass: HomeAssistant, how: str
) -> None:
    """A 20-minute session sets the auto-off to 22 minutes and turns it on, before the plug."""
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    await start_heat(hass, how)
    assert entity_state(hass, PLUG_AUTO_OFF) == "22.0"
    assert entity_state(hass, PLUG_AUTO_OFF_SWITCH) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert plug_power(hass) == STATE_ON
    order = [
        (call.data["domain"], call.data["service_data"]["entity_id"])
        for call in calls
        if call.data["domain"] in ("number", "switch")
        and call.data["service_data"].get("entity_id")
        in (PLUG_AUTO_OFF, PLUG_AUTO_OFF_SWITCH, "switch.heating_pad_plug")
    ]
    assert order == [
        ("number", PLUG_AUTO_OFF),
        ("switch", PLUG_AUTO_OFF_SWITCH),
        ("switch", "switch.heating_pad_plug"),
    ]


@pytest.mark.usefixtures("init_integration")
async def test_rule_15_backstop_follows_the_session_length(hass: HomeAssistant) -> None:
    """A 10-minute session sets the auto-off to 12 minutes."""
    await action(hass, "start_session", modality="heat", minutes=10)
    assert entity_state(hass, PLUG_AUTO_OFF) == "12.0"
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_15_backstop_that_reports_its_value_late_holds(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An auto-off that shows what it was set to a second after the call (an MQTT plug) holds.

    A device whose entity follows its own report takes the value, and the
    state follows when the device reports it (the real-process test found
    starts refused because the value was read back at once).
    """
    original = hass.services.async_services_for_domain("number")["set_value"]

    async def reports_later(call: ServiceCall) -> None:
        @callback
        def report(_now: datetime) -> None:
            hass.async_run_hass_job(original.job, call)

        async_call_later(hass, 1, report)

    hass.services.async_register("number", "set_value", reports_later)
    task = await waited(hass, freezer, start_heat(hass, "action"))
    assert task.exception() is None
    assert entity_state(hass, PLUG_AUTO_OFF) == "22.0"
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert plug_power(hass) == STATE_ON


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("entry_options", [_with_backstop(PLUG_AUTO_OFF_SECONDS, None)])
async def test_rule_15_backstop_set_in_seconds(hass: HomeAssistant) -> None:
    """A countdown in seconds without an enabling switch is set to 1320 (22 minutes)."""
    await start_heat(hass, "switch")
    assert entity_state(hass, PLUG_AUTO_OFF_SECONDS) == "1320.0"
    assert entity_state(hass, PLUG_AUTO_OFF_SWITCH) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("entry_options", [dict(DEFAULT_OPTIONS)])
async def test_rule_15_without_a_backstop_nothing_is_set(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Without ``plug_auto_off`` heat starts as before and the auto-off is left alone."""
    await set_input_boolean(hass, PLUG_AUTO_OFF_IGNORED, on=True)
    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, PLUG_AUTO_OFF) == "0.0"
    assert entity_state(hass, PLUG_AUTO_OFF_SWITCH) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, BACKSTOP_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    "entry_options",
    [_with_backstop(PLUG_AUTO_OFF), _with_backstop(PLUG_AUTO_OFF_SECONDS, None)],
)
async def test_rule_15_heat_refused_when_the_backstop_cannot_be_set(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """An auto-off that ignores its setting refuses heat: no session, no rest gap, an issue.

    A later start that sets it starts heat and clears the issue.
    """
    await set_input_boolean(hass, PLUG_AUTO_OFF_IGNORED, on=True)
    error = await _refused(
        hass, freezer, action(hass, "start_session", modality="heat")
    )
    assert not isinstance(error, ServiceValidationError)
    assert error.translation_key == "plug_auto_off_not_set"
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert_no_session(hass)
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "unknown"
    issue = issue_registry.async_get_issue(DOMAIN, BACKSTOP_ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_key == "plug_auto_off_not_set"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["name"] == "Back recovery"
    number = hass.states.get(init_integration.options[CONF_PLUG_AUTO_OFF])
    assert number is not None
    assert error.translation_placeholders == {
        "entity_id": number.entity_id,
        "auto_off": number.name,
    }

    await set_input_boolean(hass, PLUG_AUTO_OFF_IGNORED, on=False)
    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert plug_power(hass) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, BACKSTOP_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_15_heat_refused_when_the_switch_does_not_turn_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An auto-off that is set but whose enabling switch stays off refuses heat too.

    The refusal and the issue name the switch, not the auto-off that held.
    """
    await hass.services.async_call(
        "number", "set_value", {"entity_id": PLUG_AUTO_OFF, "value": 22}, blocking=True
    )
    await set_input_boolean(hass, PLUG_AUTO_OFF_IGNORED, on=True)
    error = await _refused(hass, freezer, start_heat(hass, "switch"))
    assert error.translation_key == "plug_auto_off_not_set"
    assert plug_power(hass) == STATE_OFF
    assert_no_session(hass)
    issue = issue_registry.async_get_issue(DOMAIN, BACKSTOP_ISSUE)
    assert issue is not None
    switch = hass.states.get(PLUG_AUTO_OFF_SWITCH)
    assert switch is not None
    named = {"entity_id": PLUG_AUTO_OFF_SWITCH, "auto_off": switch.name}
    assert error.translation_placeholders == named
    assert issue.translation_placeholders == {"name": "Back recovery", **named}


@pytest.mark.usefixtures("init_integration")
async def test_rule_15_heat_refused_when_the_auto_off_is_unavailable(
    hass: HomeAssistant,
) -> None:
    """An auto-off that is gone cannot be set: heat is refused."""
    hass.states.async_remove(PLUG_AUTO_OFF)
    with pytest.raises(HomeAssistantError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "plug_auto_off_not_set"
    assert plug_power(hass) == STATE_OFF
    assert_no_session(hass)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    "attributes",
    [
        {"min": 1, "max": 15, "step": 1, "unit_of_measurement": "min"},
        {"min": 0, "max": 3000, "step": 1, "unit_of_measurement": "W"},
    ],
)
async def test_rule_15_heat_refused_when_the_auto_off_cannot_hold_it(
    hass: HomeAssistant, attributes: dict[str, Any]
) -> None:
    """An auto-off whose maximum is below 22 minutes, or that counts no time, is not even told."""
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    hass.states.async_set(PLUG_AUTO_OFF, "0", attributes)
    with pytest.raises(HomeAssistantError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "plug_auto_off_not_set"
    assert not [call for call in calls if call.data["domain"] == "number"]
    assert plug_power(hass) == STATE_OFF
    assert_no_session(hass)


@pytest.mark.usefixtures("init_integration")
async def test_rule_15_issue_goes_when_the_backstop_is_removed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """Options without an auto-off leave nothing to fix: the issue goes."""
    await set_input_boolean(hass, PLUG_AUTO_OFF_IGNORED, on=True)
    await _refused(hass, freezer, start_heat(hass, "action"))
    assert issue_registry.async_get_issue(DOMAIN, BACKSTOP_ISSUE) is not None
    hass.config_entries.async_update_entry(
        init_integration, options=dict(DEFAULT_OPTIONS)
    )
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, BACKSTOP_ISSUE) is None
    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


async def test_rule_15_backstop_switches_the_pad_off_after_a_crash(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Home Assistant's recovery dies at minute 5: the plug's own countdown ends heat at minute 22."""
    await setup_countdown(hass)
    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ENDS) != "unknown"
    await advance(hass, freezer, minutes(5))
    init_integration.runtime_data.engine.abandon()
    await advance(hass, freezer, minutes(16))
    # Minute 21: the recovery's own 20-minute cut-off is gone with it.
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, minutes(1))
    assert plug_power(hass) == STATE_OFF
