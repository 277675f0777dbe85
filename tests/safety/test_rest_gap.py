"""Rules 2 and 6: heat is refused while the skin rests; the rest counts from the real end.

Rule 2: during the rest gap (2 hours by default) the switch and the action
refuse heat, a plug switched on anyway goes off again at once and
``back_recovery_session_blocked`` fires; also when the pad is found on at a
restart after ice. Rule 6: a plug switched off by hand ends the session and
the rest counts from then. Rules 2, 7 and 12 across removing a recovery: a
recovery of the same plug or the same person (name in any case and injury
date) continues the rest gap the removed one left, on every load (added
again, a plug picked later in the reconfigure or the repair flow); only its
end and modality are kept, under the plug and a hash of the person, for at
most a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import hashlib
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    PLUG_REST_STORAGE_KEY,
    RecoveryEvent,
)
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util

from ..helpers.clock import advance, waited
from ..helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    INJURY_DATE,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    PLUG,
    SECOND_ENTRY_ID,
    SESSION_ACTIVE,
    SKIN_REST,
    action,
    add_entry,
    add_second_recovery,
    entity_id_of,
    entity_state,
    switch,
)
from ..helpers.plug import (
    PLUG_IGNORES,
    PLUG_POWER,
    SECOND_PLUG,
    plug_power,
    set_input_boolean,
    start_heat,
)
from ..helpers.restart import crash
from ..helpers.storage import STORAGE_KEY

# Rule 2: heat is refused while the skin rests


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_2_start_refused_during_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, how: str
) -> None:
    """During the rest gap the switch and the action refuse heat; the plug stays off."""
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=20))
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await advance(hass, freezer, timedelta(minutes=30))

    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, how)
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == "rest_gap_active"
    # 11:20 UTC is 3:20 AM in the test time zone (US/Pacific), on English's clock.
    assert info.value.translation_placeholders == {"allowed_at": "3:20 AM"}
    assert "3:20 AM" in str(info.value)
    await hass.async_block_till_done()
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert [e.data for e in blocked] == [
        {
            "config_entry_id": ENTRY_ID,
            "modality": "heat",
            "allowed_at": "2026-11-25T11:20:00+00:00",
        }
    ]


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_plug_switched_on_during_rest_gap_switched_off_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A plug switched on by hand during the rest gap goes off again and the start is blocked."""
    await start_heat(hass, "switch")
    await switch(hass, HEATING_PAD, on=False)
    await hass.async_block_till_done()
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await advance(hass, freezer, timedelta(minutes=90))

    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert started == []
    assert len(blocked) == 1
    assert blocked[0].data["allowed_at"] == "2026-11-25T11:00:00+00:00"

    # Again, and again: every time.
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert len(blocked) == 2


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_heat_allowed_again_after_rest_gap(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Once the rest gap is over, heat starts again."""
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=119, seconds=59))
    assert entity_state(hass, SKIN_REST) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    await start_heat(hass, "switch")
    assert entity_state(hass, PLUG) == STATE_ON


async def test_rule_2_restart_after_ice_switches_off_a_plug_found_on(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Ice ran out while Home Assistant was down and the pad was switched on by hand.

    The ice session is closed and the plug, on during the rest gap, goes off.
    """
    async with crash(hass_storage) as crashed:
        await action(crashed, "start_session", modality="ice")

    await advance(hass, freezer, timedelta(minutes=30))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:20:00+00:00"
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T11:20:00+00:00"]
    await advance(hass, freezer, timedelta(hours=2))
    assert plug_power(hass) == STATE_OFF


# Rule 6: a plug switched off by hand ends the session; the rest counts from then


@pytest.mark.usefixtures("init_integration")
async def test_rule_6_plug_switched_off_outside_ends_session_external(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The plug switched off by hand ends heat 'external'; the rest gap counts from then."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=8))
    await set_input_boolean(hass, PLUG_POWER, on=False)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, HEATING_PAD) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["external"]
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:08:00+00:00"
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:08:00+00:00"
    assert entity_state(hass, SKIN_REST) == STATE_ON
    # No timer is left to fire at the old planned end.
    await advance(hass, freezer, timedelta(minutes=12))
    assert len(ended) == 1


# Rules 2, 7, 12: the rest gap survives removing the recovery and adding it again


async def _remove_and_add_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    after: timedelta,
    *,
    plug: str | None = PLUG,
    name: str = "Back recovery",
    injury_date: str = str(INJURY_DATE),
) -> None:
    """Remove the test recovery, wait ``after``, add a new one (a new entry id) for ``plug``.

    The removed recovery's own history is gone. ``name`` and ``injury_date``:
    the new recovery's person (by default the removed one's).
    """
    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    assert STORAGE_KEY not in hass_storage
    await advance(hass, freezer, after)
    await add_entry(
        hass,
        entry_id=SECOND_ENTRY_ID,
        plug=plug,
        name=name,
        injury_date=injury_date,
    )


