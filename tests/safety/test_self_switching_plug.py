"""Rule 16: a plug that keeps switching itself on.

Each time the plug switches itself on it is switched off again at once; from
the third time within 10 minutes ``back_recovery_session_blocked`` fires at
most once a minute, the repair issue ``heating_pad_switches_itself_on``
stands until 30 minutes pass without one, and the urgent reminder goes once.
The event and the logbook say who switched the plug on (``cause``): the plug
itself, a person or an automation. Driven through the simulated plug's fault
"switches itself on" (``helpers/plug.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
    async_mock_service,
)

from custom_components.back_recovery.const import (
    CONF_POWER_SENSOR,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.logbook import async_describe_events
from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    ServiceCall,
    callback,
)
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from ..helpers.clock import advance
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    HEATING_PAD_PROBLEM,
    PLUG,
    SESSION_ACTIVE,
    SKIN_REST,
    add_entry,
    entity_state,
    problem_reason,
    switch,
)
from ..helpers.plug import (
    PLUG_POWER,
    PLUG_POWER_SENSOR,
    plug_power,
    set_input_boolean,
    start_heat,
    switches_itself_on,
)

PHONE = "notify.phone"
SELF_ON_ISSUE = f"heating_pad_switches_itself_on_{ENTRY_ID}"
ALARM_ID = f"back_recovery_{ENTRY_ID}_unplug_heating_pad"
"""The persistent notification of the urgent alarm ("Unplug the heating pad")."""
KEEPS_SWITCHING = (
    'The heating pad plug "Heating pad plug" keeps switching itself on. '
    "Unplug the heating pad and check the plug's own timers and power-on setting."
)
ALLOWED_AT = "2026-11-25T11:20:00+00:00"
"""The end of the rest gap after the heat session of ``resting`` (09:00 to 09:20)."""


@pytest.fixture
def phone(hass: HomeAssistant) -> list[ServiceCall]:
    """Return the messages sent to the notify entity ``PHONE``."""
    hass.states.async_set(PHONE, "unknown")
    return async_mock_service(hass, "notify", "send_message")


@pytest.fixture
def blocked(hass: HomeAssistant) -> list[Event]:
    """Return the ``session_blocked`` events as they fire."""
    return async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)


@pytest.fixture
async def recovery(
    hass: HomeAssistant, plug: str, phone: list[ServiceCall]
) -> MockConfigEntry:
    """Return the test entry with the simulated plug; its reminders go to ``PHONE``."""
    return await add_entry(hass, {"notify_entities": [PHONE]})


@pytest.fixture
async def resting(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: list[ServiceCall],
) -> MockConfigEntry:
    """Return the recovery after 20 minutes of heat: the skin rests until 11:20."""
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=20), wait_background_tasks=True)
    assert entity_state(hass, SKIN_REST) == STATE_ON
    phone.clear()
    return recovery


def _alarms(phone: list[ServiceCall]) -> list[str]:
    """Return the reminders about a plug that keeps switching itself on."""
    return [c.data["message"] for c in phone if "itself" in c.data["message"]]


def _ons(hass: HomeAssistant) -> list[Event[EventStateChangedData]]:
    """Return the plug's relay switching on (``PLUG_POWER`` to ``on``) as it happens."""
    ons: list[Event[EventStateChangedData]] = []

    @callback
    def relay_on(data: EventStateChangedData) -> bool:
        new = data["new_state"]
        return (
            data["entity_id"] == PLUG_POWER
            and new is not None
            and new.state == STATE_ON
        )

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        ons.append(event)

    hass.bus.async_listen(EVENT_STATE_CHANGED, record, relay_on)
    return ons


