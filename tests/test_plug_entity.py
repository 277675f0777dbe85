"""Tests for the heating-pad plug in Home Assistant's registries (plug_entity.py).

Which switch may be a plug (``validate_plug``, the flows' picker), hiding it
like switch_as_x and showing it again, reading the configured plug, reading a
plug's state (on, off, unknown, unreachable) and naming the recovery's device in
its events. Following its renames and removal is tested through the entry
(test_init.py, test_repairs.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
)
from custom_components.back_recovery.plug_entity import (
    PlugReading,
    PlugRefusedError,
    async_hide_plug,
    async_remove_pad_switch,
    async_unhide_plug,
    can_be_reached,
    configured_plug,
    on_off,
    plug_event_data,
    plug_selector,
    reading,
    validate_plug,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .helpers.ha import ENTRY_ID, HEATING_PAD, PLUG, SECOND_ENTRY_ID, action, hider_of
from .helpers.plug import PLUG_POWER, SECOND_PLUG

INTEGRATION = er.RegistryEntryHider.INTEGRATION
USER = er.RegistryEntryHider.USER


def _entry(heating_pad: Any) -> MockConfigEntry:
    """Return another person's entry with ``heating_pad`` in its data (none if ``None``)."""
    data: dict[str, Any] = {CONF_NAME: "Anna", CONF_INJURY_DATE: "2026-11-01"}
    if heating_pad is not None:
        data[CONF_HEATING_PAD] = heating_pad
    return MockConfigEntry(
        domain=DOMAIN, title="Anna", data=data, entry_id=SECOND_ENTRY_ID
    )


# validate_plug


@pytest.mark.usefixtures("plug")
async def test_validate_plug_takes_an_entity_id_or_a_registry_id(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A switch given by entity id or by registry id comes back as its entity id."""
    registry_entry = entity_registry.async_get(PLUG)
    assert registry_entry is not None
    assert validate_plug(hass, PLUG, None) == PLUG
    assert validate_plug(hass, registry_entry.id, None) == PLUG


async def test_validate_plug_takes_a_registered_switch_without_a_state(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A switch that is registered but not loaded yet exists."""
    ghost = entity_registry.async_get_or_create("switch", "test", "ghost")
    assert hass.states.get(ghost.entity_id) is None
    assert validate_plug(hass, ghost.entity_id, None) == ghost.entity_id


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("switch.nowhere", "entity_not_found"),
        ("not an id", "entity_not_found"),
        (PLUG_POWER, "heating_pad_invalid"),
        (HEATING_PAD, "heating_pad_invalid"),
    ],
    ids=["missing", "no_entity_id", "not_a_switch", "own_switch"],
)
async def test_validate_plug_refuses(
    hass: HomeAssistant, candidate: str, reason: str
) -> None:
    """A missing entity, one that is no switch, or the integration's own switch is refused."""
    with pytest.raises(PlugRefusedError) as info:
        validate_plug(hass, candidate, None)
    assert info.value.reason == reason


@pytest.mark.usefixtures("init_integration")
async def test_validate_plug_refuses_a_plug_another_entry_controls(
    hass: HomeAssistant,
) -> None:
    """The test entry's plug is in use for a new entry or another, not for itself."""
    for entry_id in (None, SECOND_ENTRY_ID):
        with pytest.raises(PlugRefusedError) as info:
            validate_plug(hass, PLUG, entry_id)
        assert info.value.reason == "heating_pad_in_use"
    assert validate_plug(hass, PLUG, ENTRY_ID) == PLUG


@pytest.mark.usefixtures("init_integration", "second_plug")
async def test_plug_picker_offers_every_switch_but_the_own(
    hass: HomeAssistant,
) -> None:
    """The flows' plug picker takes switches and leaves out the integration's own."""
    config = plug_selector(hass).config
    assert config["domain"] == ["switch"]
    assert config["exclude_entities"] == [HEATING_PAD]


# Hiding the plug


