"""The exercise's subentry flow: add, edit and remove a prescribed exercise from the integration page."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.back_recovery.const import SUBENTRY_EXERCISE
from custom_components.back_recovery.exercise_flow import (
    _FIELD_OF_ERROR,
    PRESCRIBED,
    exercise_data,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .helpers.exercises import ALL_PHASES, TODO, response_entity
from .helpers.files import translations
from .helpers.ha import SESSION_ACTIVE, action, entity_state
from .helpers.plug import start_heat

HAMSTRING: dict[str, Any] = {
    "name": "Hamstring stretch",
    "kind": "stretch",
    "sets": 3.0,
    "hold_seconds": 30.0,
    "per_side": True,
    "times_per_day": 2.0,
    "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "phases": ["rehabilitation", "return_to_activity"],
    "instructions": "https://example.org/hamstring",
    "pain_rule": "no_increase",
    "progression_note": "Hold 45 s once it is easy",
}


async def _start(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_EXERCISE), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return dict(result)


async def _add(
    hass: HomeAssistant, entry: MockConfigEntry, values: dict[str, Any]
) -> dict[str, Any]:
    result = await _start(hass, entry)
    return dict(
        await hass.config_entries.subentries.async_configure(result["flow_id"], values)
    )


async def test_exercise_added_with_whole_numbers_and_no_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The exercise is a subentry titled with its name; the recovery is not reloaded (rule 9)."""
    engine = init_integration.runtime_data.engine
    result = await _add(hass, init_integration, HAMSTRING)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = init_integration.subentries.values()
    assert subentry.subentry_type == SUBENTRY_EXERCISE
    assert subentry.title == "Hamstring stretch"
    assert subentry.data["sets"] == 3
    assert type(subentry.data["sets"]) is int
    assert subentry.data["hold_seconds"] == 30
    assert "reps" not in subentry.data
    await hass.async_block_till_done()
    assert init_integration.runtime_data.engine is engine


async def test_exercise_form_chooses_no_kind_sets_or_times_of_its_own(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Kind, sets and times per day are the therapist's: empty on a new exercise, shown when editing.

    Optional in the schema without a default or a suggested value: Home
    Assistant's frontend fills a required number with its minimum and a
    required choice with its first option ("1 × 30 s", "Stretch").
    """
    result = await _start(hass, init_integration)
    fields = {str(key): key for key in result["data_schema"].schema}
    for name in PRESCRIBED:
        assert isinstance(fields[name], vol.Optional), name
        assert not isinstance(fields[name], vol.Required), name
        assert fields[name].default is vol.UNDEFINED, name
        assert not fields[name].description, name
    await _add(hass, init_integration, HAMSTRING)
    (subentry,) = init_integration.subentries.values()
    edit = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_EXERCISE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    assert edit["data_schema"] is not None
    shown = {str(key): key for key in edit["data_schema"].schema}
    assert {name: shown[name].description for name in PRESCRIBED} == {
        "kind": {"suggested_value": "stretch"},
        "sets": {"suggested_value": 3},
        "times_per_day": {"suggested_value": 2},
    }


@pytest.mark.parametrize("missing", PRESCRIBED)
async def test_exercise_without_kind_sets_or_times_is_refused_on_its_field(
    hass: HomeAssistant, init_integration: MockConfigEntry, missing: str
) -> None:
    """Left empty, the field is refused with its translated error, never filled in; so is one cleared when editing."""
    values = {key: value for key, value in HAMSTRING.items() if key != missing}
    result = await _add(hass, init_integration, values)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {missing: f"{missing}_needed"}
    assert not init_integration.subentries
    for language in ("en", "de"):
        flow = translations(language)["config_subentries"]["exercise"]
        assert flow["error"][f"{missing}_needed"]
    await _add(hass, init_integration, HAMSTRING)
    (subentry,) = init_integration.subentries.values()
    edit = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_EXERCISE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    cleared = await hass.config_entries.subentries.async_configure(
        edit["flow_id"], values
    )
    assert cleared["errors"] == {missing: f"{missing}_needed"}
    assert dict(init_integration.subentries[subentry.subentry_id].data) == {
        **HAMSTRING,
        "sets": 3,
        "hold_seconds": 30,
        "times_per_day": 2,
    }


def test_an_exercise_with_none_of_the_prescribed_fields_is_refused_on_each() -> None:
    """All fields left empty are named at once, before any other check."""
    data, errors = exercise_data({"name": "Bridge", "reps": 10.0, "days": []})
    assert errors == {name: f"{name}_needed" for name in PRESCRIBED}
    assert data == {"name": "Bridge", "reps": 10, "days": []}


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"pain_rule": "monitoring"}, "max_pain_during", "max_pain_during_needed"),
        ({"reps": 10.0}, "base", "reps_or_hold"),
        ({"hold_seconds": None}, "base", "reps_or_hold"),
        ({"phases": []}, "phases", "no_phase"),
        ({"days": []}, "days", "no_day"),
        ({"name": "   "}, "name", "name_empty"),
    ],
)
async def test_exercise_refused_with_the_contracts_errors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    changes: dict[str, Any],
    field: str,
    error: str,
) -> None:
    """Each broken rule shows its translated error on its field and keeps what was typed."""
    values = {
        key: value
        for key, value in {**HAMSTRING, **changes}.items()
        if value is not None
    }
    result = await _add(hass, init_integration, values)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert not init_integration.subentries


async def test_monitoring_keeps_its_highest_pain_other_rules_refuse_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """``max_pain_during`` is stored with the rule ``monitoring``; with another rule it is refused, not dropped."""
    await _add(
        hass,
        init_integration,
        {**HAMSTRING, "pain_rule": "monitoring", "max_pain_during": 3.0},
    )
    for rule in ("no_increase", "pain_free"):
        refused = await _add(
            hass,
            init_integration,
            {**HAMSTRING, "name": "Bridge", "pain_rule": rule, "max_pain_during": 3.0},
        )
        assert refused["type"] is FlowResultType.FORM
        assert refused["errors"] == {
            "max_pain_during": "max_pain_during_only_monitoring"
        }
    stored = {sub.title: dict(sub.data) for sub in init_integration.subentries.values()}
    assert list(stored) == ["Hamstring stretch"]
    assert stored["Hamstring stretch"]["max_pain_during"] == 3


async def test_exercise_name_used_once_per_recovery_and_at_most_50_characters(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A name another exercise has (case and spaces aside) or longer than 50 characters is refused on the name."""
    await _add(hass, init_integration, HAMSTRING)
    again = await _add(
        hass, init_integration, {**HAMSTRING, "name": "  hamstring STRETCH "}
    )
    assert again["type"] is FlowResultType.FORM
    assert again["errors"] == {"name": "name_in_use"}
    too_long = await _add(hass, init_integration, {**HAMSTRING, "name": "B" * 51})
    assert too_long["errors"] == {"name": "name_too_long"}
    fifty = await _add(hass, init_integration, {**HAMSTRING, "name": "B" * 50})
    assert fifty["type"] is FlowResultType.CREATE_ENTRY
    assert len(init_integration.subentries) == 2


async def test_exercise_renamed_to_another_exercises_name_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Reconfigure refuses another exercise's name; an exercise keeps its own."""
    await _add(hass, init_integration, HAMSTRING)
    await _add(hass, init_integration, {**HAMSTRING, "name": "Bridge"})
    bridge = next(
        sub for sub in init_integration.subentries.values() if sub.title == "Bridge"
    )
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_EXERCISE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": bridge.subentry_id},
    )
    refused = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**HAMSTRING, "name": "Hamstring Stretch"}
    )
    assert refused["errors"] == {"name": "name_in_use"}
    kept = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**HAMSTRING, "name": "bridge", "sets": 2.0}
    )
    assert kept["type"] is FlowResultType.ABORT
    edited = init_integration.subentries[bridge.subentry_id]
    assert (edited.title, edited.data["sets"]) == ("bridge", 2)


