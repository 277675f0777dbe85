"""The recovery's deadlines on the two clocks: the planned end, the rest gap, clock steps.

Rule 12 (clock steps cannot lengthen heat or shorten the rest gap), with the
wall clock stepped alone by the ``step_wall_clock`` fixture, and heat across
a daylight saving change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.back_recovery.const import RecoveryEvent
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from ..helpers.clock import T0, advance
from ..helpers.ha import (
    CALENDAR,
    LAST_SESSION_END,
    SESSION_ACTIVE,
    SKIN_REST,
    add_entry,
    entity_state,
    start_heat,
)
from ..helpers.plug import PLUG_POWER, plug_power, set_input_boolean
from ..helpers.storage import STORAGE_KEY, stored, stored_session

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
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    # Wall time 09:15 is when the plug went off; the rest gap counts from then.
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:15:00+00:00"


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("step", [timedelta(hours=1), timedelta(minutes=6)])
async def test_rule_12_session_that_starts_in_the_future_ends_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
    step: timedelta,
) -> None:
    """The wall clock goes back past the start of heat: heat ends at once."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await step_wall_clock(-step)
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_wall_clock_stepped_forward_cannot_shorten_the_rest_gap(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """After heat, the wall clock jumps an hour ahead: the rest gap still lasts 2 real hours."""
    rest_over = async_capture_events(hass, RecoveryEvent.SKIN_REST_OVER)
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
    # 12:20 UTC is 4:20 AM in the test time zone (US/Pacific), on English's clock.
    assert info.value.translation_placeholders == {"allowed_at": "4:20 AM"}
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=1))
    assert len(rest_over) == 1
    await start_heat(hass, "action")
    assert plug_power(hass) == STATE_ON


# Rule 13: timers across a daylight saving change


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
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, CALENDAR) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    begin = datetime.fromisoformat(start) - timedelta(hours=12)
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": CALENDAR,
            "start_date_time": begin.isoformat(),
            "end_date_time": (begin + timedelta(days=1)).isoformat(),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    result: Any = response[CALENDAR]
    (session,) = [e for e in result["events"] if e["summary"] == "Heat session"]
    assert {key: session[key] for key in shown} == shown


# Rule 12 after a restart: "while Home Assistant runs" starts when the entry loads


def _stored_heat(started: datetime, ended: bool) -> dict[str, Any]:
    """Return a stored history with one 20-minute heat session from ``started``."""
    return stored(
        {
            "sessions": [
                stored_session(started, minutes=20, ended=ended, modality="heat")
            ],
            "plug_must_be_off": False,
        }
    )


@pytest.mark.usefixtures("plug")
async def test_rule_12_restart_then_wall_clock_stepped_back_cannot_lengthen_heat(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """Heat 15 minutes, a crash, a restart, the wall clock 14 minutes back: off 5 real minutes later."""
    hass_storage[STORAGE_KEY] = _stored_heat(T0 - timedelta(minutes=15), ended=False)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await add_entry(hass)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await step_wall_clock(-timedelta(minutes=14))
    await advance(hass, freezer, timedelta(minutes=4, seconds=50))
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


@pytest.mark.usefixtures("plug")
async def test_rule_12_restart_then_wall_clock_stepped_forward_cannot_shorten_the_rest_gap(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """The last session ended 30 minutes before a restart; the wall clock jumps 100 minutes: heat is still refused."""
    hass_storage[STORAGE_KEY] = _stored_heat(T0 - timedelta(minutes=50), ended=True)
    await add_entry(hass)
    assert entity_state(hass, SKIN_REST) == STATE_ON
    await step_wall_clock(timedelta(minutes=100))
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "rest_gap_active"
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    # 90 real minutes of rest were left at the restart.
    await advance(hass, freezer, timedelta(minutes=89))
    with pytest.raises(ServiceValidationError):
        await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=1))
    await start_heat(hass, "action")
    assert plug_power(hass) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_12_paused_machine_ends_heat_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """At minute 5 of heat the machine is paused 30 minutes: the wall clock jumps, the monotonic clock stood still, heat ends at once."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=5))
    await step_wall_clock(timedelta(minutes=30))
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert entity_state(hass, SKIN_REST) == STATE_ON
