"""The therapy, as rules: pure functions of time and settings.

Nothing here imports Home Assistant. Times are aware datetimes; the caller
passes ``now`` so every rule can be tested without a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any


class Modality(StrEnum):
    """What is put on the lower back."""

    ICE = "ice"
    HEAT = "heat"


class Phase(StrEnum):
    """The phases of the recovery, in order."""

    REST = "rest"
    REHABILITATION = "rehabilitation"
    RETURN_TO_ACTIVITY = "return_to_activity"
    RECOVERED = "recovered"


SESSION_MINUTES_CEILING = 20
"""The guidance's "less than 20 minutes at a time": no session is planned longer."""


class EndReason(StrEnum):
    """Why a session ended."""

    COMPLETED = "completed"
    STOPPED = "stopped"
    EXTERNAL = "external"
    SHUTDOWN = "shutdown"
    UNLOADED = "unloaded"
    LOGGED = "logged"


class Refusal(StrEnum):
    """Why a request was refused; each is a translation key."""

    REST_GAP_ACTIVE = "rest_gap_active"
    SESSION_RUNNING = "session_running"
    SESSION_OVERLAPS = "session_overlaps"
    ENDED_AT_IN_FUTURE = "ended_at_in_future"
    MINUTES_OUT_OF_RANGE = "minutes_out_of_range"
    HEATING_PAD_UNAVAILABLE = "heating_pad_unavailable"


class TherapyRefusedError(Exception):
    """A request the therapy rules do not allow."""

    def __init__(
        self,
        reason: Refusal,
        modality: Modality | None = None,
        allowed_at: datetime | None = None,
        max_minutes: int | None = None,
    ) -> None:
        """Remember why, and when it would be allowed."""
        super().__init__(reason.value)
        self.reason = reason
        self.modality = modality
        self.allowed_at = allowed_at
        self.max_minutes = max_minutes


@dataclass(frozen=True, slots=True)
class TherapySession:
    """One application of ice or heat."""

    modality: Modality
    started: datetime
    planned_end: datetime
    ended: datetime | None = None
    end_reason: EndReason | None = None

    @property
    def running(self) -> bool:
        """Whether the session has not ended yet."""
        return self.ended is None

    def finish(self, at: datetime, reason: EndReason) -> TherapySession:
        """End the session at ``at`` (never before it began)."""
        return replace(self, ended=max(at, self.started), end_reason=reason)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether the session shares time with ``start``..``end``."""
        return self.started < end and start < (self.ended or self.planned_end)

    def as_dict(self) -> dict[str, str | None]:
        """Serialize to JSON-safe values."""
        return {
            "modality": self.modality.value,
            "started": self.started.isoformat(),
            "planned_end": self.planned_end.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "end_reason": self.end_reason.value if self.end_reason else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TherapySession:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data."""
        ended = data.get("ended")
        reason = data.get("end_reason")
        return cls(
            modality=Modality(data["modality"]),
            started=_aware(datetime.fromisoformat(data["started"])),
            planned_end=_aware(datetime.fromisoformat(data["planned_end"])),
            ended=_aware(datetime.fromisoformat(ended)) if ended else None,
            end_reason=EndReason(reason) if reason else None,
        )


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment


@dataclass(frozen=True, slots=True)
class RestGap:
    """The time the skin rests between two applications."""

    minutes: int

    def allowed_at(self, last_end: datetime) -> datetime:
        """When the skin may be treated again after a session ending at ``last_end``."""
        return last_end + timedelta(minutes=self.minutes)

    def active(self, last_end: datetime | None, now: datetime) -> bool:
        """Whether the skin is still resting at ``now``."""
        return last_end is not None and now < self.allowed_at(last_end)


@dataclass(frozen=True, slots=True)
class TherapySettings:
    """The options that govern sessions."""

    session_minutes: int = 20
    rest_gap_minutes: int = 120

    @property
    def rest_gap(self) -> RestGap:
        """The rest gap these settings ask for."""
        return RestGap(self.rest_gap_minutes)


