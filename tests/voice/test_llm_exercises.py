"""The rehabilitation programme for language models: ``log_exercise`` and the programme in ``get_status``.

Contract "Exercises (the rehabilitation programme)": the tool logs through
``back_recovery.log_exercise`` with its refusals; the status shows today's
items, the adherence, each exercise's response, and the therapist's
progression note as the therapist's words. Back Recovery never prescribes.
"""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import DOMAIN
from homeassistant.core import HomeAssistant

from ..helpers.clock import T0, local, move_to
from ..helpers.exercises import ADHERENCE, add_exercise
from ..helpers.files import translations
from ..helpers.ha import entity_state, log_pain
from .test_llm import STATUS, assist_api, call, get_api, our_tools  # noqa: F401

LOG_EXERCISE = f"{DOMAIN}__log_exercise"
EN = translations("en")
TODAY = local(T0.date()).date()

pytestmark = pytest.mark.usefixtures("assist_api")


async def _programme(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Prescribe a bridge twice a day and a hamstring stretch with the therapist's note."""
    await add_exercise(
        hass,
        entry,
        "Bridge",
        kind="strength",
        sets=2,
        hold_seconds=None,
        reps=10,
        per_side=False,
        times_per_day=2,
    )
    await add_exercise(
        hass,
        entry,
        "Hamstring stretch",
        progression_note="Add a set in week 3 if pain allows",
        instructions="https://example.org/hamstring",
    )


async def test_log_exercise_is_offered_only_with_a_programme(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No exercise, no tool to log one; with one, a tool that writes, with the action's fields."""
    assert LOG_EXERCISE not in our_tools(await get_api(hass))
    await add_exercise(hass, init_integration, "Bridge")
    tool = our_tools(await get_api(hass))[LOG_EXERCISE]
    assert tool.annotations.read_only is False
    assert "Never suggest" in (tool.description or "")
    fields = {str(key) for key in tool.parameters.schema}
    assert fields == {
        "exercise",
        "done_at",
        "sets_done",
        "reps_done",
        "seconds_done",
        "pain_during",
        "skipped",
        "skip_reason",
        "note",
    }


async def test_log_exercise_logs_through_the_action_and_says_what_is_open(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Logged by name as prescribed: the adherence counts it; the answer lists what is still open."""
    await _programme(hass, init_integration)
    result = await call(hass, LOG_EXERCISE, exercise="hamstring stretch")
    assert result.error is False
    assert result.data == {
        "success": True,
        "name": "Back recovery",
        "open_today": ["Bridge (1 of 2)", "Bridge (2 of 2)"],
        "adherence_7d": 100,
    }
    assert entity_state(hass, ADHERENCE) == "100"


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ({"exercise": "Plank"}, "exercise_unknown"),
        ({"exercise": "Bridge", "skipped": True}, "skip_reason_needed"),
        (
            {"exercise": "Bridge", "done_at": "2030-01-01T08:00:00"},
            "done_at_in_future",
        ),
        (
            {"exercise": "Bridge", "done_at": "2026-01-01T08:00:00"},
            "done_before_injury",
        ),
    ],
)
async def test_log_exercise_refusals_are_the_actions_translated(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    args: dict[str, Any],
    key: str,
) -> None:
    """An unknown exercise, a skip without its reason, a future moment, one before the injury: error results."""
    await _programme(hass, init_integration)
    result = await call(hass, LOG_EXERCISE, **args)
    assert result.error is True
    message = EN["exceptions"][key]["message"].format(
        exercise=args["exercise"], exercises="Bridge, Hamstring stretch"
    )
    assert result.data == {"error": message}
    assert entity_state(hass, ADHERENCE) == "unknown"


async def test_log_exercise_out_of_range_is_an_error_result(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Pain during above 10 is refused before anything is logged."""
    await _programme(hass, init_integration)
    result = await call(hass, LOG_EXERCISE, exercise="Bridge", pain_during=11)
    assert result.error is True
    assert entity_state(hass, ADHERENCE) == "unknown"


async def test_status_without_exercises_has_no_programme(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A recovery without exercises says nothing of a programme."""
    assert "exercises" not in (await call(hass, STATUS)).data


async def test_status_shows_the_programme_its_responses_and_the_therapists_note(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Today's items open and done, the adherence, each exercise's response; the note is the therapist's."""
    await _programme(hass, init_integration)
    await move_to(hass, freezer, local(TODAY, 8))
    await log_pain(hass, 3)
    await call(hass, LOG_EXERCISE, exercise="Bridge", pain_during=2)
    result = await call(hass, STATUS)
    assert result.error is False
    assert result.data["exercises"] == {
        "today": [
            {
                "exercise": "Bridge",
                "item": "Bridge (1 of 2)",
                "time_of_day": 1,
                "done": True,
                "from_yesterday": False,
            },
            {
                "exercise": "Hamstring stretch",
                "item": "Hamstring stretch",
                "time_of_day": 1,
                "done": False,
                "from_yesterday": False,
            },
            {
                "exercise": "Bridge",
                "item": "Bridge (2 of 2)",
                "time_of_day": 2,
                "done": False,
                "from_yesterday": False,
            },
        ],
        "open_today": 2,
        "done_today": 1,
        "adherence_7d": 100,
        "exercises": [
            {
                "name": "Bridge",
                "kind": "strength",
                "target": "2 × 10",
                "times_per_day": 2,
                "pain_rule": "no_increase",
                "max_pain_during": None,
                "response": "green",
                "instructions": None,
                "therapist_progression_note": None,
            },
            {
                "name": "Hamstring stretch",
                "kind": "stretch",
                "target": "3 × 30 s, each side",
                "times_per_day": 1,
                "pain_rule": "no_increase",
                "max_pain_during": None,
                "response": "unknown",
                "instructions": "https://example.org/hamstring",
                "therapist_progression_note": "Add a set in week 3 if pain allows",
            },
        ],
    }


async def test_status_in_german_says_the_target_in_german(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Asked in German, the target and the items are said in German."""
    await _programme(hass, init_integration)
    programme: Any = (await call(hass, STATUS, language="de")).data["exercises"]
    assert programme["exercises"][1]["target"] == "3 × 30 s, je Seite"
    assert programme["today"][0]["item"] == "Bridge (1 von 2)"
