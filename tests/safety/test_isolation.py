"""Rule 13: an error in one entity never stops the others or the switching; DST shows real times.

A listener (an entity) that fails is logged and the others are still told;
the calendar failing leaves the other entities and the plug working; a
session across a daylight-saving change ends on time and is shown with its
real times.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.back_recovery.engine.state import StateHub
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant

from ..helpers.clock import advance
from ..helpers.ha import (
    CALENDAR,
    SESSION_ACTIVE,
    SESSION_ENDS,
    SKIN_REST,
    add_entry,
    calendar_events,
    entity_state,
)
from ..helpers.plug import plug_power, start_heat

# Rule 13: an error in one entity stops nothing else


async def test_rule_13_a_listener_that_fails_is_logged_and_the_others_go_on(
    hub: StateHub, caplog: pytest.LogCaptureFixture
) -> None:
    """Rule 13 in the registry: a failing listener is logged with the recovery's title."""
    heard: list[str] = []

    def broken() -> None:
        raise RuntimeError("listener bug")

    hub.async_add_listener(broken)
    hub.async_add_listener(lambda: heard.append("after"))
    hub.async_add_listener(broken, every_minute=True)
    hub.async_add_listener(lambda: heard.append("minute"), every_minute=True)
    hub.async_notify()
    assert heard == ["after", "minute"]
    assert caplog.text.count("Presenting the recovery of Back recovery failed") == 2
    assert "listener bug" in caplog.text


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
        assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
        assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
        await advance(hass, freezer, timedelta(minutes=20))
        assert plug_power(hass) == STATE_OFF
        assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
        assert entity_state(hass, SKIN_REST) == STATE_ON
    assert "calendar bug" in caplog.text


# Rule 13: a session across a daylight saving change


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
    events = await calendar_events(hass, begin, begin + timedelta(days=1))
    (session,) = [e for e in events if e["summary"] == "Heat session"]
    assert {key: session[key] for key in shown} == shown
