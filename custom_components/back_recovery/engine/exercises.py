"""The rehabilitation programme's owner: the log, today's to-do items, the responses, the alarm on pain.

A recorded part (``records.RecordPart``) stored under ``records["exercises"]``.
The exercises are the entry's config subentries ``exercise``, each named by
its title (read again on every new day and every update of the entry, a
*Rename* too); the log is ``therapy.ExerciseDiary``. What the entities show
is an immutable ``ExerciseStatus``, computed when the recovery changes (the
engine's snapshot is published) and at local noon, never on the minute tick
(issue 23: the minute tick does not read the exercise log).

Back Recovery tells how pain answered an exercise; it never changes the
programme. A response that turns ``red`` fires ``back_recovery_exercise_pain``
and the reminder "ease off and tell your physical therapist"; several turning
red in one change make one reminder; an exercise is not named again within
``REMINDER_GAP`` (6 h), a different one turning red later is
(``therapy.to_remind``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
import logging
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DONE_AT,
    ATTR_EXERCISE,
    ATTR_EXERCISE_ID,
    ATTR_SKIPPED,
    CONF_INJURY_DATE,
    DOMAIN,
    SUBENTRY_EXERCISE,
    RecoveryEvent,
)
from ..options import RecoveryOptions
from ..report.part_sections import exercise_section
from ..report.sections import ReportPeriod, SectionData
from ..texts import cached_texts
from ..therapy import (
    Exercise,
    ExerciseDiary,
    ExerciseError,
    ExerciseItem,
    ExerciseLog,
    ExerciseStatus,
    Occurrence,
    PainEntry,
    PhaseSchedule,
    Response,
    SkipReason,
    due_occurrences,
    exercises_over_period,
    same_name,
    to_remind,
)

if TYPE_CHECKING:
    from .records import RecoveryRecords
    from .reminders import Reminders
    from .state import RecoveryState, StateHub

_LOGGER = logging.getLogger(__name__)

EXERCISES_KEY = "exercises"
YESTERDAY_UNTIL = time(12, 0)
"""Yesterday's unchecked items may be checked until local noon (contract)."""


class ExerciseHost(Protocol):
    """What the programme reads of the engine: its public face only."""

    options: RecoveryOptions
    state: RecoveryState
    records: RecoveryRecords
    hub: StateHub

    def pain_entries(self) -> tuple[PainEntry, ...]:
        """Return the pain diary, oldest first."""

    @property
    def reminders(self) -> Reminders:
        """Where a part sends what it has to tell (quiet hours apply)."""


