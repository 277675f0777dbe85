"""Tests for the recovery calendar: phases as all-day events, sessions as timed events."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import Any
from unittest.mock import MagicMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.calendar import RecoveryCalendar
from custom_components.back_recovery.const import DOMAIN
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .helpers.clock import local_midnight, move_to
from .helpers.ha import CALENDAR, START_ICE_SESSION, action, calendar_events, press

# The entry's injury date is 2026-11-20; today is 2026-11-25 in US/Pacific.
REST = {"start": "2026-11-20", "end": "2027-01-01", "summary": "Rest"}
REHABILITATION = {
    "start": "2027-01-01",
    "end": "2027-02-12",
    "summary": "Rehabilitation",
}
RETURN = {"start": "2027-02-12", "end": "2027-05-07", "summary": "Return to activity"}
RECOVERED = {"start": "2027-05-07", "end": "2027-05-08", "summary": "Recovered"}


@pytest.fixture
def platforms() -> list[Platform]:
    """Set up the calendar platform only."""
    return [Platform.CALENDAR]


async def test_all_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_platforms: MockConfigEntry,
) -> None:
    """The calendar's registry entry and state match the snapshot."""
    await snapshot_platform(hass, entity_registry, snapshot, init_platforms.entry_id)


def _brief(events: list[Any]) -> list[dict[str, str]]:
    return [
        {key: event[key] for key in ("start", "end", "summary")} for event in events
    ]


@pytest.mark.usefixtures("init_integration")
async def test_phases_are_all_day_events(hass: HomeAssistant) -> None:
    """The whole schedule shows as all-day events; recovered is one day long."""
    events = await calendar_events(
        hass,
        local_midnight(date(2026, 1, 1)),
        local_midnight(date(2028, 1, 1)),
    )
    assert _brief(events) == [REST, REHABILITATION, RETURN, RECOVERED]
    assert events[0]["description"].startswith("Rest and protect your back")


