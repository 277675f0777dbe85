"""Tests for the config, reconfigure and options flows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.back_recovery.const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_BRACE_HOURS_PER_DAY,
    CONF_HEAT_HOURS_END,
    CONF_HEAT_HOURS_START,
    CONF_HEATING_PAD,
    CONF_ICE_DAYS,
    CONF_INJURY_DATE,
    CONF_NAME,
    CONF_NOTIFY_ENTITIES,
    CONF_PLUG_AUTO_OFF,
    CONF_PLUG_AUTO_OFF_SWITCH,
    CONF_POWER_SENSOR,
    CONF_POWER_THRESHOLD,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REHABILITATION_WEEKS,
    CONF_REMIND_BEFORE_END_MINUTES,
    CONF_REMIND_PHASE_CHANGE,
    CONF_REMIND_REST_OVER,
    CONF_REST_GAP_MINUTES,
    CONF_REST_WEEKS,
    CONF_RETURN_WEEKS,
    CONF_SESSION_MINUTES,
    DOMAIN,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS, NUMBER_OPTIONS
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.translation import async_get_translations

from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    PHASE,
    PLUG,
    action,
    entity_state,
    hider_of,
    switch,
)
from .helpers.plug import (
    PLUG_AUTO_OFF,
    PLUG_AUTO_OFF_SECONDS,
    PLUG_AUTO_OFF_SWITCH,
    PLUG_POWER_SENSOR,
    SECOND_PLUG,
)


async def _start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


def _defaults(schema: vol.Schema | None) -> dict[str, Any]:
    """Return the default of every field of a form that has one."""
    assert schema is not None
    return {
        str(key): key.default()
        for key in schema.schema
        if key.default is not vol.UNDEFINED
    }


def _current(schema: vol.Schema | None) -> dict[str, Any]:
    """Return what the options form shows of every option: its default, the brace's hours suggested.

    The brace's hours have no default (contract "Brace"): a sensor the
    frontend leaves out as cleared is told from one kept by the hours sent.
    """
    assert schema is not None
    return {
        **_defaults(schema),
        **{
            str(key): key.description["suggested_value"]
            for key in schema.schema
            if key == CONF_BRACE_HOURS_PER_DAY
        },
    }


def _suggested(schema: vol.Schema | None) -> dict[str, Any]:
    """Return the suggested value of every field of a form that has one (the brace's hours: ``_current``)."""
    assert schema is not None
    return {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description
        and "suggested_value" in key.description
        and key != CONF_BRACE_HOURS_PER_DAY
    }


# The user step.


async def test_user_flow_creates_entry(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test the user step creates an entry titled by name, with the contract's default options."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: plug},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alex"
    assert result["data"] == {
        CONF_NAME: "Alex",
        CONF_INJURY_DATE: "2026-11-20",
        CONF_HEATING_PAD: PLUG,
    }
    assert result["options"] == DEFAULT_OPTIONS
    assert len(mock_setup_entry.mock_calls) == 1
    plug_entry = entity_registry.async_get(PLUG)
    assert plug_entry is not None
    assert plug_entry.hidden_by is er.RegistryEntryHider.INTEGRATION


async def test_user_flow_form_defaults(
    hass: HomeAssistant, mock_setup_entry: AsyncMock
) -> None:
    """Test the form offers the default name and today's local date."""
    result = await _start_user_flow(hass)

    assert _defaults(result["data_schema"]) == {
        CONF_NAME: "Back recovery",
        CONF_INJURY_DATE: "2026-11-25",
        CONF_POWER_THRESHOLD: 10,
    }
    assert _suggested(result["data_schema"]) == {}


@pytest.mark.parametrize(
    ("user_input", "title", "data"),
    [
        (
            {},
            "Back recovery",
            {CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-11-25"},
        ),
        (
            {CONF_NAME: "  Alex  ", CONF_INJURY_DATE: "2026-11-20"},
            "Alex",
            {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20"},
        ),
        (
            {CONF_NAME: "Alex", CONF_INJURY_DATE: "2000-01-01"},
            "Alex",
            {CONF_NAME: "Alex", CONF_INJURY_DATE: "2000-01-01"},
        ),
    ],
    ids=["defaults_only", "name_stripped", "earliest_date"],
)
async def test_user_flow_creates_an_entry_without_a_plug(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    *,
    user_input: dict[str, Any],
    title: str,
    data: dict[str, Any],
) -> None:
    """Test what the user step makes of a submission without a plug.

    An empty one takes the defaults and configures no heating pad; spaces
    around the name are taken off the name and the title; 2000-01-01 itself
    is a valid injury date.
    """
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"] == data


@pytest.mark.parametrize(
    ("user_input", "field", "error"),
    [
        ({CONF_INJURY_DATE: "2026-11-26"}, CONF_INJURY_DATE, "injury_date_in_future"),
        ({CONF_INJURY_DATE: "2026-12-01"}, CONF_INJURY_DATE, "injury_date_in_future"),
        ({CONF_INJURY_DATE: "2031-01-01"}, CONF_INJURY_DATE, "injury_date_in_future"),
        ({CONF_INJURY_DATE: "1999-12-31"}, CONF_INJURY_DATE, "injury_date_invalid"),
        ({CONF_INJURY_DATE: "2026-1-5"}, CONF_INJURY_DATE, "injury_date_invalid"),
        ({CONF_HEATING_PAD: "switch.nowhere"}, CONF_HEATING_PAD, "entity_not_found"),
        (
            {CONF_HEATING_PAD: "0123456789abcdef0123456789abcdef"},
            CONF_HEATING_PAD,
            "entity_not_found",
        ),
        ({CONF_NAME: "   "}, CONF_NAME, "name_empty"),
    ],
)
async def test_user_flow_refuses_on_the_field(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    *,
    user_input: dict[str, Any],
    field: str,
    error: str,
) -> None:
    """Test a refused value shows its error on its field, the form keeps what was entered, and a good one then creates the entry."""
    valid = {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: plug}
    submitted = {**valid, **user_input}
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], submitted
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {field: error}
    assert _defaults(result["data_schema"]) == {
        CONF_NAME: submitted[CONF_NAME],
        CONF_INJURY_DATE: submitted[CONF_INJURY_DATE],
        CONF_POWER_THRESHOLD: 10,
    }
    assert _suggested(result["data_schema"]) == {
        CONF_HEATING_PAD: submitted[CONF_HEATING_PAD]
    }
    assert not hass.config_entries.async_entries(DOMAIN)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], valid)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(mock_setup_entry.mock_calls) == 1


async def test_user_flow_future_means_local_date(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    mock_setup_entry: AsyncMock,
) -> None:
    """Test 'today' is the local date: at 21:00 Pacific the UTC date is already tomorrow."""
    frozen_clock.move_to("2026-11-25 05:00:00+00:00")
    result = await _start_user_flow(hass)
    assert _defaults(result["data_schema"])[CONF_INJURY_DATE] == "2026-11-24"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-25"}
    )
    assert result["errors"] == {CONF_INJURY_DATE: "injury_date_in_future"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-24"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_refuses_a_plug_in_use(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test a plug another entry controls is refused with heating_pad_in_use."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Sam", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: plug},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HEATING_PAD: "heating_pad_in_use"}


@pytest.mark.parametrize("name", ["Back recovery", " back RECOVERY "])
async def test_user_flow_aborts_for_the_same_person(
    hass: HomeAssistant,
    second_plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    name: str,
) -> None:
    """Test a second entry with the same name (any case) and injury date is aborted."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: name,
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: second_plug,
        },
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    assert mock_setup_entry.mock_calls == []


async def test_user_flow_takes_the_same_name_with_another_date(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test the same name with another injury date is another recovery."""
    mock_config_entry.add_to_hass(hass)
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-11-21"},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_user_flow_resolves_a_registry_id(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test a plug given by its entity registry id is stored as its entity id."""
    plug_entry = entity_registry.async_get(plug)
    assert plug_entry is not None
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Alex",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: plug_entry.id,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HEATING_PAD] == PLUG


@pytest.mark.parametrize(
    ("domain", "platform"),
    [("light", "test"), ("switch", DOMAIN)],
    ids=["not_a_switch", "own_heating_pad_switch"],
)
async def test_user_flow_refuses_a_registry_id_that_is_no_plug(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    entity_registry: er.EntityRegistry,
    domain: str,
    platform: str,
) -> None:
    """Test a registry id of a non-switch or of a Back Recovery switch is refused."""
    other = entity_registry.async_get_or_create(domain, platform, "other_heating_pad")
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: other.id},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HEATING_PAD: "heating_pad_invalid"}


