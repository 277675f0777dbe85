"""The clinician report's content: a snapshot of one recovery and what it says about a period.

Nothing here imports Home Assistant. ``ReportSource`` is the snapshot the
Home Assistant side copies on the event loop (immutable values only: the
pain entries, the period's sessions, the phase schedule, the safety state);
``build_model`` reads it into a ``ReportModel`` anywhere, off the loop
(``report_view.py`` runs it in the executor). Pain is read by the diary's own
rules (``therapy.PainDiary``: daily means, 7-day averages, baseline, trend,
review), so the report says what the entities said on each day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from fractions import Fraction

from ..therapy import (
    REVIEW_FALL_POINTS,
    REVIEW_FALL_RATIO,
    EndReason,
    Modality,
    PainDiary,
    PainEntry,
    PainTrend,
    Phase,
    PhaseSchedule,
    TherapySession,
)
from .sections import ReportPeriod, ReportRow, SectionData, present

DEFAULT_DAYS = 56
"""Eight weeks: the report's period unless asked otherwise."""
MIN_DAYS = 7
MAX_DAYS = 365
QUESTION_MAX_LENGTH = 300
"""The longest question the report carries, in characters."""
ONE_DAY = timedelta(days=1)


class ReportRefusal(StrEnum):
    """Why a report cannot be made; each is a translation key (``common``, ``exceptions``)."""

    DAYS_OUT_OF_RANGE = "report_days_out_of_range"
    BEFORE_INJURY = "report_before_injury"
    IN_FUTURE = "report_in_future"


