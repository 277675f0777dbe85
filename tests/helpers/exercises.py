"""The rehabilitation programme in tests: adding an exercise as the subentry flow does, its entities."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import SUBENTRY_EXERCISE
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

ALL_PHASES = ["rest", "rehabilitation", "return_to_activity", "recovered"]
"""The tests' recovery is in its rest phase: exercises given every phase are due."""

TODO = "todo.back_recovery_exercises_today"
ADHERENCE = "sensor.back_recovery_exercise_adherence_7_days"


async def add_exercise(
    hass: HomeAssistant, entry: MockConfigEntry, name: str, **fields: Any
) -> str:
    """Add an exercise (3 × 30 s each side, every day, every phase unless told); return its subentry id."""
    data: dict[str, Any] = {
        "name": name,
        "kind": "stretch",
        "sets": 3,
        "hold_seconds": 30,
        "per_side": True,
        "times_per_day": 1,
        "phases": ALL_PHASES,
        "pain_rule": "no_increase",
    }
    data.update(fields)
    subentry = ConfigSubentry(
        data=MappingProxyType(data),
        subentry_type=SUBENTRY_EXERCISE,
        title=name,
        unique_id=None,
    )
    hass.config_entries.async_add_subentry(entry, subentry)
    await hass.async_block_till_done()
    return subentry.subentry_id


def response_entity(name: str) -> str:
    """Return the entity id of an exercise's response sensor ("Bridge" → ``sensor.bridge_response``)."""
    return f"sensor.{name.lower().replace(' ', '_').replace('-', '_')}_response"
