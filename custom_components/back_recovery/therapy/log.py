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

from .history import SessionHistory, StoredHistory
from .pain_log import PainOutcome
from .phases import Phase
from .session import (
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySession,
    TherapySettings,
)


@dataclass(frozen=True, slots=True)
class Blocked:
    """A start that was refused or undone, and why."""

    modality: Modality
    allowed_at: datetime
    reason: Refusal


@dataclass(frozen=True, slots=True)
class Outcome:
    """What must happen after an event: the engine carries it out in this order.

    ``switch_on`` is the start's own business: the engine switches the plug on
    and waits for it to confirm before the start counts (rule 11). ``pain``
    is what a diary entry or a new day means (``pain_log.PainLog``);
    ``phase_change`` the old and new phase, once per change
    (``phases.PhaseTracker``); ``rest_over`` says the rest gap has ended.
    """

    switch_off: bool = False
    switch_on: bool = False
    ended: TherapySession | None = None
    started: TherapySession | None = None
    blocked: Blocked | None = None
    pain: PainOutcome | None = None
    phase_change: tuple[Phase, Phase] | None = None
    rest_over: bool = False


NOTHING = Outcome()


@dataclass
class TherapyLog(SessionHistory):
    """The session history and the rules that decide what each event means.

    The history itself (``sessions``, ``running``, ``last_end``, the cap) is
    ``SessionHistory``'s; its stored form is ``StoredHistory``.

    ``plug_must_be_off`` remembers a switch-off that the plug has not confirmed
    yet (rule 10): it is stored, the plug seen on is switched off at once, and
    only the plug seen off clears it.

    Every rule that reads the rest gap takes ``rest_floor``: the end of the
    rest gap as the monotonic clock measures it, said in the wall clock's
    current reading (rule 12; ``DeadlineWatch.rest_floor`` reads it, ``None``
    when Home Assistant has not measured one). A wall clock that steps forward
    cannot shorten the rest gap below it.

    ``heat_off_at`` is when a plug that owed a switch-off (it ignored one, was
    unreachable, or was switched on during the rest) finally reported ``off``:
    the skin was heated until then, so the rest gap counts from then too.
    """

    settings: TherapySettings = field(default_factory=TherapySettings)
    plug_must_be_off: bool = False
    heat_off_at: datetime | None = None
    history_unknown_until: datetime | None = None
    """Until when an unreadable history's rest gap may run (``restart.reconcile``)."""

    # The rest gap, and what blocks a start.

    @property
    def rest_start(self) -> datetime | None:
        """When the skin's rest began: the last end, or a stuck plug's later off."""
        last_end = self.last_end
        if last_end is None:
            return None
        if self.heat_off_at is not None and self.heat_off_at > last_end:
            return self.heat_off_at
        return last_end

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
        """Whether the rest gap runs at ``now`` (never while a session runs)."""
        if self.running is not None:
            return False
        allowed = self.next_allowed(rest_floor)
        return allowed is not None and now < allowed

    def _blocker(
        self, modality: Modality, now: datetime, rest_floor: datetime | None
    ) -> TherapyRefusedError | None:
        if (running := self.running) is not None:
            return TherapyRefusedError(
                Refusal.SESSION_RUNNING, modality, running.planned_end
            )
        if self.skin_resting(now, rest_floor):
            return TherapyRefusedError(
                Refusal.REST_GAP_ACTIVE, modality, self.next_allowed(rest_floor)
            )
        return None

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
        session = self._begin(modality, now, minutes)
        return Outcome(switch_on=modality is Modality.HEAT, started=session)

    def blocked_outcome(self, error: TherapyRefusedError) -> Outcome:
        """Return the event a refused start fires (none for malformed input)."""
        if error.modality is None or error.allowed_at is None:
            return NOTHING
        return Outcome(blocked=Blocked(error.modality, error.allowed_at, error.reason))

    def request_stop(self, now: datetime) -> Outcome:
        """End the running session; with none running nothing happens (contract: actions).

        A switch-off still owed (rule 10) is sent again.
        """
        if self.running is None:
            return Outcome(switch_off=True) if self.plug_must_be_off else NOTHING
        return self._end(now, EndReason.STOPPED)

    def turn_off_pad(self, now: datetime) -> Outcome:
        """Switch the heating pad off: heat ends; otherwise the plug just goes off."""
        running = self.running
        if running is not None and running.modality is Modality.HEAT:
            return self._end(now, EndReason.STOPPED)
        self.plug_must_be_off = True
        return Outcome(switch_off=True)

    def _end(self, now: datetime, reason: EndReason) -> Outcome:
        """End the running session; heat always ends with a switch-off (rule 12).

        The switch-off is sent whatever the plug last reported: a plug that
        reports ``off`` while its relay is on is switched off all the same.
        """
        ended = self._finish_running(now, reason)
        heat = ended.modality is Modality.HEAT
        if heat:
            self.plug_must_be_off = True
        return Outcome(switch_off=heat, ended=ended)

    # What the plug and the clock report.

    def plug_confirmed_off(self) -> None:
        """Owe no switch-off any more: the plug reports ``off`` (rule 10)."""
        self.plug_must_be_off = False

    def stuck_plug_off(self, now: datetime) -> None:
        """Count the rest gap from ``now``: a plug that did not switch off when told is off.

        The skin was heated until then: the rest gap counts from ``now`` too.
        """
        if self.heat_off_at is None or now > self.heat_off_at:
            self.heat_off_at = now

    def plug_state(
        self,
        now: datetime,
        is_on: bool,
        rest_floor: datetime | None = None,
        *,
        unknown_floor: datetime | None = None,
    ) -> Outcome:
        """Decide what the plug seen on or off means (a change, first seen, back online).

        Seen off, heat ends ``external`` (rule 6), still with a switch-off.
        """
        running = self.running
        if not is_on:
            self.plug_confirmed_off()
            if running is not None and running.modality is Modality.HEAT:
                return self._end(now, EndReason.EXTERNAL)
            return NOTHING
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
        if (at_load or due) and (running.modality is Modality.ICE or plug_on is False):
            at = min(now, running.planned_end)
        return self._end(at, EndReason.COMPLETED)

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

    def halt_heat(self, now: datetime, reason: EndReason) -> Outcome:
        """Home Assistant stops or the entry unloads: a heat session ends now."""
        running = self.running
        if running is None or running.modality is not Modality.HEAT:
            return NOTHING
        return self._end(now, reason)

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
        """Serialize the history, the switch-off owed and ``heat_off_at`` (``StoredHistory``)."""
        return StoredHistory(
            tuple(self.sessions), self.plug_must_be_off, self.heat_off_at
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
