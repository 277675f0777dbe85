"""Tests of the logbook descriptions of the integration's events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from custom_components.back_recovery.logbook import (
    async_describe_events,
    describe_event,
)
from custom_components.back_recovery.therapy.session import EndReason
from homeassistant.components.logbook.const import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.components.logbook.models import LogbookConfig, async_event_to_row
from homeassistant.components.logbook.processor import EventProcessor
from homeassistant.components.recorder.core import Recorder
from homeassistant.const import EVENT_CALL_SERVICE, EVENT_STATE_CHANGED, STATE_OFF
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component

from .helpers.clock import T0, advance
from .helpers.ha import ENTRY_ID, PLUG, device_id
from .helpers.plug import (
    PLUG_IGNORES,
    PLUG_ONLINE,
    plug_power,
    set_input_boolean,
    start_heat,
)
from .helpers.recorder import mock_recorder_before_hass  # noqa: F401

EN: dict[str, Any] = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components"
        / DOMAIN
        / "translations"
        / "en.json"
    ).read_text(encoding="utf-8")
)
Describe = Callable[[Event], dict[str, str]]


@pytest.fixture
async def describers(hass: HomeAssistant) -> dict[str, Describe]:
    """Collect the describe callbacks the integration registers; its texts are loaded."""
    found: dict[str, Describe] = {}

    def describe_event(domain: str, event_type: str, describe: Describe) -> None:
        assert domain == DOMAIN
        found[event_type] = describe

    async_describe_events(hass, describe_event)
    await hass.async_block_till_done()
    return found


@pytest.fixture
def events(hass: HomeAssistant) -> list[Event]:
    """Record every event on the bus, as the recorder hands them to the logbook."""
    recorded: list[Event] = []

    @callback
    def record(event: Event) -> None:
        recorded.append(event)

    hass.bus.async_listen("*", record)
    return recorded


def test_all_bus_events_described(describers: dict[str, Describe]) -> None:
    """Every event of the contract has a logbook description."""
    assert set(describers) == {
        RecoveryEvent.SESSION_STARTED,
        RecoveryEvent.SESSION_ENDED,
        RecoveryEvent.SESSION_BLOCKED,
        RecoveryEvent.SKIN_REST_OVER,
        RecoveryEvent.PHASE_CHANGED,
        RecoveryEvent.HEATING_PAD_NOT_RESPONDING,
        RecoveryEvent.HEATING_PAD_SWITCHING_OFF,
        RecoveryEvent.PAIN_LOGGED,
        RecoveryEvent.REVIEW_RECOMMENDED,
        RecoveryEvent.DOSE_LOGGED,
        RecoveryEvent.MEDICATION_WARNING,
        RecoveryEvent.EXERCISE_LOGGED,
        RecoveryEvent.EXERCISE_PAIN,
        RecoveryEvent.ACTIVITY_CLEARED,
        RecoveryEvent.CLEARANCE_WITHDRAWN,
    }


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (
            RecoveryEvent.SESSION_STARTED,
            {"modality": "heat", "ends_at": "2026-11-25T09:20:00+00:00"},
            "Heat session started, ends at 1:20 AM",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "heat", "reason": "completed"},
            "Heat session ended: completed",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "ice", "reason": "external"},
            "Ice session ended: switched off at the plug",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "heat", "allowed_at": "2026-11-25T11:20:00+00:00"},
            "Heat session refused, allowed at 3:20 AM",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "ice", "allowed_at": "2026-11-26T08:10:00+00:00"},
            "Ice session refused, allowed at 2026-11-26 12:10 AM",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {
                "modality": "heat",
                "allowed_at": "2026-11-25T11:20:00+00:00",
                "cause": "plug",
            },
            (
                "The plug switched itself on and was switched off again "
                "(Heat session allowed at 3:20 AM)"
            ),
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {
                "modality": "heat",
                "allowed_at": "2026-11-25T11:20:00+00:00",
                "cause": "automation",
            },
            "Heat session refused, allowed at 3:20 AM",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {
                "modality": "heat",
                "allowed_at": "2026-11-25T16:00:00+00:00",
                "reason": "heat_hours",
            },
            "Heat session refused outside the heat hours, allowed at 8:00 AM",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {
                "modality": "heat",
                "allowed_at": "2026-11-25T16:00:00+00:00",
                "reason": "heat_hours",
                "cause": "plug",
            },
            (
                "The plug switched itself on and was switched off again "
                "(Heat session allowed at 8:00 AM)"
            ),
        ),
        (RecoveryEvent.SKIN_REST_OVER, {}, "Skin rest over, a new session is allowed"),
        (
            RecoveryEvent.PHASE_CHANGED,
            {"from_phase": "rest", "to_phase": "return_to_activity"},
            "New recovery phase: Return to activity",
        ),
        (
            RecoveryEvent.HEATING_PAD_NOT_RESPONDING,
            {"entity_id": PLUG},
            "The heating pad does not switch off: unplug it",
        ),
        (
            RecoveryEvent.HEATING_PAD_NOT_RESPONDING,
            {"entity_id": PLUG, "reachable": True},
            "The heating pad does not switch off: unplug it",
        ),
        (
            RecoveryEvent.HEATING_PAD_NOT_RESPONDING,
            {"entity_id": PLUG, "reachable": False},
            "The heating pad plug cannot be reached to switch it off: unplug it",
        ),
        (
            RecoveryEvent.HEATING_PAD_SWITCHING_OFF,
            {"entity_id": PLUG},
            "Switches the heating pad off",
        ),
        (
            RecoveryEvent.EXERCISE_LOGGED,
            {"exercise": "Bridge", "skipped": False, "done_at": T0.isoformat()},
            "Exercise done: Bridge",
        ),
        (
            RecoveryEvent.EXERCISE_LOGGED,
            {"exercise": "Bridge", "skipped": True, "done_at": T0.isoformat()},
            "Exercise skipped: Bridge",
        ),
        (
            RecoveryEvent.EXERCISE_PAIN,
            {"exercise": "Bridge", "exercise_id": "x"},
            "Pain during or after Bridge is high: ease off and tell your physical therapist",
        ),
        (
            RecoveryEvent.ACTIVITY_CLEARED,
            {"activity": "high_impact", "by": "Dr. Lee", "cleared_on": "2026-03-03"},
            "Running and jumping cleared by Dr. Lee on 3 March",
        ),
        (
            RecoveryEvent.ACTIVITY_CLEARED,
            {
                "activity": "own_activity",
                "name": "Cycling",
                "by": "Dr. Lee",
                "cleared_on": "2025-12-30",
            },
            "Cycling cleared by Dr. Lee on 30 December 2025",
        ),
        (
            RecoveryEvent.CLEARANCE_WITHDRAWN,
            {"activity": "heavy_lifting", "withdrawn_on": "2026-11-25"},
            "Clearance withdrawn: Heavy lifting",
        ),
    ],
)
def test_messages(
    hass: HomeAssistant,
    *,
    mock_config_entry: MockConfigEntry,
    describers: dict[str, Describe],
    event_type: str,
    data: dict[str, Any],
    message: str,
) -> None:
    """Each event reads as a sentence, named after the entry."""
    mock_config_entry.add_to_hass(hass)
    described = describers[event_type](
        Event(event_type, {"config_entry_id": ENTRY_ID, **data})
    )
    assert described["name"] == "Back recovery"
    assert described["message"] == message
    assert described["icon"].startswith("mdi:")


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (
            RecoveryEvent.SESSION_STARTED,
            {"modality": "heat", "ends_at": "2026-11-25T09:20:00+00:00"},
            "Wärmeanwendung gestartet, endet um 01:20",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "ice", "reason": "completed"},
            "Kälteanwendung beendet: abgeschlossen",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "heat", "allowed_at": "2026-11-25T13:20:00+00:00"},
            "Wärmeanwendung abgelehnt, erlaubt ab 05:20",
        ),
        (
            RecoveryEvent.SKIN_REST_OVER,
            {},
            "Hautruhe vorbei, eine neue Anwendung ist erlaubt",
        ),
        (
            RecoveryEvent.ACTIVITY_CLEARED,
            {"activity": "contact_sports", "by": "Dr. Lee", "cleared_on": "2026-03-03"},
            "Kontaktsport freigegeben von Dr. Lee am 3. März",
        ),
        (
            RecoveryEvent.PHASE_CHANGED,
            {"from_phase": "rest", "to_phase": "rehabilitation"},
            "Neue Erholungsphase: Rehabilitation",
        ),
        (
            RecoveryEvent.HEATING_PAD_NOT_RESPONDING,
            {"entity_id": PLUG},
            "Das Heizkissen schaltet nicht aus: ausstecken",
        ),
        (
            RecoveryEvent.EXERCISE_LOGGED,
            {"exercise": "Brücke", "skipped": False},
            "Übung gemacht: Brücke",
        ),
        (
            RecoveryEvent.EXERCISE_LOGGED,
            {"exercise": "Brücke", "skipped": True},
            "Übung ausgelassen: Brücke",
        ),
        (
            RecoveryEvent.EXERCISE_PAIN,
            {"exercise": "Brücke"},
            "Schmerz bei oder nach Brücke ist hoch: mach langsamer und sag es deiner Physiotherapie",
        ),
    ],
)
async def test_messages_in_german(
    hass: HomeAssistant,
    *,
    event_type: str,
    data: dict[str, Any],
    message: str,
) -> None:
    """In German the entries are German, with times on a 24-hour clock."""
    hass.config.language = "de"
    found: dict[str, Describe] = {}
    async_describe_events(
        hass, lambda domain, kind, describe: found.__setitem__(kind, describe)
    )
    await hass.async_block_till_done()

    described = found[event_type](Event(event_type, {"config_entry_id": "x", **data}))

    assert described["message"] == message


@pytest.mark.parametrize(
    ("event_type", "data", "icon"),
    [
        (RecoveryEvent.SESSION_STARTED, {"modality": "heat"}, "mdi:heating-coil"),
        (RecoveryEvent.SESSION_STARTED, {"modality": "ice"}, "mdi:snowflake"),
        (RecoveryEvent.SESSION_ENDED, {"reason": "stopped"}, "mdi:timer-check-outline"),
        (RecoveryEvent.SESSION_BLOCKED, {}, "mdi:hand-back-right-off-outline"),
        (RecoveryEvent.SKIN_REST_OVER, {}, "mdi:hand-back-right-outline"),
        (RecoveryEvent.PHASE_CHANGED, {}, "mdi:calendar-arrow-right"),
        (RecoveryEvent.HEATING_PAD_NOT_RESPONDING, {}, "mdi:power-plug-off"),
        (RecoveryEvent.HEATING_PAD_SWITCHING_OFF, {}, "mdi:radiator-off"),
        (RecoveryEvent.EXERCISE_LOGGED, {}, "mdi:human-handsup"),
        (RecoveryEvent.EXERCISE_PAIN, {}, "mdi:alert-octagon-outline"),
    ],
)
def test_every_entry_has_an_icon(
    describers: dict[str, Describe],
    event_type: str,
    data: dict[str, Any],
    icon: str,
) -> None:
    """Each entry shows an icon: a started session its modality's, the others their sensor's."""
    described = describers[event_type](Event(event_type, data))

    assert described["icon"] == icon


@pytest.mark.parametrize("reason", list(EndReason))
def test_every_end_reason_is_said_in_words(
    describers: dict[str, Describe], reason: EndReason
) -> None:
    """No end reason is shown as its raw value."""
    described = describers[RecoveryEvent.SESSION_ENDED](
        Event(RecoveryEvent.SESSION_ENDED, {"modality": "heat", "reason": reason})
    )

    said = EN["common"][f"end_reason_{reason.value}"]
    assert described["message"] == f"Heat session ended: {said}"


def test_before_the_texts_are_loaded_nothing_is_lost() -> None:
    """Without texts an entry names the event and its details, and still has its icon."""
    message, icon = describe_event(
        RecoveryEvent.SESSION_ENDED, {"modality": "heat", "reason": "stopped"}, {}
    )

    assert message == "session_ended heat stopped"
    assert icon == "mdi:timer-check-outline"


def test_unknown_entry_named_after_the_integration(
    describers: dict[str, Describe],
) -> None:
    """An event of a removed entry still reads, under the integration's name."""
    described = describers[RecoveryEvent.SESSION_BLOCKED](
        Event(
            RecoveryEvent.SESSION_BLOCKED,
            {"config_entry_id": "gone", "modality": "ice"},
        )
    )
    assert described["name"] == "Back Recovery"
    assert described["message"] == "Ice session refused, allowed at ?"


