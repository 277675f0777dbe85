"""Tests of the session history (therapy/history.py): what it reads and its stored form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.back_recovery.therapy.history import (
    SessionHistory,
    StoredHistory,
)
from custom_components.back_recovery.therapy.log import TherapyLog
from custom_components.back_recovery.therapy.session import (
    EndReason,
    Modality,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)

from ..helpers.clock import T0, minutes


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


def scanned(history: SessionHistory) -> dict[str, Any]:
    """Return what the history keeps, read the slow way: a scan of every session."""

    def last_end(modality: Modality | None) -> Any:
        return max(
            (
                s.ended
                for s in history.sessions
                if s.ended is not None and modality in (None, s.modality)
            ),
            default=None,
        )

    return {
        "last_end": last_end(None),
        "ice": last_end(Modality.ICE),
        "heat": last_end(Modality.HEAT),
        "since_t0": sum(1 for s in history.sessions if s.started >= T0),
        "sorted": sorted(history.sessions, key=lambda s: s.started),
    }


def kept(history: SessionHistory) -> dict[str, Any]:
    """Return what the history keeps, read the constant-time way."""
    return {
        "last_end": history.last_end,
        "ice": history.last_end_of(Modality.ICE),
        "heat": history.last_end_of(Modality.HEAT),
        "since_t0": history.started_since(T0),
        "sorted": history.sessions,
    }


def assert_kept_equals_scan(log: TherapyLog) -> None:
    """Assert the kept values equal a full scan, and a range read a filter."""
    assert kept(log) == scanned(log)
    for start, end in ((T0, T0 + minutes(90)), (T0 - minutes(600), T0 + minutes(5))):
        assert log.between(start, end) == [
            s for s in log.sessions if s.overlaps(start, end)
        ]


def test_kept_values_equal_a_scan_after_every_kind_of_change() -> None:
    """Added, ended (each way), discarded, logged, trimmed and restored: kept == scanned."""
    log = TherapyLog(max_sessions=4)
    assert log.started_since(T0) == 0  # the count for T0 is kept from here on
    steps: list[Callable[[TherapyLog], object]] = [
        lambda log: log.log(Modality.HEAT, 10, T0 - minutes(300), T0),
        lambda log: log.log(Modality.ICE, 5, T0 - minutes(5), T0),
        lambda log: log.request_start(Modality.ICE, T0 + minutes(200)),
        lambda log: log.request_stop(T0 + minutes(210)),
        lambda log: log.request_start(Modality.HEAT, T0 + minutes(400)),
        lambda log: log.settle_start(confirmed=False),
        lambda log: log.plug_confirmed_off(T0 + minutes(400)),
        lambda log: log.plug_state(T0 + minutes(401), is_on=True),
        lambda log: log.deadline(T0 + minutes(425)),
        lambda log: log.plug_confirmed_off(T0 + minutes(425)),
        lambda log: log.log(Modality.ICE, 20, T0 + minutes(60), T0 + minutes(600)),
        lambda log: log.request_start(Modality.HEAT, T0 + minutes(700)),
        lambda log: log.settle_start(confirmed=True),
        lambda log: log.halt_heat(T0 + minutes(705), EndReason.SHUTDOWN),
        lambda log: log.plug_confirmed_off(T0 + minutes(705)),
        lambda log: log.restore(log.as_dict()),
        lambda log: log.log(Modality.ICE, 5, T0 - minutes(900), T0 + minutes(900)),
    ]
    for step in steps:
        step(log)
        assert_kept_equals_scan(log)
    # Trimmed: the only heat session left goes, and with it heat's last end.
    for hour in range(4):
        log.log(Modality.ICE, 5, T0 + minutes(1000 + 60 * hour), T0 + minutes(2000))
        assert_kept_equals_scan(log)
    assert log.last_end_of(Modality.HEAT) is None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["start", "stop", "log", "deadline", "discard", "restore"]),
            st.sampled_from(list(Modality)),
            st.integers(min_value=-600, max_value=600),
        ),
        max_size=30,
    ),
    st.integers(min_value=1, max_value=5),
)
def test_kept_values_equal_a_scan_after_any_changes(
    steps: list[tuple[str, Modality, int]], cap: int
) -> None:
    """Any sequence of changes keeps the kept values equal to a full scan."""
    log = TherapyLog(TherapySettings(rest_gap_minutes=120), max_sessions=cap)
    log.started_since(T0)
    now = T0 - minutes(700)
    for kind, modality, offset in steps:
        now += minutes(abs(offset) // 10 + 1)
        try:
            if kind == "start":
                log.request_start(modality, now, 5)
            elif kind == "stop":
                log.request_stop(now)
            elif kind == "log":
                log.log(modality, 5, now + minutes(min(offset, 0)), now)
            elif kind == "deadline":
                log.deadline(now, due=offset > 0)
            elif kind == "discard" and log.running is not None:
                log.discard(log.running)
            elif kind == "restore":
                log.restore(log.as_dict())
        except TherapyRefusedError:
            pass
        assert_kept_equals_scan(log)


def test_trimming_the_latest_end_finds_the_next_latest() -> None:
    """A trimmed session that ended last (it outlasted a later one) leaves the next latest end."""
    long = TherapySession(
        Modality.HEAT, T0, T0 + minutes(20), T0 + minutes(100), EndReason.EXTERNAL
    )
    history = SessionHistory(
        sessions=[long, finished(Modality.HEAT, 10)], max_sessions=2
    )
    assert history.last_end_of(Modality.HEAT) == T0 + minutes(100)
    history._append(finished(Modality.ICE, 200))
    assert history.sessions[0] == finished(Modality.HEAT, 10)
    assert history.last_end_of(Modality.HEAT) == T0 + minutes(20)
    assert history.last_end == T0 + minutes(210)
