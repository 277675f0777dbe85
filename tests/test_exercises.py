"""The rehabilitation programme through Home Assistant: logging, the response, the adherence, the alarm.

The rules are tested on plain data in therapy/test_exercises.py; here each
goes through the action and the state machine (contract "Exercises (the
rehabilitation programme)"). The to-do list is tests/test_todo.py's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
import voluptuous as vol

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from custom_components.back_recovery.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.back_recovery.engine.reminders import Reminders
from custom_components.back_recovery.therapy import ExerciseDiary
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .helpers.clock import T0, advance, local, move_to
from .helpers.exercises import (
    ADHERENCE,
    ALL_PHASES,
    TODO,
    add_exercise,
    response_entity,
)
from .helpers.ha import ENTRY_ID, INJURY_DATE, action, entity_state, log_pain
from .helpers.storage import STORAGE_KEY, stored

pytestmark = pytest.mark.usefixtures("plug")

TODAY = local(T0.date()).date()


def _attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return dict(state.attributes)


async def log_exercise(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Call ``back_recovery.log_exercise`` for the test entry; return what it stored."""
    response = await hass.services.async_call(
        DOMAIN,
        "log_exercise",
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert response is not None
    return dict(response)


async def test_no_exercise_no_programme_entities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Every part is absent until the person adds it: no to-do list, no adherence."""
    assert hass.states.get(TODO) is None
    assert hass.states.get(ADHERENCE) is None


async def test_logged_exercise_stores_its_target_and_counts(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Logged by name, done as prescribed: stored with its target, the adherence shows it."""
    await add_exercise(hass, init_integration, "Hamstring stretch")
    assert entity_state(hass, ADHERENCE) == "unknown"
    stored = await log_exercise(hass, exercise="hamstring stretch")
    assert stored["target"] == {
        "sets": 3,
        "reps": None,
        "hold_seconds": 30,
        "per_side": True,
    }
    assert stored["slot"] == 1
    assert entity_state(hass, ADHERENCE) == "100"
    assert entity_state(hass, response_entity("Hamstring stretch")) == "unknown"
    logs = hass_storage[STORAGE_KEY]["data"]["records"]["exercises"]["logs"]
    assert [log["exercise_id"] for log in logs] == [stored["exercise_id"]]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"exercise": "Plank"}, "exercise_unknown"),
        ({"skipped": True}, "skip_reason_needed"),
        ({"skip_reason": "pain"}, "skip_reason_needed"),
        ({"done_at": (T0 + timedelta(minutes=1)).isoformat()}, "done_at_in_future"),
        (
            {"done_at": local(INJURY_DATE - timedelta(days=1)).isoformat()},
            "done_before_injury",
        ),
    ],
)
async def test_log_exercise_refusals_are_translated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """An unknown exercise, a skip without its reason, a future moment, one before the injury."""
    await add_exercise(hass, init_integration, "Bridge")
    with pytest.raises(ServiceValidationError) as err:
        await log_exercise(hass, **{"exercise": "Bridge", **data})
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN
    assert entity_state(hass, ADHERENCE) == "unknown"


