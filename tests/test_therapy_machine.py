"""A hypothesis state machine over the therapy rules, with a simulated plug.

``Engine`` below does with each ``Outcome`` what ``RecoveryEngine`` does: it
switches a simulated plug (only when it is reachable), saves where the engine
saves, feeds every plug change back into the rules, and fires the deadline at
the planned end. Random sequences of starts (switch, action, button, outside),
stops, outside switching, the plug going offline and online, clock jumps,
crashes, Home Assistant stopping and starting, reloads, option changes and
logged sessions must keep the safety invariants.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from custom_components.back_recovery.model import (
    Blocked,
    EndReason,
    Modality,
    Outcome,
    TherapyLog,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@dataclass
class Plug:
    """The physical plug: powered or not, reachable or not."""

    power: bool = False
    online: bool = True

    def seen(self) -> bool | None:
        """Return what Home Assistant sees: on/off, or ``None`` while unreachable."""
        return self.power if self.online else None


@dataclass
class Engine:
    """What ``RecoveryEngine`` does with the rules' outcomes, over a simulated plug."""

    plug: Plug
    now: Callable[[], datetime]
    log: TherapyLog
    stored: dict[str, Any] = field(default_factory=dict)
    issue: bool = False
    blocked: list[Blocked] = field(default_factory=list)
    ended: list[TherapySession] = field(default_factory=list)
    queue: deque[Callable[[], None]] = field(default_factory=deque)
    plug_available: bool = False

    def save(self) -> None:
        """Write the history, as the Store does."""
        self.stored = self.log.as_dict()

    def settle(self) -> None:
        """Run the queued plug events (the event loop's later turns)."""
        while self.queue:
            self.queue.popleft()()

    def apply(self, outcome: Outcome) -> None:
        """Carry out ``outcome`` in the engine's order."""
        if outcome.switch_off:
            self.switch(on=False)
        if (started := outcome.started) is not None:
            self.save()
        if outcome.switch_on and started is not None and self.log.running is started:
            self.switch(on=True)
        if outcome.ended is not None:
            self.ended.append(outcome.ended)
        if outcome.blocked is not None:
            self.blocked.append(outcome.blocked)
        if outcome.ended or self.log.plug_must_be_off != self.stored.get(
            "plug_must_be_off", False
        ):
            self.save()

    def switch(self, on: bool) -> None:
        """Call switch.turn_on/turn_off on the plug (skipped while unreachable)."""
        if not self.plug.online:
            if not on:
                self.issue = True
            return
        if self.plug.power != on:
            self.plug.power = on
            self.queue.append(self.plug_changed)
        if not on and not self.plug.power:
            self.log.plug_must_be_off = False
            self.issue = False

    def plug_changed(self) -> None:
        """React to a state change of the plug entity."""
        was_available = self.plug_available
        seen = self.plug.seen()
        self.plug_available = seen is not None
        if seen is None:
            return
        if not seen:
            self.issue = False
        if was_available and seen is self._last_seen:
            return
        self._last_seen = seen
        self.apply(self.log.plug_state(self.now(), seen))

    _last_seen: bool | None = None

    def observe(self) -> None:
        """Remember what the plug entity shows now (a state write of the plug)."""
        self._last_seen = self.plug.seen()

    def load(self) -> None:
        """Set up the entry: restore what was stored, then reconcile."""
        self.log.restore(self.stored)
        seen = self.plug.seen()
        self.plug_available = seen is not None
        self._last_seen = seen
        self.apply(self.log.reconcile(self.now(), seen))
        self.settle()

    def start(self, modality: Modality, minutes: int | None) -> None:
        """``RecoveryEngine.async_start_session``."""
        reachable = modality is Modality.ICE or self.plug.online
        try:
            outcome = self.log.request_start(modality, self.now(), minutes, reachable)
        except TherapyRefusedError as err:
            self.apply(self.log.blocked_outcome(err))
            return
        self.apply(outcome)

    def deadline(self, planned_end: datetime) -> None:
        """Fire the planned-end timer."""
        self.apply(self.log.deadline(max(self.now(), planned_end), self.plug.seen()))


