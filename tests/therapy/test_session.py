"""Tests of the therapy's words (therapy/session.py): a session, its stored form, the rest gap, the settings."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.back_recovery.therapy.session import (
    EndReason,
    Modality,
    Refusal,
    RestGap,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
    stored_moment,
)

from ..helpers.clock import T0, minutes


def test_session_finish_never_before_start() -> None:
    """A session ends at the given moment, never before it began."""
    session = TherapySession(Modality.ICE, T0, T0 + minutes(20))
    assert session.finish(T0 - minutes(5), EndReason.STOPPED).ended == T0
    assert session.finish(T0 + minutes(3), EndReason.STOPPED).ended == T0 + minutes(3)


def test_session_round_trips_through_dict() -> None:
    """A session survives serialization unchanged."""
    session = TherapySession(
        Modality.HEAT, T0, T0 + minutes(20), T0 + minutes(7), EndReason.EXTERNAL
    )
    assert TherapySession.from_dict(session.as_dict()) == session
    running = TherapySession(Modality.ICE, T0, T0 + minutes(5))
    assert TherapySession.from_dict(running.as_dict()) == running


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"modality": "fire", "started": T0.isoformat(), "planned_end": T0.isoformat()},
        {"modality": "ice", "started": "yesterday", "planned_end": T0.isoformat()},
        {"modality": "ice", "started": "2026-11-25T09:00:00", "planned_end": "x"},
        {"modality": "ice", "started": 5, "planned_end": T0.isoformat()},
    ],
)
def test_session_from_bad_dict_raises(data: dict[str, Any]) -> None:
    """Malformed stored sessions raise instead of loading half."""
    with pytest.raises((KeyError, ValueError, TypeError)):
        TherapySession.from_dict(data)


def test_rest_gap_runs_for_its_minutes() -> None:
    """The skin rests from the end of a session for the gap's minutes."""
    gap = RestGap(120)
    assert gap.allowed_at(T0) == T0 + minutes(120)
    assert gap.active(T0, T0 + minutes(119))
    assert not gap.active(T0, T0 + minutes(120))
    assert not gap.active(None, T0)


def test_stored_moment_needs_an_offset() -> None:
    """A stored moment without its UTC offset is malformed, not local time."""
    assert stored_moment(T0.isoformat()) == T0
    with pytest.raises(ValueError):
        stored_moment("2026-11-25T09:00:00")


@pytest.mark.parametrize("asked", [1, 15])
def test_settings_allow_minutes_up_to_the_session_length(asked: int) -> None:
    """From 1 minute to session_minutes a session may be asked for."""
    TherapySettings(session_minutes=15).check_minutes(asked, Modality.ICE)


@pytest.mark.parametrize("asked", [0, 16, -3])
def test_settings_refuse_minutes_out_of_range(asked: int) -> None:
    """Minutes outside 1..session_minutes are refused with the maximum."""
    with pytest.raises(TherapyRefusedError) as info:
        TherapySettings(session_minutes=15).check_minutes(asked, Modality.HEAT)
    assert info.value.reason is Refusal.MINUTES_OUT_OF_RANGE
    assert info.value.modality is Modality.HEAT
    assert info.value.max_minutes == 15