async def test_user_flow_offers_no_own_switch(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test the plug picker leaves out Back Recovery's own heating-pad switches."""
    result = await _start_user_flow(hass)

    assert result["data_schema"] is not None
    pad_selector = result["data_schema"].schema[CONF_HEATING_PAD]
    assert pad_selector.config["domain"] == ["switch"]
    assert pad_selector.config["exclude_entities"] == [HEATING_PAD]
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {
                CONF_NAME: "Sam",
                CONF_INJURY_DATE: "2026-11-20",
                CONF_HEATING_PAD: HEATING_PAD,
            },
        )


@pytest.mark.parametrize(
    "user_input",
    [
        {CONF_INJURY_DATE: "25.11.2026"},
        {CONF_INJURY_DATE: "2026-02-30"},
        {CONF_HEATING_PAD: "light.heating_pad"},
        {CONF_HEATING_PAD: "not an entity"},
        {"unknown_field": True},
    ],
)
async def test_user_flow_schema_refuses(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, user_input: dict[str, Any]
) -> None:
    """Test values the form's selectors refuse never reach an entry."""
    result = await _start_user_flow(hass)

    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", **user_input},
        )

    assert not hass.config_entries.async_entries(DOMAIN)
    assert not mock_setup_entry.mock_calls


async def test_user_flow_sets_up_the_entry(
    hass: HomeAssistant,
    plug: str,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test a created entry loads with one device named after it and the heating-pad switch."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: plug},
    )
    await hass.async_block_till_done()

    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert [device.name for device in devices] == ["Alex"]
    pad = entity_registry.async_get_entity_id(
        "switch", DOMAIN, f"{entry.entry_id}_heating_pad"
    )
    assert pad == "switch.alex_heating_pad"
    assert entity_state(hass, pad) == STATE_OFF


# The reconfigure flow.


