"""Tests of the heating pad switch."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import (
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .helpers.assist import set_profile
from .helpers.clock import advance
from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    PLUG,
    SESSION_ACTIVE,
    SESSION_ENDS,
    action,
    entity_state,
    switch,
)
from .helpers.plug import (
    PLUG_FAILS,
    PLUG_ONLINE,
    PLUG_POWER,
    set_input_boolean,
    start_heat,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Set up the switch platform only."""
    return [Platform.SWITCH]


async def test_all_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_platforms: MockConfigEntry,
) -> None:
    """The switch's registry entry and state match the snapshot."""
    await snapshot_platform(hass, entity_registry, snapshot, init_platforms.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_heating_pad_registered_on_the_device(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The switch has the contract's unique id and translation key."""
    entry = entity_registry.async_get(HEATING_PAD)
    assert entry is not None
    assert entry.unique_id == f"{ENTRY_ID}_heating_pad"
    assert entry.translation_key == "heating_pad"
    assert entry.config_entry_id == ENTRY_ID
    assert entry.device_id is not None


@pytest.mark.usefixtures("init_integration")
async def test_heating_pad_attributes(hass: HomeAssistant) -> None:
    """The switch names its plug and, during heat only, when heat ends."""
    attributes = hass.states.get(HEATING_PAD).attributes  # type: ignore[union-attr]
    assert attributes["plug_entity_id"] == PLUG
    assert attributes["session_ends"] is None
    await switch(hass, HEATING_PAD, on=True)
    attributes = hass.states.get(HEATING_PAD).attributes  # type: ignore[union-attr]
    assert attributes["session_ends"] == "2026-11-25T09:20:00+00:00"


@pytest.mark.usefixtures("init_integration")
async def test_heating_pad_session_ends_unset_during_ice(hass: HomeAssistant) -> None:
    """During ice the heating pad names no end of heat."""
    await action(hass, "start_session", modality="ice")
    attributes = hass.states.get(HEATING_PAD).attributes  # type: ignore[union-attr]
    assert attributes["session_ends"] is None


@pytest.mark.usefixtures("init_integration")
async def test_turn_on_and_off(hass: HomeAssistant) -> None:
    """Turning the switch on and off starts and stops heat on the plug."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await switch(hass, HEATING_PAD, on=True)
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    await switch(hass, HEATING_PAD, on=False)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["stopped"]


@pytest.mark.usefixtures("init_integration")
async def test_turn_on_while_its_heat_runs_changes_nothing(hass: HomeAssistant) -> None:
    """turn_on during its own heat session changes nothing and fires nothing.

    Home Assistant's convention for a switch that is on already: a thermostat's
    keep-alive must not fill the logbook with refusals.
    """
    await switch(hass, HEATING_PAD, on=True)
    ends = entity_state(hass, SESSION_ENDS)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    for _ in range(3):
        await switch(hass, HEATING_PAD, on=True)
    await hass.async_block_till_done()
    assert blocked == []
    assert started == []
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == ends


@pytest.mark.usefixtures("init_integration")
async def test_turn_on_during_ice_refused(hass: HomeAssistant) -> None:
    """turn_on while ice runs is a refused start: session_running, and blocked fires."""
    await action(hass, "start_session", modality="ice")
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    with pytest.raises(ServiceValidationError) as info:
        await switch(hass, HEATING_PAD, on=True)
    assert info.value.translation_key == "session_running"
    await hass.async_block_till_done()
    assert len(blocked) == 1
    assert entity_state(hass, PLUG) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_turn_off_during_ice_keeps_ice_running(hass: HomeAssistant) -> None:
    """Turning the pad off during ice switches only the plug off."""
    await action(hass, "start_session", modality="ice")
    await switch(hass, HEATING_PAD, on=False)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_unavailable_with_the_plug(hass: HomeAssistant) -> None:
    """The switch is unavailable exactly while the plug is."""
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, HEATING_PAD) == STATE_UNAVAILABLE
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert entity_state(hass, HEATING_PAD) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_mirrors_the_plug(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The switch shows the plug's state, whoever switched it."""
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, HEATING_PAD) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_heating_pad_mirrors_plug_switched_outside(hass: HomeAssistant) -> None:
    """The heating pad switch follows the plug, whoever switches it."""
    await start_heat(hass, "outside")
    assert entity_state(hass, HEATING_PAD) == STATE_ON
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert entity_state(hass, HEATING_PAD) == "unavailable"
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    assert entity_state(hass, HEATING_PAD) == STATE_OFF


async def test_plug_missing_at_start_shows_unavailable(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A configured plug that does not exist (yet) leaves the switch unavailable."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, HEATING_PAD) == STATE_UNAVAILABLE
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat")
    assert info.value.translation_key == "heating_pad_unavailable"


# A refused start writes a new state (issue 12): the frontend, which showed the
# switch on while it asked, receives it and shows the switch off again.


def pad_states(hass: HomeAssistant) -> list[State]:
    """Collect every new state of the heating pad switch from now on."""
    states: list[State] = []

    @callback
    def collect(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == HEATING_PAD and event.data["new_state"]:
            states.append(event.data["new_state"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, collect)
    return states


@pytest.mark.usefixtures("init_integration")
async def test_refused_turn_on_writes_a_new_state(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Each refused turn_on fires state_changed: off, with the reason and allowed_at."""
    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    assert hass.states.get(HEATING_PAD).attributes["last_refusal"] is None  # type: ignore[union-attr]
    states = pad_states(hass)
    for attempt in range(2):
        freezer.tick(timedelta(seconds=1))
        with pytest.raises(ServiceValidationError):
            await switch(hass, HEATING_PAD, on=True)
        assert len(states) == attempt + 1
        assert states[-1].state == STATE_OFF
        assert states[-1].attributes["last_refusal"] == {
            "reason": "rest_gap_active",
            "at": f"2026-11-25T09:00:0{attempt + 1}+00:00",
            "allowed_at": "2026-11-25T11:00:00+00:00",
        }


@pytest.mark.usefixtures("init_integration")
async def test_undone_start_writes_a_new_state(hass: HomeAssistant) -> None:
    """A plug switched on from outside during ice is undone, and the switch says so."""
    await hass.services.async_call(
        DOMAIN,
        "start_session",
        {"config_entry_id": ENTRY_ID, "modality": "ice"},
        blocking=True,
    )
    states = pad_states(hass)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await hass.async_block_till_done()
    assert entity_state(hass, PLUG) == STATE_OFF
    assert states[-1].state == STATE_OFF
    assert states[-1].attributes["last_refusal"] == {
        "reason": "session_running",
        "at": "2026-11-25T09:00:00+00:00",
        "allowed_at": "2026-11-25T09:20:00+00:00",
    }


@pytest.mark.usefixtures("init_integration")
async def test_unconfirmed_turn_on_writes_a_new_state(hass: HomeAssistant) -> None:
    """A plug that fails turn_on (rule 11): the switch shows the refusal, off."""
    await set_input_boolean(hass, PLUG_FAILS, on=True)
    states = pad_states(hass)
    with pytest.raises(HomeAssistantError):
        await switch(hass, HEATING_PAD, on=True)
    assert states[-1].state == STATE_OFF
    assert states[-1].attributes["last_refusal"] == {
        "reason": "heating_pad_not_responding",
        "at": "2026-11-25T09:00:00+00:00",
        "allowed_at": None,
    }


@pytest.mark.usefixtures("init_integration")
async def test_ice_refusal_leaves_the_heating_pad_alone(hass: HomeAssistant) -> None:
    """A refused ice start is not the heating pad's refusal."""
    await hass.services.async_call(
        DOMAIN,
        "start_session",
        {"config_entry_id": ENTRY_ID, "modality": "ice"},
        blocking=True,
    )
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "start_session",
            {"config_entry_id": ENTRY_ID, "modality": "ice"},
            blocking=True,
        )
    assert hass.states.get(HEATING_PAD).attributes["last_refusal"] is None  # type: ignore[union-attr]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(("time_format", "said"), [(None, "3:00 AM"), ("24", "03:00")])
async def test_refused_turn_on_said_on_the_persons_clock(
    hass: HomeAssistant,
    hass_admin_user: MockUser,
    time_format: str | None,
    said: str,
) -> None:
    """The switch's refusal says the time in the person's format, else English's 12 hours."""
    await set_profile(
        hass,
        hass_admin_user.id,
        None if time_format is None else {"language": "en", "time_format": time_format},
    )
    await action(hass, "start_session", modality="ice", minutes=10)
    await action(hass, "stop_session")
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(
            "switch",
            "turn_on",
            {"entity_id": HEATING_PAD},
            blocking=True,
            context=Context(user_id=hass_admin_user.id),
        )
    assert info.value.translation_key == "rest_gap_active"
    assert info.value.translation_placeholders == {"allowed_at": said}
