"""The therapy, as rules: what each request, plug reading and deadline means.

Nothing here imports Home Assistant. Times are aware datetimes; the caller
passes ``now`` so every rule can be tested without a clock. Every change to
``plug_must_be_off`` happens here. The rule numbers are the contract's safety
rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .heat import HeatState
from .history import StoredHistory
from .outcome import NOTHING, Blocked, Outcome
from .session import (
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)

__all__ = ["NOTHING", "Blocked", "Outcome", "TherapyLog"]
"""``Outcome``, ``Blocked`` and ``NOTHING`` live in ``outcome.py``; said here too, beside the rules."""


@dataclass
class TherapyLog(HeatState):
    """The session history and the rules that decide what each event means.

    The history itself (``sessions``, ``running``, ``last_end``, the cap) is
    ``SessionHistory``'s; its stored form is ``StoredHistory``.

    Every rule that reads the rest gap takes ``rest_floor``: the end of the
    rest gap as the monotonic clock measures it, said in the wall clock's
    current reading (rule 12; ``DeadlineWatch.rest_floor`` reads it, ``None``
    when Home Assistant has not measured one). A wall clock that steps forward
    cannot shorten the rest gap below it.

    What the plug owes and what waits for it (a start not confirmed, a
    switch-off not confirmed) is ``HeatState``'s.
    """

    settings: TherapySettings = field(default_factory=TherapySettings)
    history_unknown_until: datetime | None = None
    """Until when an unreadable history's rest gap may run (``restart.reconcile``)."""

    # The rest gap, and what blocks a start.

    def next_allowed(self, rest_floor: datetime | None = None) -> datetime | None:
        """When the next session may start (after the rest gap), if there was one.

        The later of the wall clock's reading and ``rest_floor``, the monotonic
        clock's (rule 12).
        """
        if (rest_start := self.rest_start) is None:
            return None
        allowed = self.settings.rest_gap.allowed_at(rest_start)
        if rest_floor is not None and rest_floor > allowed:
            return rest_floor
        return allowed

    def next_allowed_after_running(self) -> datetime | None:
        """When the next session may start once the running one ends as planned.

        Its planned end plus the rest gap (``rest_gap_minutes``); ``None`` when
        no session runs (``next_allowed`` says it then).
        """
        if (running := self.running) is None:
            return None
        return self.settings.rest_gap.allowed_at(running.planned_end)

    def skin_resting(self, now: datetime, rest_floor: datetime | None = None) -> bool:
        """Whether the rest gap runs at ``now`` (never while a session runs or heat may be on)."""
        if self.open is not None or self.switch_off_owed:
            return False
        allowed = self.next_allowed(rest_floor)
        return allowed is not None and now < allowed

    def _blocker(
        self, modality: Modality, now: datetime, rest_floor: datetime | None
    ) -> TherapyRefusedError | None:
        if self.switch_off_owed:
            # Heat may be on the skin: no start before the plug confirms off,
            # and when that will be nobody knows (no time is given: the
            # dashboard says "after the switch-off"; no session_blocked
            # with an invented time).
            return TherapyRefusedError(
                Refusal.HEATING_PAD_NOT_RESPONDING, modality, None
            )
        if (starting := self.starting) is not None:
            return TherapyRefusedError(
                Refusal.SESSION_RUNNING, modality, starting.planned_end
            )
        if (running := self.running) is not None:
            return TherapyRefusedError(
                Refusal.SESSION_RUNNING, modality, running.planned_end
            )
        if self.skin_resting(now, rest_floor):
            return TherapyRefusedError(
                Refusal.REST_GAP_ACTIVE, modality, self.next_allowed(rest_floor)
            )
        if modality is Modality.HEAT and (
            heat_at := self.settings.heat_hours.allowed_at(now)
        ):
            # Rule 19: heat starts inside the heat hours only; ice any time.
            return TherapyRefusedError(Refusal.OUTSIDE_HEAT_HOURS, modality, heat_at)
        return None

    def heat_allowed_at(
        self, now: datetime, rest_floor: datetime | None = None
    ) -> datetime | None:
        """When heat may start next: after the running session and the rest gap, in the heat hours.

        The later of when a session is allowed (``next_allowed_after_running``
        while one runs, else ``next_allowed`` while the skin rests, else
        ``now``) and the next start of the heat hours from then (rule 19).
        ``None`` when heat may start ``now``, and while a switch-off is owed
        (unknown until the plug confirms ``off``).
        """
        if self.switch_off_owed:
            return None
        if self.running is not None:
            base = self.next_allowed_after_running() or now
        elif self.skin_resting(now, rest_floor):
            base = self.next_allowed(rest_floor) or now
        else:
            base = now
        heat_at = self.settings.heat_hours.earliest(base)
        return heat_at if heat_at > now else None

    def _begin(self, modality: Modality, now: datetime, minutes: int) -> TherapySession:
        session = TherapySession(modality, now, now + timedelta(minutes=minutes))
        self._append(session)
        return session

    # Requests from the person (switch, button, action).

    def request_start(
        self,
        modality: Modality,
        now: datetime,
        minutes: int | None = None,
        plug_reachable: bool = True,
        rest_floor: datetime | None = None,
    ) -> Outcome:
        """Start a session, or raise ``TherapyRefusedError``.

        The rules come first (a running session, the rest gap); heat with the
        plug unreachable is refused after them, as allowed ``now`` by the rules.
        """
        if minutes is None:
            minutes = self.settings.session_minutes
        self.settings.check_minutes(minutes, modality)
        if (refusal := self._blocker(modality, now, rest_floor)) is not None:
            raise refusal
        if modality is Modality.HEAT and not plug_reachable:
            raise TherapyRefusedError(Refusal.HEATING_PAD_UNAVAILABLE, modality, now)
        if modality is Modality.HEAT:
            self.starting = TherapySession(
                modality, now, now + timedelta(minutes=minutes)
            )
            self.start_stopped = False
            return Outcome(switch_on=True)
        return Outcome(started=self._begin(modality, now, minutes))

    def blocked_outcome(self, error: TherapyRefusedError) -> Outcome:
        """Return the event a refused start fires (none for malformed input)."""
        if error.modality is None or error.allowed_at is None:
            return NOTHING
        return Outcome(blocked=Blocked(error.modality, error.allowed_at, error.reason))

    # What the plug and the clock report.

    def plug_state(
        self,
        now: datetime,
        is_on: bool,
        rest_floor: datetime | None = None,
        *,
        unknown_floor: datetime | None = None,
    ) -> Outcome:
        """Decide what the plug seen on or off means (a change, first seen, back online).

        Seen off, heat ends ``external`` (rule 6), still with a switch-off;
        heat already ending is over. Seen on while a start waits for the plug,
        the start decides (``settle_start``).
        """
        if not is_on:
            if (ended := self.plug_confirmed_off(now)) is not None:
                return Outcome(ended=ended)
            running = self.running
            if running is not None and running.modality is Modality.HEAT:
                return self._end(now, EndReason.EXTERNAL, plug_off=True)
            return NOTHING
        if self.starting is not None and not self.plug_must_be_off:
            return NOTHING
        running = self.running
        if running is not None and running.modality is Modality.HEAT:
            if now >= running.planned_end:
                return self._end(now, EndReason.COMPLETED)
            return NOTHING
        if self.plug_must_be_off:
            return Outcome(switch_off=True)
        if (refusal := self._blocker(Modality.HEAT, now, rest_floor)) is not None:
            self.plug_must_be_off = True
            return Outcome(
                switch_off=True, blocked=self.blocked_outcome(refusal).blocked
            )
        if (refused := self.unknown_history_start(now, unknown_floor)) is not None:
            return refused
        return Outcome(
            started=self._begin(Modality.HEAT, now, self.settings.session_minutes)
        )

    def deadline(
        self,
        now: datetime,
        plug_on: bool | None = True,
        due: bool = False,
        *,
        at_load: bool = False,
    ) -> Outcome:
        """End a running session whose planned end has passed by ``now``.

        ``due`` says the monotonic clock has reached the planned end whatever
        the wall clock reads (rule 12); a session that starts after ``now``
        (the wall clock stepped back) is due at once as well.

        An ice session, or heat with ``plug_on`` ``False`` (the plug seen off),
        ended at its planned end at the latest: its end is set back to it when
        the monotonic clock agrees (``due``: a timer that fires late) or
        ``at_load`` (a session that outlived Home Assistant). When the wall
        clock alone says the end has passed (it stepped forward), the session
        ends ``now``: an end set back would shorten the rest gap by the step
        (rules 7, 12). ``plug_on`` ``None``: the plug cannot be reached (it is
        switched off the moment it is seen again).
        """
        running = self.running
        if running is None or not (
            due or now >= running.planned_end or now < running.started
        ):
            return NOTHING
        at = now
        seen_off = at_load and plug_on is False
        if (at_load or due) and (running.modality is Modality.ICE or seen_off):
            at = min(now, running.planned_end)
        return self._end(at, EndReason.COMPLETED, plug_off=seen_off)

    def unknown_history_start(
        self, now: datetime, unknown_floor: datetime | None = None
    ) -> Outcome | None:
        """Refuse a plug switched on from outside while the history is unknown; ``None`` if allowed.

        Until ``history_unknown_until`` (or ``unknown_floor``, the same moment
        on the monotonic clock said in the wall clock's reading now, when it
        is later: rule 12) a rest gap may be running that the lost history
        would show: the plug is switched off and the start is blocked as
        during the rest gap (rule 2). A person's start through the switch,
        the action or voice is a choice made on purpose and is not refused.
        """
        if (until := self.history_unknown_until) is None:
            return None
        if unknown_floor is not None and unknown_floor > until:
            until = unknown_floor
        if now >= until:
            return None
        self.plug_must_be_off = True
        return Outcome(
            switch_off=True,
            blocked=Blocked(Modality.HEAT, until, Refusal.REST_GAP_ACTIVE),
        )

    # Sessions done without the integration.

    def log(
        self, modality: Modality, minutes: int, ended_at: datetime, now: datetime
    ) -> TherapySession:
        """Record a finished session, or raise ``TherapyRefusedError``."""
        self.settings.check_minutes(minutes, modality)
        if ended_at > now:
            raise TherapyRefusedError(Refusal.ENDED_AT_IN_FUTURE, modality)
        started = ended_at - timedelta(minutes=minutes)
        if self.between(started, ended_at):
            raise TherapyRefusedError(Refusal.SESSION_OVERLAPS, modality)
        session = TherapySession(
            modality, started, ended_at, ended_at, EndReason.LOGGED
        )
        self._append(session)
        return session

    # Storage.

    def as_dict(self) -> dict[str, Any]:
        """Serialize the history, the switch-off owed, ``heat_off_at`` and ``ending`` (``StoredHistory``).

        A heat start the plug has not confirmed is stored as a running session
        (rule 18: a kill while the plug is asked leaves a deadline).
        """
        starting = (self.starting,) if self.starting is not None else ()
        return StoredHistory(
            (*self.sessions, *starting)[-self.max_sessions :],
            self.plug_must_be_off,
            self.heat_off_at,
            self.ending,
            self.carried,
        ).as_dict()

    def restore(self, data: Mapping[str, Any]) -> None:
        """Load a serialized history; raises on malformed data and changes nothing then.

        ``StoredHistory.from_dict`` reads it: no session is planned longer than
        the ceiling, and at most one runs. The newest ``max_sessions`` are kept.
        """
        stored = StoredHistory.from_dict(data)
        self._replace(list(stored.sessions))
        self.plug_must_be_off = stored.plug_must_be_off
        self.heat_off_at = stored.heat_off_at
        self.ending, self.carried = stored.ending, stored.carried_rest
        self.starting, self.start_stopped = None, False