async def test_reconfigure_flow_shows_current_values(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test the reconfigure form is filled with the entry's name, date and plug."""
    result = await init_integration.start_reconfigure_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert _defaults(result["data_schema"]) == {
        CONF_NAME: "Back recovery",
        CONF_INJURY_DATE: "2026-11-20",
        CONF_POWER_THRESHOLD: 10,
    }
    assert _suggested(result["data_schema"]) == {CONF_HEATING_PAD: PLUG}


async def test_reconfigure_flow_moves_to_another_plug(
    hass: HomeAssistant,
    second_plug: str,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Test reconfiguring reloads the entry, unhides the old plug and hides the new one."""
    old_engine = init_integration.runtime_data.engine
    entity_registry.async_update_entity(
        PLUG, hidden_by=er.RegistryEntryHider.INTEGRATION
    )
    result = await init_integration.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Alex",
            CONF_INJURY_DATE: "2026-11-01",
            CONF_HEATING_PAD: second_plug,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.title == "Alex"
    assert dict(init_integration.data) == {
        CONF_NAME: "Alex",
        CONF_INJURY_DATE: "2026-11-01",
        CONF_HEATING_PAD: SECOND_PLUG,
    }
    assert init_integration.state is ConfigEntryState.LOADED
    engine = init_integration.runtime_data.engine
    assert engine is not old_engine
    assert engine.plug_entity_id == SECOND_PLUG
    assert engine.state.days_since_injury == 24
    assert hider_of(entity_registry, PLUG) is None
    assert hider_of(entity_registry, SECOND_PLUG) is er.RegistryEntryHider.INTEGRATION
    devices = dr.async_entries_for_config_entry(device_registry, ENTRY_ID)
    assert [device.name for device in devices] == ["Alex"]
    state = hass.states.get(HEATING_PAD)
    assert state is not None
    assert state.attributes["plug_entity_id"] == SECOND_PLUG


async def test_reconfigure_flow_aborts_for_another_entrys_person(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test reconfiguring into another entry's name and injury date is aborted."""
    mock_config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        data={CONF_NAME: "Sam", CONF_INJURY_DATE: "2026-10-01"},
        options=dict(DEFAULT_OPTIONS),
    )
    other.add_to_hass(hass)
    result = await other.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-11-20"},
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert dict(other.data) == {CONF_NAME: "Sam", CONF_INJURY_DATE: "2026-10-01"}


async def test_reconfigure_flow_keeps_its_own_person(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test an entry reconfigured with its own name and date is no duplicate."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-11-20"},
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def test_reconfigure_flow_keeps_its_own_plug(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test keeping the entry's own plug is no heating_pad_in_use, and the plug stays hidden."""
    mock_config_entry.add_to_hass(hass)
    entity_registry.async_update_entity(
        PLUG, hidden_by=er.RegistryEntryHider.INTEGRATION
    )
    result = await mock_config_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: plug},
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_HEATING_PAD] == PLUG
    assert mock_config_entry.title == "Alex"
    assert hider_of(entity_registry, PLUG) is er.RegistryEntryHider.INTEGRATION


@pytest.mark.parametrize(
    ("user_input", "field", "error"),
    [
        (
            {
                CONF_NAME: "Alex",
                CONF_INJURY_DATE: "2026-11-20",
                CONF_HEATING_PAD: SECOND_PLUG,
            },
            CONF_HEATING_PAD,
            "heating_pad_in_use",
        ),
        (
            {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-30"},
            CONF_INJURY_DATE,
            "injury_date_in_future",
        ),
    ],
    ids=["plug_in_use", "future_date"],
)
async def test_reconfigure_flow_refuses_on_the_field(
    hass: HomeAssistant,
    second_plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    *,
    user_input: dict[str, Any],
    field: str,
    error: str,
) -> None:
    """Test the reconfigure flow refuses a plug another entry controls and a future date, and keeps the entry until it is right."""
    mock_config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        data={
            CONF_NAME: "Sam",
            CONF_INJURY_DATE: "2026-11-01",
            CONF_HEATING_PAD: second_plug,
        },
    )
    other.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {field: error}
    assert (
        _defaults(result["data_schema"])[CONF_INJURY_DATE]
        == (user_input[CONF_INJURY_DATE])
    )
    assert mock_config_entry.data[CONF_HEATING_PAD] == PLUG
    assert mock_config_entry.data[CONF_INJURY_DATE] == "2026-11-20"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-24", CONF_HEATING_PAD: PLUG},
    )

    assert result["type"] is FlowResultType.ABORT
    assert mock_config_entry.data[CONF_INJURY_DATE] == "2026-11-24"


async def test_reconfigure_flow_gives_up_the_plug(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test leaving the plug empty unhides it and removes the heating-pad switch."""
    result = await init_integration.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-11-20"}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert CONF_HEATING_PAD not in init_integration.data
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.engine.plug_entity_id is None
    assert hider_of(entity_registry, PLUG) is None
    assert entity_registry.async_get(HEATING_PAD) is None
    assert hass.states.get(HEATING_PAD) is None


async def test_reconfigure_flow_unchanged_does_not_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test a reconfigure that changes nothing leaves a running heat session alone."""
    engine = init_integration.runtime_data.engine
    await switch(hass, HEATING_PAD, on=True)
    assert entity_state(hass, PLUG) == STATE_ON
    result = await init_integration.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Back recovery",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: PLUG,
        },
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert init_integration.runtime_data.engine is engine
    assert engine.state.running is not None
    assert entity_state(hass, PLUG) == STATE_ON


# The options flow.


