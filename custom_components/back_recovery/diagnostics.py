"""Diagnostics: settings and engine state; name and injury date are health data and redacted.

Medicines appear as counts (``engine.medication``), never by name.
The pain diary appears as its count, the latest level and dates
(``therapy.PainLog.as_diagnostics``); its notes never do. The exercises
appear as counts; their names, instructions and notes never do. The activities
appear as counts; the names of the person's own and who cleared them never do.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_INJURY_DATE,
    CONF_NAME,
    CONF_NOTIFY_ENTITIES,
    CONF_OWN_ACTIVITIES,
)
from .data import BackRecoveryConfigEntry

TO_REDACT = {
    CONF_NAME,
    CONF_INJURY_DATE,
    CONF_NOTIFY_ENTITIES,
    CONF_ANNOUNCE_SATELLITES,
    CONF_OWN_ACTIVITIES,
    "title",
    # An exercise's subentry (its name and title are redacted above).
    "instructions",
    "progression_note",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BackRecoveryConfigEntry
) -> dict[str, Any]:
    """Return the entry's settings and what the engine holds now (the brace: hours only, when prescribed)."""
    brace = entry.runtime_data.engine.records.brace
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "engine": entry.runtime_data.engine.state.as_diagnostics(),
        **({"brace": brace.as_diagnostics()} if brace and brace.configured else {}),
        **(
            {"exercises": programme.as_diagnostics()}
            if (programme := entry.runtime_data.engine.records.exercises)
            and programme.status.exercises
            else {}
        ),
        # Counts only: a medicine's name is health data (subentry titles and
        # names are redacted above with the entry's).
        "medication": entry.runtime_data.engine.records.medication.as_diagnostics(),
        "activities": entry.runtime_data.engine.records.activities.as_diagnostics(),
    }