async def test_log_exercise_amount_is_in_the_targets_unit(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Repetitions for a hold and seconds for repetitions are refused, translated.

    What was done is stored beside the target in the target's unit, so the
    report and the adherence never compare repetitions with seconds.
    """
    await add_exercise(hass, init_integration, "Bridge")  # held 30 s
    await add_exercise(
        hass, init_integration, "Curl-up", kind="strength", hold_seconds=None, reps=10
    )
    for data, key in (
        ({"exercise": "Bridge", "reps_done": 8}, "reps_done_not_prescribed"),
        ({"exercise": "Curl-up", "seconds_done": 20}, "seconds_done_not_prescribed"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await log_exercise(hass, **data)
        assert err.value.translation_key == key
        assert err.value.translation_placeholders == {"exercise": data["exercise"]}
    assert entity_state(hass, ADHERENCE) == "unknown"
    held = await log_exercise(hass, exercise="Bridge", seconds_done=20)
    counted = await log_exercise(hass, exercise="Curl-up", reps_done=8)
    assert (held["seconds_done"], counted["reps_done"]) == (20, 8)


async def test_log_exercise_schema_refuses_out_of_range(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Pain during above 10, a note over 200 characters, an unknown skip reason."""
    await add_exercise(hass, init_integration, "Bridge")
    for data in (
        {"pain_during": 11},
        {"note": "x" * 201},
        {"skipped": True, "skip_reason": "bored"},
    ):
        with pytest.raises(vol.Invalid):
            await log_exercise(hass, exercise="Bridge", **data)


async def test_response_follows_the_pain_rule_and_the_next_morning(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Green within the rule; the next morning's pain up by 1 makes it amber (the first entry before noon)."""
    await add_exercise(hass, init_integration, "Bridge")
    entity = response_entity("Bridge")
    await move_to(hass, freezer, local(TODAY, 8))
    await log_pain(hass, 3)
    await move_to(hass, freezer, local(TODAY, 18))
    await log_exercise(hass, exercise="Bridge", pain_during=3)
    assert entity_state(hass, entity) == "green"
    await move_to(hass, freezer, local(TODAY + timedelta(days=1), 8))
    await log_pain(hass, 4)
    assert entity_state(hass, entity) == "amber"
    attributes = _attributes(hass, entity)
    assert attributes["target"] == "3 × 30 s, each side"
    assert attributes["pain_rule"] == "no_increase"


async def test_red_fires_exercise_pain_and_a_reminder_naming_each_exercise_once_in_6_hours(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Pain at 7 or more is red: the event for each exercise; a reminder names an exercise at most once in 6 hours."""
    await add_exercise(hass, init_integration, "Bridge")
    bird_dog = await add_exercise(hass, init_integration, "Bird dog")
    events = async_capture_events(hass, RecoveryEvent.EXERCISE_PAIN)
    with patch.object(Reminders, "send") as send:
        await log_exercise(hass, exercise="Bridge", pain_during=7)
        await advance(hass, freezer, timedelta(minutes=20))
        await log_exercise(hass, exercise=bird_dog, pain_during=8)
        await log_exercise(hass, exercise=bird_dog, pain_during=9)
    assert entity_state(hass, response_entity("Bridge")) == "red"
    assert [(e.data["exercise"], e.data["config_entry_id"]) for e in events] == [
        ("Bridge", ENTRY_ID),
        ("Bird dog", ENTRY_ID),
    ]
    assert [call.args for call in send.call_args_list] == [
        ("exercise_pain", {"exercises": "Bridge"}),
        ("exercise_pain", {"exercises": "Bird dog"}),
    ]


async def test_red_of_another_exercise_hours_later_is_reminded_the_same_one_not_within_6_hours(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Bridge red at 9:00 and Bird dog red at 14:00 are each reminded; Bridge red again at 14:30 is not, at 15:30 it is."""
    await add_exercise(hass, init_integration, "Bridge")
    await add_exercise(hass, init_integration, "Bird dog")
    bridge = response_entity("Bridge")
    await log_pain(hass, 3)  # what pain during is compared with
    with patch.object(Reminders, "send") as send:
        await move_to(hass, freezer, local(TODAY, 9))
        await log_exercise(hass, exercise="Bridge", pain_during=7)
        await move_to(hass, freezer, local(TODAY, 14))
        await log_exercise(hass, exercise="Bird dog", pain_during=8)
        await move_to(hass, freezer, local(TODAY, 14, 10))
        await log_exercise(hass, exercise="Bridge", pain_during=0)
        assert entity_state(hass, bridge) == "green"
        await move_to(hass, freezer, local(TODAY, 14, 30))
        await log_exercise(hass, exercise="Bridge", pain_during=7)
        assert entity_state(hass, bridge) == "red"
        assert len(send.call_args_list) == 2
        await move_to(hass, freezer, local(TODAY, 15))
        await log_exercise(hass, exercise="Bridge", pain_during=0)
        assert entity_state(hass, bridge) == "green"
        await move_to(hass, freezer, local(TODAY, 15, 30))
        await log_exercise(hass, exercise="Bridge", pain_during=7)
    assert [call.args for call in send.call_args_list] == [
        ("exercise_pain", {"exercises": "Bridge"}),
        ("exercise_pain", {"exercises": "Bird dog"}),
        ("exercise_pain", {"exercises": "Bridge"}),
    ]


async def test_amber_twice_in_a_row_is_red(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two sessions above a pain-free rule: the second is red, and the alarm goes once."""
    await add_exercise(hass, init_integration, "Cat-cow", pain_rule="pain_free")
    events = async_capture_events(hass, RecoveryEvent.EXERCISE_PAIN)
    await log_exercise(hass, exercise="Cat-cow", pain_during=1)
    assert entity_state(hass, response_entity("Cat-cow")) == "amber"
    await advance(hass, freezer, timedelta(hours=1))
    await log_exercise(hass, exercise="Cat-cow", pain_during=2)
    assert entity_state(hass, response_entity("Cat-cow")) == "red"
    assert len(events) == 1


async def test_entities_hang_off_their_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The response on the exercise's own device, named after it; the adherence on the recovery's."""
    subentry_id = await add_exercise(hass, init_integration, "Bridge")
    response = entity_registry.async_get(response_entity("Bridge"))
    assert response is not None
    assert response.config_subentry_id == subentry_id
    device = device_registry.async_get(response.device_id or "")
    assert device is not None and device.name == "Bridge"
    adherence = entity_registry.async_get(ADHERENCE)
    assert adherence is not None
    recovery = device_registry.async_get(adherence.device_id or "")
    assert recovery is not None and recovery.name == init_integration.title


async def test_removed_exercise_takes_its_device_and_response_along(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """No stale device: removing the subentry removes its device and entity; the log's other exercises stay."""
    subentry_id = await add_exercise(hass, init_integration, "Bridge")
    await add_exercise(hass, init_integration, "Cat-cow")
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, subentry_id), init_integration.entry_id
    )
    assert hass.config_entries.async_remove_subentry(init_integration, subentry_id)
    await hass.async_block_till_done()
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, subentry_id), init_integration.entry_id
        )
        is None
    )
    assert hass.states.get(response_entity("Bridge")) is None
    await log_exercise(hass, exercise="Cat-cow")
    with pytest.raises(ServiceValidationError):
        await log_exercise(hass, exercise="Bridge")


