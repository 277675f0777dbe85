"""Tests for issues.py: an entry's repair issues, raised and cleared by their key."""

from __future__ import annotations

from custom_components.back_recovery.const import DOMAIN
from custom_components.back_recovery.issues import async_clear_issue, async_raise_issue
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir


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