async def test_options_flow_defaults_to_current_values(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test every option of the form defaults to its current value."""
    current = {
        **DEFAULT_OPTIONS,
        CONF_SESSION_MINUTES: 15,
        CONF_REST_GAP_MINUTES: 180,
        CONF_REMIND_REST_OVER: False,
        CONF_QUIET_START: "22:00:00",
        CONF_QUIET_END: "07:00:00",
    }
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options=current)

    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert _current(result["data_schema"]) == current


async def test_options_flow_defaults_for_options_never_set(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """Test an entry without stored options gets the contract's defaults."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={})

    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert _current(result["data_schema"]) == DEFAULT_OPTIONS

    result = await hass.config_entries.options.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(mock_config_entry.options) == DEFAULT_OPTIONS


async def test_options_flow_takes_a_subset(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """Test a subset changes only those options, and numbers are stored as ints."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SESSION_MINUTES: 15.0, CONF_RETURN_WEEKS: 20}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(mock_config_entry.options) == {
        **DEFAULT_OPTIONS,
        CONF_SESSION_MINUTES: 15,
        CONF_RETURN_WEEKS: 20,
    }
    for key in NUMBER_OPTIONS:
        assert type(mock_config_entry.options[key]) is int


@pytest.mark.parametrize("bound", ["minimum", "maximum"])
async def test_options_flow_accepts_the_bounds(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    bound: str,
) -> None:
    """Test the lowest and the highest allowed value of every number are taken."""
    mock_config_entry.add_to_hass(hass)
    values = {key: getattr(number, bound) for key, number in NUMBER_OPTIONS.items()}
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {key: float(value) for key, value in values.items()}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: mock_config_entry.options[key] for key in NUMBER_OPTIONS} == values


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (CONF_SESSION_MINUTES, 21),
        (CONF_SESSION_MINUTES, 0),
        (CONF_SESSION_MINUTES, 20.5),
        (CONF_REST_GAP_MINUTES, 119),
        (CONF_REST_GAP_MINUTES, 1441),
        (CONF_ICE_DAYS, -1),
        (CONF_ICE_DAYS, 8),
        (CONF_REST_WEEKS, 0),
        (CONF_REST_WEEKS, 53),
        (CONF_REHABILITATION_WEEKS, 0),
        (CONF_REHABILITATION_WEEKS, 53),
        (CONF_RETURN_WEEKS, 0),
        (CONF_RETURN_WEEKS, 53),
        (CONF_REMIND_BEFORE_END_MINUTES, -1),
        (CONF_REMIND_BEFORE_END_MINUTES, 11),
        (CONF_SESSION_MINUTES, "twenty"),
        (CONF_QUIET_START, "25:00"),
        (CONF_NOTIFY_ENTITIES, ["light.kitchen"]),
        (CONF_ANNOUNCE_SATELLITES, "assist_satellite.kitchen"),
        ("unknown_option", 1),
    ],
)
async def test_options_flow_refuses_out_of_range(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    key: str,
    value: Any,
) -> None:
    """Test a value outside its range is refused by the form, never clamped, and nothing is saved."""
    mock_config_entry.add_to_hass(hass)
    before = dict(mock_config_entry.options)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    with pytest.raises(InvalidData) as err:
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_ICE_DAYS: 3, key: value}
        )

    assert key in str(err.value.schema_errors)
    assert dict(mock_config_entry.options) == before

    # The flow stays open for a corrected value.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_ICE_DAYS: 3}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[CONF_ICE_DAYS] == 3


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        (CONF_SESSION_MINUTES, 30, "session_minutes_too_large"),
        (CONF_SESSION_MINUTES, 0.0, "session_minutes_too_small"),
        (CONF_REST_GAP_MINUTES, 60.0, "rest_gap_minutes_too_small"),
        (CONF_REST_GAP_MINUTES, 2000, "rest_gap_minutes_too_large"),
        (CONF_ICE_DAYS, 8.0, "ice_days_too_large"),
        (CONF_REST_WEEKS, 0, "rest_weeks_too_small"),
        (CONF_REHABILITATION_WEEKS, 53, "rehabilitation_weeks_too_large"),
        (CONF_RETURN_WEEKS, 0, "return_weeks_too_small"),
        (CONF_REMIND_BEFORE_END_MINUTES, -1, "remind_before_end_minutes_too_small"),
        (CONF_REMIND_BEFORE_END_MINUTES, 11, "remind_before_end_minutes_too_large"),
        (CONF_POWER_THRESHOLD, 0, "power_threshold_too_small"),
        (CONF_POWER_THRESHOLD, 201, "power_threshold_too_large"),
    ],
)
async def test_options_flow_out_of_range_error_is_a_translation_key(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    *,
    key: str,
    value: float,
    error: str,
) -> None:
    """Test an out-of-range number is refused on its field with the error key the frontend translates."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    with pytest.raises(InvalidData) as err:
        await hass.config_entries.options.async_configure(
            result["flow_id"], {key: value}
        )

    assert err.value.schema_errors == {key: error}
    assert f"component.{DOMAIN}.options.error.{error}" in await async_get_translations(
        hass, "en", "options", [DOMAIN]
    )


@pytest.mark.parametrize(
    ("language", "key", "error", "said"),
    [
        ("en", CONF_SESSION_MINUTES, "too_large", "At most 20 minutes"),
        ("de", CONF_SESSION_MINUTES, "too_large", "Höchstens 20 Minuten"),
        ("en", CONF_REST_GAP_MINUTES, "too_small", "At least 120 minutes"),
        ("de", CONF_REST_GAP_MINUTES, "too_small", "Mindestens 120 Minuten"),
        ("en", CONF_REST_WEEKS, "too_large", "At most 52 weeks"),
        ("de", CONF_ICE_DAYS, "too_large", "Höchstens 7 Tage"),
        ("en", CONF_POWER_THRESHOLD, "too_large", "At most 200 W"),
        ("de", CONF_POWER_THRESHOLD, "too_small", "Mindestens 1 W"),
    ],
)
async def test_options_flow_range_errors_name_the_limit(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    *,
    language: str,
    key: str,
    error: str,
    said: str,
) -> None:
    """Test the form's placeholders fill the range errors with the limit, a whole number, in each language."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    texts = await async_get_translations(hass, language, "options", [DOMAIN])
    placeholders = result["description_placeholders"]
    assert placeholders is not None

    message = texts[f"component.{DOMAIN}.options.error.{key}_{error}"].format(
        **placeholders
    )

    assert message.startswith(said)
    assert ".0" not in message


async def test_options_flow_hands_over_whole_numbers_as_ints(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Test the number fields turn a whole float into an int and leave a fraction for the step."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    schema = result["data_schema"]
    assert schema is not None
    fields = {str(key): value for key, value in schema.schema.items()}

    assert type(fields[CONF_SESSION_MINUTES](15.0)) is int
    assert fields[CONF_SESSION_MINUTES]("15") == 15
    assert fields[CONF_SESSION_MINUTES](12.5) == 12.5


async def test_options_form_shows_quiet_hours_without_seconds(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """Test the quiet hours are asked to the minute; they are still stored as HH:MM:SS."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    fields = cast(
        "list[dict[str, Any]]",
        probatio.to_field_list(
            result["data_schema"], custom_serializer=cv.custom_serializer
        ),
    )
    times = {
        field["name"]: field["selector"]
        for field in fields
        if field["name"] in (CONF_QUIET_START, CONF_QUIET_END)
    }
    assert times == {
        CONF_QUIET_START: {"time": {"no_second": True}},
        CONF_QUIET_END: {"time": {"no_second": True}},
    }

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_QUIET_START: "22:30", CONF_QUIET_END: "06:45:00"}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[CONF_QUIET_START] == "22:30:00"
    assert mock_config_entry.options[CONF_QUIET_END] == "06:45:00"


