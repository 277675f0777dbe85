"""Moments and steps for the tests of the pain diary through Home Assistant (diary.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import ENTRY_ID, action, entity_id_of, move_to
from .therapy_helpers import T0

INJURY = date(2026, 11, 20)
"""The test entry's injury date (conftest's ``entry_data``)."""
REVIEW_ISSUE = f"pain_not_improving_{ENTRY_ID}"


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """Return a moment on a local day (Home Assistant's time zone)."""
    return datetime.combine(day, time(hour, minute), dt_util.get_default_time_zone())


async def log_pain(
    hass: HomeAssistant, level: int, recorded_at: datetime | None = None, **data: Any
) -> None:
    """Log pain through the action, now or at ``recorded_at``."""
    if recorded_at is not None:
        data["recorded_at"] = recorded_at.isoformat()
    await action(hass, "log_pain", level=level, **data)


def pain_entities(hass: HomeAssistant) -> dict[str, str]:
    """Return the entity ids of the diary's entities by key."""
    return {
        "pain": entity_id_of(hass, "number", "pain"),
        "pain_level": entity_id_of(hass, "sensor", "pain_level"),
        "pain_average_7d": entity_id_of(hass, "sensor", "pain_average_7d"),
        "pain_trend": entity_id_of(hass, "sensor", "pain_trend"),
        "review_recommended": entity_id_of(hass, "binary_sensor", "review_recommended"),
    }


async def turn_review_on(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Move 43 days past the injury and log pain 5 in the first week and this one.

    The average has not fallen below the baseline: the last entry turns
    ``review_recommended`` on (the baseline clause).
    """
    await move_to(hass, freezer, T0 + timedelta(days=43))
    for offset in range(3):
        await log_pain(hass, 5, local(INJURY + timedelta(days=offset)))
    today = dt_util.now().date()
    for offset in (2, 1):
        await log_pain(hass, 5, local(today - timedelta(days=offset)))
    await log_pain(hass, 5)