@pytest.mark.usefixtures("resting")
async def test_rule_16_third_self_switch_within_10_minutes_raises_the_issue_and_one_reminder(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    phone: list[ServiceCall],
    blocked: list[Event],
    shown: dict[str, str],
) -> None:
    """The plug switches itself on at 0, 4 and 8 minutes: off each time, the alarm at the third."""
    for _ in range(2):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        assert plug_power(hass) == STATE_OFF
        await advance(hass, freezer, timedelta(minutes=4), wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None
    assert _alarms(phone) == []

    await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert plug_power(hass) == STATE_OFF
    issue = issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "heating_pad_switches_itself_on"
    assert issue.translation_placeholders == {
        "entity_id": PLUG,
        "plug": "Heating pad plug",
        "name": "Back recovery",
    }
    assert _alarms(phone) == [KEEPS_SWITCHING]
    assert shown[ALARM_ID] == KEEPS_SWITCHING
    # The dashboard's "Unplug the heating pad" says why.
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_ON
    assert problem_reason(hass) == "switches_itself_on"
    # Minutes apart, each one is still told; each is the plug's own.
    assert [e.data for e in blocked] == [
        {
            "config_entry_id": ENTRY_ID,
            "modality": "heat",
            "allowed_at": ALLOWED_AT,
            "cause": "plug",
        }
    ] * 3
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


@pytest.mark.usefixtures("resting")
async def test_rule_16_self_switches_more_than_10_minutes_apart_raise_no_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    phone: list[ServiceCall],
    blocked: list[Event],
) -> None:
    """At 0, 6 and 12 minutes the plug switched itself on twice within any 10: no alarm."""
    for _ in range(3):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        assert plug_power(hass) == STATE_OFF
        await advance(hass, freezer, timedelta(minutes=6), wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None
    assert _alarms(phone) == []
    assert len(blocked) == 3


@pytest.mark.usefixtures("recovery")
async def test_rule_16_re_power_every_5_s_for_30_minutes_stays_bounded(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    phone: list[ServiceCall],
    blocked: list[Event],
    shown: dict[str, str],
) -> None:
    """A plug that switches itself on 5 s after every switch-off, for 30 minutes after heat.

    Off again each time, no session; ``session_blocked`` at most once a
    minute from the third time; the reminder once; the issue stands until
    30 minutes pass without one, and the alarm's notification with it.
    """
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await start_heat(hass, "action")
    await switches_itself_on(hass)
    ons = _ons(hass)
    await advance(hass, freezer, timedelta(minutes=20), wait_background_tasks=True)
    assert plug_power(hass) == STATE_OFF

    for step in range(1, 361):
        await advance(hass, freezer, timedelta(seconds=5))
        assert plug_power(hass) == STATE_OFF, step
        assert len(ons) == step
    await hass.async_block_till_done(wait_background_tasks=True)

    assert len(started) == 1  # the heat session itself
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert {e.data["cause"] for e in blocked} == {"plug"}
    times = [e.time_fired for e in blocked]
    # The first two are told as they come; from the third, once a minute.
    assert times[1] - times[0] == timedelta(seconds=5)
    assert all(
        b - a >= timedelta(minutes=1)
        for a, b in zip(times[1:], times[2:], strict=False)
    )
    assert 2 + 28 <= len(blocked) <= 2 + 30
    assert _alarms(phone) == [KEEPS_SWITCHING]
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is not None

    # The plug is mended: 30 minutes without one end the alarm.
    await switches_itself_on(hass, on=False)
    await advance(hass, freezer, timedelta(minutes=29, seconds=55))
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is not None
    assert ALARM_ID in shown
    await advance(hass, freezer, timedelta(seconds=5))
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None
    assert ALARM_ID not in shown
    assert entity_state(hass, HEATING_PAD_PROBLEM) == STATE_OFF
    assert len(ons) == 360
    assert _alarms(phone) == [KEEPS_SWITCHING]


@pytest.mark.usefixtures("resting")
async def test_rule_16_after_30_quiet_minutes_the_count_starts_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    phone: list[ServiceCall],
) -> None:
    """An alarm that ended is raised again, with its reminder, only after three more times."""
    for _ in range(3):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        await advance(hass, freezer, timedelta(seconds=10))
    await advance(hass, freezer, timedelta(minutes=30), wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None
    for expected in (None, None):
        await set_input_boolean(hass, PLUG_POWER, on=True)
        assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is expected
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is not None
    assert _alarms(phone) == [KEEPS_SWITCHING] * 2


async def test_rule_16_the_issue_outlives_a_reload_by_30_quiet_minutes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    resting: MockConfigEntry,
) -> None:
    """Reloaded while the alarm stands, the issue stays until 30 minutes after the reload."""
    for _ in range(3):
        await set_input_boolean(hass, PLUG_POWER, on=True)
    await advance(hass, freezer, timedelta(minutes=10))
    assert await hass.config_entries.async_reload(resting.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(minutes=29))
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is not None
    await advance(hass, freezer, timedelta(minutes=1))
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None


async def _person_switches_plug_on(hass: HomeAssistant, user: MockUser) -> None:
    """Switch the plug on as a person does in Home Assistant (its tile, the app)."""
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": PLUG},
        blocking=True,
        context=Context(user_id=user.id),
    )
    await hass.async_block_till_done()