@pytest.mark.parametrize(
    ("user_input", "field", "error", "corrected"),
    [
        (
            {CONF_SESSION_MINUTES: 12.5, CONF_ICE_DAYS: 2},
            CONF_SESSION_MINUTES,
            "not_whole_number",
            {CONF_SESSION_MINUTES: 12, CONF_ICE_DAYS: 2},
        ),
        (
            {CONF_NOTIFY_ENTITIES: ["notify.phone", "notify.nowhere"]},
            CONF_NOTIFY_ENTITIES,
            "entity_not_found",
            {CONF_NOTIFY_ENTITIES: ["notify.phone"]},
        ),
        (
            {
                CONF_ANNOUNCE_SATELLITES: [
                    "assist_satellite.kitchen",
                    "assist_satellite.nowhere",
                ]
            },
            CONF_ANNOUNCE_SATELLITES,
            "entity_not_found",
            {CONF_ANNOUNCE_SATELLITES: ["assist_satellite.kitchen"]},
        ),
    ],
    ids=["fraction", "missing_notify_entity", "missing_satellite"],
)
async def test_options_flow_refuses_on_the_field(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    *,
    user_input: dict[str, Any],
    field: str,
    error: str,
    corrected: dict[str, Any],
) -> None:
    """Test a fraction within the range (not rounded) and a reminder target that does not exist are refused on their field; nothing is saved until it is right."""
    mock_config_entry.add_to_hass(hass)
    hass.states.async_set("notify.phone", "unknown")
    hass.states.async_set("assist_satellite.kitchen", "unknown")
    before = dict(mock_config_entry.options)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert dict(mock_config_entry.options) == before

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], corrected
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert {key: mock_config_entry.options[key] for key in corrected} == corrected


async def test_options_flow_stores_entity_ids_and_times(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test registry ids become entity ids, duplicates go, and times are stored as HH:MM:SS."""
    mock_config_entry.add_to_hass(hass)
    phone = entity_registry.async_get_or_create(
        "notify", "test", "phone", suggested_object_id="phone"
    )
    hass.states.async_set("assist_satellite.kitchen", "idle")
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_NOTIFY_ENTITIES: [phone.id, "notify.phone"],
            CONF_ANNOUNCE_SATELLITES: ["assist_satellite.kitchen"],
            CONF_QUIET_START: "22:30",
            CONF_QUIET_END: "7:05",
            CONF_REMIND_PHASE_CHANGE: False,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[CONF_NOTIFY_ENTITIES] == ["notify.phone"]
    assert mock_config_entry.options[CONF_ANNOUNCE_SATELLITES] == [
        "assist_satellite.kitchen"
    ]
    assert mock_config_entry.options[CONF_QUIET_START] == "22:30:00"
    assert mock_config_entry.options[CONF_QUIET_END] == "07:05:00"
    assert mock_config_entry.options[CONF_REMIND_PHASE_CHANGE] is False


async def test_options_change_does_not_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test new options reach the engine without a reload: a running heat session goes on."""
    engine = init_integration.runtime_data.engine
    await action(hass, "start_session", modality="heat", minutes=20)
    running = engine.state.running
    assert running is not None
    result = await hass.config_entries.options.async_init(ENTRY_ID)

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SESSION_MINUTES: 10, CONF_REST_WEEKS: 1}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.runtime_data.engine is engine
    assert engine.state.running is running
    assert entity_state(hass, PLUG) == STATE_ON
    assert engine.state.settings.session_minutes == 10
    assert engine.state.schedule.rest_weeks == 1
    phase = hass.states.get(PHASE)
    assert phase is not None
    assert phase.attributes["next_phase_starts"] == "2026-11-27"


# The forms render in the frontend.


async def test_forms_serialize_for_the_frontend(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test the user, reconfigure and options forms serialize as the frontend asks."""
    mock_config_entry.add_to_hass(hass)
    results = [
        await _start_user_flow(hass),
        await mock_config_entry.start_reconfigure_flow(hass),
        await hass.config_entries.options.async_init(mock_config_entry.entry_id),
    ]

    forms: list[list[dict[str, Any]]] = [
        cast(
            "list[dict[str, Any]]",
            probatio.to_field_list(
                result["data_schema"], custom_serializer=cv.custom_serializer
            ),
        )
        for result in results
    ]
    for fields in forms:
        assert fields
        assert all("selector" in field for field in fields)
    session = next(field for field in forms[2] if field["name"] == CONF_SESSION_MINUTES)
    assert session["selector"]["number"]["min"] == 1
    assert session["selector"]["number"]["max"] == 20


async def test_options_apply_to_the_next_session(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Test a shorter session length applies to the next session, not the running one."""
    await action(hass, "start_session", modality="ice")
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SESSION_MINUTES: 5}
    )
    await hass.async_block_till_done()
    engine = init_integration.runtime_data.engine

    assert engine.state.session_ends == engine.state.now + timedelta(minutes=20)