async def logbook_of(
    hass: HomeAssistant, events: list[Event], entity_id: str
) -> list[dict[str, Any]]:
    """Return the logbook's entries for ``events`` as its live stream shows them.

    The logbook's own processor turns the events into entries, with the
    integration's descriptions registered as the logbook registers them; only
    ``entity_id``'s state changes and the integration's events are kept.
    """
    external: dict[Any, Any] = {}
    async_describe_events(
        hass,
        lambda domain, kind, describe: external.__setitem__(kind, (domain, describe)),
    )
    await hass.async_block_till_done()
    hass.data[LOGBOOK_DOMAIN] = LogbookConfig(external)
    processor = EventProcessor(hass, list(external), for_live_stream=True)
    rows = (
        async_event_to_row(event)
        for event in events
        if event.event_type in external
        or event.data.get("entity_id") == entity_id
        and event.event_type == EVENT_STATE_CHANGED
    )
    return processor.humanify(rows)


@pytest.mark.usefixtures("init_integration")
async def test_switch_off_credited_to_back_recovery(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, events: list[Event]
) -> None:
    """The plug's switch-off at the planned end reads as Back Recovery's, not an anonymous action."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))

    entries = await logbook_of(hass, events, PLUG)
    (switching,) = (e for e in entries if e.get("icon") == "mdi:radiator-off")
    (plug_off,) = (e for e in entries if e.get("state") == "off")
    assert switching["message"] == "Switches the heating pad off"
    assert switching["entity_id"] == PLUG
    assert plug_off["entity_id"] == PLUG
    assert plug_off["context_event_type"] == RecoveryEvent.HEATING_PAD_SWITCHING_OFF
    assert plug_off["context_domain"] == DOMAIN
    assert plug_off["context_name"] == "Back recovery"
    assert plug_off["context_message"] == "Switches the heating pad off"
    assert "context_service" not in plug_off


@pytest.mark.usefixtures("init_integration")
async def test_stuck_plug_in_the_logbook(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, events: list[Event]
) -> None:
    """A plug that does not switch off: one line says to unplug it, one that Back Recovery switches it off, however many retries; its off is Back Recovery's."""
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    for _ in range(6):  # retries after 5, 15 and 30 s, then every minute
        await advance(hass, freezer, timedelta(minutes=1))
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(minutes=1))

    assert plug_power(hass) == STATE_OFF
    turn_offs = [
        event
        for event in events
        if event.event_type == EVENT_CALL_SERVICE
        and event.data["service"] == "turn_off"
        and event.data["service_data"] == {"entity_id": PLUG}
    ]
    assert len(turn_offs) >= 6
    assert len({event.context.id for event in turn_offs}) == 1
    entries = await logbook_of(hass, events, PLUG)
    stuck = [
        entry
        for entry in entries
        if entry.get("message") == "The heating pad does not switch off: unplug it"
    ]
    assert len(stuck) == 1
    assert stuck[0]["name"] == "Back recovery"
    assert stuck[0]["entity_id"] == PLUG
    switching = [e for e in entries if e.get("icon") == "mdi:radiator-off"]
    assert len(switching) == 1
    (plug_off,) = (e for e in entries if e.get("state") == STATE_OFF)
    assert plug_off["context_event_type"] == RecoveryEvent.HEATING_PAD_SWITCHING_OFF
    assert plug_off["context_domain"] == DOMAIN


