"""Zones, moments and diaries for the tests of the pain diary (pain.py, pain_review.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
import math
from typing import Any
from zoneinfo import ZoneInfo

from custom_components.back_recovery.therapy.pain import PainDiary, PainEntry

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
AUCKLAND = ZoneInfo("Pacific/Auckland")
INJURY = date(2026, 3, 2)


def at(day: date, hour: int = 12, minute: int = 0, tz: tzinfo = BERLIN) -> datetime:
    """Return a local moment on ``day``."""
    return datetime.combine(day, time(hour, minute), tz)


def days(count: int) -> timedelta:
    """Return ``count`` days."""
    return timedelta(days=count)


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
