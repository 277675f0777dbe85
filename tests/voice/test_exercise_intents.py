"""Assist and the rehabilitation programme: "I did my exercises/stretches", "what exercises are left today".

Through the shipped custom sentences and the default conversation agent,
in English and German (contract "Exercises"; README "Rehabilitation
exercises"). What "I did my exercises" checks off: one session of each
exercise still open today, done as prescribed; "... my stretches" only the
stretches.
"""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import RecoveryEvent
from homeassistant.core import HomeAssistant

from ..helpers.assist import ask, speech
from ..helpers.exercises import add_exercise
from ..helpers.ha import add_second_recovery
from .test_intent import assist, config_with_sentences, german_assist  # noqa: F401


async def _programme(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Prescribe a bridge twice a day (strength) and two stretches once a day."""
    await add_exercise(
        hass,
        entry,
        "Bridge",
        kind="strength",
        hold_seconds=None,
        reps=10,
        times_per_day=2,
    )
    await add_exercise(hass, entry, "Hamstring stretch")
    await add_exercise(hass, entry, "Cat-cow")


@pytest.mark.usefixtures("config_with_sentences", "assist")
async def test_what_is_left_names_todays_open_items(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """By time of day, as the to-do list orders them; all done says so."""
    await _programme(hass, init_integration)
    response = await ask(hass, "what exercises are left today")
    assert response["response_type"] == "query_answer"
    assert speech(response) == (
        "Still open today: Bridge (1 of 2), Hamstring stretch, Cat-cow, Bridge (2 of 2)."
    )
    await ask(hass, "I did my exercises")
    await ask(hass, "I did my exercises")
    response = await ask(hass, "which exercises are still open")
    assert speech(response) == "All of today's exercises are done."


@pytest.mark.usefixtures("config_with_sentences", "assist")
async def test_i_did_my_exercises_logs_one_session_of_each_open_exercise(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each open exercise once, done as prescribed: the bridge's second time stays open."""
    await _programme(hass, init_integration)
    logged = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    response = await ask(hass, "I did my exercises")
    assert response["response_type"] == "action_done"
    assert speech(response) == (
        "Logged as done as prescribed: Bridge (1 of 2), Hamstring stretch, "
        "Cat-cow. Still open today: Bridge (2 of 2)."
    )
    assert [(e.data["exercise"], e.data["skipped"]) for e in logged] == [
        ("Bridge", False),
        ("Hamstring stretch", False),
        ("Cat-cow", False),
    ]


@pytest.mark.usefixtures("config_with_sentences", "assist")
async def test_i_did_my_stretches_logs_the_stretches_only(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The strength exercise stays open; said again, no stretch is open."""
    await _programme(hass, init_integration)
    logged = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    response = await ask(hass, "I did my stretches")
    assert speech(response) == (
        "Logged as done as prescribed: Hamstring stretch, Cat-cow. "
        "Still open today: Bridge (1 of 2), Bridge (2 of 2)."
    )
    response = await ask(hass, "I have done my stretches")
    assert speech(response) == "No stretch is open today."
    assert [e.data["exercise"] for e in logged] == ["Hamstring stretch", "Cat-cow"]


@pytest.mark.usefixtures("config_with_sentences", "assist")
async def test_without_exercises_nothing_is_logged(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No programme: both sentences say that no exercises are set up."""
    logged = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    for text in ("I did my exercises", "what exercises are left today"):
        assert speech(await ask(hass, text)) == "No exercises are set up."
    assert logged == []


@pytest.mark.usefixtures("german_assist")
async def test_in_german(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The German sentences, German answers."""
    await _programme(hass, init_integration)
    response = await ask(hass, "welche Übungen sind heute noch offen", "de")
    assert speech(response) == (
        "Heute noch offen: Bridge (1 von 2), Hamstring stretch, Cat-cow, "
        "Bridge (2 von 2)."
    )
    response = await ask(hass, "ich habe meine Dehnübungen gemacht", "de")
    assert speech(response) == (
        "Wie verordnet als erledigt erfasst: Hamstring stretch, Cat-cow. "
        "Heute noch offen: Bridge (1 von 2), Bridge (2 von 2)."
    )
    response = await ask(hass, "ich habe meine Übungen gemacht", "de")
    assert speech(response) == (
        "Wie verordnet als erledigt erfasst: Bridge (1 von 2). "
        "Heute noch offen: Bridge (2 von 2)."
    )


@pytest.mark.usefixtures("config_with_sentences", "assist")
async def test_two_recoveries_with_exercises_log_nothing_by_voice(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Whose exercises were done is not in the sentence: nothing is logged; the question answers for each."""
    anna = await add_second_recovery(hass)
    await add_exercise(hass, init_integration, "Bridge")
    await add_exercise(hass, anna, "Plank", kind="hold")
    logged = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    response = await ask(hass, "I did my exercises")
    assert response["response_type"] == "error"
    assert speech(response) == (
        "Several recoveries have exercises (Back recovery, Anna): check yours "
        "off on its to-do list."
    )
    assert logged == []
    response = await ask(hass, "what exercises are left today")
    assert speech(response) == (
        "Back recovery: Still open today: Bridge. Anna: Still open today: Plank."
    )
