"""Tests for the repair issues: raised and cleared per entry, heating_pad_missing and its fix flow.

The issues of a plug that is unreachable or does not switch off (rules 5,
10) are in ``safety/test_plug_faults.py``; the storage issue (rule 3) in
``safety/test_restart.py``.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
)
from custom_components.back_recovery.issues import async_clear_issue, async_raise_issue
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import STATE_ON
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component

from .helpers.clock import advance
from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    MISSING_ISSUE,
    PLUG,
    UNREACHABLE_ISSUE,
    entity_state,
    hider_of,
    switch,
)
from .helpers.plug import (
    PLUG_ONLINE,
    SECOND_PLUG,
    set_input_boolean,
    setup_plug,
    start_heat,
)


@pytest.fixture
async def plug_removed(
    hass: HomeAssistant,
    second_plug: str,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> MockConfigEntry:
    """Remove the entry's plug from the registry: the issue stands."""
    entity_registry.async_remove(PLUG)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is not None
    return init_integration


async def _start_fix_flow(client: Any, issue_id: str = MISSING_ISSUE) -> dict[str, Any]:
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def _submit(
    client: Any, flow_id: str, user_input: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json=user_input)
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def test_fix_flow_shows_the_plug_picker(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    plug_removed: MockConfigEntry,
) -> None:
    """Test the fix flow opens at pick_plug with a switch picker naming the lost plug."""
    client = await hass_client()

    result = await _start_fix_flow(client)

    assert result["type"] == "form"
    assert result["step_id"] == "pick_plug"
    assert result["errors"] == {}
    assert result["description_placeholders"] == {
        "entity_id": PLUG,
        "plug": "Heating pad plug",
    }
    assert result["data_schema"] == [
        {
            "name": CONF_HEATING_PAD,
            "optional": True,
            "required": False,
            "selector": {
                "entity": {
                    "domain": ["switch"],
                    "exclude_entities": [HEATING_PAD],
                    "multiple": False,
                    "reorder": False,
                }
            },
        }
    ]