async def test_exercise_edited_shows_its_new_target_and_keeps_its_log(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The therapist changed the hold time: the log stays, the target shown changes."""
    subentry_id = await add_exercise(hass, init_integration, "Bridge")
    await log_exercise(hass, exercise="Bridge")
    subentry = init_integration.subentries[subentry_id]
    hass.config_entries.async_update_subentry(
        init_integration, subentry, data={**subentry.data, "hold_seconds": 45}
    )
    await hass.async_block_till_done()
    attributes = _attributes(hass, response_entity("Bridge"))
    assert attributes["target"] == "3 × 45 s, each side"
    assert entity_state(hass, ADHERENCE) == "100"


async def test_the_minute_tick_does_not_read_the_exercise_log(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """While a session's minutes count, each minute rebuilds the recovery but never the programme."""
    await add_exercise(hass, init_integration, "Bridge")
    await log_exercise(hass, exercise="Bridge")
    # A session ended: the time since it counts, each minute.
    await action(hass, "log_session", modality="ice", minutes=10)
    engine = init_integration.runtime_data.engine
    with (
        patch.object(ExerciseDiary, "adherence") as adherence,
        patch.object(ExerciseDiary, "response") as response,
    ):
        before = engine.state.now
        for _ in range(3):
            await advance(hass, freezer, timedelta(minutes=1))
        assert engine.state.now > before
    adherence.assert_not_called()
    response.assert_not_called()


async def test_log_survives_a_restart(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The log is stored with the recovery (records["exercises"]) and read back."""
    await add_exercise(hass, init_integration, "Bridge")
    await log_pain(hass, 3)
    await log_exercise(hass, exercise="Bridge", pain_during=2)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, ADHERENCE) == "100"
    assert entity_state(hass, response_entity("Bridge")) == "green"


async def test_diagnostics_give_counts_only(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No exercise names, no notes: how many exercises, logs and items."""
    await add_exercise(
        hass,
        init_integration,
        "Secret stretch",
        instructions="https://example.org/secret",
        progression_note="Hold longer",
    )
    await log_pain(hass, 3)
    await log_exercise(
        hass, exercise="Secret stretch", note="private words", pain_during=1
    )
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert diagnostics["exercises"] == {
        "exercises": 1,
        "logged": 1,
        "items_today": 1,
        "responses": ["green"],
    }
    text = str(diagnostics)
    assert "Secret" not in text
    assert "secret" not in text
    assert "private" not in text
    assert "Hold longer" not in text


async def test_stored_log_entry_that_cannot_be_read_is_skipped(
    hass: HomeAssistant,
    plug: str,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """One damaged entry is skipped; the others are read (the adherence counts them)."""
    good = {
        "exercise_id": "bridge",
        "done_at": T0.isoformat(),
        "day": TODAY.isoformat(),
        "target": {"sets": 3, "reps": None, "hold_seconds": 30, "per_side": True},
        "slot": 1,
    }
    hass_storage[STORAGE_KEY] = stored(
        {
            "sessions": [],
            "records": {
                "exercises": {
                    "logs": [good, {"exercise_id": "bridge", "done_at": "yesterday"}],
                    "since": {"bridge": TODAY.isoformat()},
                }
            },
        },
        minor_version=3,
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        data=dict(mock_config_entry.data),
        options=dict(mock_config_entry.options),
        entry_id=ENTRY_ID,
        subentries_data=[
            {
                "data": {
                    "name": "Bridge",
                    "sets": 3,
                    "hold_seconds": 30,
                    "per_side": True,
                    "phases": ALL_PHASES,
                },
                "subentry_id": "bridge",
                "subentry_type": "exercise",
                "title": "Bridge",
                "unique_id": None,
            },
            {
                "data": {"name": "Broken", "sets": 3, "reps": 10, "hold_seconds": 30},
                "subentry_id": "broken",
                "subentry_type": "exercise",
                "title": "Broken",
                "unique_id": None,
            },
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    programme = entry.runtime_data.engine.records.exercises
    assert programme is not None
    assert programme.status.logs == 1
    assert [e.name for e in programme.status.exercises] == ["Bridge"]
    assert entity_state(hass, ADHERENCE) == "100"


async def test_log_exercise_without_a_response_asked(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An automation's call (no response asked) logs all the same."""
    await add_exercise(hass, init_integration, "Bridge")
    await log_pain(hass, 3)
    await action(hass, "log_exercise", exercise="Bridge", pain_during=1)
    assert entity_state(hass, response_entity("Bridge")) == "green"


async def test_logged_exercise_fires_exercise_logged_without_the_note(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """``back_recovery_exercise_logged``: the name, skipped or not, the moment; never the note."""
    await add_exercise(hass, init_integration, "Bridge")
    events = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    await log_exercise(
        hass, exercise="Bridge", skipped=True, skip_reason="pain", note="sore"
    )
    assert [e.data for e in events] == [
        {
            "config_entry_id": ENTRY_ID,
            "exercise": "Bridge",
            "skipped": True,
            "done_at": T0.isoformat(),
        }
    ]