class ExerciseProgramme:
    """The rehabilitation programme of one recovery: its log, what it shows, its alarm."""

    key = EXERCISES_KEY

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, host: ExerciseHost
    ) -> None:
        """Read the exercises; show an empty log until it is restored."""
        self._hass = hass
        self._entry = entry
        self._host = host
        self._injury_date = date.fromisoformat(entry.data[CONF_INJURY_DATE])
        self._diary = ExerciseDiary()
        self._since: dict[str, date] = {}
        self._exercises: tuple[Exercise, ...] = ()
        self._reminded: dict[str, datetime] = {}
        self._primed = False
        self._noon: CALLBACK_TYPE | None = None
        self.status = ExerciseStatus(dt_util.now().date())
        self._read_exercises(dt_util.now().date())
        entry.async_on_unload(host.hub.async_add_listener(self._refresh))
        entry.async_on_unload(self._stop_noon)
        self._arm_noon()

    # RecordPart.

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored log; an entry that cannot be read is skipped and logged."""
        diary = ExerciseDiary()
        for raw in data.get("logs", []):
            try:
                diary.add(ExerciseLog.from_dict(raw))
            except (KeyError, TypeError, ValueError) as err:
                _LOGGER.warning("A stored exercise log entry is skipped (%s)", err)
        self._diary = diary
        self._since = {
            key: date.fromisoformat(value)
            for key, value in dict(data.get("since", {})).items()
        }
        self._read_exercises(dt_util.now().date())

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form: the log and the day each exercise was first seen (empty: none)."""
        if not self._since and not len(self._diary):
            return {}
        return {
            "logs": [entry.as_dict() for entry in self._diary.logs],
            "since": {key: day.isoformat() for key, day in self._since.items()},
        }

    def new_day(self, today: date) -> None:
        """Read the exercises again (a new day, a subentry added, changed or removed)."""
        self._read_exercises(today)

    def as_diagnostics(self) -> dict[str, Any]:
        """Return counts only: no names, no notes."""
        status = self.status
        return {
            "exercises": len(status.exercises),
            "logged": len(self._diary),
            "items_today": len(status.items),
            "responses": sorted(
                response.value for response in status.responses.values()
            ),
        }

    def report_section(self, period: ReportPeriod) -> SectionData | None:
        """Return the clinician report's section: each exercise's adherence and responses over ``period``."""
        periods = exercises_over_period(
            self._diary,
            self._exercises,
            first=period.first,
            last=period.last,
            today=dt_util.now().date(),
            phase_on=self._host.state.schedule.phase_on,
            since=self._since,
            pain=self._host.pain_entries(),
            tz=period.tz,
        )
        return exercise_section(periods, period, cached_texts(self._hass))

    # Reading the programme.

    def _read_exercises(self, today: date) -> None:
        exercises = []
        for sub in self._entry.subentries.values():
            if sub.subentry_type != SUBENTRY_EXERCISE:
                continue
            try:
                exercises.append(
                    Exercise.from_config(sub.subentry_id, sub.data, sub.title)
                )
            except (ExerciseError, ValueError, TypeError) as err:
                _LOGGER.warning("Exercise %s cannot be read (%s)", sub.subentry_id, err)
                continue
            self._since.setdefault(sub.subentry_id, today)
        self._exercises = tuple(exercises)

    def exercise(self, name_or_id: str) -> Exercise:
        """Return the exercise by its subentry id or its name (its title, case and spaces aside).

        Raises ``ServiceValidationError`` ``exercise_unknown`` (placeholder
        ``exercises``: the names to choose from) or ``exercise_unknown_none``.
        """
        for e in self._exercises:
            if name_or_id == e.exercise_id or same_name(e.name, name_or_id):
                return e
        if not (names := ", ".join(sorted(e.name for e in self._exercises))):
            raise _refused("exercise_unknown_none", exercise=name_or_id)
        raise _refused("exercise_unknown", exercise=name_or_id, exercises=names)

    # What it shows.

    @callback
    def _refresh(self) -> None:
        """Compute what the programme shows now; a response turned red raises the alarm."""
        now = dt_util.now()
        today = now.date()
        schedule = self._host.state.schedule
        pain = self._host.pain_entries()
        tz = dt_util.get_default_time_zone()
        items = [ExerciseItem(o, self._done(o)) for o in self._due(today, schedule)]
        if now.time() < YESTERDAY_UNTIL:
            yesterday = self._due(today - timedelta(days=1), schedule)
            items += [
                ExerciseItem(o, False, True) for o in yesterday if not self._done(o)
            ]
        responses = {
            e.exercise_id: self._diary.response(e, pain, tz) for e in self._exercises
        }
        before = self.status.responses
        self.status = ExerciseStatus(
            today,
            self._exercises,
            tuple(items),
            responses,
            self._diary.adherence(
                self._exercises, today, schedule.phase_on, self._since
            ),
            len(self._diary),
        )
        if self._primed:
            turned_red = [
                e
                for e in self._exercises
                if responses[e.exercise_id] is Response.RED
                and before.get(e.exercise_id) is not Response.RED
            ]
            self._alarm(turned_red, now)
        self._primed = True

    def _due(self, day: date, schedule: PhaseSchedule) -> list[Occurrence]:
        """Return the occurrences of ``day`` of the exercises there were then (``since``)."""
        there = [
            e for e in self._exercises if self._since.get(e.exercise_id, day) <= day
        ]
        return due_occurrences(there, day, schedule.phase_on(day))

    def _done(self, occurrence: Occurrence) -> bool:
        return self._diary.done(occurrence)

    def _alarm(self, exercises: Sequence[Exercise], now: datetime) -> None:
        """Fire ``exercise_pain`` for each; one reminder naming those not named within 6 h."""
        for exercise in exercises:
            self._hass.bus.async_fire(
                RecoveryEvent.EXERCISE_PAIN,
                {
                    ATTR_CONFIG_ENTRY_ID: self._entry.entry_id,
                    ATTR_EXERCISE_ID: exercise.exercise_id,
                    ATTR_EXERCISE: exercise.name,
                },
            )
        if not (named := to_remind(exercises, self._reminded, now)):
            return
        self._reminded.update({e.exercise_id: now for e in named})
        self._host.reminders.send(
            "exercise_pain", {"exercises": ", ".join(e.name for e in named)}
        )

    def _arm_noon(self) -> None:
        """Set a timer for the next local noon: yesterday's items leave the list then."""
        now = dt_util.now()
        noon = datetime.combine(now.date(), YESTERDAY_UNTIL, now.tzinfo)
        if noon <= now:
            noon = datetime.combine(
                now.date() + timedelta(days=1), YESTERDAY_UNTIL, now.tzinfo
            )
        self._noon = async_track_point_in_utc_time(
            self._hass, self._at_noon, dt_util.as_utc(noon)
        )

    @callback
    def _at_noon(self, _now: datetime) -> None:
        """Show the list without yesterday's items (nothing changed that needs saving)."""
        self._arm_noon()
        self._host.hub.async_notify()

    @callback
    def _stop_noon(self) -> None:
        if self._noon is not None:
            self._noon()
            self._noon = None

    # What the person records.

    async def async_log(
        self,
        name_or_id: str,
        *,
        done_at: datetime | None = None,
        sets_done: int | None = None,
        reps_done: int | None = None,
        seconds_done: int | None = None,
        pain_during: int | None = None,
        skipped: bool = False,
        skip_reason: SkipReason | None = None,
        note: str | None = None,
    ) -> ExerciseLog:
        """Log one session of an exercise (``back_recovery.log_exercise``), its target beside.

        A session done fills the first open time of day of its local day.
        Raises ``ServiceValidationError``: ``exercise_unknown``,
        ``done_at_in_future``, ``done_before_injury``, ``skip_reason_needed``,
        ``reps_done_not_prescribed`` (repetitions for an exercise held or
        timed in seconds), ``seconds_done_not_prescribed`` (seconds for one
        counted in repetitions): what was done is logged in the target's unit.
        """
        exercise = self.exercise(name_or_id)
        now = dt_util.utcnow()
        moment = done_at or now
        if moment > now:
            raise _refused("done_at_in_future")
        day = dt_util.as_local(moment).date()
        if day < self._injury_date:
            raise _refused("done_before_injury")
        if skipped != (skip_reason is not None):
            raise _refused("skip_reason_needed")
        counted_in_reps = exercise.target.reps is not None
        if reps_done is not None and not counted_in_reps:
            raise _refused("reps_done_not_prescribed", exercise=exercise.name)
        if seconds_done is not None and counted_in_reps:
            raise _refused("seconds_done_not_prescribed", exercise=exercise.name)
        entry = ExerciseLog(
            exercise_id=exercise.exercise_id,
            done_at=moment,
            day=day,
            target=exercise.target,
            slot=None if skipped else self._diary.free_slot(exercise, day),
            sets_done=sets_done,
            reps_done=reps_done,
            seconds_done=seconds_done,
            pain_during=pain_during,
            skipped=skipped,
            skip_reason=skip_reason,
            note=note,
        )
        await self._async_add(entry, exercise)
        return entry

    async def _async_add(self, entry: ExerciseLog, exercise: Exercise) -> None:
        """Keep ``entry``, save, and fire ``back_recovery_exercise_logged`` (no note: health data)."""
        self._diary.add(entry)
        await self._host.records.async_changed()
        self._hass.bus.async_fire(
            RecoveryEvent.EXERCISE_LOGGED,
            {
                ATTR_CONFIG_ENTRY_ID: self._entry.entry_id,
                ATTR_EXERCISE: exercise.name,
                ATTR_SKIPPED: entry.skipped,
                ATTR_DONE_AT: entry.done_at.isoformat(),
            },
        )

    async def async_set_done(self, uid: str, done: bool) -> None:
        """Check (log as done as prescribed, now) or uncheck (remove that log) a to-do item.

        Raises ``ServiceValidationError`` ``exercise_item_unknown`` for an
        item not on today's list (yesterday's until local noon).
        """
        item = next((i for i in self.status.items if i.occurrence.uid == uid), None)
        if item is None:
            raise _refused("exercise_item_unknown")
        occurrence = item.occurrence
        exercise_id = occurrence.exercise.exercise_id
        if done and not item.done:
            entry = ExerciseLog(
                exercise_id=exercise_id,
                done_at=dt_util.utcnow(),
                day=occurrence.day,
                target=occurrence.exercise.target,
                slot=occurrence.slot,
            )
            await self._async_add(entry, occurrence.exercise)
        elif not done and item.done:
            self._diary.remove(exercise_id, occurrence.day, occurrence.slot)
            await self._host.records.async_changed()


def _refused(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )
