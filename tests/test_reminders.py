"""Tests for the reminders: notify entities, voice satellites, quiet hours, languages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from datetime import datetime, time, timedelta
import logging
from pathlib import Path
import time as time_module
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.back_recovery.const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_ICE_DAYS,
    CONF_NOTIFY_ENTITIES,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REMIND_BEFORE_END_MINUTES,
    CONF_REMIND_PHASE_CHANGE,
    CONF_REMIND_REST_OVER,
    CONF_REMIND_SESSION_END,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
)
from custom_components.back_recovery.engine.reminders import (
    SEND_TIMEOUT,
    in_quiet_hours,
)
from custom_components.back_recovery.issues import async_clear_issue, async_raise_issue
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component

from .helpers.clock import advance, move_to
from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    PHASE,
    PLUG,
    START_ICE_SESSION,
    entity_id_of,
    entity_state,
    press,
)
from .helpers.plug import PLUG_IGNORES, PLUG_ONLINE, PLUG_POWER, set_input_boolean
from .helpers.targets import (
    RecordingNotify,
    RecordingSatellite,
    setup_targets,
    targets_allowed,
)

PHONE = "notify.phone"
KITCHEN = "assist_satellite.kitchen"


async def _raise_ha_error() -> None:
    raise HomeAssistantError("printer on fire")


async def _raise_bug() -> None:
    raise RuntimeError("bug")


async def _hang() -> None:
    await asyncio.Event().wait()


@pytest.fixture
def kitchen() -> RecordingSatellite:
    """Return the voice satellite every test speaks on."""
    return RecordingSatellite("Kitchen")


@pytest.fixture
def more_notify() -> list[RecordingNotify]:
    """Return further notify entities (none unless a test says so)."""
    return []


@pytest.fixture
def entry_options(
    entry_options: dict[str, Any], extra_options: dict[str, Any]
) -> dict[str, Any]:
    """Send reminders to the phone and speak them in the kitchen."""
    return {
        **entry_options,
        CONF_NOTIFY_ENTITIES: [PHONE],
        CONF_ANNOUNCE_SATELLITES: [KITCHEN],
        **extra_options,
    }


@pytest.fixture
async def targets(
    hass: HomeAssistant,
    tmp_path: Path,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    more_notify: list[RecordingNotify],
) -> AsyncGenerator[None]:
    """Set up the notify entities, a TTS engine and the satellite of a test integration."""
    with targets_allowed(tmp_path):
        await setup_targets(hass, [phone, *more_notify], [kitchen])
        yield


@pytest.fixture
async def recovery(targets: None, init_integration: MockConfigEntry) -> MockConfigEntry:
    """Set up the targets first, then the recovery with its plug."""
    return init_integration


async def _sent(hass: HomeAssistant) -> None:
    """Let the reminders in flight arrive."""
    await hass.async_block_till_done(wait_background_tasks=True)


async def _until(predicate: Callable[[], bool], give_up_silently: bool = False) -> None:
    """Run the loop (and let executor jobs finish) until ``predicate`` holds.

    For when a target never answers: waiting for all tasks would wait for it too.
    """
    for _ in range(2000):
        if predicate():
            return
        await asyncio.sleep(0)
        # Real time for executor threads (the loop's clock is frozen).
        await asyncio.get_running_loop().run_in_executor(None, time_module.sleep, 0.001)
    if not give_up_silently:
        pytest.fail("timed out waiting")


async def _turn_on_pad(hass: HomeAssistant) -> None:
    # Looked up: in German the entity id follows the German name.
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": entity_id_of(hass, "switch", "heating_pad")},
        blocking=True,
    )


STARTED_HEAT = (
    "Heat session started until 1:20 AM. "
    "Keep a towel or the pad's cover between the pad and your skin."
)
HEADS_UP_HEAT = "The heat session ends in 2 minutes."
COMPLETED_HEAT = "Heat session complete. Let your skin rest; the next session is allowed from 3:20 AM."
REST_OVER = "Your skin has rested. The next ice or heat session is allowed now."


async def _heat_cycle(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Start heat at 01:00 local time and go to the end of the skin rest at 03:20."""
    await _turn_on_pad(hass)
    await _sent(hass)
    await advance(hass, freezer, timedelta(minutes=18), wait_background_tasks=True)
    await advance(hass, freezer, timedelta(minutes=2), wait_background_tasks=True)
    await advance(hass, freezer, timedelta(minutes=120), wait_background_tasks=True)


