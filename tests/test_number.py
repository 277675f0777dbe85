"""Tests for the number platform: the pain slider's registry entry and state."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er


@pytest.fixture
def platforms() -> list[Platform]:
    """Set up the number platform only."""
    return [Platform.NUMBER]


async def test_all_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_platforms: MockConfigEntry,
) -> None:
    """The pain slider's registry entry and state match the snapshot."""
    await snapshot_platform(hass, entity_registry, snapshot, init_platforms.entry_id)