async def test_exercise_edited_as_the_therapist_changed_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Reconfigure shows the stored values and changes them; refusals as when adding."""
    await _add(hass, init_integration, HAMSTRING)
    (subentry,) = init_integration.subentries.values()
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_EXERCISE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    refused = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**HAMSTRING, "reps": 10.0}
    )
    assert refused["errors"] == {"base": "reps_or_hold"}
    done = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**HAMSTRING, "name": "Hamstrings", "hold_seconds": 45.0}
    )
    assert done["type"] is FlowResultType.ABORT
    assert done["reason"] == "reconfigure_successful"
    edited = init_integration.subentries[subentry.subentry_id]
    assert (edited.title, edited.data["hold_seconds"]) == ("Hamstrings", 45)


async def test_rule_9_a_renamed_exercise_shows_its_new_name_at_once_during_heat(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Its device, its response's name and its to-do items take the new name; ids stay; heat goes on."""
    engine = init_integration.runtime_data.engine
    await _add(hass, init_integration, {**HAMSTRING, "phases": ALL_PHASES})
    (subentry,) = init_integration.subentries.values()
    response = response_entity("Hamstring stretch")
    await start_heat(hass, "switch")
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_EXERCISE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    done = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**HAMSTRING, "phases": ALL_PHASES, "name": "Hamstrings"}
    )
    assert done["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    state = hass.states.get(response)
    assert state is not None
    assert state.attributes["friendly_name"] == "Hamstrings Response"
    assert hass.states.get(response_entity("Hamstrings")) is None
    registered = entity_registry.async_get(response)
    assert registered is not None
    assert registered.config_subentry_id == subentry.subentry_id
    device = device_registry.async_get(registered.device_id or "")
    assert device is not None and device.name == "Hamstrings"
    listed = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert listed is not None
    items: Any = listed[TODO]
    assert [item["summary"] for item in items["items"]] == [
        "Hamstrings (1 of 2)",
        "Hamstrings (2 of 2)",
    ]
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert init_integration.runtime_data.engine is engine


def _suggested_name(form: Any) -> Any:
    """Return the name a subentry form shows (its suggested value)."""
    (name,) = (key for key in form["data_schema"].schema if key == "name")
    return (name.description or {}).get("suggested_value")


async def _summaries(hass: HomeAssistant) -> list[str]:
    listed = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert listed is not None
    items: Any = listed[TODO]
    return [item["summary"] for item in items["items"]]


async def test_rule_9_an_exercise_renamed_with_home_assistants_rename_is_that_name_everywhere(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """⋮ → Rename changes only the title: the to-do items, ``log_exercise`` and the edit form take it; ids stay; heat goes on."""
    engine = init_integration.runtime_data.engine
    await _add(hass, init_integration, {**HAMSTRING, "phases": ALL_PHASES})
    await _add(
        hass, init_integration, {**HAMSTRING, "name": "Bridge", "phases": ALL_PHASES}
    )
    bridge = next(
        sub for sub in init_integration.subentries.values() if sub.title == "Bridge"
    )
    response = response_entity("Bridge")
    await start_heat(hass, "switch")
    assert hass.config_entries.async_update_subentry(
        init_integration, bridge, title="Glute bridge"
    )
    await hass.async_block_till_done()
    assert init_integration.subentries[bridge.subentry_id].data["name"] == "Bridge"
    assert "Glute bridge (1 of 2)" in await _summaries(hass)
    assert not [s for s in await _summaries(hass) if s.startswith("Bridge")]
    state = hass.states.get(response)
    assert state is not None
    assert state.attributes["friendly_name"] == "Glute bridge Response"
    assert entity_registry.async_get(response) is not None
    await action(hass, "log_exercise", exercise="glute bridge")
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "log_exercise", exercise="Bridge")
    assert err.value.translation_key == "exercise_unknown"
    assert err.value.translation_placeholders == {
        "exercise": "Bridge",
        "exercises": "Glute bridge, Hamstring stretch",
    }
    form = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, SUBENTRY_EXERCISE),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": bridge.subentry_id},
    )
    assert _suggested_name(form) == "Glute bridge"
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert init_integration.runtime_data.engine is engine


