"""Logbook entries for the events, so the history reads "Heat session ended: completed"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_ALLOWED_AT,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDS_AT,
    ATTR_MODALITY,
    ATTR_REASON,
    ATTR_TO_PHASE,
    DOMAIN,
    RecoveryEvent,
)
from .texts import moment_text


def _moment(iso: str | None) -> str:
    """Say an ISO moment as a refusal does (``03:20``, ``2026-11-26 00:10``); ``?`` without one.

    The logbook describes a row when it shows it and passes no ``time_fired``,
    so the day is said when it is not today's.
    """
    moment = dt_util.parse_datetime(iso or "")
    return moment_text(moment) if moment else "?"


def _modality(data: dict[str, Any]) -> str:
    return str(data.get(ATTR_MODALITY, "")).capitalize()


MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    RecoveryEvent.SESSION_STARTED: lambda d: (
        f"{_modality(d)} session started, ends at {_moment(d.get(ATTR_ENDS_AT))}"
    ),
    RecoveryEvent.SESSION_ENDED: lambda d: (
        f"{_modality(d)} session ended: {d.get(ATTR_REASON)}"
    ),
    RecoveryEvent.SESSION_BLOCKED: lambda d: (
        f"{_modality(d)} session refused, allowed at {_moment(d.get(ATTR_ALLOWED_AT))}"
    ),
    RecoveryEvent.SKIN_REST_OVER: lambda d: "Skin rest over, a new session is allowed",
    RecoveryEvent.PHASE_CHANGED: lambda d: (
        f"Recovery phase changed to {str(d.get(ATTR_TO_PHASE, '')).replace('_', ' ')}"
    ),
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the integration's events for the logbook."""

    @callback
    def describe(event: Event) -> dict[str, str]:
        entry = hass.config_entries.async_get_entry(
            str(event.data.get(ATTR_CONFIG_ENTRY_ID, ""))
        )
        return {
            LOGBOOK_ENTRY_NAME: entry.title if entry else "Back Recovery",
            LOGBOOK_ENTRY_MESSAGE: MESSAGES[str(event.event_type)](dict(event.data)),
        }

    for event_type in MESSAGES:
        async_describe_event(DOMAIN, event_type, describe)