async def test_fix_flow_picks_another_plug(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    plug_removed: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test picking another plug updates and reloads the entry, hides the plug and deletes the issue."""
    engine = plug_removed.runtime_data.engine
    client = await hass_client()
    result = await _start_fix_flow(client)

    result = await _submit(client, result["flow_id"], {CONF_HEATING_PAD: SECOND_PLUG})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert plug_removed.data[CONF_HEATING_PAD] == SECOND_PLUG
    assert plug_removed.data[CONF_NAME] == "Back recovery"
    assert plug_removed.data[CONF_INJURY_DATE] == "2026-11-20"
    assert plug_removed.state is ConfigEntryState.LOADED
    assert plug_removed.runtime_data.engine is not engine
    assert plug_removed.runtime_data.engine.plug_entity_id == SECOND_PLUG
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None
    assert hider_of(entity_registry, SECOND_PLUG) is er.RegistryEntryHider.INTEGRATION

    await switch(hass, HEATING_PAD, on=True)
    assert entity_state(hass, SECOND_PLUG) == STATE_ON


async def test_fix_flow_picks_no_plug(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    plug_removed: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test an empty choice removes the heating pad: no plug, no switch, no issue."""
    client = await hass_client()
    result = await _start_fix_flow(client)

    result = await _submit(client, result["flow_id"], {})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert CONF_HEATING_PAD not in plug_removed.data
    assert plug_removed.state is ConfigEntryState.LOADED
    assert plug_removed.runtime_data.engine.plug_entity_id is None
    assert entity_registry.async_get(HEATING_PAD) is None
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None


@pytest.mark.parametrize(
    ("plug", "error"),
    [
        ("switch.nowhere", "entity_not_found"),
        ("switch.in_use", "heating_pad_in_use"),
    ],
)
async def test_fix_flow_refuses(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    plug_removed: MockConfigEntry,
    plug: str,
    error: str,
) -> None:
    """Test a plug that does not exist or that another entry controls is refused on the field."""
    hass.states.async_set("switch.in_use", "off")
    MockConfigEntry(
        domain=DOMAIN,
        title="Sam",
        data={
            CONF_NAME: "Sam",
            CONF_INJURY_DATE: "2026-11-01",
            CONF_HEATING_PAD: "switch.in_use",
        },
        options=dict(DEFAULT_OPTIONS),
    ).add_to_hass(hass)
    client = await hass_client()
    result = await _start_fix_flow(client)

    result = await _submit(client, result["flow_id"], {CONF_HEATING_PAD: plug})

    assert result["type"] == "form"
    assert result["step_id"] == "pick_plug"
    assert result["errors"] == {CONF_HEATING_PAD: error}
    assert plug_removed.data[CONF_HEATING_PAD] == PLUG
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is not None

    result = await _submit(client, result["flow_id"], {CONF_HEATING_PAD: SECOND_PLUG})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert plug_removed.data[CONF_HEATING_PAD] == SECOND_PLUG


async def test_fix_flow_refuses_a_non_switch(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    plug_removed: MockConfigEntry,
) -> None:
    """Test the picker refuses an entity of another domain."""
    client = await hass_client()
    result = await _start_fix_flow(client)

    response = await client.post(
        f"/api/repairs/issues/fix/{result['flow_id']}",
        json={CONF_HEATING_PAD: "input_boolean.heating_pad_power"},
    )

    assert response.status == HTTPStatus.BAD_REQUEST
    assert plug_removed.data[CONF_HEATING_PAD] == PLUG


async def test_fix_flow_for_an_unloaded_entry(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    plug_removed: MockConfigEntry,
) -> None:
    """Test fixing a disabled entry updates its plug without loading it."""
    assert await hass.config_entries.async_set_disabled_by(
        ENTRY_ID, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert plug_removed.state is ConfigEntryState.NOT_LOADED
    client = await hass_client()
    result = await _start_fix_flow(client)

    result = await _submit(client, result["flow_id"], {CONF_HEATING_PAD: SECOND_PLUG})
    await hass.async_block_till_done()

    assert result["type"] == "create_entry"
    assert plug_removed.data[CONF_HEATING_PAD] == SECOND_PLUG
    assert plug_removed.state is ConfigEntryState.NOT_LOADED
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None


async def test_fix_flow_for_a_removed_entry(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, plug: str
) -> None:
    """Test the fix flow aborts when the entry it was raised for is gone."""
    assert await async_setup_component(hass, DOMAIN, {})
    ir.async_create_issue(
        hass,
        DOMAIN,
        "heating_pad_missing_gone",
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key="heating_pad_missing",
        translation_placeholders={"entity_id": PLUG, "name": "Gone"},
        data={"entry_id": "gone"},
    )
    client = await hass_client()

    result = await _start_fix_flow(client, "heating_pad_missing_gone")

    assert result["type"] == "abort"
    assert result["reason"] == "entry_removed"


# heating_pad_missing: raised when the plug's entity is gone, cleared when it is back


async def test_removed_plug_raises_a_repair_issue(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Test removing the plug's entity raises a fixable heating_pad_missing issue."""
    entity_registry.async_remove(PLUG)
    await hass.async_block_till_done()

    issue = ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE)
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "heating_pad_missing"
    assert issue.translation_placeholders == {
        "entity_id": PLUG,
        "plug": "Heating pad plug",
        "name": "Back recovery",
    }
    assert issue.data == {"entry_id": ENTRY_ID}
    assert init_integration.state is ConfigEntryState.LOADED
    assert entity_state(hass, HEATING_PAD) == "unavailable"


async def test_missing_plug_raises_the_issue_at_once_when_started(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Test an entry set up after the start, with a plug that does not exist, raises the issue."""
    mock_config_entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is not None


async def test_missing_plug_raises_the_issue_once_started(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Test a plug still missing when Home Assistant has started raises the issue then, not before."""
    hass.set_state(CoreState.not_running)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None

    await hass.async_start()
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is not None


async def test_plug_set_up_late_raises_no_issue(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Test a plug whose integration loads after the entry, before the start, raises no issue."""
    hass.set_state(CoreState.not_running)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    await setup_plug(hass)

    await hass.async_start()
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None
    await start_heat(hass, "action")
    assert entity_state(hass, PLUG) == STATE_ON


async def test_plug_back_clears_the_issue_at_start(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> None:
    """Test a standing heating_pad_missing issue goes once the plug exists at setup."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        MISSING_ISSUE,
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key="heating_pad_missing",
        data={"entry_id": ENTRY_ID},
    )
    mock_config_entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None


async def test_plug_registered_again_clears_the_issue(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Rule 17: a plug registered again under its entity id is the plug; another id is not."""
    entity_registry.async_remove(PLUG)
    await hass.async_block_till_done()
    entity_registry.async_get_or_create(
        "switch", "template", "other_plug", suggested_object_id="other_plug"
    )
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is not None

    entity_registry.async_get_or_create(
        "switch", "template", "heating_pad_plug", suggested_object_id="heating_pad_plug"
    )
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None
    assert init_integration.data[CONF_HEATING_PAD] == PLUG


async def test_unloaded_entry_ignores_the_start(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Test an entry unloaded before the start raises no issue when Home Assistant starts."""
    hass.set_state(CoreState.not_running)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(ENTRY_ID)

    await hass.async_start()
    await hass.async_block_till_done()

    assert ir.async_get(hass).async_get_issue(DOMAIN, MISSING_ISSUE) is None


# Every repair issue: an error named after its key and entry, raised and cleared apart


async def test_an_issue_is_an_error_named_after_its_key_and_entry(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """The id is the key with the entry id; the key is the translation key."""
    async_raise_issue(hass, "storage_not_writable", "entry1", {"name": "Alex"})
    issue = issue_registry.async_get_issue(DOMAIN, "storage_not_writable_entry1")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "storage_not_writable"
    assert issue.translation_placeholders == {"name": "Alex"}
    assert not issue.is_fixable
    assert issue.data is None


async def test_a_fixable_issue_carries_its_entry_for_the_repair_flow(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """The repair flow finds the entry through the issue's data."""
    async_raise_issue(hass, "heating_pad_missing", "entry1", {}, fixable=True)
    issue = issue_registry.async_get_issue(DOMAIN, "heating_pad_missing_entry1")
    assert issue is not None
    assert issue.is_fixable
    assert issue.data == {"entry_id": "entry1"}


async def test_clearing_touches_only_that_entrys_issue(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Two people's recoveries keep their issues apart; clearing twice is harmless."""
    async_raise_issue(hass, "heating_pad_unreachable", "entry1", {})
    async_raise_issue(hass, "heating_pad_unreachable", "entry2", {})
    async_clear_issue(hass, "heating_pad_unreachable", "entry1")
    async_clear_issue(hass, "heating_pad_unreachable", "entry1")
    assert (
        issue_registry.async_get_issue(DOMAIN, "heating_pad_unreachable_entry1") is None
    )
    assert issue_registry.async_get_issue(DOMAIN, "heating_pad_unreachable_entry2")


# The plug as people see it: its name in every repair text, its entity id beside it


@pytest.mark.usefixtures("init_integration")
async def test_unreachable_plug_issue_names_the_plug(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The issue of a plug that cannot be switched off names it as the dashboard does."""
    await start_heat(hass, "action")
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    await advance(hass, freezer, timedelta(minutes=20))

    issue = ir.async_get(hass).async_get_issue(DOMAIN, UNREACHABLE_ISSUE)
    assert issue is not None
    assert issue.translation_placeholders == {
        "entity_id": PLUG,
        "plug": "Heating pad plug",
        "name": "Back recovery",
    }


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("heating_pad_unreachable", "description"),
        ("heating_pad_not_responding", "description"),
        ("heating_pad_missing", "fix_flow.step.pick_plug.description"),
    ],
)
async def test_repair_texts_say_the_plugs_name_and_id(
    hass: HomeAssistant, language: str, key: str, text: str
) -> None:
    """Each plug repair says '"Heating pad plug" (switch.heating_pad_plug)'."""
    said = (await async_get_translations(hass, language, "issues", [DOMAIN]))[
        f"component.{DOMAIN}.issues.{key}.{text}"
    ]
    assert "{plug}" in said
    assert "({entity_id})" in said
