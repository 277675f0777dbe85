"""Adding, editing and removing a medicine (the ``medication`` subentry flow).

Both limits, the kind and where the limits come from are required and have
no default: Back Recovery never suggests one; the form says the numbers come
from the label or the prescription.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.back_recovery.const import DOMAIN, SUBENTRY_MEDICATION
from custom_components.back_recovery.medication_flow import ENTERED
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr

from .helpers.clock import advance
from .helpers.files import translations
from .helpers.ha import ENTRY_ID, SESSION_ACTIVE, entity_state
from .helpers.medication import add_medicine, log_dose, medicine_entity
from .helpers.plug import start_heat

IBUPROFEN: dict[str, Any] = {
    "name": "Ibuprofen",
    "kind": "nsaid",
    "min_hours_between": 6,
    "max_doses_per_24h": 4,
    "limits_from": "label",
}


KEYS = (
    ("sensor", "next_dose_allowed"),
    ("sensor", "doses_24h"),
    ("sensor", "supply"),
    ("button", "took_dose"),
)
"""Each medicine's entities: platform and key."""


async def _rename(
    hass: HomeAssistant, entry: MockConfigEntry, medicine: str, name: str
) -> None:
    """Edit the medicine on the integration page, changing only its name."""
    form = await entry.start_subentry_reconfigure_flow(hass, medicine)
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {**IBUPROFEN, "name": name}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


def _friendly_name(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return str(state.attributes["friendly_name"])


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_MEDICATION), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return str(result["flow_id"])


async def test_the_form_suggests_no_limit(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Neither limit, the kind nor their source has a default or a suggested value; the form says where they come from.

    Optional in the schema: Home Assistant's frontend fills a required number
    with its minimum and a required choice with its first option ("1", "NSAID").
    """
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_MEDICATION), context={"source": SOURCE_USER}
    )
    schema = result["data_schema"]
    assert schema is not None
    fields = {str(key): key for key in schema.schema}
    for name in ENTERED:
        assert isinstance(fields[name], vol.Optional), name
        assert not isinstance(fields[name], vol.Required), name
        assert fields[name].default is vol.UNDEFINED, name
        assert "suggested_value" not in (fields[name].description or {}), name
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["max_doses_per_24h_max"] == "12"
    for language in ("en", "de"):
        step = translations(language)["config_subentries"]["medication"]["step"]["user"]
        text = step["description"].lower()
        assert ("label" in text and "prescription" in text) or (
            "beipackzettel" in text and "verordnung" in text
        )
        assert "safe" not in str(step).lower()


@pytest.mark.parametrize("missing", ENTERED)
async def test_both_limits_the_kind_and_their_source_are_required(
    hass: HomeAssistant, init_integration: MockConfigEntry, missing: str
) -> None:
    """A medicine without one is not added: the field is refused with its translated error, never filled in."""
    flow_id = await _start(hass)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {k: v for k, v in IBUPROFEN.items() if k != missing}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {missing: f"{missing}_needed"}
    assert not init_integration.subentries
    for language in ("en", "de"):
        errors = translations(language)["config_subentries"]["medication"]["error"]
        assert errors[f"{missing}_needed"]


async def test_a_medicine_with_nothing_entered_is_refused_on_every_field(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Saved untouched, the form names each empty field at once."""
    flow_id = await _start(hass)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {"name": "Ibuprofen"}
    )
    assert result["errors"] == {name: f"{name}_needed" for name in ENTERED}
    assert not init_integration.subentries


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("min_hours_between", 0, "min_hours_between_too_small"),
        ("min_hours_between", 25, "min_hours_between_too_large"),
        ("max_doses_per_24h", 0, "max_doses_per_24h_too_small"),
        ("max_doses_per_24h", 13, "max_doses_per_24h_too_large"),
        ("supply", 1001, "supply_too_large"),
    ],
)
async def test_a_limit_out_of_range_is_refused_never_clamped(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    field: str,
    value: int,
    error: str,
) -> None:
    """The contract's ranges (1-24 hours, 1-12 doses) with a translated error on the field."""
    flow_id = await _start(hass)
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.subentries.async_configure(
            flow_id, {**IBUPROFEN, field: value}
        )
    assert error in str(err.value.schema_errors)
    for language in ("en", "de"):
        assert (
            error in translations(language)["config_subentries"]["medication"]["error"]
        )


