"""Rule 14: power draw is the truth.

With a power sensor, a draw above the threshold counts as the pad on
whatever the plug reports: a plug that reports off while it draws has not
switched off (rule 10: retries, ``heating_pad_not_responding``, the alarm),
and a draw during the rest gap is undone like a plug switched on (rule 2). A
reading at or below the threshold never counts as off by itself (the pad's
own thermostat cycles its element); an unavailable sensor is ignored, and
diagnostics say so. Driven through the simulated plug, its power sensor and
its faults (``helpers/plug.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_POWER_SENSOR,
    CONF_POWER_THRESHOLD,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from custom_components.back_recovery.power_sensor import watts
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..helpers.clock import advance
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    NOT_RESPONDING_ISSUE,
    PLUG,
    SESSION_ACTIVE,
    SESSIONS_TODAY,
    SKIN_REST,
    action,
    add_entry,
    device_id,
    entity_state,
    switch,
)
from ..helpers.plug import (
    PAD_ELEMENT_IDLE,
    PAD_WATTS,
    PLUG_ECHOES_OFF,
    PLUG_IGNORES,
    PLUG_POWER,
    PLUG_POWER_SENSOR,
    PLUG_STALE,
    POWER_SENSOR_UNAVAILABLE,
    plug_power,
    set_input_boolean,
    start_heat,
)
from ..helpers.storage import STORAGE_KEY, stored


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Return the test entry's options: the simulated plug's power sensor, 10 W."""
    return {**DEFAULT_OPTIONS, CONF_POWER_SENSOR: PLUG_POWER_SENSOR}


async def _diagnostics(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Return what the entry's diagnostics say of the power sensor."""
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    power: dict[str, Any] = diagnostics["engine"]["power"]
    return power


@pytest.mark.usefixtures("init_integration")
async def test_rule_14_optimistic_echo_with_a_draw_is_no_switch_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A plug that echoes off at the planned end while the pad draws has not switched off.

    The switch-off is sent again, the repair issue stands and the alarm fires
    once; the session stays active and the skin does not rest until the draw
    stops; the rest gap counts from then.
    """
    alarms = async_capture_events(hass, RecoveryEvent.HEATING_PAD_NOT_RESPONDING)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    assert entity_state(hass, PLUG_POWER_SENSOR) == str(PAD_WATTS)
    await set_input_boolean(hass, PLUG_ECHOES_OFF, on=True)

    await advance(hass, freezer, timedelta(minutes=20))
    # The plug says off; the pad still draws 60 W.
    assert entity_state(hass, PLUG) == STATE_OFF
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    assert ended == []
    await advance(hass, freezer, timedelta(seconds=5))
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
    await advance(hass, freezer, timedelta(minutes=5))
    assert len(alarms) == 1
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON

    # The plug obeys the next switch-off: the draw stops, heat ends now.
    await set_input_boolean(hass, PLUG_ECHOES_OFF, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PLUG_POWER_SENSOR) == "0"
    off = dt_util.utcnow()
    assert [e.data["heat_off_at"] for e in ended] == [off.isoformat()]
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == (
        (off + timedelta(hours=2)).isoformat()
    )
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_14_frozen_plug_state_with_a_draw(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A plug whose state freezes at off while the pad draws: heat goes on, and is not over.

    The report alone would end the session ``external`` and start the rest
    gap (rule 6) with the pad heating; the draw says heat goes on. At the
    planned end a switch-off the plug ignores is not confirmed by its frozen
    ``off``: the issue stands until the draw stops.
    """
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "action")
    await set_input_boolean(hass, PLUG_STALE, on=True)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert ended == []

    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(seconds=5))
    assert plug_power(hass) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert ended == []

    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=15))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None