@dataclass(frozen=True, slots=True)
class Blocked:
    """A start that was refused or undone."""

    modality: Modality
    allowed_at: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What must happen after an event: the engine carries it out in this order.

    ``switch_on`` is the start's own business: the engine switches the plug on
    and waits for it to confirm before the start counts (rule 11).
    """

    switch_off: bool = False
    switch_on: bool = False
    ended: TherapySession | None = None
    started: TherapySession | None = None
    blocked: Blocked | None = None


NOTHING = Outcome()


@dataclass
class TherapyLog:
    """The session history and the rules that decide what each event means.

    ``plug_must_be_off`` remembers a switch-off that the plug has not confirmed
    yet (rule 10): it is stored, the plug seen on is switched off at once, and
    only the plug seen off clears it.

    ``rest_floor`` is the end of the rest gap as the monotonic clock measures
    it, said in the wall clock's current reading (rule 12). The engine keeps it
    up to date while Home Assistant runs; it is not stored. A wall clock that
    steps forward cannot shorten the rest gap below it.

    ``heat_off_at`` is when a plug that owed a switch-off (it ignored one, was
    unreachable, or was switched on during the rest) finally reported ``off``:
    the skin was heated until then, so the rest gap counts from then too.
    """

    settings: TherapySettings = field(default_factory=TherapySettings)
    sessions: list[TherapySession] = field(default_factory=list)
    plug_must_be_off: bool = False
    max_sessions: int = 1000
    rest_floor: datetime | None = None
    heat_off_at: datetime | None = None

    # Reading the history.

    @property
    def running(self) -> TherapySession | None:
        """The session that runs now, if any.

        Only the newest session can run: a start needs none running, a logged
        session cannot overlap the running one, and ``restore`` closes older ones.
        """
        if self.sessions and (newest := self.sessions[-1]).running:
            return newest
        return None

    @property
    def last_end(self) -> datetime | None:
        """The end of the latest finished session."""
        return max(
            (s.ended for s in self.sessions if s.ended is not None), default=None
        )

    @property
    def last_finished(self) -> TherapySession | None:
        """The finished session that ended last."""
        finished = [s for s in self.sessions if s.ended is not None]
        return max(finished, key=lambda s: s.ended or s.started, default=None)

    def next_allowed(self) -> datetime | None:
        """When the next session may start (after the rest gap), if there was one.

        The later of the wall clock's and the monotonic clock's reading (rule 12).
        """
        last_end = self.last_end
        if last_end is None:
            return None
        gap = self.settings.rest_gap
        candidates = [gap.allowed_at(last_end)]
        if self.heat_off_at is not None:
            candidates.append(gap.allowed_at(self.heat_off_at))
        if self.rest_floor is not None:
            candidates.append(self.rest_floor)
        return max(candidates)

    def skin_resting(self, now: datetime) -> bool:
        """Whether the rest gap runs at ``now`` (never while a session runs)."""
        if self.running is not None:
            return False
        allowed = self.next_allowed()
        return allowed is not None and now < allowed

    def started_since(self, moment: datetime) -> int:
        """How many sessions started at or after ``moment``."""
        return sum(1 for s in self.sessions if s.started >= moment)

    def _blocker(self, modality: Modality, now: datetime) -> TherapyRefusedError | None:
        if (running := self.running) is not None:
            return TherapyRefusedError(
                Refusal.SESSION_RUNNING, modality, running.planned_end
            )
        if self.skin_resting(now):
            return TherapyRefusedError(
                Refusal.REST_GAP_ACTIVE, modality, self.next_allowed()
            )
        return None

    def _begin(self, modality: Modality, now: datetime, minutes: int) -> TherapySession:
        session = TherapySession(modality, now, now + timedelta(minutes=minutes))
        self._append(session)
        return session

    def _append(self, session: TherapySession) -> None:
        self.sessions.append(session)
        self.sessions.sort(key=lambda s: s.started)
        if len(self.sessions) > self.max_sessions:
            del self.sessions[: len(self.sessions) - self.max_sessions]

    def discard(self, session: TherapySession) -> None:
        """Forget a start that did not count: the plug never confirmed ``on`` (rule 11).

        No session is recorded and no rest gap begins.
        """
        if self.running is session:
            self.sessions.pop()

    def _finish_running(self, at: datetime, reason: EndReason) -> TherapySession:
        running = self.running
        assert running is not None
        finished = running.finish(at, reason)
        self.sessions[-1] = finished
        return finished

    # Requests from the person (switch, button, action).

    def request_start(
        self,
        modality: Modality,
        now: datetime,
        minutes: int | None = None,
        plug_reachable: bool = True,
    ) -> Outcome:
        """Start a session, or raise ``TherapyRefusedError``.

        The rules come first (a running session, the rest gap); heat with the
        plug unreachable is refused after them, as allowed ``now`` by the rules.
        """
        if minutes is None:
            minutes = self.settings.session_minutes
        if not 1 <= minutes <= self.settings.session_minutes:
            raise TherapyRefusedError(
                Refusal.MINUTES_OUT_OF_RANGE,
                modality,
                max_minutes=self.settings.session_minutes,
            )
        if (refusal := self._blocker(modality, now)) is not None:
            raise refusal
        if modality is Modality.HEAT and not plug_reachable:
            raise TherapyRefusedError(Refusal.HEATING_PAD_UNAVAILABLE, modality, now)
        session = self._begin(modality, now, minutes)
        return Outcome(switch_on=modality is Modality.HEAT, started=session)

    def blocked_outcome(self, error: TherapyRefusedError) -> Outcome:
        """Return the event a refused start fires (none for malformed input)."""
        if error.modality is None or error.allowed_at is None:
            return NOTHING
        return Outcome(blocked=Blocked(error.modality, error.allowed_at))

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

    def history_unknown(self) -> None:
        """Owe a switch-off: the stored history cannot be read, so the rest gap may run."""
        self.plug_must_be_off = True

    def forget_plug(self) -> None:
        """No plug is configured: nothing can be owed to it."""
        self.plug_must_be_off = False

    def plug_state(self, now: datetime, is_on: bool) -> Outcome:
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
        if (refusal := self._blocker(Modality.HEAT, now)) is not None:
            self.plug_must_be_off = True
            return Outcome(
                switch_off=True, blocked=self.blocked_outcome(refusal).blocked
            )
        return Outcome(
            started=self._begin(Modality.HEAT, now, self.settings.session_minutes)
        )

    def deadline(
        self, now: datetime, plug_on: bool | None = True, due: bool = False
    ) -> Outcome:
        """End a running session whose planned end has passed by ``now``.

        ``due`` says the monotonic clock has reached the planned end whatever
        the wall clock reads (rule 12); a session that starts after ``now``
        (the wall clock stepped back) is due at once as well.

        ``plug_on`` is what is known of the plug: ``False`` when it is seen off,
        so a heat session that outlived Home Assistant ended at its planned end
        at the latest; ``None`` when it cannot be reached (it is switched off
        the moment it is seen again).
        """
        running = self.running
        if running is None or not (
            due or now >= running.planned_end or now < running.started
        ):
            return NOTHING
        at = now
        if running.modality is Modality.ICE or plug_on is False:
            at = min(now, running.planned_end)
        return self._end(at, EndReason.COMPLETED)

    def reconcile(self, now: datetime, plug_on: bool | None) -> tuple[Outcome, ...]:
        """Decide what a (re)start finds: an overdue session, then the plug as it is.

        Whatever was closed, the plug is judged afterwards (rules 2, 3, 5, 7):
        on with no session allowed, it is switched off. ``plug_on`` is ``None``
        when the plug is unreachable or none is configured.
        """
        closed = self.deadline(now, plug_on)
        if closed.switch_off:
            return (closed,)
        if plug_on is not None:
            judged = self.plug_state(now, plug_on)
        elif self.plug_must_be_off:
            judged = Outcome(switch_off=True)
        else:
            judged = NOTHING
        return tuple(o for o in (closed, judged) if o is not NOTHING)

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
        if not 1 <= minutes <= self.settings.session_minutes:
            raise TherapyRefusedError(
                Refusal.MINUTES_OUT_OF_RANGE,
                modality,
                max_minutes=self.settings.session_minutes,
            )
        if ended_at > now:
            raise TherapyRefusedError(Refusal.ENDED_AT_IN_FUTURE, modality)
        started = ended_at - timedelta(minutes=minutes)
        if any(s.overlaps(started, ended_at) for s in self.sessions):
            raise TherapyRefusedError(Refusal.SESSION_OVERLAPS, modality)
        session = TherapySession(
            modality, started, ended_at, ended_at, EndReason.LOGGED
        )
        self._append(session)
        return session

    # Storage.

    def as_dict(self) -> dict[str, Any]:
        """Serialize the history."""
        return {
            "sessions": [s.as_dict() for s in self.sessions],
            "plug_must_be_off": self.plug_must_be_off,
            "heat_off_at": self.heat_off_at.isoformat() if self.heat_off_at else None,
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Load a serialized history; raises on malformed data and changes nothing then.

        No session is planned longer than the ceiling, and at most one runs:
        an older one still open ended at its planned end.
        """
        raw = data.get("sessions", [])
        if not isinstance(raw, list):
            raise TypeError("sessions is not a list")
        sessions = sorted(
            (TherapySession.from_dict(s) for s in raw), key=lambda s: s.started
        )
        ceiling = timedelta(minutes=SESSION_MINUTES_CEILING)
        for index, session in enumerate(sessions):
            if session.planned_end - session.started > ceiling:
                sessions[index] = session = replace(
                    session, planned_end=session.started + ceiling
                )
            if session.running and index < len(sessions) - 1:
                sessions[index] = session.finish(
                    session.planned_end, EndReason.COMPLETED
                )
        plug_must_be_off = data.get("plug_must_be_off", False)
        if not isinstance(plug_must_be_off, bool):
            raise TypeError("plug_must_be_off is not a boolean")
        heat_off_at = data.get("heat_off_at")
        self.heat_off_at = (
            _aware(datetime.fromisoformat(heat_off_at)) if heat_off_at else None
        )
        self.sessions = sessions[-self.max_sessions :]
        self.plug_must_be_off = plug_must_be_off


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


