"""Tests of the logbook descriptions of the integration's events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from custom_components.back_recovery.logbook import async_describe_events
from homeassistant.core import Event, HomeAssistant

from .conftest import ENTRY_ID

Describe = Callable[[Event], dict[str, str]]


@pytest.fixture
def describers(hass: HomeAssistant) -> dict[str, Describe]:
    """Collect the describe callbacks the integration registers."""
    found: dict[str, Describe] = {}

    def describe_event(domain: str, event_type: str, describe: Describe) -> None:
        assert domain == DOMAIN
        found[event_type] = describe

    async_describe_events(hass, describe_event)
    return found


def test_all_bus_events_described(describers: dict[str, Describe]) -> None:
    """Every event of the contract has a logbook description."""
    assert set(describers) == {
        RecoveryEvent.SESSION_STARTED,
        RecoveryEvent.SESSION_ENDED,
        RecoveryEvent.SESSION_BLOCKED,
        RecoveryEvent.SKIN_REST_OVER,
        RecoveryEvent.PHASE_CHANGED,
    }


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (
            RecoveryEvent.SESSION_STARTED,
            {"modality": "heat", "ends_at": "2026-11-25T09:20:00+00:00"},
            "Heat session started, ends at 01:20",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "heat", "reason": "completed"},
            "Heat session ended: completed",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "ice", "reason": "external"},
            "Ice session ended: external",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "heat", "allowed_at": "2026-11-25T11:20:00+00:00"},
            "Heat session refused, allowed at 03:20",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "ice", "allowed_at": "2026-11-26T08:10:00+00:00"},
            "Ice session refused, allowed at 2026-11-26 00:10",
        ),
        (RecoveryEvent.SKIN_REST_OVER, {}, "Skin rest over, a new session is allowed"),
        (
            RecoveryEvent.PHASE_CHANGED,
            {"from_phase": "rest", "to_phase": "return_to_activity"},
            "Recovery phase changed to return to activity",
        ),
    ],
)
def test_messages(
    hass: HomeAssistant,
    *,
    mock_config_entry: MockConfigEntry,
    describers: dict[str, Describe],
    event_type: str,
    data: dict[str, Any],
    message: str,
) -> None:
    """Each event reads as a sentence, named after the entry."""
    mock_config_entry.add_to_hass(hass)
    described = describers[event_type](
        Event(event_type, {"config_entry_id": ENTRY_ID, **data})
    )
    assert described == {"name": "Back recovery", "message": message}


def test_unknown_entry_named_after_the_integration(
    describers: dict[str, Describe],
) -> None:
    """An event of a removed entry still reads, under the integration's name."""
    described = describers[RecoveryEvent.SESSION_BLOCKED](
        Event(
            RecoveryEvent.SESSION_BLOCKED,
            {"config_entry_id": "gone", "modality": "ice"},
        )
    )
    assert described == {
        "name": "Back Recovery",
        "message": "Ice session refused, allowed at ?",
    }
