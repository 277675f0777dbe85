"""Rule 19: heat starts in the heat hours only (people fall asleep on heating pads).

Options ``heat_hours_start`` and ``heat_hours_end`` (local times; 00:00 both,
the default, means any time). Outside them a heat start through the switch,
the action or voice is refused (``ServiceValidationError``,
``outside_heat_hours``, placeholder ``allowed_at``), a plug switched on is
switched off at once and ``back_recovery_session_blocked`` fires with
``reason`` ``heat_hours``. Ice is not limited. A heat session started inside
runs to its planned end. The tests' time zone is US/Pacific: ``T0`` is 01:00
there, outside heat hours of 08:00 to 21:00.
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
    CONF_HEAT_HOURS_END,
    CONF_HEAT_HOURS_START,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.voice.questions import INTENT_NEXT_HEAT_SESSION
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import intent

from ..helpers.assist import ask, setup_assist, speech
from ..helpers.clock import T0, advance, local, move_to
from ..helpers.files import translations
from ..helpers.ha import (
    ENTRY_ID,
    NEXT_SESSION_ALLOWED,
    PLUG,
    SESSION_ACTIVE,
    SESSION_ENDS,
    action,
    entity_state,
)
from ..helpers.plug import PLUG_POWER, plug_power, set_input_boolean, start_heat

DAYTIME = {CONF_HEAT_HOURS_START: "08:00:00", CONF_HEAT_HOURS_END: "21:00:00"}
"""Heat from 08:00 to 21:00 local time."""
EVENING = {CONF_HEAT_HOURS_START: "20:00:00", CONF_HEAT_HOURS_END: "02:00:00"}
"""Heat from 20:00 to 02:00 local time: across midnight."""
OPENS = "2026-11-25T16:00:00+00:00"
"""08:00 in US/Pacific on T0's day: when DAYTIME opens next."""

daytime = pytest.mark.parametrize("entry_options", [DAYTIME])


@daytime
@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_19_heat_start_refused_outside_heat_hours(
    hass: HomeAssistant, how: str
) -> None:
    """At 01:00 the switch and the action refuse heat until 08:00; the plug stays off."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, how)
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == "outside_heat_hours"
    assert info.value.translation_placeholders == {"allowed_at": "8:00 AM"}
    assert "8:00 AM" in str(info.value)
    await hass.async_block_till_done()
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data for e in blocked] == [
        {
            "config_entry_id": ENTRY_ID,
            "modality": "heat",
            "allowed_at": OPENS,
            "reason": "heat_hours",
        }
    ]


@daytime
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_plug_switched_on_outside_is_switched_off_at_once(
    hass: HomeAssistant,
) -> None:
    """The plug's own button at 01:00: it goes off again, the start is blocked, every time."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)

    await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert started == []
    assert [(e.data["reason"], e.data["allowed_at"]) for e in blocked] == [
        ("heat_hours", OPENS)
    ]

    await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 2