async def _automation_switches_plug_on(hass: HomeAssistant, _: MockUser) -> None:
    """Switch the plug on by an automation (triggered by an event)."""
    if "automation" not in hass.config.components:
        assert await async_setup_component(
            hass,
            "automation",
            {
                "automation": {
                    "triggers": [{"trigger": "event", "event_type": "warm_me"}],
                    "actions": [
                        {"action": "switch.turn_on", "target": {"entity_id": PLUG}}
                    ],
                }
            },
        )
    hass.bus.async_fire("warm_me")
    await hass.async_block_till_done()


@pytest.mark.usefixtures("resting")
@pytest.mark.parametrize(
    ("switch_on", "cause"),
    [
        (_person_switches_plug_on, "person"),
        (_automation_switches_plug_on, "automation"),
    ],
)
async def test_rule_16_a_switch_on_through_home_assistant_is_not_the_plug(
    hass: HomeAssistant,
    *,
    issue_registry: ir.IssueRegistry,
    hass_admin_user: MockUser,
    phone: list[ServiceCall],
    blocked: list[Event],
    switch_on: Callable[[HomeAssistant, MockUser], Any],
    cause: str,
) -> None:
    """In the rest gap, a person's or an automation's switch-on is refused as theirs, every time.

    Three within a minute are three refused starts: no alarm, each told.
    """
    for _ in range(3):
        await switch_on(hass, hass_admin_user)
        assert plug_power(hass) == STATE_OFF
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [e.data["cause"] for e in blocked] == [cause] * 3
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None
    assert _alarms(phone) == []


@pytest.mark.usefixtures("resting")
@pytest.mark.parametrize(
    ("language", "by_plug", "by_person"),
    [
        (
            "en",
            (
                "The plug switched itself on and was switched off again "
                "(Heat session allowed at 3:20 AM)"
            ),
            "Heat session refused, allowed at 3:20 AM",
        ),
        (
            "de",
            (
                "Die Steckdose hat sich selbst eingeschaltet und wurde wieder "
                "ausgeschaltet (Wärmeanwendung erlaubt ab 03:20)"
            ),
            "Wärmeanwendung abgelehnt, erlaubt ab 03:20",
        ),
    ],
)
async def test_rule_16_the_logbook_says_the_plug_switched_itself_on(
    hass: HomeAssistant,
    *,
    hass_admin_user: MockUser,
    blocked: list[Event],
    language: str,
    by_plug: str,
    by_person: str,
) -> None:
    """The logbook tells the plug's own switch-on from a person's refused start."""
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await _person_switches_plug_on(hass, hass_admin_user)
    hass.config.language = language
    described: dict[str, Callable[[Event], dict[str, str]]] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.__setitem__(kind, describe)
    )
    await hass.async_block_till_done()

    describe = described[RecoveryEvent.SESSION_BLOCKED]
    assert [describe(event)["message"] for event in blocked] == [by_plug, by_person]


async def test_rule_16_removing_the_recovery_takes_its_issue(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    resting: MockConfigEntry,
) -> None:
    """Removed, nothing would end the alarm after 30 quiet minutes: the issue goes with it."""
    for _ in range(3):
        await set_input_boolean(hass, PLUG_POWER, on=True)
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is not None
    assert await hass.config_entries.async_remove(resting.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, SELF_ON_ISSUE) is None


@pytest.mark.parametrize("power_sensor", [None, PLUG_POWER_SENSOR])
async def test_rule_16_plug_on_by_itself_after_a_stop_is_switched_off_with_or_without_a_power_sensor(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    plug: str,
    power_sensor: str | None,
) -> None:
    """Heat stopped, the plug on again 5 s later, again and again: off each time (rules 2, 14, 16).

    A new user found the plug left on, with a power sensor chosen, and the
    recovery deaf to the plug from then on.
    """
    options = {CONF_POWER_SENSOR: power_sensor} if power_sensor else {}
    await add_entry(hass, options)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=3))
    await switches_itself_on(hass)
    await switch(hass, HEATING_PAD, on=False)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    for step in range(6):
        await advance(hass, freezer, timedelta(seconds=5))
        assert plug_power(hass) == STATE_OFF, step
    await switches_itself_on(hass, on=False)
    # A person switches it on at the plug's app meanwhile: off again too.
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": PLUG}, blocking=True
    )
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