async def test_rule_19_options_flow_sets_the_heat_hours(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """Test the heat hours are two times to the minute, 00:00 by default, stored as HH:MM:SS."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    fields = cast(
        "list[dict[str, Any]]",
        probatio.to_field_list(
            result["data_schema"], custom_serializer=cv.custom_serializer
        ),
    )
    times = {
        field["name"]: (field["selector"], field["default"])
        for field in fields
        if field["name"] in (CONF_HEAT_HOURS_START, CONF_HEAT_HOURS_END)
    }
    assert times == {
        CONF_HEAT_HOURS_START: ({"time": {"no_second": True}}, "00:00:00"),
        CONF_HEAT_HOURS_END: ({"time": {"no_second": True}}, "00:00:00"),
    }

    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_HEAT_HOURS_START: "25:00"}
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_HEAT_HOURS_START: "20:00", CONF_HEAT_HOURS_END: "02:00"},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[CONF_HEAT_HOURS_START] == "20:00:00"
    assert mock_config_entry.options[CONF_HEAT_HOURS_END] == "02:00:00"


async def test_rule_19_heat_hours_apply_without_a_reload(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """Test heat hours set in the options refuse the next heat start at once; ice still starts."""
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_HEAT_HOURS_START: "08:00", CONF_HEAT_HOURS_END: "21:00"},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED

    with pytest.raises(ServiceValidationError) as info:
        await switch(hass, HEATING_PAD, on=True)
    assert info.value.translation_key == "outside_heat_hours"
    assert entity_state(hass, PLUG) == STATE_OFF
    await action(hass, "start_session", modality="ice")
    assert init_integration.runtime_data.engine.state.running is not None


async def test_flow_texts_are_translated(hass: HomeAssistant) -> None:
    """Test every field, error and abort reason the flows and the fix flow show has an English text."""
    prefix = f"component.{DOMAIN}"
    config = await async_get_translations(hass, "en", "config", [DOMAIN])
    options = await async_get_translations(hass, "en", "options", [DOMAIN])
    issues = await async_get_translations(hass, "en", "issues", [DOMAIN])
    expected = [
        *(
            f"{prefix}.config.step.{step}.data.{field}"
            for step in ("user", "reconfigure")
            for field in (
                CONF_NAME,
                CONF_INJURY_DATE,
                CONF_HEATING_PAD,
                CONF_POWER_SENSOR,
                CONF_POWER_THRESHOLD,
            )
        ),
        *(
            f"{prefix}.config.error.{error}"
            for error in (
                "injury_date_in_future",
                "injury_date_invalid",
                "entity_not_found",
                "heating_pad_in_use",
                "heating_pad_invalid",
                "name_empty",
                "power_sensor_invalid",
                "power_threshold_too_small",
                "power_threshold_too_large",
                "not_whole_number",
            )
        ),
        f"{prefix}.config.abort.already_configured",
        *(
            f"{prefix}.config.step.{step}.data_description.{field}"
            for step in ("user", "reconfigure")
            for field in (
                CONF_NAME,
                CONF_INJURY_DATE,
                CONF_HEATING_PAD,
                CONF_POWER_SENSOR,
                CONF_POWER_THRESHOLD,
            )
        ),
        *(
            f"{prefix}.options.step.init.data.{key}"
            for key in (*DEFAULT_OPTIONS, CONF_POWER_SENSOR)
        ),
        *(
            f"{prefix}.options.step.init.data_description.{key}"
            for key in (*DEFAULT_OPTIONS, CONF_POWER_SENSOR)
        ),
        f"{prefix}.options.error.entity_not_found",
        f"{prefix}.options.error.power_sensor_invalid",
        f"{prefix}.options.error.not_whole_number",
        *(
            f"{prefix}.options.error.{key}_{miss}"
            for key in NUMBER_OPTIONS
            for miss in ("too_small", "too_large")
        ),
        f"{prefix}.issues.heating_pad_missing.title",
        f"{prefix}.issues.heating_pad_missing.fix_flow.step.pick_plug.data.heating_pad",
        *(
            f"{prefix}.issues.heating_pad_missing.fix_flow.error.{error}"
            for error in (
                "entity_not_found",
                "heating_pad_in_use",
                "heating_pad_invalid",
            )
        ),
        f"{prefix}.issues.heating_pad_missing.fix_flow.abort.entry_removed",
    ]
    texts = {**config, **options, **issues}

    assert [key for key in expected if not texts.get(key)] == []


# Rule 14: the power sensor and its threshold.


async def test_rule_14_user_flow_takes_a_power_sensor(
    hass: HomeAssistant, plug: str, mock_setup_entry: AsyncMock
) -> None:
    """Test the user step stores the power sensor and the threshold in the options."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Alex",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: plug,
            CONF_POWER_SENSOR: PLUG_POWER_SENSOR,
            CONF_POWER_THRESHOLD: 25.0,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {
        **DEFAULT_OPTIONS,
        CONF_POWER_SENSOR: PLUG_POWER_SENSOR,
        CONF_POWER_THRESHOLD: 25,
    }
    assert type(result["options"][CONF_POWER_THRESHOLD]) is int


@pytest.mark.parametrize(
    ("sensor", "error"),
    [
        ("sensor.nowhere", "entity_not_found"),
        ("sensor.room_temperature", "power_sensor_invalid"),
        (PLUG, "power_sensor_invalid"),
    ],
)
async def test_rule_14_user_flow_refuses_a_sensor_that_measures_no_power(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    *,
    sensor: str,
    error: str,
) -> None:
    """Test a missing entity, a temperature sensor or a switch is refused on the power sensor's field."""
    hass.states.async_set(
        "sensor.room_temperature", "21", {"device_class": "temperature"}
    )
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_POWER_SENSOR: sensor},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_POWER_SENSOR: error}
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.parametrize(
    ("value", "error"),
    [(0, "power_threshold_too_small"), (201, "power_threshold_too_large")],
)
async def test_rule_14_user_flow_refuses_a_threshold_out_of_range(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, value: int, error: str
) -> None:
    """Test a threshold outside 1 to 200 W is refused on its field with a translated error."""
    result = await _start_user_flow(hass)

    with pytest.raises(InvalidData) as err:
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_POWER_THRESHOLD: value}
        )

    assert err.value.schema_errors == {CONF_POWER_THRESHOLD: error}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    texts = await async_get_translations(hass, "en", "config", [DOMAIN])
    message = texts[f"component.{DOMAIN}.config.error.{error}"].format(**placeholders)
    assert message in ("At least 1 W.", "At most 200 W.")