async def test_the_names_in_use_are_the_other_exercises_titles_case_and_spaces_aside(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """After a Rename the new name is taken, inner spaces and case aside; the old one is free again."""
    await _add(hass, init_integration, {**HAMSTRING, "name": "Bridge"})
    (bridge,) = init_integration.subentries.values()
    hass.config_entries.async_update_subentry(
        init_integration, bridge, title="Glute bridge"
    )
    await hass.async_block_till_done()
    for name in ("glute  BRIDGE", " Glute\tbridge "):
        refused = await _add(hass, init_integration, {**HAMSTRING, "name": name})
        assert refused["errors"] == {"name": "name_in_use"}
    added = await _add(hass, init_integration, {**HAMSTRING, "name": "Bridge"})
    assert added["type"] is FlowResultType.CREATE_ENTRY
    assert sorted(sub.title for sub in init_integration.subentries.values()) == [
        "Bridge",
        "Glute bridge",
    ]


async def test_log_exercise_finds_an_exercise_by_its_name_whatever_the_spacing(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Names are compared case and spaces aside: inner runs of whitespace count as one space."""
    await _add(hass, init_integration, {**HAMSTRING, "name": "Glute bridge"})
    programme = init_integration.runtime_data.engine.records.exercises
    assert programme is not None
    for said in ("glute  BRIDGE", "  Glute \t bridge"):
        await action(hass, "log_exercise", exercise=said)
    assert programme.status.logs == 2


async def test_an_unknown_exercise_is_refused_with_there_being_none_yet(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With no exercise the refusal says there is none yet (no empty list)."""
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "log_exercise", exercise="Bridge")
    assert err.value.translation_key == "exercise_unknown_none"
    assert err.value.translation_placeholders == {"exercise": "Bridge"}


async def test_exercise_removed_without_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Removing an exercise from the integration page keeps the recovery running."""
    engine = init_integration.runtime_data.engine
    await _add(hass, init_integration, HAMSTRING)
    (subentry,) = init_integration.subentries.values()
    assert hass.config_entries.async_remove_subentry(
        init_integration, subentry.subentry_id
    )
    await hass.async_block_till_done()
    assert not init_integration.subentries
    assert init_integration.runtime_data.engine is engine


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_exercise_error_and_field_is_translated(language: str) -> None:
    """Each error key, field and its description; the form says the instructions are the therapist's."""
    flow = translations(language)["config_subentries"]["exercise"]
    assert set(_FIELD_OF_ERROR) | {"invalid_exercise"} <= set(flow["error"])
    for step in ("user", "reconfigure"):
        data = flow["step"][step]
        assert set(data["data"]) == set(data["data_description"])
    therapist = "physical therapist" if language == "en" else "Physiotherapie"
    assert therapist in flow["step"]["user"]["data_description"]["instructions"]


def test_exercise_data_that_is_no_exercise_is_refused_whole() -> None:
    """Empty texts are left out; values the form cannot give (an unknown weekday) are refused as a whole."""
    data, errors = exercise_data({**HAMSTRING, "instructions": "", "days": ["someday"]})
    assert "instructions" not in data
    assert errors == {"base": "invalid_exercise"}