@pytest.mark.parametrize(
    ("first_day", "expected"),
    [
        (date(2026, 12, 31), [REST]),
        (date(2027, 1, 1), [REHABILITATION]),
        (date(2027, 5, 6), [RETURN]),
        (date(2027, 5, 7), [RECOVERED]),
        (date(2027, 5, 8), []),
        (date(2026, 11, 19), []),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_one_day_queries_on_boundaries(
    hass: HomeAssistant, first_day: date, expected: list[dict[str, str]]
) -> None:
    """A query for one local day returns the phase of that day only."""
    events = await calendar_events(
        hass,
        local_midnight(first_day),
        local_midnight(first_day + timedelta(days=1)),
    )
    assert _brief(events) == expected


@pytest.mark.usefixtures("init_integration")
async def test_state_shows_todays_phase(hass: HomeAssistant) -> None:
    """The calendar is on with today's phase as its current event."""
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["message"] == "Rest"
    assert state.attributes["all_day"] is True
    assert state.attributes["start_time"] == "2026-11-20 00:00:00"
    assert state.attributes["end_time"] == "2027-01-01 00:00:00"


@pytest.mark.usefixtures("init_integration")
async def test_calendar_is_named_calendar_and_keeps_its_entity_id(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The calendar reads "Back recovery Calendar", not "Back recovery Recovery"; its entity id stays."""
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.attributes["friendly_name"] == "Back recovery Calendar"
    entry = entity_registry.async_get(CALENDAR)
    assert entry is not None
    assert entry.unique_id.endswith("_recovery")
    assert entry.translation_key == "recovery"


@pytest.mark.usefixtures("init_integration")
async def test_events_follow_a_change_of_language(hass: HomeAssistant) -> None:
    """A new language in Home Assistant's settings names the events without a restart."""
    await hass.config.async_update(language="de")
    await hass.async_block_till_done()

    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.attributes["message"] == "Ruhe"
    assert state.attributes["description"].startswith("Ruhe und Schonung")
    events = await calendar_events(
        hass, local_midnight(date(2026, 1, 1)), local_midnight(date(2028, 1, 1))
    )
    assert [event["summary"] for event in events] == [
        "Ruhe",
        "Rehabilitation",
        "Rückkehr zur Aktivität",
        "Erholt",
    ]


async def test_set_phase_shows_on_the_calendar(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """After set_phase to recovered, recovered is a one-day event today."""
    await hass.services.async_call(
        DOMAIN,
        "set_phase",
        {"config_entry_id": init_integration.entry_id, "phase": "recovered"},
        blocking=True,
    )
    events = await calendar_events(
        hass,
        local_midnight(date(2026, 11, 1)),
        local_midnight(date(2028, 1, 1)),
    )
    assert _brief(events) == [
        {"start": "2026-11-20", "end": "2026-11-25", "summary": "Rest"},
        {"start": "2026-11-25", "end": "2026-11-26", "summary": "Recovered"},
    ]
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.attributes["message"] == "Recovered"


async def test_recovered_is_off_after_its_first_day(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The day after the one-day recovered event, no phase event runs."""
    await hass.services.async_call(
        DOMAIN,
        "set_phase",
        {"config_entry_id": init_integration.entry_id, "phase": "recovered"},
        blocking=True,
    )
    await move_to(hass, freezer, local_midnight(date(2026, 11, 26)))
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.state == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_sessions_are_timed_events(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A running and then a finished ice session show as timed events at their times."""
    await press(hass, START_ICE_SESSION)
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.attributes["message"] == "Ice session"
    assert state.attributes["all_day"] is False

    await move_to(hass, freezer, dt_util.utcnow() + timedelta(minutes=25))
    events = await calendar_events(
        hass,
        local_midnight(date(2026, 11, 25)),
        local_midnight(date(2026, 11, 26)),
    )
    assert _brief(events) == [
        {"start": "2026-11-20", "end": "2027-01-01", "summary": "Rest"},
        {
            "start": "2026-11-25T01:00:00-08:00",
            "end": "2026-11-25T01:20:00-08:00",
            "summary": "Ice session",
        },
    ]
    # A window that ends before the session began leaves it out.
    earlier = await calendar_events(
        hass,
        local_midnight(date(2026, 11, 24)),
        local_midnight(date(2026, 11, 25)),
    )
    assert _brief(earlier) == [REST | {"start": "2026-11-20"}]


@pytest.mark.usefixtures("init_integration")
async def test_answers_from_memory(hass: HomeAssistant) -> None:
    """Range queries read no storage."""
    with patch(
        "homeassistant.helpers.storage.Store.async_load",
        side_effect=AssertionError("storage read"),
    ) as load:
        events = await calendar_events(
            hass,
            local_midnight(date(2026, 1, 1)),
            local_midnight(date(2028, 1, 1)),
        )
    assert len(events) == 4
    load.assert_not_called()


@pytest.mark.usefixtures("init_integration")
async def test_calendar_trigger_fires_when_rehabilitation_starts(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A calendar trigger on the recovery calendar runs when a phase event starts."""
    calls = async_mock_service(hass, "test", "phase_started")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {
                    "trigger": "calendar",
                    "event": "start",
                    "entity_id": CALENDAR,
                },
                "actions": {
                    "action": "test.phase_started",
                    "data": {"summary": "{{ trigger.calendar_event.summary }}"},
                },
            }
        },
    )
    await hass.async_block_till_done()
    moment = local_midnight(date(2026, 12, 31)) + timedelta(hours=23, minutes=50)
    await move_to(hass, freezer, moment)
    assert calls == []
    while moment < local_midnight(date(2027, 1, 1)) + timedelta(minutes=20):
        moment += timedelta(minutes=5)
        await move_to(hass, freezer, moment)
    assert [call.data["summary"] for call in calls] == ["Rehabilitation"]
    # Detach the calendar trigger's refresh timer before Home Assistant stops.
    await hass.services.async_call(
        "automation", "turn_off", {"entity_id": "all"}, blocking=True
    )


def counting_session_events() -> AbstractContextManager[MagicMock]:
    """Count the session events the calendar builds; they are still built."""
    return patch.object(
        RecoveryCalendar,
        "_session_event",
        autospec=True,
        side_effect=RecoveryCalendar._session_event,
    )


@pytest.mark.usefixtures("init_integration")
async def test_finished_session_events_are_built_once(hass: HomeAssistant) -> None:
    """A finished session's event is built once, reused, and rebuilt in a new language."""
    for hours in (30, 6):
        await action(
            hass,
            "log_session",
            modality="ice",
            minutes=10,
            ended_at=(dt_util.utcnow() - timedelta(hours=hours)).isoformat(),
        )
    window = (local_midnight(date(2026, 11, 1)), local_midnight(date(2026, 12, 1)))
    with counting_session_events() as built:
        first = await calendar_events(hass, *window)
        assert built.call_count == 2
        assert await calendar_events(hass, *window) == first
        assert built.call_count == 2
        # A window holding one of them reads only that one.
        one_day = await calendar_events(
            hass, local_midnight(date(2026, 11, 24)), local_midnight(date(2026, 11, 25))
        )
        assert [event["summary"] for event in one_day] == ["Rest", "Ice session"]
        await hass.config.async_update(language="de")
        await hass.async_block_till_done()
        german = await calendar_events(hass, *window)
        assert built.call_count == 4
    assert [event["summary"] for event in german] == [
        "Ruhe",
        "Kälteanwendung",
        "Kälteanwendung",
    ]


@pytest.mark.usefixtures("init_integration")
async def test_the_running_session_event_is_built_on_each_query(
    hass: HomeAssistant,
) -> None:
    """The running session's event is not kept: its end is still the planned one."""
    await press(hass, START_ICE_SESSION)
    window = (local_midnight(date(2026, 11, 25)), local_midnight(date(2026, 11, 26)))
    with counting_session_events() as built:
        await calendar_events(hass, *window)
        await calendar_events(hass, *window)
    assert built.call_count == 2