def _smart_plug(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    power_sensors: int,
) -> str:
    """Register a smart plug's device: its switch and ``power_sensors`` power sensors; return the switch."""
    source = MockConfigEntry(domain="test")
    source.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=source.entry_id, identifiers={("test", "smart_plug")}
    )
    switch_entry = entity_registry.async_get_or_create(
        "switch", "test", "relay", device_id=device.id, suggested_object_id="smart_plug"
    )
    entity_registry.async_get_or_create(
        "sensor",
        "test",
        "energy",
        device_id=device.id,
        original_device_class="energy",
        suggested_object_id="smart_plug_energy",
    )
    for number in range(power_sensors):
        entity_registry.async_get_or_create(
            "sensor",
            "test",
            f"power_{number}",
            device_id=device.id,
            original_device_class="power",
            suggested_object_id=f"smart_plug_power_{number}",
        )
    return switch_entry.entity_id


@pytest.mark.parametrize(("power_sensors", "suggested"), [(1, True), (2, False)])
async def test_rule_14_flows_suggest_the_plugs_own_power_sensor(
    hass: HomeAssistant,
    mock_setup_entry: AsyncMock,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    *,
    power_sensors: int,
    suggested: bool,
) -> None:
    """Test the reconfigure and options forms suggest the power sensor when the plug's device has one."""
    smart_plug = _smart_plug(hass, device_registry, entity_registry, power_sensors)
    expected = {CONF_POWER_SENSOR: "sensor.smart_plug_power_0"} if suggested else {}
    # A wrong entry in the user step suggests the chosen plug's sensor too.
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "   ",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: smart_plug,
        },
    )
    assert result["errors"] == {CONF_NAME: "name_empty"}
    assert _suggested(result["data_schema"]).get(CONF_POWER_SENSOR) == (
        expected.get(CONF_POWER_SENSOR)
    )

    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alex",
        data={
            CONF_NAME: "Alex",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: smart_plug,
        },
        options=DEFAULT_OPTIONS,
    )
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    assert _suggested(result["data_schema"]) == {
        CONF_HEATING_PAD: smart_plug,
        **expected,
    }
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert _suggested(result["data_schema"]) == expected