async def test_heat_session_reminders_reach_notify_and_satellite(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """Each reminder of a heat session arrives at its moment, written and spoken."""
    await _turn_on_pad(hass)
    await _sent(hass)
    assert phone.inbox.messages == [STARTED_HEAT]
    assert phone.inbox.titles == ["Back recovery"]
    assert kitchen.inbox.messages == [STARTED_HEAT]

    await advance(
        hass, freezer, timedelta(minutes=17, seconds=59), wait_background_tasks=True
    )
    assert len(phone.inbox.messages) == 1
    await advance(hass, freezer, timedelta(seconds=1), wait_background_tasks=True)
    assert phone.inbox.messages[1:] == [HEADS_UP_HEAT]
    assert kitchen.inbox.messages[1:] == [HEADS_UP_HEAT]

    await advance(hass, freezer, timedelta(minutes=2), wait_background_tasks=True)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert phone.inbox.messages[2:] == [COMPLETED_HEAT]
    assert kitchen.inbox.messages[2:] == [COMPLETED_HEAT]

    await advance(hass, freezer, timedelta(minutes=119), wait_background_tasks=True)
    assert len(phone.inbox.messages) == 3
    await advance(hass, freezer, timedelta(minutes=1), wait_background_tasks=True)
    assert phone.inbox.messages[3:] == [REST_OVER]
    assert kitchen.inbox.messages[3:] == [REST_OVER]


async def test_ice_session_reminders_reach_notify_and_satellite(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """An ice session reminds to wrap the ice pack, then of its end."""
    await press(hass, START_ICE_SESSION)
    await _sent(hass)
    await advance(hass, freezer, timedelta(minutes=18), wait_background_tasks=True)
    await advance(hass, freezer, timedelta(minutes=2), wait_background_tasks=True)
    expected = [
        (
            "Ice session started until 1:20 AM. "
            "Wrap the ice pack in a cloth; never put ice directly on the skin."
        ),
        "The ice session ends in 2 minutes.",
        (
            "Ice session complete. Let your skin rest; "
            "the next session is allowed from 3:20 AM."
        ),
    ]
    assert phone.inbox.messages == expected
    assert kitchen.inbox.messages == expected


@pytest.mark.parametrize(
    ("entry_data", "extra_options", "expected"),
    [
        (
            {
                "name": "Back recovery",
                "injury_date": "2026-10-15",
                "heating_pad": PLUG,
            },
            {},
            ["A new recovery phase begins today: Rehabilitation."],
        ),
        (
            {
                "name": "Back recovery",
                "injury_date": "2026-10-15",
                "heating_pad": PLUG,
            },
            {CONF_REMIND_PHASE_CHANGE: False},
            [],
        ),
    ],
    ids=["on", "off"],
)
async def test_phase_change_reminder(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    expected: list[str],
) -> None:
    """At local midnight the new phase is announced in words, unless switched off."""
    assert entity_state(hass, PHASE) == "rest"
    await advance(
        hass, freezer, timedelta(hours=22, minutes=59), wait_background_tasks=True
    )
    assert phone.inbox.messages == []
    await advance(hass, freezer, timedelta(minutes=1), wait_background_tasks=True)
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert phone.inbox.messages == expected
    assert kitchen.inbox.messages == expected


@pytest.mark.parametrize(
    ("extra_options", "expected"),
    [
        ({CONF_REMIND_SESSION_END: False}, [HEADS_UP_HEAT, REST_OVER]),
        ({CONF_REMIND_REST_OVER: False}, [STARTED_HEAT, HEADS_UP_HEAT, COMPLETED_HEAT]),
        (
            {CONF_REMIND_BEFORE_END_MINUTES: 0},
            [STARTED_HEAT, COMPLETED_HEAT, REST_OVER],
        ),
    ],
    ids=["session_end_off", "rest_over_off", "heads_up_off"],
)
async def test_each_kind_of_reminder_can_be_switched_off(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    expected: list[str],
) -> None:
    """A reminder switched off in the options is neither sent nor spoken."""
    await _heat_cycle(hass, freezer)
    assert phone.inbox.messages == expected
    assert kitchen.inbox.messages == expected


@pytest.mark.parametrize(
    ("extra_options", "before", "expected"),
    [
        ({CONF_REMIND_BEFORE_END_MINUTES: 1}, 19, "The heat session ends in 1 minute."),
        (
            {CONF_REMIND_BEFORE_END_MINUTES: 5},
            15,
            "The heat session ends in 5 minutes.",
        ),
        (
            {CONF_REMIND_BEFORE_END_MINUTES: 10},
            10,
            "The heat session ends in 10 minutes.",
        ),
    ],
)
async def test_heads_up_comes_the_configured_minutes_before_the_end(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    before: int,
    expected: str,
) -> None:
    """The heads-up arrives ``remind_before_end_minutes`` before the planned end."""
    await _turn_on_pad(hass)
    await _sent(hass)
    await advance(
        hass, freezer, timedelta(minutes=before, seconds=-1), wait_background_tasks=True
    )
    assert phone.inbox.messages == [STARTED_HEAT]
    await advance(hass, freezer, timedelta(seconds=1), wait_background_tasks=True)
    assert phone.inbox.messages == [STARTED_HEAT, expected]


@pytest.mark.parametrize(
    ("extra_options", "more_notify"),
    [
        (
            {
                CONF_NOTIFY_ENTITIES: [
                    "notify.broken",
                    "notify.buggy",
                    "notify.slow",
                    "notify.gone",
                    "notify.offline",
                    PHONE,
                ]
            },
            [
                RecordingNotify("Broken", _raise_ha_error),
                RecordingNotify("Buggy", _raise_bug),
                RecordingNotify("Slow", _hang),
                RecordingNotify("Offline"),
            ],
        )
    ],
)
async def test_failing_targets_are_logged_once_and_delay_nothing(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    more_notify: list[RecordingNotify],
    targets: None,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    init_integration: MockConfigEntry,
) -> None:
    """Raising, missing, unavailable and silent targets: the others and the plug go on."""
    more_notify[3]._attr_available = False
    more_notify[3].async_write_ha_state()
    caplog.set_level(
        logging.WARNING, "custom_components.back_recovery.engine.reminders"
    )

    await _turn_on_pad(hass)
    assert entity_state(hass, PLUG) == STATE_ON
    # The slow target still waits; the others have their message already.
    await _until(lambda: bool(phone.inbox.messages and kitchen.inbox.messages))
    assert phone.inbox.messages == [STARTED_HEAT]
    assert kitchen.inbox.messages == [STARTED_HEAT]
    assert more_notify[2].inbox.messages == []

    # Stopping does not wait for the slow target either.
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": HEATING_PAD}, blocking=True
    )
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, PLUG_POWER) == STATE_OFF

    freezer.tick(timedelta(seconds=SEND_TIMEOUT - 1))
    async_fire_time_changed(hass)
    await _until(lambda: False, give_up_silently=True)
    assert not [r for r in caplog.records if "notify.slow" in r.getMessage()]
    await advance(hass, freezer, timedelta(seconds=1), wait_background_tasks=True)

    reasons = {
        "notify.broken": "printer on fire",
        "notify.buggy": "RuntimeError('bug')",
        "notify.gone": "the entity does not exist",
        "notify.offline": "the entity is unavailable",
        "notify.slow": f"no answer within {SEND_TIMEOUT} seconds",
    }
    for target, reason in reasons.items():
        logged = [r.getMessage() for r in caplog.records if target in r.getMessage()]
        assert logged == [f"Reminder to {target} not sent: {reason}"]
    assert more_notify[2].inbox.messages == []


