"""Moments for the tests of the therapy's pure rules (session, history, model)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def minutes(count: float) -> timedelta:
    """Return ``count`` minutes."""
    return timedelta(minutes=count)