async def _start_again(hass: HomeAssistant, how: str) -> None:
    """Start heat on the recovery added again, through the switch or the action."""
    if how == "switch":
        await switch(hass, HEATING_PAD, on=True)
    else:
        await action(
            hass, "start_session", modality="heat", config_entry_id=SECOND_ENTRY_ID
        )
    await hass.async_block_till_done()


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["switch", "action"])
async def test_rule_2_rest_gap_survives_removing_and_adding_the_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    how: str,
) -> None:
    """Heat, removed (the plug goes off 'unloaded'), added again at once: the skin still rests.

    The start is refused with the right ``allowed_at``; the sensors show the
    rest; a plug switched on by hand goes off again; a reload keeps it.
    """
    await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=10))
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)

    await _remove_and_add_again(hass, freezer, hass_storage, timedelta(minutes=1))

    assert [e.data["reason"] for e in ended] == ["unloaded"]
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:10:00+00:00"
    # Only this recovery's own sessions are its sessions.
    assert entity_state(hass, LAST_SESSION_END) == "unknown"
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    with pytest.raises(ServiceValidationError) as info:
        await _start_again(hass, how)
    assert info.value.translation_key == "rest_gap_active"
    # 11:10 UTC is 3:10 AM in the test time zone (US/Pacific).
    assert info.value.translation_placeholders == {"allowed_at": "3:10 AM"}
    assert plug_power(hass) == STATE_OFF
    assert [e.data for e in blocked] == [
        {
            "config_entry_id": SECOND_ENTRY_ID,
            "modality": "heat",
            "allowed_at": "2026-11-25T11:10:00+00:00",
        }
    ]

    # A plug switched on by hand during the rest gap goes off again (rule 2).
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF

    # The new recovery keeps it across a reload (rule 8).
    assert await hass.config_entries.async_reload(SECOND_ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:10:00+00:00"
    with pytest.raises(ServiceValidationError):
        await _start_again(hass, how)
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("added_after", "then"),
    [
        (timedelta(minutes=1), timedelta(minutes=119)),
        (timedelta(minutes=130), timedelta(0)),
    ],
    ids=["during-the-gap-then-waited", "after-the-gap"],
)
async def test_rule_2_heat_allowed_once_the_removed_recoverys_rest_gap_passed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    added_after: timedelta,
    then: timedelta,
) -> None:
    """The carried rest gap ends when it would have ended: then heat starts."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF

    await _remove_and_add_again(hass, freezer, hass_storage, added_after)
    over = async_capture_events(hass, RecoveryEvent.SKIN_REST_OVER)
    await advance(hass, freezer, then)

    assert entity_state(hass, SKIN_REST) == STATE_OFF
    assert len(over) == (1 if then else 0)
    await _start_again(hass, "switch")
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


@pytest.mark.usefixtures("init_integration", "second_plug")
@pytest.mark.parametrize(
    ("name", "injury_date"),
    [("Anna", str(INJURY_DATE)), ("Back recovery", "2026-11-19")],
    ids=["another-name", "another-injury-date"],
)
async def test_rule_2_removed_recoverys_rest_gap_not_on_another_plug_of_another_person(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    name: str,
    injury_date: str,
) -> None:
    """A new recovery of another person with another plug is not held by the rest the first left.

    Another person: another name, or the same name with another injury date
    (the config flow's "same person" is both).
    """
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))

    await _remove_and_add_again(
        hass,
        freezer,
        hass_storage,
        timedelta(minutes=1),
        plug=SECOND_PLUG,
        name=name,
        injury_date=injury_date,
    )

    skin_rest = entity_id_of(hass, "binary_sensor", "skin_rest", SECOND_ENTRY_ID)
    assert entity_state(hass, skin_rest) == STATE_OFF
    allowed = entity_id_of(hass, "sensor", "next_session_allowed", SECOND_ENTRY_ID)
    assert entity_state(hass, allowed) == "unknown"
    await _start_again(hass, "action")
    assert entity_state(hass, SECOND_PLUG) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_removed_recoverys_rest_gap_follows_a_renamed_plug(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """The plug's entity id renamed between removing and adding: its unique id still matches."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    renamed = "switch.bedroom_heating_pad"
    entity_registry.async_update_entity(PLUG, new_entity_id=renamed)
    await hass.async_block_till_done()

    await add_entry(hass, entry_id=SECOND_ENTRY_ID, plug=renamed)

    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:20:00+00:00"
    with pytest.raises(ServiceValidationError) as info:
        await _start_again(hass, "action")
    assert info.value.translation_key == "rest_gap_active"


@pytest.mark.usefixtures("init_integration")
async def test_rule_10_removed_with_the_switch_off_owed_rest_counts_from_the_removal(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Removed while the plug has not confirmed its switch-off: the rest counts from the removal.

    Heat may have been on the skin until then (rules 10, 12).
    """
    await start_heat(hass, "switch")
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=30))
    assert plug_power(hass) == STATE_ON
    await waited(hass, freezer, hass.config_entries.async_remove(ENTRY_ID))
    await hass.async_block_till_done()
    removed_at = dt_util.utcnow()
    # The person unplugs the pad; later a new recovery for the plug.
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await set_input_boolean(hass, PLUG_POWER, on=False)
    await advance(hass, freezer, timedelta(minutes=5))
    await add_entry(hass, entry_id=SECOND_ENTRY_ID)

    allowed = datetime.fromisoformat(entity_state(hass, NEXT_SESSION_ALLOWED))
    # From the removal (within its last 5-second wait), not from the planned end (09:20).
    assert removed_at + timedelta(hours=2) - timedelta(seconds=6) <= allowed
    assert allowed <= removed_at + timedelta(hours=2)
    with pytest.raises(ServiceValidationError) as info:
        await _start_again(hass, "action")
    assert info.value.translation_key == "rest_gap_active"


@pytest.mark.usefixtures("init_integration")
async def test_rule_8_plug_rest_store_keeps_the_end_and_modality_only_for_a_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """The domain's store holds, per plug and person, the end and the modality: nothing else, at most a day.

    An ice session counts for the rest gap as heat does (rule 7).
    """
    await action(hass, "start_session", modality="ice", minutes=15)
    await advance(hass, freezer, timedelta(minutes=15))
    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()

    # The person only as the sha256 of the casefolded name and the injury date.
    person = hashlib.sha256(b"back recovery|2026-11-20").hexdigest()
    assert hass_storage[PLUG_REST_STORAGE_KEY]["data"] == {
        "rests": [
            {
                "entity_id": PLUG,
                "unique_id": "template:heating_pad_plug",
                "person": person,
                "ended": "2026-11-25T09:15:00+00:00",
                "modality": "ice",
            }
        ]
    }
    assert (
        "back recovery"
        not in json.dumps(hass_storage[PLUG_REST_STORAGE_KEY]).casefold()
    )

    # A day later (the longest rest gap, 1440 minutes) the end is dropped.
    await advance(hass, freezer, timedelta(minutes=1440))
    await add_entry(hass, entry_id=SECOND_ENTRY_ID)
    assert PLUG_REST_STORAGE_KEY not in hass_storage
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    await _start_again(hass, "action")
    assert plug_power(hass) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_diagnostics_of_the_recovery_added_again_carry_no_session_of_the_removed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
) -> None:
    """Diagnostics show when the next session is allowed, no session of the removed recovery."""
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))

    await _remove_and_add_again(hass, freezer, hass_storage, timedelta(minutes=1))
    entry = hass.config_entries.async_get_entry(SECOND_ENTRY_ID)
    assert entry is not None
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    engine = result["engine"]
    assert isinstance(engine, dict)
    assert engine["next_session_allowed"] == "2026-11-25T11:20:00+00:00"
    assert engine["last_session_end"] is None
    text = json.dumps(result)
    assert "09:00:00" not in text  # the removed session's start
    assert "modality" not in text


@pytest.mark.usefixtures("init_integration")
async def test_rule_7_removed_during_ice_the_rest_counts_from_its_planned_end(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Ice shares the rest gap: removed while ice runs, the rest counts from its planned end."""
    await action(hass, "start_session", modality="ice")
    await advance(hass, freezer, timedelta(minutes=5))

    await _remove_and_add_again(hass, freezer, hass_storage, timedelta(minutes=1))

    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:20:00+00:00"
    with pytest.raises(ServiceValidationError) as info:
        await _start_again(hass, "switch")
    assert info.value.translation_key == "rest_gap_active"
    assert plug_power(hass) == STATE_OFF


# Rules 2, 7, 8: the rest follows the person too, and every load of a recovery

ANNA_LAST_END = "sensor.anna_last_session_end"
ANNA_NEXT = "sensor.anna_next_session_allowed"
ANNA_HEATING_PAD = "switch.anna_heating_pad"


@pytest.mark.usefixtures("init_integration", "second_plug")
@pytest.mark.parametrize(
    ("new_plug", "name"),
    [(SECOND_PLUG, "Back recovery"), (None, "BACK RECOVERY")],
    ids=["another-plug", "no-plug-name-in-capitals"],
)
async def test_rule_2_removed_recoverys_rest_gap_follows_the_same_person(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    new_plug: str | None,
    name: str,
) -> None:
    """Heat, removed, added again for the same person with another plug or none: the skin still rests.

    Ice is refused too (rule 7: one rest gap); *Last session end* stays
    unknown, and ``next_session_allowed`` says the rest is a removed
    recovery's.
    """
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))

    await _remove_and_add_again(
        hass, freezer, hass_storage, timedelta(minutes=1), plug=new_plug, name=name
    )

    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, LAST_SESSION_END) == "unknown"
    allowed = hass.states.get(NEXT_SESSION_ALLOWED)
    assert allowed is not None
    assert allowed.state == "2026-11-25T11:20:00+00:00"
    assert allowed.attributes["allowed"] == "skin_rest"
    assert allowed.attributes["rest_from_removed_recovery"] is True
    modalities = ["ice", "heat"] if new_plug else ["ice"]
    for modality in modalities:
        with pytest.raises(ServiceValidationError) as info:
            await action(
                hass,
                "start_session",
                modality=modality,
                config_entry_id=SECOND_ENTRY_ID,
            )
        assert info.value.translation_key == "rest_gap_active"
        assert info.value.translation_placeholders == {"allowed_at": "3:20 AM"}
    if new_plug:
        assert entity_state(hass, new_plug) == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=119))
    assert entity_state(hass, SKIN_REST) == STATE_OFF
    await action(hass, "start_session", modality="ice", config_entry_id=SECOND_ENTRY_ID)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