@pytest.mark.usefixtures("second_plug")
async def test_hide_the_plug_and_show_the_one_given_up(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The wrapped plug is hidden by the integration; a plug given up is shown again."""
    async_hide_plug(hass, PLUG, None)
    assert hider_of(entity_registry, PLUG) is INTEGRATION
    async_hide_plug(hass, PLUG, PLUG)
    assert hider_of(entity_registry, PLUG) is INTEGRATION
    async_hide_plug(hass, SECOND_PLUG, PLUG)
    assert hider_of(entity_registry, PLUG) is None
    assert hider_of(entity_registry, SECOND_PLUG) is INTEGRATION
    async_hide_plug(hass, None, SECOND_PLUG)
    assert hider_of(entity_registry, SECOND_PLUG) is None


@pytest.mark.usefixtures("plug")
async def test_a_plug_the_user_hid_stays_hidden_by_the_user(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Neither hiding nor showing touches a plug the user hid."""
    entity_registry.async_update_entity(PLUG, hidden_by=USER)
    async_hide_plug(hass, PLUG, None)
    assert hider_of(entity_registry, PLUG) is USER
    async_unhide_plug(hass, PLUG)
    assert hider_of(entity_registry, PLUG) is USER


async def test_hiding_an_unregistered_plug_does_nothing(hass: HomeAssistant) -> None:
    """A plug without a registry entry cannot be hidden; nothing fails."""
    hass.states.async_set("switch.yaml_plug", "off")
    async_hide_plug(hass, "switch.yaml_plug", "switch.gone")
    async_unhide_plug(hass, "switch.yaml_plug")
    assert er.async_get(hass).async_get("switch.yaml_plug") is None


# The configured plug


@pytest.mark.parametrize(
    ("configured", "expected"),
    [(None, None), ("", None), (PLUG, PLUG)],
    ids=["none", "empty", "switch"],
)
def test_configured_plug(
    configured: str | None, expected: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    """An entry without a plug has none; a switch entity id is the plug."""
    assert configured_plug(_entry(configured)) == expected
    assert caplog.text == ""


@pytest.mark.parametrize(
    "configured",
    ["light.x", "switch.Not An Id", 42],
    ids=["light", "invalid", "number"],
)
def test_configured_plug_that_is_no_switch_is_logged_and_ignored(
    configured: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Anything but a switch entity id is logged as an error and no plug."""
    assert configured_plug(_entry(configured)) is None
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert "The heating pad plug of Anna must be a switch entity" in caplog.text
    assert repr(configured) in caplog.text


@pytest.mark.parametrize(
    "entry_data",
    [{"name": "Back recovery", "injury_date": "2026-11-20", "heating_pad": "light.x"}],
)
async def test_plug_that_is_not_a_switch_is_ignored(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A plug entity that is not a switch is logged and never switched."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert "must be a switch entity" in caplog.text
    assert hass.states.get(HEATING_PAD) is None
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat")
    assert info.value.translation_key == "no_heating_pad"


# The heating-pad switch of a plug given up


async def test_remove_the_heating_pad_switch(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """The entry's heating-pad switch leaves the registry; once gone, nothing fails."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert entity_registry.async_get(HEATING_PAD) is not None
    async_remove_pad_switch(hass, ENTRY_ID)
    assert entity_registry.async_get(HEATING_PAD) is None
    async_remove_pad_switch(hass, ENTRY_ID)


# Reading the plug (rules 5, 12, 17)


@pytest.mark.parametrize(
    ("state", "read", "commandable", "is_on"),
    [
        ("on", PlugReading.ON, True, True),
        ("off", PlugReading.OFF, True, False),
        ("unknown", PlugReading.UNKNOWN, True, None),
        ("unavailable", PlugReading.UNREACHABLE, False, None),
        (None, PlugReading.UNREACHABLE, False, None),
    ],
)
def test_reading_the_plug(
    state: str | None, read: PlugReading, commandable: bool, is_on: bool | None
) -> None:
    """Only unavailable, or no state at all (a plug that left), cannot be commanded."""
    plug_state = State(PLUG, state) if state is not None else None
    assert reading(plug_state) is read
    assert can_be_reached(plug_state) is commandable
    assert on_off(plug_state) is is_on


def test_plug_event_data_names_the_recovery_device(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry
) -> None:
    """An event about the plug names the recovery's device once it exists."""
    entry = _entry(PLUG)
    entry.add_to_hass(hass)
    assert plug_event_data(hass, SECOND_ENTRY_ID, PLUG) == {
        "config_entry_id": SECOND_ENTRY_ID,
        "entity_id": PLUG,
    }
    device = device_registry.async_get_or_create(
        config_entry_id=SECOND_ENTRY_ID, identifiers={(DOMAIN, SECOND_ENTRY_ID)}
    )
    assert plug_event_data(hass, SECOND_ENTRY_ID, PLUG) == {
        "config_entry_id": SECOND_ENTRY_ID,
        "entity_id": PLUG,
        "device_id": device.id,
    }
