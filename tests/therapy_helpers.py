"""Moments for the tests of the therapy (session, history, model, store, performance)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
"""The moment the tests' clock is frozen at (conftest's ``frozen_clock``): 01:00 in US/Pacific."""


def minutes(count: float) -> timedelta:
    """Return ``count`` minutes."""
    return timedelta(minutes=count)
