"""Subentries (an exercise, a medicine) never reload the recovery: a reload would end heat (rule 9)."""

from __future__ import annotations

from types import MappingProxyType

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.subentries import async_track_subentries
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant


def _subentry(kind: str, title: str) -> ConfigSubentry:
    return ConfigSubentry(
        data=MappingProxyType({"name": title}),
        subentry_type=kind,
        title=title,
        unique_id=None,
    )


async def test_rule_9_a_new_subentry_adds_its_entities_without_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each subentry of the type is given once, now and when added; the engine stays the same."""
    entry = init_integration
    engine = entry.runtime_data.engine
    first = _subentry("exercise", "Bridge")
    hass.config_entries.async_add_subentry(entry, first)
    given: list[str] = []
    async_track_subentries(hass, entry, "exercise", lambda sub: given.append(sub.title))
    assert given == ["Bridge"]

    hass.config_entries.async_add_subentry(entry, _subentry("medication", "Pill"))
    hass.config_entries.async_add_subentry(entry, _subentry("exercise", "Cat-cow"))
    await hass.async_block_till_done()
    assert given == ["Bridge", "Cat-cow"]
    assert entry.runtime_data.engine is engine

    hass.config_entries.async_remove_subentry(entry, first.subentry_id)
    await hass.async_block_till_done()
    assert given == ["Bridge", "Cat-cow"]
    assert entry.runtime_data.engine is engine
