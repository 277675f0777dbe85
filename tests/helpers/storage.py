"""What storage holds: the test entry's stored history as Store writes it, and plain pain diaries.

``stored*`` build what ``hass_storage`` holds under ``STORAGE_KEY`` before an
entry starts; ``diary_of`` and ``week`` build diaries of the pure rules
(``therapy/pain.py``), in a zone of their own, without Home Assistant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
import math
from typing import Any

from custom_components.back_recovery.const import DOMAIN
from custom_components.back_recovery.therapy.pain import PainDiary, PainEntry

from .clock import BERLIN, T0, at, days
from .ha import ENTRY_ID

STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
"""The test entry's storage key."""


def stored(data: Any, version: int = 1, minor_version: int = 1) -> dict[str, Any]:
    """Wrap ``data`` the way Store writes it."""
    return {
        "version": version,
        "minor_version": minor_version,
        "key": STORAGE_KEY,
        "data": data,
    }


def stored_session(
    started: datetime, minutes: int = 15, ended: bool = True, modality: str = "ice"
) -> dict[str, Any]:
    """Return a session as the storage holds it (``minutes`` long, from ``started``)."""
    end = started + timedelta(minutes=minutes)
    return {
        "modality": modality,
        "started": started.isoformat(),
        "planned_end": end.isoformat(),
        "ended": end.isoformat() if ended else None,
        "end_reason": "completed" if ended else None,
    }


def stored_history(count: int) -> dict[str, Any]:
    """Return stored data with ``count`` finished 20-minute sessions, three hours apart, the last ending before T0."""
    first = T0 - timedelta(hours=3 * count)
    return stored(
        {
            "sessions": [
                stored_session(
                    first + timedelta(hours=3 * index),
                    minutes=20,
                    modality="heat" if index % 2 else "ice",
                )
                for index in range(count)
            ],
            "plug_must_be_off": False,
            "phase_anchor": None,
            "phase": "rest",
        }
    )


def diary_of(
    levels: Mapping[date, Sequence[int]], tz: tzinfo = BERLIN, **kwargs: Any
) -> PainDiary:
    """Return a diary with the given levels on each day, spread over the day."""
    diary = PainDiary(**kwargs)
    for day, day_levels in levels.items():
        for index, level in enumerate(day_levels):
            diary.add(PainEntry(level, at(day, 6 + index, tz=tz)))
    return diary


def week(first: date, *values: float | None) -> dict[date, list[int]]:
    """Return levels for consecutive days from ``first``; a half is two entries, None none."""
    levels: dict[date, list[int]] = {}
    for offset, value in enumerate(values):
        if value is None:
            continue
        whole = math.floor(value)
        levels[first + days(offset)] = [whole] if value == whole else [whole, whole + 1]
    return levels