async def test_rule_14_reconfigure_sets_the_power_sensor_without_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Test the reconfigure step stores the sensor in the options; the engine follows it at once."""
    engine = init_integration.runtime_data.engine
    await action(hass, "start_session", modality="heat")
    running = engine.state.running
    result = await init_integration.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Back recovery",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: PLUG,
            CONF_POWER_SENSOR: PLUG_POWER_SENSOR,
            CONF_POWER_THRESHOLD: 30,
        },
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert init_integration.options[CONF_POWER_SENSOR] == PLUG_POWER_SENSOR
    assert init_integration.options[CONF_POWER_THRESHOLD] == 30
    assert init_integration.runtime_data.engine is engine
    assert engine.state.running is running
    power = engine.state.diagnostics["power"]
    assert power["power_sensor"] == PLUG_POWER_SENSOR
    assert power["status"] == "drawing"

    # Left empty, the reconfigure step removes it.
    result = await init_integration.start_reconfigure_flow(hass)
    assert _suggested(result["data_schema"])[CONF_POWER_SENSOR] == PLUG_POWER_SENSOR
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Back recovery",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: PLUG,
        },
    )
    await hass.async_block_till_done()
    assert CONF_POWER_SENSOR not in init_integration.options
    assert init_integration.options[CONF_POWER_THRESHOLD] == 30
    assert engine.state.diagnostics["power"]["status"] == "none"


async def test_rule_14_options_flow_sets_keeps_and_clears_the_power_sensor(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test the options set the sensor, a subset keeps it, an empty value removes it, a wrong one is refused."""
    hass.states.async_set(
        "sensor.room_temperature", "21", {"device_class": "temperature"}
    )
    mock_config_entry.add_to_hass(hass)

    async def submit(user_input: dict[str, Any]) -> ConfigFlowResult:
        result = await hass.config_entries.options.async_init(
            mock_config_entry.entry_id
        )
        return await hass.config_entries.options.async_configure(
            result["flow_id"], user_input
        )

    await submit({CONF_POWER_SENSOR: PLUG_POWER_SENSOR, CONF_POWER_THRESHOLD: 40})
    assert mock_config_entry.options[CONF_POWER_SENSOR] == PLUG_POWER_SENSOR
    assert mock_config_entry.options[CONF_POWER_THRESHOLD] == 40

    await submit({CONF_SESSION_MINUTES: 15})
    assert mock_config_entry.options[CONF_POWER_SENSOR] == PLUG_POWER_SENSOR

    result = await submit({CONF_POWER_SENSOR: "sensor.room_temperature"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_POWER_SENSOR: "power_sensor_invalid"}
    assert mock_config_entry.options[CONF_POWER_SENSOR] == PLUG_POWER_SENSOR

    await submit({CONF_POWER_SENSOR: ""})
    assert CONF_POWER_SENSOR not in mock_config_entry.options
    assert mock_config_entry.options[CONF_POWER_THRESHOLD] == 40


# Rule 15: the plug's own auto-off, offered in every flow and stored with the options.

BACKSTOP = {
    CONF_PLUG_AUTO_OFF: PLUG_AUTO_OFF,
    CONF_PLUG_AUTO_OFF_SWITCH: PLUG_AUTO_OFF_SWITCH,
}


async def test_rule_15_user_flow_stores_the_backstop_with_the_options(
    hass: HomeAssistant, plug: str, mock_setup_entry: AsyncMock
) -> None:
    """Test the auto-off and its switch chosen in the user step are stored as options."""
    result = await _start_user_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Alex",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: plug,
            **BACKSTOP,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_PLUG_AUTO_OFF not in result["data"]
    assert result["options"] == {**DEFAULT_OPTIONS, **BACKSTOP}


@pytest.mark.parametrize(
    ("backstop", "error"),
    [
        ({CONF_PLUG_AUTO_OFF: "number.power_limit"}, "plug_auto_off_unit"),
        ({CONF_PLUG_AUTO_OFF: "number.nowhere"}, "entity_not_found"),
    ],
)
async def test_rule_15_flows_refuse_an_auto_off_that_counts_no_time(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    *,
    backstop: dict[str, str],
    error: str,
) -> None:
    """Test the user step and the options refuse a number in watts, and one that does not exist.

    Another domain never gets here: the entity selector refuses it.
    """
    hass.states.async_set(
        "number.power_limit",
        "100",
        {"unit_of_measurement": "W", "min": 0, "max": 3000, "step": 1},
    )
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_NAME: "Alex", CONF_INJURY_DATE: "2026-11-20", CONF_HEATING_PAD: plug}
        | backstop,
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PLUG_AUTO_OFF: error}

    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], backstop
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PLUG_AUTO_OFF: error}
    assert dict(mock_config_entry.options) == DEFAULT_OPTIONS


async def test_rule_15_reconfigure_shows_and_removes_the_backstop(
    hass: HomeAssistant,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Test reconfigure suggests the auto-off set, and a form without it removes it."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={**DEFAULT_OPTIONS, **BACKSTOP}
    )
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert _suggested(result["data_schema"]) == {CONF_HEATING_PAD: PLUG, **BACKSTOP}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Back recovery",
            CONF_INJURY_DATE: "2026-11-20",
            CONF_HEATING_PAD: PLUG,
            CONF_PLUG_AUTO_OFF: PLUG_AUTO_OFF_SECONDS,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert dict(mock_config_entry.options) == {
        **DEFAULT_OPTIONS,
        CONF_PLUG_AUTO_OFF: PLUG_AUTO_OFF_SECONDS,
    }


async def test_rule_15_options_set_the_backstop_suggested_from_the_plugs_device(
    hass: HomeAssistant,
    *,
    plug: str,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Test the options suggest the plug device's one number that counts time, and store it."""
    mock_config_entry.add_to_hass(hass)
    maker = MockConfigEntry(domain="template")
    maker.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=maker.entry_id, identifiers={("template", "heating_pad")}
    )
    for entity_id in (PLUG, PLUG_AUTO_OFF, PLUG_AUTO_OFF_SWITCH):
        entity_registry.async_update_entity(entity_id, device_id=device.id)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert _suggested(result["data_schema"]) == {CONF_PLUG_AUTO_OFF: PLUG_AUTO_OFF}

    # With two numbers that count time on the device, none is suggested.
    entity_registry.async_update_entity(PLUG_AUTO_OFF_SECONDS, device_id=device.id)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert _suggested(result["data_schema"]) == {}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], BACKSTOP
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(mock_config_entry.options) == {**DEFAULT_OPTIONS, **BACKSTOP}


async def test_rule_15_backstop_texts_are_translated(hass: HomeAssistant) -> None:
    """Test the auto-off's fields, errors, refusal and repair issue have texts in English and German."""
    for language in ("en", "de"):
        texts: dict[str, str] = {}
        for category in ("config", "options", "exceptions", "issues"):
            texts |= await async_get_translations(hass, language, category, [DOMAIN])
        prefix = f"component.{DOMAIN}"
        expected = [
            *(
                f"{prefix}.{where}.{part}.{key}"
                for where in (
                    "config.step.user",
                    "config.step.reconfigure",
                    "options.step.init",
                )
                for part in ("data", "data_description")
                for key in BACKSTOP
            ),
            *(
                f"{prefix}.{flow}.error.{error}"
                for flow in ("config", "options")
                for error in ("plug_auto_off_unit", "plug_auto_off_switch_invalid")
            ),
            f"{prefix}.exceptions.plug_auto_off_not_set.message",
            f"{prefix}.issues.plug_auto_off_not_set.title",
            f"{prefix}.issues.plug_auto_off_not_set.description",
        ]
        assert [key for key in expected if not texts.get(key)] == [], language
