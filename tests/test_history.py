"""Tests of the session history (history.py): what it reads and its stored form."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.back_recovery.history import SessionHistory, StoredHistory
from custom_components.back_recovery.session import EndReason, Modality, TherapySession

from .therapy_helpers import T0, minutes


def finished(
    modality: Modality, started_after: int, length: int = 10
) -> TherapySession:
    """Return a session started ``started_after`` minutes after T0, ended ``length`` later."""
    start = T0 + minutes(started_after)
    end = start + minutes(length)
    return TherapySession(modality, start, end, end, EndReason.COMPLETED)


def test_only_the_newest_session_runs() -> None:
    """The running session is the newest one, when it has not ended."""
    open_ice = TherapySession(Modality.ICE, T0 + minutes(200), T0 + minutes(220))
    history = SessionHistory(sessions=[finished(Modality.HEAT, 0), open_ice])
    assert history.running == open_ice
    assert SessionHistory(sessions=[finished(Modality.HEAT, 0)]).running is None
    assert SessionHistory().running is None


def test_last_end_of_a_modality() -> None:
    """The latest end of heat, of ice, or of either; a running session has none."""
    heat = finished(Modality.HEAT, 0)
    ice = finished(Modality.ICE, 200)
    running_heat = TherapySession(Modality.HEAT, T0 + minutes(400), T0 + minutes(420))
    history = SessionHistory(sessions=[heat, ice, running_heat])
    assert history.last_end_of(Modality.HEAT) == T0 + minutes(10)
    assert history.last_end_of(Modality.ICE) == T0 + minutes(210)
    assert history.last_end_of() == history.last_end == T0 + minutes(210)
    assert SessionHistory(sessions=[ice]).last_end_of(Modality.HEAT) is None
    assert SessionHistory().last_end is None


def test_started_since_counts_starts_at_or_after_the_moment() -> None:
    """A session that started exactly at the moment counts; one before does not."""
    history = SessionHistory(
        sessions=[finished(Modality.ICE, -30), finished(Modality.ICE, 0)]
    )
    assert history.started_since(T0) == 1
    assert history.started_since(T0 - minutes(30)) == 2
    assert history.started_since(T0 + minutes(1)) == 0


def test_discard_forgets_only_the_running_session() -> None:
    """Discarding a session that is not the running one changes nothing."""
    done = finished(Modality.HEAT, 0)
    history = SessionHistory(sessions=[done])
    history.discard(done)
    assert history.sessions == [done]
    running = TherapySession(Modality.HEAT, T0 + minutes(200), T0 + minutes(220))
    history.sessions.append(running)
    history.discard(running)
    assert history.sessions == [done]


def test_stored_history_round_trips() -> None:
    """Sessions, the switch-off owed and the stuck plug's off survive serialization."""
    stored = StoredHistory(
        (finished(Modality.ICE, 0), finished(Modality.HEAT, 200)),
        plug_must_be_off=True,
        heat_off_at=T0 + minutes(230),
    )
    assert StoredHistory.from_dict(stored.as_dict()) == stored
    assert StoredHistory.from_dict({}) == StoredHistory()


def test_stored_history_sorts_sessions_by_start() -> None:
    """Stored sessions in any order come back in the order they started."""
    first, second = finished(Modality.ICE, 0), finished(Modality.HEAT, 200)
    data = {"sessions": [second.as_dict(), first.as_dict()]}
    assert StoredHistory.from_dict(data).sessions == (first, second)


def test_stored_history_closes_all_but_the_newest_running_session() -> None:
    """Stored data with two open sessions keeps only the newest one running."""
    older = TherapySession(Modality.ICE, T0, T0 + minutes(10))
    newer = TherapySession(Modality.HEAT, T0 + minutes(200), T0 + minutes(220))
    stored = StoredHistory.from_dict({"sessions": [newer.as_dict(), older.as_dict()]})
    assert stored.sessions[0].ended == T0 + minutes(10)
    assert stored.sessions == (
        older.finish(older.planned_end, EndReason.COMPLETED),
        newer,
    )
    assert SessionHistory(sessions=list(stored.sessions)).running == newer


def test_stored_history_clamps_planned_end_to_the_ceiling() -> None:
    """A stored session planned longer than 20 minutes ends 20 minutes after its start."""
    long = TherapySession(Modality.HEAT, T0, T0 + minutes(600))
    (session,) = StoredHistory.from_dict({"sessions": [long.as_dict()]}).sessions
    assert session.running
    assert session.planned_end == T0 + minutes(20)


@pytest.mark.parametrize(
    "data",
    [
        {"sessions": [{"modality": "lava"}]},
        {"sessions": "many"},
        {"sessions": [], "plug_must_be_off": "yes"},
        {"sessions": [], "heat_off_at": "2026-11-25T09:00:00"},
        {"sessions": [], "heat_off_at": "soon"},
    ],
)
def test_stored_history_from_bad_dict_raises(data: dict[str, Any]) -> None:
    """Malformed stored data raises instead of loading half."""
    with pytest.raises((KeyError, TypeError, ValueError)):
        StoredHistory.from_dict(data)
