"""Adding, editing and removing a medicine (the ``medication`` subentry flow).

Both limits are required and have no default: Back Recovery never suggests
one; the form says the numbers come from the label or the prescription.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.back_recovery.const import SUBENTRY_MEDICATION
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .helpers.clock import advance
from .helpers.files import translations
from .helpers.ha import ENTRY_ID
from .helpers.medication import add_medicine, log_dose, medicine_entity

IBUPROFEN: dict[str, Any] = {
    "name": "Ibuprofen",
    "kind": "nsaid",
    "min_hours_between": 6,
    "max_doses_per_24h": 4,
    "limits_from": "label",
}


async def _start(hass: HomeAssistant) -> str:
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_MEDICATION), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return str(result["flow_id"])


async def test_the_form_suggests_no_limit(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Neither limit has a default or a suggested value; the form says where they come from."""
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_MEDICATION), context={"source": SOURCE_USER}
    )
    schema = result["data_schema"]
    assert schema is not None
    fields = {str(key): key for key in schema.schema}
    for name in ("min_hours_between", "max_doses_per_24h", "limits_from"):
        assert isinstance(fields[name], vol.Required)
        assert fields[name].default is vol.UNDEFINED
        assert "suggested_value" not in (fields[name].description or {})
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


@pytest.mark.parametrize("missing", ["min_hours_between", "max_doses_per_24h"])
async def test_both_limits_are_required(
    hass: HomeAssistant, init_integration: MockConfigEntry, missing: str
) -> None:
    """A medicine without either limit is not added."""
    flow_id = await _start(hass)
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            flow_id, {k: v for k, v in IBUPROFEN.items() if k != missing}
        )


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
    assert fields["min_hours_between"].description == {"suggested_value": 6}
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


async def test_a_renamed_medicine_renames_its_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The new name reaches the medicine's device and what the action finds."""
    medicine = await add_medicine(hass)
    form = await init_integration.start_subentry_reconfigure_flow(hass, medicine)
    result = await hass.config_entries.subentries.async_configure(
        form["flow_id"], {**IBUPROFEN, "name": "Ibuprofen 400"}
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    entity = er.async_get(hass).async_get(
        medicine_entity(hass, "sensor", medicine, "doses_24h")
    )
    assert entity is not None and entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None and device.name == "Ibuprofen 400"
    assert (await log_dose(hass, "ibuprofen 400"))["medication"] == "Ibuprofen 400"