class TherapyMachine(RuleBasedStateMachine):
    """Random therapy days; the safety invariants hold after every step."""

    def __init__(self) -> None:
        """Start with no history, the plug off and online, Home Assistant running."""
        super().__init__()
        self.clock = T0
        self.plug = Plug()
        self.settings = TherapySettings()
        self.engine: Engine | None = None
        self.previous: list[TherapySession] = []
        self.session_limits: dict[datetime, int] = {}
        self.stored: dict[str, Any] = {}

    def now(self) -> datetime:
        """Return the simulated clock."""
        return self.clock

    @initialize()
    def boot(self) -> None:
        """Home Assistant starts with the entry."""
        self._start_home_assistant()

    # Home Assistant's lifecycle.

    def _start_home_assistant(self) -> None:
        self.engine = Engine(
            self.plug, self.now, TherapyLog(self.settings), stored=self.stored
        )
        self._step(self.engine.load)

    def _down(self) -> None:
        assert self.engine is not None
        self.stored = self.engine.stored
        self.engine = None

    @property
    def running(self) -> bool:
        """Whether Home Assistant (and the entry) runs."""
        return self.engine is not None

    def _step(self, action: Callable[[], None]) -> None:
        """Run ``action`` in the engine, then everything it caused."""
        assert self.engine is not None
        before = list(self.engine.log.sessions)
        last_end = self.engine.log.last_end
        gap = self.settings.rest_gap_minutes
        action()
        self.engine.settle()
        self.engine.observe()
        for session in self.engine.log.sessions:
            if session in before or session.end_reason is EndReason.LOGGED:
                continue
            if session.started not in self.session_limits:
                self.session_limits[session.started] = self.settings.session_minutes
                if last_end is not None:
                    assert session.started >= last_end + timedelta(minutes=gap), (
                        "a session started during the rest gap"
                    )

    @precondition(lambda self: self.running)
    @rule()
    def crash(self) -> None:
        """Home Assistant dies without stopping; it keeps only what it saved."""
        self._down()

    @precondition(lambda self: self.running)
    @rule()
    def home_assistant_stops(self) -> None:
        """Home Assistant stops: the shutdown job ends heat first."""
        assert self.engine is not None
        engine = self.engine
        self._step(
            lambda: engine.apply(engine.log.halt_heat(self.clock, EndReason.SHUTDOWN))
        )
        engine.save()
        assert not (self.plug.power and self.plug.online), "plug on after stop"
        self._down()

    @precondition(lambda self: not self.running)
    @rule()
    def home_assistant_starts(self) -> None:
        """Home Assistant starts again."""
        self._start_home_assistant()

    @precondition(lambda self: self.running)
    @rule()
    def reload(self) -> None:
        """Reload the entry: heat ends 'unloaded', then it loads again."""
        assert self.engine is not None
        engine = self.engine
        self._step(
            lambda: engine.apply(engine.log.halt_heat(self.clock, EndReason.UNLOADED))
        )
        engine.save()
        self._down()
        self._start_home_assistant()

    @precondition(lambda self: self.running)
    @rule(
        session_minutes=st.integers(1, 20),
        rest_gap_minutes=st.sampled_from([120, 121, 180, 1440]),
    )
    def change_options(self, session_minutes: int, rest_gap_minutes: int) -> None:
        """Options change; the running session goes on unchanged."""
        assert self.engine is not None
        running = self.engine.log.running
        self.settings = TherapySettings(session_minutes, rest_gap_minutes)
        self.engine.log.settings = self.settings
        assert self.engine.log.running == running

    # The person and the world.

    @precondition(lambda self: self.running)
    @rule(
        modality=st.sampled_from(Modality),
        minutes=st.none() | st.integers(0, 21),
    )
    def start_via_action(self, modality: Modality, minutes: int | None) -> None:
        """back_recovery.start_session."""
        assert self.engine is not None
        engine = self.engine
        self._step(lambda: engine.start(modality, minutes))

    @precondition(lambda self: self.running and self.plug.online)
    @rule()
    def start_via_switch(self) -> None:
        """switch.turn_on on the heating pad (skipped while it is unavailable)."""
        assert self.engine is not None
        engine = self.engine
        self._step(lambda: engine.start(Modality.HEAT, None))

    @precondition(lambda self: self.running)
    @rule()
    def start_ice_button(self) -> None:
        """Press the start-ice-session button."""
        assert self.engine is not None
        engine = self.engine
        self._step(lambda: engine.start(Modality.ICE, None))

    @rule()
    def outside_on(self) -> None:
        """Someone switches the plug on by hand or from another app."""
        self._outside(power=True)

    @rule()
    def outside_off(self) -> None:
        """Someone switches the plug off by hand or from another app."""
        self._outside(power=False)

    def _outside(self, power: bool) -> None:
        changed = self.plug.power != power
        self.plug.power = power
        if changed and self.plug.online and self.engine is not None:
            self._step(self.engine.plug_changed)

    @precondition(lambda self: self.running)
    @rule(via_switch=st.booleans())
    def stop(self, via_switch: bool) -> None:
        """Press stop, call the stop action, or switch the heating pad off."""
        assert self.engine is not None
        engine = self.engine

        def stop() -> None:
            if via_switch:
                if engine.plug.online:
                    engine.apply(engine.log.turn_off_pad(self.clock))
                return
            with suppress(TherapyRefusedError):
                engine.apply(engine.log.request_stop(self.clock))

        self._step(stop)

    @rule()
    def plug_offline(self) -> None:
        """Drop the plug off the network."""
        if self.plug.online:
            self.plug.online = False
            if self.engine is not None:
                self._step(self.engine.plug_changed)

    @rule()
    def plug_online(self) -> None:
        """Bring the plug back."""
        if not self.plug.online:
            self.plug.online = True
            if self.engine is not None:
                self._step(self.engine.plug_changed)

    @rule(
        delta=st.sampled_from(
            [
                timedelta(seconds=1),
                timedelta(minutes=1),
                timedelta(minutes=10),
                timedelta(minutes=19, seconds=59),
                timedelta(minutes=20),
                timedelta(minutes=45),
                timedelta(hours=2),
                timedelta(days=1),
            ]
        )
    )
    def clock_jumps(self, delta: timedelta) -> None:
        """Time passes; a planned end on the way fires its timer."""
        self.clock += delta
        if self.engine is None:
            return
        running = self.engine.log.running
        if running is not None and running.planned_end <= self.clock:
            engine = self.engine
            self._step(lambda: engine.deadline(running.planned_end))

    @precondition(lambda self: self.running)
    @rule(
        modality=st.sampled_from(Modality),
        minutes=st.integers(0, 21),
        ago=st.integers(-5, 600),
    )
    def log_session(self, modality: Modality, minutes: int, ago: int) -> None:
        """back_recovery.log_session."""
        assert self.engine is not None
        engine = self.engine

        def log() -> None:
            try:
                engine.log.log(
                    modality, minutes, self.clock - timedelta(minutes=ago), self.clock
                )
            except TherapyRefusedError:
                return
            engine.save()

        self._step(log)

    # What must always hold.

    @invariant()
    def plug_on_only_during_its_heat_session(self) -> None:
        """Check a reachable plug is on only in a running heat session before its end."""
        if self.engine is None or not (self.plug.power and self.plug.online):
            return
        running = self.engine.log.running
        assert running is not None, "plug on without a session (rest gap?)"
        assert running.modality is Modality.HEAT, "plug on during ice"
        assert self.clock < running.planned_end, "plug on past the planned end"

    @invariant()
    def sessions_never_longer_than_their_limit(self) -> None:
        """No session is planned longer than session_minutes when it began."""
        if self.engine is None:
            return
        for session in self.engine.log.sessions:
            limit = self.session_limits.get(session.started, 20)
            assert session.planned_end - session.started <= timedelta(minutes=limit)
            if session.ended is not None and session.end_reason is not (
                EndReason.LOGGED
            ):
                assert session.ended >= session.started

    @invariant()
    def history_never_shrinks(self) -> None:
        """Every session once recorded stays; a finished one stays finished."""
        current = self.engine.log.sessions if self.engine else self._stored_sessions()
        by_start = {session.started: session for session in current}
        for old in self.previous:
            assert old.started in by_start, "a session was lost"
            if old.ended is not None:
                assert by_start[old.started] == old, "a finished session changed"
        assert len(current) >= len(self.previous)
        self.previous = list(current)

    def _stored_sessions(self) -> list[TherapySession]:
        log = TherapyLog()
        log.restore(self.stored)
        return log.sessions

    @invariant()
    def plug_seen_off_clears_the_switch_off(self) -> None:
        """Once the plug is seen off, nothing waits to switch it off, and no issue stands."""
        if self.engine is None or not self.plug.online or self.plug.power:
            return
        assert not self.engine.log.plug_must_be_off
        assert not self.engine.issue

    @invariant()
    def at_most_one_session_runs(self) -> None:
        """Never two sessions at once, and only the newest can run."""
        if self.engine is None:
            return
        assert all(not s.running for s in self.engine.log.sessions[:-1])


TherapyMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_therapy_machine = TherapyMachine.TestCase