@pytest.mark.parametrize(
    ("now", "start", "end", "quiet"),
    [
        (time(1, 0), time(0, 0), time(0, 0), False),
        (time(13, 0), time(7, 30), time(7, 30), False),
        (time(1, 0), time(22, 0), time(7, 0), True),
        (time(23, 0), time(22, 0), time(7, 0), True),
        (time(22, 0), time(22, 0), time(7, 0), True),
        (time(7, 0), time(22, 0), time(7, 0), False),
        (time(12, 0), time(22, 0), time(7, 0), False),
        (time(13, 0), time(12, 0), time(14, 0), True),
        (time(14, 0), time(12, 0), time(14, 0), False),
        (time(11, 59), time(12, 0), time(14, 0), False),
    ],
)
def test_in_quiet_hours(now: time, start: time, end: time, quiet: bool) -> None:
    """Quiet hours include their start, exclude their end and may span midnight."""
    assert in_quiet_hours(now, start, end) is quiet


@pytest.mark.parametrize(
    ("extra_options", "spoken"),
    [
        ({CONF_QUIET_START: "00:00:00", CONF_QUIET_END: "00:00:00"}, True),
        ({CONF_QUIET_START: "06:30:00", CONF_QUIET_END: "06:30:00"}, True),
        ({CONF_QUIET_START: "22:00:00", CONF_QUIET_END: "07:00:00"}, False),
        ({CONF_QUIET_START: "01:00:00", CONF_QUIET_END: "02:00:00"}, False),
        ({CONF_QUIET_START: "00:00:00", CONF_QUIET_END: "01:00:00"}, True),
        ({CONF_QUIET_START: "08:00:00", CONF_QUIET_END: "23:00:00"}, True),
    ],
    ids=["default", "equal", "over_midnight", "starts_now", "ended_now", "later"],
)
async def test_quiet_hours_send_but_do_not_speak(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    spoken: bool,
) -> None:
    """In quiet hours (it is 01:00 local time) a reminder is written, not spoken."""
    await _turn_on_pad(hass)
    await _sent(hass)
    assert phone.inbox.messages == [STARTED_HEAT]
    assert kitchen.inbox.messages == ([STARTED_HEAT] if spoken else [])