@pytest.mark.usefixtures("init_integration")
async def test_rule_14_a_draw_during_the_rest_gap_is_switched_off(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The relay switched on during the rest while the plug reports off: undone, blocked."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await action(hass, "log_session", modality="heat", minutes=20)
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, SESSIONS_TODAY) == "1"
    await set_input_boolean(hass, PLUG_STALE, on=True)

    await set_input_boolean(hass, PLUG_POWER, on=True)

    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PLUG_POWER_SENSOR) == "0"
    assert [e.data["modality"] for e in blocked] == ["heat"]
    # No session: the draw was undone, not recorded.
    assert entity_state(hass, SESSIONS_TODAY) == "1"
    assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_14_a_draw_outside_a_session_is_heat(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The relay switched on while the plug reports off, no rest gap: a heat session from outside (rule 1)."""
    await set_input_boolean(hass, PLUG_STALE, on=True)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_14_element_cycling_to_zero_watts_does_not_end_heat(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """0 W while the plug reports on is the pad's thermostat: heat goes on, and 0 W confirms no off."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    for idle in (True, False, True):
        await set_input_boolean(hass, PAD_ELEMENT_IDLE, on=idle)
        await advance(hass, freezer, timedelta(minutes=3))
        assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
        assert entity_state(hass, HEATING_PAD) == STATE_ON
    assert entity_state(hass, PLUG_POWER_SENSOR) == "0"
    assert ended == []

    # At the planned end the plug ignores the switch-off: 0 W is no off.
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=11))
    await advance(hass, freezer, timedelta(seconds=5))
    assert entity_state(hass, PLUG) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert ended == []


async def test_rule_14_an_unavailable_power_sensor_is_ignored(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """With the sensor unavailable the plug's report counts alone, and diagnostics say so."""
    assert (await _diagnostics(hass, init_integration))["status"] == "not_drawing"
    await set_input_boolean(hass, POWER_SENSOR_UNAVAILABLE, on=True)
    assert entity_state(hass, PLUG_POWER_SENSOR) == "unavailable"
    power = await _diagnostics(hass, init_integration)
    assert power["status"] == "ignored"
    assert power["power_sensor"] == PLUG_POWER_SENSOR
    assert power["reading_w"] is None

    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=5))
    await switch(hass, HEATING_PAD, on=False)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None

    await set_input_boolean(hass, POWER_SENSOR_UNAVAILABLE, on=False)
    power = await _diagnostics(hass, init_integration)
    assert power["status"] == "not_drawing"
    assert power["reading_w"] == 0


@pytest.mark.usefixtures("init_integration")
async def test_rule_14_a_new_threshold_applies_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Above the draw the threshold ignores it; lowered in the options, the draw is undone at once."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_POWER_THRESHOLD: 100}
    )
    await action(hass, "log_session", modality="heat", minutes=20)
    await set_input_boolean(hass, PLUG_STALE, on=True)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_ON
    assert blocked == []

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_POWER_THRESHOLD: 50}
    )
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 1


async def test_rule_14_a_draw_after_a_restart_owes_the_switch_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A switch-off owed at a restart is not confirmed by a plug that reports off while the pad draws."""
    hass_storage[STORAGE_KEY] = stored({"sessions": [], "plug_must_be_off": True})
    await set_input_boolean(hass, PLUG_STALE, on=True)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    assert entity_state(hass, PLUG) == STATE_OFF

    await add_entry(hass, {CONF_POWER_SENSOR: PLUG_POWER_SENSOR})
    await advance(hass, freezer, timedelta(seconds=5))
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is not None
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is True

    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=15))
    assert plug_power(hass) == STATE_OFF
    assert issue_registry.async_get_issue(DOMAIN, NOT_RESPONDING_ISSUE) is None
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is False
    assert entity_state(hass, LAST_SESSION_END) == "unknown"


@pytest.mark.parametrize(
    ("state", "attributes", "expected"),
    [
        ("60", {"unit_of_measurement": "W"}, 60.0),
        ("0.06", {"unit_of_measurement": "kW"}, 60.0),
        ("12", {}, 12.0),
        ("unavailable", {"unit_of_measurement": "W"}, None),
        ("unknown", {"unit_of_measurement": "W"}, None),
        ("60", {"unit_of_measurement": "A"}, None),
    ],
)
def test_rule_14_readings_in_watts(
    state: str, attributes: dict[str, str], expected: float | None
) -> None:
    """A reading is converted to watts; one that is no power reading is ignored."""
    assert watts(State("sensor.plug_power", state, attributes)) == expected