@daytime
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_heat_allowed_from_the_start_of_the_heat_hours(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 07:59 heat is refused, at 08:00 it starts; at 21:00 it is refused again."""
    await move_to(hass, freezer, local(T0.date(), 7, 59))
    with pytest.raises(ServiceValidationError):
        await start_heat(hass, "action")
    await move_to(hass, freezer, local(T0.date(), 8, 0))
    await start_heat(hass, "action")
    assert entity_state(hass, PLUG) == STATE_ON
    await action(hass, "stop_session")
    await move_to(hass, freezer, local(T0.date(), 21, 0))
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, "switch")
    assert info.value.translation_key == "outside_heat_hours"
    assert info.value.translation_placeholders == {"allowed_at": "2026-11-26 8:00 AM"}


@pytest.mark.parametrize("entry_options", [EVENING])
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_window_across_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """20:00 to 02:00: heat at 01:00 (inside), refused at 04:00 until 20:00, allowed at 20:00."""
    await start_heat(hass, "switch")
    assert entity_state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, PLUG) == STATE_OFF

    await move_to(hass, freezer, local(T0.date(), 4, 0))
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "outside_heat_hours"
    assert info.value.translation_placeholders == {"allowed_at": "8:00 PM"}
    assert blocked[0].data["allowed_at"] == "2026-11-26T04:00:00+00:00"

    await move_to(hass, freezer, local(T0.date(), 20, 0))
    await start_heat(hass, "action")
    assert entity_state(hass, PLUG) == STATE_ON


@daytime
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_ice_is_not_limited(hass: HomeAssistant) -> None:
    """Ice starts at 01:00, outside the heat hours."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await action(hass, "start_session", modality="ice")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, PLUG) == STATE_OFF
    assert blocked == []


@pytest.mark.usefixtures("init_integration")
async def test_rule_19_default_heat_at_any_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without heat hours (00:00 both) heat starts at 01:00 and at 23:30."""
    await start_heat(hass, "action")
    assert entity_state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    await move_to(hass, freezer, local(T0.date(), 23, 30))
    await start_heat(hass, "switch")
    assert entity_state(hass, PLUG) == STATE_ON


@pytest.mark.parametrize(
    "entry_options", [{CONF_HEAT_HOURS_START: "00:00", CONF_HEAT_HOURS_END: "01:10"}]
)
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_session_started_inside_runs_to_its_planned_end(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Heat started at 01:00 goes on past the window's end at 01:10 and ends at 01:20."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=15))
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert ended == []
    await advance(hass, freezer, timedelta(minutes=5))
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]


@daytime
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_next_session_allowed_shows_the_heat_hours(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Outside the heat hours: ice now, heat at 08:00; after heat, the later of rest and window."""
    state = hass.states.get(NEXT_SESSION_ALLOWED)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.attributes["allowed"] == "heat_hours"
    assert state.attributes["allowed_at"] is None
    assert state.attributes["heat_allowed_at"] == OPENS

    # Heat from 20:00 to 20:20; the rest gap ends at 22:20, after the window.
    await move_to(hass, freezer, local(T0.date(), 20, 0))
    await start_heat(hass, "action")
    state = hass.states.get(NEXT_SESSION_ALLOWED)
    assert state is not None
    assert state.attributes["allowed"] == "after_session"
    assert state.attributes["heat_allowed_at"] == "2026-11-26T16:00:00+00:00"
    await advance(hass, freezer, timedelta(minutes=20))
    state = hass.states.get(NEXT_SESSION_ALLOWED)
    assert state is not None
    # The state is the rest gap's end (contract), the window is in the attributes.
    assert state.state == "2026-11-26T06:20:00+00:00"
    assert state.attributes["allowed"] == "skin_rest"
    assert state.attributes["allowed_at"] == "2026-11-26T06:20:00+00:00"
    assert state.attributes["heat_allowed_at"] == "2026-11-26T16:00:00+00:00"
    assert entity_state(hass, SESSION_ENDS) == STATE_UNKNOWN


@daytime
async def test_rule_19_voice_says_the_heat_hours(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Assist refuses "turn on the heating pad" with the heat hours, and says when heat is allowed."""
    await setup_assist(hass)
    en = translations()
    response = await ask(hass, "turn on the heating pad")
    assert response["response_type"] == "error"
    assert speech(response) == en["exceptions"]["outside_heat_hours"]["message"].format(
        allowed_at="8:00 AM"
    )
    assert entity_state(hass, PLUG) == STATE_OFF

    heat = await _next_heat(hass, {})
    assert heat == en["common"]["voice_next_heat_heat_hours"].format(
        heat_allowed_at="8:00 AM"
    )
    ice = await _next_heat(hass, {"modality": {"value": "ice"}})
    assert ice == en["common"]["voice_next_ice_heat_hours"].format(
        answer=en["common"]["voice_next_ice_now"], heat_allowed_at="8:00 AM"
    )


@daytime
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_voice_in_german(hass: HomeAssistant) -> None:
    """The German answer says the Wärmezeit, on a 24-hour clock."""
    await setup_assist(hass)
    de = translations("de")
    said = await _next_heat(hass, {}, "de")
    assert said == de["common"]["voice_next_heat_heat_hours"].format(
        heat_allowed_at="08:00"
    )


async def _next_heat(
    hass: HomeAssistant, slots: dict[str, Any], language: str = "en"
) -> str:
    """Ask "when can I use the heating pad again" (or about ice) as the intent; return the answer."""
    response = await intent.async_handle(
        hass, "test", INTENT_NEXT_HEAT_SESSION, slots, language=language
    )
    text: str = response.speech["plain"]["speech"]
    return text


@daytime
@pytest.mark.usefixtures("init_integration")
async def test_rule_19_next_session_allowed_follows_the_window_as_time_passes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At 08:00 the sensor says heat is allowed now, at 21:00 again that it waits for 08:00."""
    await move_to(hass, freezer, local(T0.date(), 7, 59))
    state = hass.states.get(NEXT_SESSION_ALLOWED)
    assert state is not None
    assert state.attributes["allowed"] == "heat_hours"
    await move_to(hass, freezer, local(T0.date(), 8, 0))
    state = hass.states.get(NEXT_SESSION_ALLOWED)
    assert state is not None
    assert state.attributes["allowed"] == "now"
    assert state.attributes["heat_allowed_at"] is None
    await move_to(hass, freezer, local(T0.date(), 21, 0))
    state = hass.states.get(NEXT_SESSION_ALLOWED)
    assert state is not None
    assert state.attributes["allowed"] == "heat_hours"
    assert state.attributes["heat_allowed_at"] == "2026-11-26T16:00:00+00:00"


@daytime
async def test_rule_19_plug_found_on_at_start_up_outside_is_switched_off(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> None:
    """A pad switched on while Home Assistant was down is switched off when the entry loads at 01:00."""
    await set_input_boolean(hass, PLUG_POWER, on=True)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data.get("reason") for e in blocked] == ["heat_hours"]