async def _quiet_hours(
    hass: HomeAssistant, recovery: MockConfigEntry, start: str, end: str
) -> None:
    """Set the quiet hours, from ``start`` to ``end`` (local time, HH:MM:SS)."""
    hass.config_entries.async_update_entry(
        recovery,
        options={**recovery.options, CONF_QUIET_START: start, CONF_QUIET_END: end},
    )
    await hass.async_block_till_done()


async def test_quiet_hours_end_speaks_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """Quiet hours until 02:00: the 01:00 start is written only, the 03:20 rest over spoken too."""
    await _quiet_hours(hass, recovery, "22:00:00", "02:00:00")
    await _heat_cycle(hass, freezer)
    assert phone.inbox.messages == [
        STARTED_HEAT,
        HEADS_UP_HEAT,
        COMPLETED_HEAT,
        REST_OVER,
    ]
    assert kitchen.inbox.messages == [REST_OVER]


@pytest.mark.parametrize(
    ("fault", "on", "said"),
    [
        (PLUG_IGNORES, True, "does not switch off"),
        (PLUG_ONLINE, False, "cannot be reached to switch it off"),
    ],
)
async def test_a_plug_that_does_not_switch_off_is_said_by_name_even_in_quiet_hours(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    *,
    fault: str,
    on: bool,
    said: str,
) -> None:
    """Rules 5, 10: the urgent reminder names the plug as people call it and says what is wrong, written and spoken in quiet hours."""
    await _quiet_hours(hass, recovery, "22:00:00", "08:00:00")
    await _turn_on_pad(hass)
    await set_input_boolean(hass, fault, on=on)
    await advance(hass, freezer, timedelta(minutes=20), wait_background_tasks=True)
    await advance(hass, freezer, timedelta(seconds=5), wait_background_tasks=True)
    stuck = (
        f'The heating pad plug "Heating pad plug" {said}. Unplug the heating pad now.'
    )
    assert stuck in phone.inbox.messages
    assert kitchen.inbox.messages == [stuck]


async def test_reminders_in_german(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    german: None,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """With Home Assistant in German, the reminders are German."""
    await _heat_cycle(hass, freezer)
    expected = [
        (
            "Wärmeanwendung bis 01:20 gestartet. Lege ein Handtuch oder den "
            "Bezug des Heizkissens zwischen Heizkissen und Haut."
        ),
        "Die Wärmeanwendung endet in 2 Minuten.",
        (
            "Wärmeanwendung beendet. Lass die Haut ruhen; die nächste Anwendung "
            "ist ab 03:20 erlaubt."
        ),
        (
            "Die Haut hat sich erholt. Die nächste Kälte- oder Wärmeanwendung "
            "ist jetzt erlaubt."
        ),
    ]
    assert phone.inbox.messages == expected
    assert kitchen.inbox.messages == expected


async def test_reminder_for_a_session_ending_tomorrow_names_the_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
) -> None:
    """A session that ends after midnight says "tomorrow at"."""
    # 23:50 local time
    await move_to(hass, freezer, datetime.fromisoformat("2026-11-26 07:50:00+00:00"))
    await _turn_on_pad(hass)
    await _sent(hass)
    assert phone.inbox.messages[-1].startswith(
        "Heat session started until tomorrow at 12:10 AM."
    )


async def test_reminders_stop_with_the_entry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
) -> None:
    """An unloaded recovery sends no more reminders."""
    await _turn_on_pad(hass)
    await _sent(hass)
    assert await hass.config_entries.async_unload(recovery.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(hours=3), wait_background_tasks=True)
    assert phone.inbox.messages == [STARTED_HEAT]
    assert entity_state(hass, PLUG) == STATE_OFF


# The urgent alarm also raises a persistent notification (contract, "The truth while the pad heats")

NO_TARGETS: dict[str, Any] = {CONF_NOTIFY_ENTITIES: [], CONF_ANNOUNCE_SATELLITES: []}
ALARM_ID = f"back_recovery_{ENTRY_ID}_unplug_heating_pad"