@dataclass(frozen=True, slots=True)
class PhaseSchedule:
    """Which phase the recovery is in on each local date.

    From the injury date: rest, rehabilitation and return to activity for their
    lengths in weeks, then recovered. ``set_phase`` re-anchors the schedule: the
    anchor phase starts on the anchor date and later phases follow with their
    lengths; earlier phases end no later than the anchor date.
    """

    injury_date: date
    rest_weeks: int = 6
    rehabilitation_weeks: int = 6
    return_weeks: int = 12
    ice_days: int = 1
    anchor_phase: Phase = Phase.REST
    anchor_date: date | None = None

    def _weeks(self, phase: Phase) -> int:
        return {
            Phase.REST: self.rest_weeks,
            Phase.REHABILITATION: self.rehabilitation_weeks,
            Phase.RETURN_TO_ACTIVITY: self.return_weeks,
        }.get(phase, 0)

    def _from_injury(self) -> dict[Phase, date]:
        starts: dict[Phase, date] = {}
        day = self.injury_date
        for phase in PHASE_ORDER:
            starts[phase] = day
            day += timedelta(weeks=self._weeks(phase))
        return starts

    def starts(self) -> dict[Phase, date]:
        """Return the first day of each phase (a skipped phase lasts no day)."""
        starts = self._from_injury()
        if self.anchor_date is None:
            return starts
        anchor = PHASE_ORDER.index(self.anchor_phase)
        day = self.anchor_date
        for phase in PHASE_ORDER[anchor:]:
            starts[phase] = day
            day += timedelta(weeks=self._weeks(phase))
        for phase in PHASE_ORDER[:anchor]:
            starts[phase] = min(starts[phase], self.anchor_date)
        return starts

    def spans(self) -> list[tuple[Phase, date, date | None]]:
        """Each phase that lasts at least a day: (phase, first day, day after its last)."""
        starts = self.starts()
        spans: list[tuple[Phase, date, date | None]] = []
        for index, phase in enumerate(PHASE_ORDER):
            end = (
                starts[PHASE_ORDER[index + 1]] if index + 1 < len(PHASE_ORDER) else None
            )
            if end is None or end > starts[phase]:
                spans.append((phase, starts[phase], end))
        return spans

    def _span_on(self, day: date) -> tuple[Phase, date, date | None]:
        """Return the span that runs on ``day`` (the first one before it starts)."""
        spans = self.spans()
        current = spans[0]
        for span in spans:
            if span[1] <= day:
                current = span
        return current

    def phase_on(self, day: date) -> Phase:
        """Return the phase on ``day`` (the first phase before the schedule starts)."""
        return self._span_on(day)[0]

    def phase_started(self, day: date) -> date:
        """Return the first day of the phase that runs on ``day``."""
        return self._span_on(day)[1]

    def next_change(self, day: date) -> tuple[Phase, date] | None:
        """Return the next phase after ``day`` and its first day; ``None`` once recovered."""
        current = self.phase_on(day)
        for phase, start, _ in self.spans():
            if start > day and phase is not current:
                return phase, start
        return None

    def recommended_therapy(self, day: date) -> Modality:
        """Ice on the injury date and the ``ice_days`` after it, heat from then on."""
        if (day - self.injury_date).days <= self.ice_days:
            return Modality.ICE
        return Modality.HEAT

    def days_since_injury(self, day: date) -> int:
        """Whole days since the injury date (0 on that date)."""
        return (day - self.injury_date).days

    def rebased(self, phase: Phase, today: date) -> PhaseSchedule:
        """Return the schedule after ``set_phase``: ``phase`` starts ``today``."""
        return replace(self, anchor_phase=phase, anchor_date=today)