async def test_a_fraction_and_a_name_in_use_are_refused_on_their_fields(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A fraction is refused, never rounded; two medicines may not share a name (the action finds them by it)."""
    await add_medicine(hass)
    flow_id = await _start(hass)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {**IBUPROFEN, "name": " ibuprofen ", "min_hours_between": 4.5}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        "min_hours_between": "not_whole_number",
        "name": "name_in_use",
    }


async def test_editing_a_medicine_shows_the_supply_left_and_keeps_the_recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The edit form shows the doses left now; new limits apply at once, without a reload."""
    engine = init_integration.runtime_data.engine
    medicine = await add_medicine(hass, supply=10)
    await log_dose(hass, "Ibuprofen")
    await advance(hass, freezer, timedelta(hours=2))
    form = await init_integration.start_subentry_reconfigure_flow(hass, medicine)
    assert form["step_id"] == "reconfigure"
    assert form["data_schema"] is not None
    fields = {str(key): key for key in form["data_schema"].schema}
    assert fields["supply"].description == {"suggested_value": 9}
    assert {name: fields[name].description for name in ENTERED} == {
        "kind": {"suggested_value": "nsaid"},
        "min_hours_between": {"suggested_value": 6},
        "max_doses_per_24h": {"suggested_value": 4},
        "limits_from": {"suggested_value": "label"},
    }
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {**IBUPROFEN, "min_hours_between": 8, "supply": 20}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.runtime_data.engine is engine
    state = hass.states.get(medicine_entity(hass, "sensor", medicine, "supply"))
    assert state is not None and state.state == "20"
    allowed = hass.states.get(
        medicine_entity(hass, "sensor", medicine, "next_dose_allowed")
    )
    assert allowed is not None
    assert allowed.attributes["min_hours_between"] == 8


async def test_rule_9_a_renamed_medicine_shows_its_new_name_at_once_during_heat(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Its device and every entity's name take the new name; ids stay; the action finds it; heat goes on."""
    engine = init_integration.runtime_data.engine
    medicine = await add_medicine(hass)
    ids = {
        key: medicine_entity(hass, platform, medicine, key) for platform, key in KEYS
    }
    await start_heat(hass, "switch")
    await _rename(hass, init_integration, medicine, "Ibuprofen 400")
    assert {key: medicine_entity(hass, p, medicine, key) for p, key in KEYS} == ids
    assert {key: _friendly_name(hass, ids[key]) for _, key in KEYS} == {
        "next_dose_allowed": "Ibuprofen 400 Next dose allowed",
        "doses_24h": "Ibuprofen 400 Doses in 24 hours",
        "supply": "Ibuprofen 400 Supply",
        "took_dose": "Ibuprofen 400 Took a dose",
    }
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, medicine), ENTRY_ID
    )
    assert device is not None and device.name == "Ibuprofen 400"
    assert (await log_dose(hass, "ibuprofen 400"))["medication"] == "Ibuprofen 400"
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert init_integration.runtime_data.engine is engine


async def test_a_device_name_the_person_gave_is_kept_when_the_medicine_is_renamed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Home Assistant shows the person's own name for the device; the medicine's new name stays beneath it."""
    medicine = await add_medicine(hass)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, medicine), ENTRY_ID
    )
    assert device is not None
    device_registry.async_update_device(device.id, name_by_user="Pain pills")
    await hass.async_block_till_done()
    await _rename(hass, init_integration, medicine, "Ibuprofen 400")
    renamed = device_registry.async_get(device.id)
    assert renamed is not None
    assert (renamed.name_by_user, renamed.name) == ("Pain pills", "Ibuprofen 400")
    supply = medicine_entity(hass, "sensor", medicine, "supply")
    assert _friendly_name(hass, supply) == "Pain pills Supply"


async def test_a_medicine_renamed_with_home_assistants_rename_is_that_name_in_the_edit_form(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """⋮ → Rename changes only the title; the edit form shows it, the action finds it, the old name is free."""
    medicine = await add_medicine(hass)
    assert hass.config_entries.async_update_subentry(
        init_integration,
        init_integration.subentries[medicine],
        title="Ibuprofen 400",
    )
    await hass.async_block_till_done()
    form = await init_integration.start_subentry_reconfigure_flow(hass, medicine)
    assert form["data_schema"] is not None
    fields = {str(key): key for key in form["data_schema"].schema}
    assert fields["name"].description == {"suggested_value": "Ibuprofen 400"}
    assert (await log_dose(hass, "ibuprofen 400"))["medication"] == "Ibuprofen 400"
    flow_id = await _start(hass)
    added = await hass.config_entries.subentries.async_configure(flow_id, IBUPROFEN)
    assert added["type"] is FlowResultType.CREATE_ENTRY


async def test_a_medicine_name_is_in_use_case_and_inner_spaces_aside(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Two spaces or another case make no other name: refused as in use; the action finds it by either."""
    await add_medicine(hass, name="Ibuprofen 400")
    flow_id = await _start(hass)
    result = await hass.config_entries.subentries.async_configure(
        flow_id, {**IBUPROFEN, "name": "ibuprofen  400"}
    )
    assert result["errors"] == {"name": "name_in_use"}
    logged = await log_dose(hass, " IBUPROFEN \t 400")
    assert logged["medication"] == "Ibuprofen 400"