async def _notifications(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> dict[str, dict[str, Any]]:
    """Return the persistent notifications as the frontend reads them, by id."""
    assert await async_setup_component(hass, "persistent_notification", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    response = await client.receive_json()
    assert response["success"]
    return {n["notification_id"]: n for n in response["result"]}


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("extra_options", [NO_TARGETS])
async def test_rule_10_the_alarm_reaches_a_person_without_any_target(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """No notify target, no satellite: a notification stands until the plug confirms off."""
    await _turn_on_pad(hass)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    assert await _notifications(hass, hass_ws_client) == {}
    await advance(hass, freezer, timedelta(seconds=5))
    alarm = (await _notifications(hass, hass_ws_client))[ALARM_ID]
    assert alarm["title"] == "Unplug the heating pad: Back recovery"
    assert alarm["message"] == (
        'The heating pad plug "Heating pad plug" does not switch off. '
        "Unplug the heating pad now."
    )
    # It stays through the retries while the plug stays on.
    await advance(hass, freezer, timedelta(minutes=2))
    assert ALARM_ID in await _notifications(hass, hass_ws_client)
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert entity_state(hass, PLUG) == STATE_OFF
    assert ALARM_ID not in await _notifications(hass, hass_ws_client)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("extra_options", [NO_TARGETS])
async def test_rule_5_the_alarm_stays_while_the_plug_comes_back_still_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Unreachable at the planned end, back but ignoring the switch-off: one notification throughout."""
    await _turn_on_pad(hass)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    alarm = (await _notifications(hass, hass_ws_client))[ALARM_ID]
    assert "cannot be reached to switch it off" in alarm["message"]
    # Back, still on: the driver swaps the unreachable issue for "does not switch off".
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    await advance(hass, freezer, timedelta(seconds=10))
    assert entity_state(hass, PLUG) == STATE_ON
    assert ALARM_ID in await _notifications(hass, hass_ws_client)
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert ALARM_ID not in await _notifications(hass, hass_ws_client)


@pytest.mark.parametrize("extra_options", [NO_TARGETS])
async def test_the_alarm_notification_in_german(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
    german: None,
    init_integration: MockConfigEntry,
) -> None:
    """With Home Assistant in German, the notification is German."""
    await _turn_on_pad(hass)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(seconds=5))
    alarm = (await _notifications(hass, hass_ws_client))[ALARM_ID]
    assert alarm["title"] == "Heizkissen ausstecken: Back recovery"
    assert alarm["message"] == (
        "Die Steckdose des Heizkissens „Heating pad plug“ schaltet nicht aus. "
        "Zieh jetzt den Stecker des Heizkissens."
    )


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("extra_options", [NO_TARGETS])
async def test_the_alarm_stays_while_one_plug_issue_replaces_the_other(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The driver deletes "unreachable" before it raises "does not switch off": the alarm stays."""
    await _turn_on_pad(hass)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))
    assert ALARM_ID in await _notifications(hass, hass_ws_client)
    # As a plug driver's call that really waited for the network then does it.
    async_clear_issue(hass, ISSUE_HEATING_PAD_UNREACHABLE, ENTRY_ID)
    async_raise_issue(
        hass, ISSUE_HEATING_PAD_NOT_RESPONDING, ENTRY_ID, {"entity_id": PLUG}
    )
    await hass.async_block_till_done()
    assert ALARM_ID in await _notifications(hass, hass_ws_client)
    async_clear_issue(hass, ISSUE_HEATING_PAD_NOT_RESPONDING, ENTRY_ID)
    await hass.async_block_till_done()
    assert ALARM_ID not in await _notifications(hass, hass_ws_client)


# Heat while ice is recommended: allowed (never refused), with a word about ice


@pytest.mark.parametrize(
    ("extra_options", "expected"),
    [
        (
            {CONF_ICE_DAYS: 7},
            (
                "Heat session started until 1:20 AM. Ice is recommended for the "
                "first days after the injury. Keep a towel or the pad's cover "
                "between the pad and your skin."
            ),
        ),
        ({}, STARTED_HEAT),
    ],
    ids=["ice-recommended", "heat-recommended"],
)
async def test_heat_while_ice_is_recommended_starts_with_a_word_about_ice(
    hass: HomeAssistant,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    expected: str,
) -> None:
    """Heat in the first days starts as asked; its start reminder recommends ice."""
    await _turn_on_pad(hass)
    await _sent(hass)
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    assert phone.inbox.messages == [expected]
