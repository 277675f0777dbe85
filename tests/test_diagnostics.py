"""Tests for the config entry diagnostics."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.back_recovery.const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_NOTIFY_ENTITIES,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.core import HomeAssistant

from .helpers.ha import PLUG, action

REDACTED = "**REDACTED**"


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Return options with reminder targets, which identify the person."""
    return {
        **DEFAULT_OPTIONS,
        CONF_NOTIFY_ENTITIES: ["notify.alex_phone"],
        CONF_ANNOUNCE_SATELLITES: ["assist_satellite.bedroom"],
    }


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Test diagnostics show the settings, redacted, and the engine's state during a session."""
    await action(
        hass,
        "log_session",
        modality="ice",
        minutes=15,
        ended_at="2026-11-24T18:00:00+00:00",
    )
    await action(hass, "start_session", modality="heat", minutes=15)

    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)

    assert result == snapshot(exclude=props("created_at", "modified_at"))


async def test_diagnostics_redact_health_and_targets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """Test name, injury date, title and reminder targets never leave in diagnostics."""
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)

    entry = cast("dict[str, Any]", result["entry"])
    assert entry["title"] == REDACTED
    assert entry["data"] == {
        "name": REDACTED,
        "injury_date": REDACTED,
        "heating_pad": PLUG,
    }
    assert entry["options"][CONF_NOTIFY_ENTITIES] == REDACTED
    assert entry["options"][CONF_ANNOUNCE_SATELLITES] == REDACTED
    assert entry["options"]["session_minutes"] == 20
    text = str(result)
    for secret in ("Back recovery", "2026-11-20", "alex_phone", "bedroom"):
        assert secret not in text
    engine = cast("dict[str, Any]", result["engine"])
    assert engine["phase"] == "rest"
    assert engine["running"] is None