@pytest.mark.usefixtures("init_integration")
async def test_each_switch_off_is_announced(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, events: list[Event]
) -> None:
    """Two sessions, two switch-offs: each has its own line and context."""
    for _ in range(2):
        await start_heat(hass, "switch")
        await advance(hass, freezer, timedelta(minutes=20))
        await advance(hass, freezer, timedelta(hours=2))
    announced = [
        event
        for event in events
        if event.event_type == RecoveryEvent.HEATING_PAD_SWITCHING_OFF
    ]
    assert len(announced) == 2
    assert announced[0].context.id != announced[1].context.id


@pytest.mark.parametrize("reachable", [True, False])
async def test_plug_events_in_the_recovery_devices_logbook(
    hass: HomeAssistant,
    recorder_mock: Recorder,
    hass_ws_client: WebSocketGenerator,
    *,
    freezer: FrozenDateTimeFactory,
    plug: str,
    mock_config_entry: MockConfigEntry,
    reachable: bool,
) -> None:
    """Filtered to the recovery's device, the Activity shows what Back Recovery did to the plug.

    The logbook keeps only the events of the device's own integration, and
    of those only the ones that name the device: the plug's events carry the
    recovery's ``device_id`` beside the plug's ``entity_id``.
    """
    assert await async_setup_component(hass, "logbook", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await start_heat(hass, "switch")
    if reachable:
        await set_input_boolean(hass, PLUG_IGNORES, on=True)
    else:
        await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(seconds=5))
    await async_wait_recording_done(hass)

    client = await hass_ws_client()
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": T0.isoformat(),
            "device_ids": [device_id(hass)],
            "end_time": (T0 + timedelta(hours=1)).isoformat(),
        }
    )
    response = await client.receive_json()
    assert response["success"]
    entries = response["result"]
    messages = [entry["message"] for entry in entries]
    if reachable:
        assert "Switches the heating pad off" in messages
        assert "The heating pad does not switch off: unplug it" in messages
    else:
        assert (
            "The heating pad plug cannot be reached to switch it off: unplug it"
            in messages
        )
    plug_entries = [entry for entry in entries if entry.get("entity_id") == PLUG]
    assert plug_entries
    assert all(entry["name"] == "Back recovery" for entry in plug_entries)