async def test_rule_7_an_ice_only_recovery_removed_leaves_its_rest_to_the_person(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A recovery without a plug (ice only), removed after ice, added again for the person: ice waits."""
    await add_second_recovery(hass)
    await action(
        hass,
        "start_session",
        modality="ice",
        minutes=10,
        config_entry_id=SECOND_ENTRY_ID,
    )
    await advance(hass, freezer, timedelta(minutes=10))
    assert await hass.config_entries.async_remove(SECOND_ENTRY_ID)
    await hass.async_block_till_done()

    await add_entry(hass, name="anna", plug=None)

    assert entity_state(hass, ANNA_NEXT) == "2026-11-25T11:10:00+00:00"
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="ice")
    assert info.value.translation_key == "rest_gap_active"


async def _set_up_others_recovery_and_remove_the_heated_one(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, plug: str | None
) -> MockConfigEntry:
    """Anna's recovery (``plug``) with its own ice until 09:05; the test recovery's heat until 09:20, then removed.

    Return Anna's recovery.
    """
    anna = await add_entry(hass, entry_id=SECOND_ENTRY_ID, name="Anna", plug=plug)
    await action(
        hass,
        "start_session",
        modality="ice",
        minutes=5,
        config_entry_id=SECOND_ENTRY_ID,
    )
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    assert await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, ANNA_NEXT) == "2026-11-25T11:05:00+00:00"
    return anna


async def _assert_carried_rest(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Anna's recovery on the removed one's plug: heat refused until 11:20, kept with her history.

    Her own last end (09:05) stays *Last session end*; the later rest, the
    removed recovery's, decides; it is stored with her history, so it holds
    without the domain's store too (rule 8).
    """
    # Stored with her history as it is loaded, before anything else is saved.
    assert hass_storage[f"{DOMAIN}.{SECOND_ENTRY_ID}"]["data"]["carried_rest"] == {
        "ended": "2026-11-25T09:20:00+00:00",
        "modality": "heat",
    }
    assert entity_state(hass, ANNA_LAST_END) == "2026-11-25T09:05:00+00:00"
    allowed = hass.states.get(ANNA_NEXT)
    assert allowed is not None
    assert allowed.state == "2026-11-25T11:20:00+00:00"
    assert allowed.attributes["rest_from_removed_recovery"] is True
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    with pytest.raises(ServiceValidationError) as info:
        await switch(hass, ANNA_HEATING_PAD, on=True)
    assert info.value.translation_key == "rest_gap_active"
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T11:20:00+00:00"] * 2

    hass_storage.pop(PLUG_REST_STORAGE_KEY)
    assert await hass.config_entries.async_reload(SECOND_ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, ANNA_NEXT) == "2026-11-25T11:20:00+00:00"
    with pytest.raises(ServiceValidationError):
        await _start_again(hass, "action")
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_plug_picked_in_reconfigure_continues_the_removed_recoverys_rest(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A recovery without a plug takes the removed recovery's plug through Reconfigure: heat waits.

    The reload recalls the rest (every load does, not only the first), and
    the later of its own rest and the removed recovery's counts.
    """
    entry = await _set_up_others_recovery_and_remove_the_heated_one(hass, freezer, None)

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Anna", CONF_INJURY_DATE: str(INJURY_DATE), CONF_HEATING_PAD: PLUG},
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert entry.runtime_data.engine.plug_entity_id == PLUG
    await _assert_carried_rest(hass, hass_storage)


@pytest.mark.usefixtures("init_integration")
async def test_rule_2_plug_picked_in_the_repair_flow_continues_the_removed_recoverys_rest(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A recovery whose plug is missing picks the removed recovery's plug in the repair: heat waits."""
    await _set_up_others_recovery_and_remove_the_heated_one(
        hass, freezer, "switch.gone"
    )
    issue = f"heating_pad_missing_{SECOND_ENTRY_ID}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue) is not None
    manager = repairs_flow_manager(hass)
    assert manager is not None

    result = await manager.async_init(DOMAIN, data={"issue_id": issue})
    result = await manager.async_configure(result["flow_id"], {CONF_HEATING_PAD: PLUG})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    entry = hass.config_entries.async_get_entry(SECOND_ENTRY_ID)
    assert entry is not None
    assert entry.runtime_data.engine.plug_entity_id == PLUG
    await _assert_carried_rest(hass, hass_storage)
