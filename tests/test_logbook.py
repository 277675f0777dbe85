"""Tests of the logbook descriptions of the integration's events."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from custom_components.back_recovery.logbook import (
    async_describe_events,
    describe_event,
)
from custom_components.back_recovery.session import EndReason
from homeassistant.core import Event, HomeAssistant

from .conftest import ENTRY_ID

EN: dict[str, Any] = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components"
        / DOMAIN
        / "translations"
        / "en.json"
    ).read_text(encoding="utf-8")
)
Describe = Callable[[Event], dict[str, str]]


@pytest.fixture
async def describers(hass: HomeAssistant) -> dict[str, Describe]:
    """Collect the describe callbacks the integration registers; its texts are loaded."""
    found: dict[str, Describe] = {}

    def describe_event(domain: str, event_type: str, describe: Describe) -> None:
        assert domain == DOMAIN
        found[event_type] = describe

    async_describe_events(hass, describe_event)
    await hass.async_block_till_done()
    return found


def test_all_bus_events_described(describers: dict[str, Describe]) -> None:
    """Every event of the contract has a logbook description."""
    assert set(describers) == {
        RecoveryEvent.SESSION_STARTED,
        RecoveryEvent.SESSION_ENDED,
        RecoveryEvent.SESSION_BLOCKED,
        RecoveryEvent.SKIN_REST_OVER,
        RecoveryEvent.PHASE_CHANGED,
        RecoveryEvent.PAIN_LOGGED,
        RecoveryEvent.REVIEW_RECOMMENDED,
    }


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (
            RecoveryEvent.SESSION_STARTED,
            {"modality": "heat", "ends_at": "2026-11-25T09:20:00+00:00"},
            "Heat session started, ends at 1:20 AM",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "heat", "reason": "completed"},
            "Heat session ended: completed",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "ice", "reason": "external"},
            "Ice session ended: switched off at the plug",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "heat", "allowed_at": "2026-11-25T11:20:00+00:00"},
            "Heat session refused, allowed at 3:20 AM",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "ice", "allowed_at": "2026-11-26T08:10:00+00:00"},
            "Ice session refused, allowed at 2026-11-26 12:10 AM",
        ),
        (RecoveryEvent.SKIN_REST_OVER, {}, "Skin rest over, a new session is allowed"),
        (
            RecoveryEvent.PHASE_CHANGED,
            {"from_phase": "rest", "to_phase": "return_to_activity"},
            "New recovery phase: Return to activity",
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
    assert described["name"] == "Back recovery"
    assert described["message"] == message
    assert described["icon"].startswith("mdi:")


@pytest.mark.parametrize(
    ("event_type", "data", "message"),
    [
        (
            RecoveryEvent.SESSION_STARTED,
            {"modality": "heat", "ends_at": "2026-11-25T09:20:00+00:00"},
            "Wärmeanwendung gestartet, endet um 01:20",
        ),
        (
            RecoveryEvent.SESSION_ENDED,
            {"modality": "ice", "reason": "completed"},
            "Kälteanwendung beendet: abgeschlossen",
        ),
        (
            RecoveryEvent.SESSION_BLOCKED,
            {"modality": "heat", "allowed_at": "2026-11-25T13:20:00+00:00"},
            "Wärmeanwendung abgelehnt, erlaubt ab 05:20",
        ),
        (
            RecoveryEvent.SKIN_REST_OVER,
            {},
            "Hautruhe vorbei, eine neue Anwendung ist erlaubt",
        ),
        (
            RecoveryEvent.PHASE_CHANGED,
            {"from_phase": "rest", "to_phase": "rehabilitation"},
            "Neue Erholungsphase: Rehabilitation",
        ),
    ],
)
async def test_messages_in_german(
    hass: HomeAssistant,
    *,
    event_type: str,
    data: dict[str, Any],
    message: str,
) -> None:
    """In German the entries are German, with times on a 24-hour clock."""
    hass.config.language = "de"
    found: dict[str, Describe] = {}
    async_describe_events(
        hass, lambda domain, kind, describe: found.__setitem__(kind, describe)
    )
    await hass.async_block_till_done()

    described = found[event_type](Event(event_type, {"config_entry_id": "x", **data}))

    assert described["message"] == message


@pytest.mark.parametrize(
    ("event_type", "data", "icon"),
    [
        (RecoveryEvent.SESSION_STARTED, {"modality": "heat"}, "mdi:heating-coil"),
        (RecoveryEvent.SESSION_STARTED, {"modality": "ice"}, "mdi:snowflake"),
        (RecoveryEvent.SESSION_ENDED, {"reason": "stopped"}, "mdi:timer-check-outline"),
        (RecoveryEvent.SESSION_BLOCKED, {}, "mdi:hand-back-right-off-outline"),
        (RecoveryEvent.SKIN_REST_OVER, {}, "mdi:hand-back-right-outline"),
        (RecoveryEvent.PHASE_CHANGED, {}, "mdi:calendar-arrow-right"),
    ],
)
def test_every_entry_has_an_icon(
    describers: dict[str, Describe],
    event_type: str,
    data: dict[str, Any],
    icon: str,
) -> None:
    """Each entry shows an icon: a started session its modality's, the others their sensor's."""
    described = describers[event_type](Event(event_type, data))

    assert described["icon"] == icon


@pytest.mark.parametrize("reason", list(EndReason))
def test_every_end_reason_is_said_in_words(
    describers: dict[str, Describe], reason: EndReason
) -> None:
    """No end reason is shown as its raw value."""
    described = describers[RecoveryEvent.SESSION_ENDED](
        Event(RecoveryEvent.SESSION_ENDED, {"modality": "heat", "reason": reason})
    )

    said = EN["common"][f"end_reason_{reason.value}"]
    assert described["message"] == f"Heat session ended: {said}"


def test_before_the_texts_are_loaded_nothing_is_lost() -> None:
    """Without texts an entry names the event and its details, and still has its icon."""
    message, icon = describe_event(
        RecoveryEvent.SESSION_ENDED, {"modality": "heat", "reason": "stopped"}, {}
    )

    assert message == "session_ended heat stopped"
    assert icon == "mdi:timer-check-outline"


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
    assert described["name"] == "Back Recovery"
    assert described["message"] == "Ice session refused, allowed at ?"