class ReportRefusedError(Exception):
    """A report that cannot be made for the period asked."""

    def __init__(self, reason: ReportRefusal) -> None:
        """Remember why."""
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What the person asked for: ``days`` ending on ``last`` (default today), a question, notes."""

    days: int = DEFAULT_DAYS
    last: date | None = None
    question: str = ""
    include_notes: bool = False


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """Return the aware moment local ``day`` begins in ``tz``."""
    return datetime.combine(day, time(), tz)


def report_period(
    request: ReportRequest, injury_date: date, today: date, tz: tzinfo
) -> ReportPeriod:
    """Return the period asked for: ``days`` local dates ending ``last``, none before the injury.

    Raises ``ReportRefusedError``: ``report_days_out_of_range`` (not 7 to
    365), ``report_in_future`` (``last`` after today), ``report_before_injury``
    (the whole period lies before the injury date). A period that starts
    before the injury date starts on it.
    """
    if not MIN_DAYS <= request.days <= MAX_DAYS:
        raise ReportRefusedError(ReportRefusal.DAYS_OUT_OF_RANGE)
    last = request.last or today
    if last > today:
        raise ReportRefusedError(ReportRefusal.IN_FUTURE)
    if last < injury_date:
        raise ReportRefusedError(ReportRefusal.BEFORE_INJURY)
    first = max(last - (request.days - 1) * ONE_DAY, injury_date)
    return ReportPeriod(
        first,
        last,
        local_midnight(first, tz),
        local_midnight(last + ONE_DAY, tz),
        tz,
        request.include_notes,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSource:
    """One recovery as the report needs it, copied on the event loop (immutable values only).

    ``pain_entries``: the whole diary (the baseline is its first week, a
    7-day average needs the 6 days before the period). ``sessions``: those
    that share time with the period. ``late_off``: how long the plug has to
    confirm a switch-off (``engine/plug.py``); a heat session that ended
    later than that after its planned end ran on because the plug did not
    switch off. ``last_refusal``: the latest refused heat start (reason key,
    moment), kept in memory only since Home Assistant started.
    ``oldest_session``: the start of the oldest stored session once the
    history is full and older ones were dropped (``None`` while nothing was).
    """

    title: str
    now: datetime
    today: date
    schedule: PhaseSchedule
    pain_entries: tuple[PainEntry, ...]
    sessions: tuple[TherapySession, ...]
    switch_off_owed: bool = False
    last_refusal: tuple[str, datetime] | None = None
    late_off: timedelta = timedelta(seconds=5)
    oldest_session: datetime | None = None
    sections: tuple[SectionData | None, ...] = ()


@dataclass(frozen=True, slots=True)
class DayPain:
    """One local date of the period: its mean, the 7-day average then, the review then."""

    day: date
    mean: float | None
    average: float | None
    review: bool


@dataclass(frozen=True, slots=True)
class WeekSessions:
    """Ice and heat in one week of the period (7 local dates from ``first``; the last may be shorter)."""

    first: date
    last: date
    ice: int = 0
    heat: int = 0
    ice_minutes: float = 0.0
    heat_minutes: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportModel:
    """What the report says; the renderers (HTML, SVG, CSV) only present it."""

    title: str
    question: str
    period: ReportPeriod
    created: datetime
    phase: Phase
    days_since_injury: int
    injury_date: date
    phase_rows: tuple[ReportRow, ...]
    pain: tuple[DayPain, ...]
    baseline: float | None
    expected: float | None
    """The level the review expects the 7-day average to fall to (2 points or 30 % below the baseline)."""
    trend: PainTrend
    review: bool
    entries: tuple[PainEntry, ...]
    weeks: tuple[WeekSessions, ...]
    sessions: tuple[TherapySession, ...]
    safety: tuple[ReportRow, ...]
    refusals_kept: bool = False
    sessions_cut: date | None = None
    """The first date sessions are stored for, when older ones were dropped and the period starts before it."""
    sections: tuple[SectionData, ...] = field(default=())

    @property
    def has_pain(self) -> bool:
        """Whether any pain was recorded in the period."""
        return bool(self.entries)

    @property
    def notes(self) -> tuple[PainEntry, ...]:
        """The entries with a note, when the person asked for notes."""
        if not self.period.include_notes:
            return ()
        return tuple(entry for entry in self.entries if entry.note)


def build_model(
    source: ReportSource, request: ReportRequest, period: ReportPeriod
) -> ReportModel:
    """Read ``source`` into what the report says about ``period`` (pure; milliseconds for a year)."""
    tz = period.tz
    diary = PainDiary(source.pain_entries)
    injury = source.schedule.injury_date
    pain: list[DayPain] = []
    means = diary.daily_values(period.first, period.last, tz)
    trend = PainTrend.INSUFFICIENT_DATA
    review = False
    statuses = diary.statuses(period.first, period.last, injury, tz)
    for offset, status in enumerate(statuses):
        day = period.first + offset * ONE_DAY
        pain.append(
            DayPain(day, means.get(day), status.average_7d, status.review.recommended)
        )
        trend, review = status.trend, status.review.recommended
    baseline = diary.baseline(tz)
    entries = tuple(e for e in diary if period.holds(e.recorded_at))
    sessions = tuple(s for s in source.sessions if period.holds(s.started))
    oldest = source.oldest_session
    cut = oldest.astimezone(tz).date() if oldest is not None else None
    return ReportModel(
        title=source.title,
        question=request.question.strip()[:QUESTION_MAX_LENGTH],
        period=period,
        created=source.now,
        phase=source.schedule.phase_on(period.last),
        days_since_injury=source.schedule.days_since_injury(period.last),
        injury_date=injury,
        phase_rows=_phase_rows(source.schedule, period),
        pain=tuple(pain),
        baseline=baseline,
        expected=_expected(baseline),
        trend=trend,
        review=review,
        entries=entries,
        weeks=_weeks(sessions, period),
        sessions=sessions,
        safety=_safety(source, sessions, period),
        refusals_kept=source.last_refusal is not None,
        sessions_cut=cut if cut is not None and cut > period.first else None,
        sections=present(source.sections),
    )


def _expected(baseline: float | None) -> float | None:
    """Return the level 2 points or 30 % below ``baseline``, whichever is nearer (``pain_review``)."""
    if baseline is None:
        return None
    exact = Fraction(baseline)
    return float(max(exact - REVIEW_FALL_POINTS, exact - exact * REVIEW_FALL_RATIO))


def _phase_rows(schedule: PhaseSchedule, period: ReportPeriod) -> tuple[ReportRow, ...]:
    """Return each phase that runs in the period, from its first date (or the period's)."""
    rows = []
    for phase, first, after in schedule.spans():
        if first > period.last or (after is not None and after <= period.first):
            continue
        start = local_midnight(max(first, period.first), period.tz)
        end = (
            local_midnight(min(after, period.last + ONE_DAY), period.tz)
            if after
            else None
        )
        rows.append(ReportRow("phase", start, end, detail=phase.value))
    return tuple(rows)


def _weeks(
    sessions: Sequence[TherapySession], period: ReportPeriod
) -> tuple[WeekSessions, ...]:
    """Count ice and heat per 7 local dates from the period's first; minutes as applied."""
    count = (period.days + 6) // 7
    tallies = [[0, 0, 0.0, 0.0] for _ in range(count)]
    for session in sessions:
        if session.ended is None:
            continue
        week = (session.started.astimezone(period.tz).date() - period.first).days // 7
        minutes = (session.ended - session.started).total_seconds() / 60
        index = 0 if session.modality is Modality.ICE else 1
        tallies[week][index] += 1
        tallies[week][index + 2] += minutes
    return tuple(
        WeekSessions(
            period.first + 7 * week * ONE_DAY,
            min(period.first + (7 * week + 6) * ONE_DAY, period.last),
            int(ice),
            int(heat),
            ice_minutes,
            heat_minutes,
        )
        for week, (ice, heat, ice_minutes, heat_minutes) in enumerate(tallies)
    )


def _safety(
    source: ReportSource, sessions: Sequence[TherapySession], period: ReportPeriod
) -> tuple[ReportRow, ...]:
    """Return the safety events the recovery keeps: late switch-offs, the last refusal, one owed now.

    A heat session that ended more than ``late_off`` after its planned end
    ran on because the plug did not confirm the switch-off (rule 10); a
    stopped, shut-down or unloaded one is judged only when its planned end
    had passed. Refused starts are not stored: only the latest one since
    Home Assistant started is known.
    """
    rows: list[ReportRow] = []
    for session in sessions:
        ended = session.ended
        if session.modality is not Modality.HEAT or ended is None:
            continue
        if session.end_reason is EndReason.LOGGED:
            continue
        late = ended - session.planned_end
        if late > source.late_off:
            rows.append(
                ReportRow(
                    "switch_off_late",
                    session.planned_end,
                    ended,
                    value=f"{late.total_seconds() / 60:.1f}",
                    unit="min",
                    detail=session.end_reason.value if session.end_reason else "",
                )
            )
    if (refusal := source.last_refusal) is not None and period.holds(refusal[1]):
        rows.append(ReportRow("start_refused", refusal[1], detail=refusal[0]))
    if source.switch_off_owed and period.holds(source.now):
        rows.append(ReportRow("switch_off_owed", source.now))
    return tuple(sorted(rows, key=lambda row: row.start))
