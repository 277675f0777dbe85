"""The options of one recovery: typed, with the contract's defaults and ranges.

The one place that fills in the defaults of options never set is
``RecoveryOptions``: its fields carry the defaults of ``contract.md`` (options
flow, step ``init``), and ``RecoveryOptions.from_mapping`` reads stored options
over them. The ranges come from the guidance (``seed/recovery-guide.txt``):
"less than 20 minutes at a time" is a hard ceiling of ``session_minutes``,
"at least 2 hours between applications" a hard floor of ``rest_gap_minutes``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from datetime import date, time
from types import MappingProxyType
from typing import Any, Final, Self

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_BRACE_HOURS_PER_DAY,
    CONF_BRACE_SENSOR,
    CONF_HEAT_HOURS_END,
    CONF_HEAT_HOURS_START,
    CONF_ICE_DAYS,
    CONF_MORNING_CHECK_IN,
    CONF_NOTIFY_ENTITIES,
    CONF_OWN_ACTIVITIES,
    CONF_PLUG_AUTO_OFF,
    CONF_PLUG_AUTO_OFF_SWITCH,
    CONF_POWER_SENSOR,
    CONF_POWER_THRESHOLD,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REHABILITATION_WEEKS,
    CONF_REMIND_BEFORE_END_MINUTES,
    CONF_REMIND_PHASE_CHANGE,
    CONF_REMIND_REST_OVER,
    CONF_REMIND_REVIEW,
    CONF_REMIND_SESSION_END,
    CONF_REST_GAP_MINUTES,
    CONF_REST_WEEKS,
    CONF_RETURN_WEEKS,
    CONF_SESSION_MINUTES,
)
from .therapy import (
    BRACE_HOURS_MAX,
    MAX_OWN_ACTIVITIES,
    OWN_NAME_MAX_LENGTH,
    SESSION_MINUTES_CEILING,
    HeatHours,
    Phase,
    PhaseSchedule,
    TherapySettings,
    is_guidance_name,
    name_key,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberOption:
    """A whole-number option: its default and its allowed range, both ends included.

    A value outside the range is refused by the options form, never clamped
    (contract.md, options flow).
    """

    default: int
    minimum: int
    maximum: int

    def whole(self, value: float) -> int:
        """Return a form's number (number selectors hand over floats) as an ``int``.

        Raises ``ValueError`` when it has a fraction: refused, never rounded.
        """
        if not float(value).is_integer():
            raise ValueError(f"{value} is not a whole number")
        return int(value)

    def out_of_range(self, value: float) -> str | None:
        """Say how ``value`` misses the range: ``too_small``, ``too_large``; ``None`` within it."""
        if value < self.minimum:
            return "too_small"
        if value > self.maximum:
            return "too_large"
        return None


SESSION_MINUTES: Final = NumberOption(
    default=SESSION_MINUTES_CEILING, minimum=1, maximum=SESSION_MINUTES_CEILING
)
"""Minutes a session lasts at most: 20 at most, the guidance's ceiling."""
REST_GAP_MINUTES: Final = NumberOption(default=120, minimum=120, maximum=1440)
"""Minutes between the end of a session and the next start: 2 hours at least."""
ICE_DAYS: Final = NumberOption(default=1, minimum=0, maximum=7)
"""Days after the injury date on which ice, not heat, is recommended."""
REST_WEEKS: Final = NumberOption(default=6, minimum=1, maximum=52)
"""Weeks of the ``rest`` phase."""
REHABILITATION_WEEKS: Final = NumberOption(default=6, minimum=1, maximum=52)
"""Weeks of the ``rehabilitation`` phase."""
RETURN_WEEKS: Final = NumberOption(default=12, minimum=1, maximum=52)
"""Weeks of the ``return_to_activity`` phase."""
REMIND_BEFORE_END_MINUTES: Final = NumberOption(default=2, minimum=0, maximum=10)
"""Minutes before a session's end for a heads-up; 0 sends none."""
POWER_THRESHOLD: Final = NumberOption(default=10, minimum=1, maximum=200)
"""Watts above which the power sensor says the pad draws power (rule 14)."""
BRACE_HOURS_PER_DAY: Final = NumberOption(default=0, minimum=0, maximum=BRACE_HOURS_MAX)
"""Hours a day the brace is prescribed (contract "Brace"); 0: no brace."""

NUMBER_OPTIONS: Final[Mapping[str, NumberOption]] = MappingProxyType(
    {
        CONF_SESSION_MINUTES: SESSION_MINUTES,
        CONF_REST_GAP_MINUTES: REST_GAP_MINUTES,
        CONF_ICE_DAYS: ICE_DAYS,
        CONF_REST_WEEKS: REST_WEEKS,
        CONF_REHABILITATION_WEEKS: REHABILITATION_WEEKS,
        CONF_RETURN_WEEKS: RETURN_WEEKS,
        CONF_REMIND_BEFORE_END_MINUTES: REMIND_BEFORE_END_MINUTES,
        CONF_POWER_THRESHOLD: POWER_THRESHOLD,
        CONF_BRACE_HOURS_PER_DAY: BRACE_HOURS_PER_DAY,
    }
)
"""The whole-number options by key, in the form's order."""

ENTITY_OPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {CONF_NOTIFY_ENTITIES: "notify", CONF_ANNOUNCE_SATELLITES: "assist_satellite"}
)
"""The options that list entities, with the domain of those entities."""

SWITCH_OPTIONS: Final = (
    CONF_REMIND_SESSION_END,
    CONF_REMIND_REST_OVER,
    CONF_REMIND_PHASE_CHANGE,
    CONF_REMIND_REVIEW,
)
"""The on/off options (all on by default)."""

TIME_OPTIONS: Final = (
    CONF_QUIET_START,
    CONF_QUIET_END,
    CONF_HEAT_HOURS_START,
    CONF_HEAT_HOURS_END,
)
"""The local times of day (stored as ``HH:MM:SS``), in the form's order."""

BACKSTOP_OPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {CONF_PLUG_AUTO_OFF: "number", CONF_PLUG_AUTO_OFF_SWITCH: "switch"}
)
"""The plug's auto-off and its enabling switch (rule 15), with their domains.

One entity each or none; stored only when set.
"""

CHECK_IN_OPTIONS: Final = (CONF_MORNING_CHECK_IN,)
"""The local times that may be none (off; stored only when set): the morning check-in."""

MIDNIGHT: Final = time(0, 0)


def _entity_ids(value: Any) -> tuple[str, ...]:
    return tuple(str(entity_id) for entity_id in value)


def _entity_id(value: Any) -> str | None:
    return str(value) if value else None


def own_activity_names(value: Any) -> tuple[str, ...]:
    """Return the names of the person's own activities: trimmed, none empty, each once.

    The same name case and spaces aside counts once (``therapy.name_key``;
    the first spelling is kept).
    """
    names: dict[str, str] = {}
    for item in value or ():
        if name := str(item).strip():
            names.setdefault(name_key(name), name)
    return tuple(names.values())


def own_activities_error(value: Any) -> str | None:
    """Say what is wrong with the names of the own activities a form gave; ``None`` if nothing.

    ``own_activity_too_long`` (a name over 50 characters),
    ``too_many_own_activities`` (over 20): refused, never cut;
    ``own_activity_guidance_name``: the name of one of the guidance's
    activities in English or German, case aside (it has its own sensor).
    """
    names = own_activity_names(value)
    if any(len(name) > OWN_NAME_MAX_LENGTH for name in names):
        return "own_activity_too_long"
    if any(is_guidance_name(name) for name in names):
        return "own_activity_guidance_name"
    if len(names) > MAX_OWN_ACTIVITIES:
        return "too_many_own_activities"
    return None


def _time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _optional_time(value: Any) -> time | None:
    return _time(value) if value else None


_READERS: Final[Mapping[str, Callable[[Any], Any]]] = MappingProxyType(
    {
        **dict.fromkeys(NUMBER_OPTIONS, int),
        **dict.fromkeys(ENTITY_OPTIONS, _entity_ids),
        **dict.fromkeys(SWITCH_OPTIONS, bool),
        **dict.fromkeys(TIME_OPTIONS, _time),
        **dict.fromkeys(BACKSTOP_OPTIONS, _entity_id),
        CONF_POWER_SENSOR: _entity_id,
        CONF_BRACE_SENSOR: _entity_id,
        **dict.fromkeys(CHECK_IN_OPTIONS, _optional_time),
        CONF_OWN_ACTIVITIES: own_activity_names,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryOptions:
    """One entry's options; a field never set has the contract's default.

    Field names are the option keys (``CONF_*`` in ``const.py``).
    """

    session_minutes: int = SESSION_MINUTES.default
    rest_gap_minutes: int = REST_GAP_MINUTES.default
    ice_days: int = ICE_DAYS.default
    rest_weeks: int = REST_WEEKS.default
    rehabilitation_weeks: int = REHABILITATION_WEEKS.default
    return_weeks: int = RETURN_WEEKS.default
    notify_entities: tuple[str, ...] = ()
    announce_satellites: tuple[str, ...] = ()
    remind_session_end: bool = True
    remind_rest_over: bool = True
    remind_phase_change: bool = True
    remind_review: bool = True
    """A reminder when ``review_recommended`` turns on (the pain diary)."""
    remind_before_end_minutes: int = REMIND_BEFORE_END_MINUTES.default
    quiet_start: time = MIDNIGHT
    """Start of the quiet hours, local time; equal to ``quiet_end``: none."""
    quiet_end: time = MIDNIGHT
    """End of the quiet hours, local time (exclusive)."""
    plug_auto_off: str | None = None
    """The plug's auto-off ``number`` (unit ``s``, ``min`` or ``h``), set before each heat start."""
    plug_auto_off_switch: str | None = None
    """The ``switch`` that enables the auto-off, turned on before each heat start."""
    heat_hours_start: time = MIDNIGHT
    """Start of the heat hours, local time (rule 19); equal to ``heat_hours_end``: any time."""
    heat_hours_end: time = MIDNIGHT
    """End of the heat hours, local time (exclusive); may be after midnight."""
    power_sensor: str | None = None
    """The heating pad's power sensor (rule 14); ``None``: the plug's report alone counts."""
    power_threshold: int = POWER_THRESHOLD.default
    """Watts: a reading above it counts as the pad on, whatever the plug reports."""
    brace_hours_per_day: int = BRACE_HOURS_PER_DAY.default
    """Hours a day the brace is prescribed; 0: no brace (its entities are absent)."""
    brace_sensor: str | None = None
    """A ``binary_sensor`` on while the brace is worn, or a temperature ``sensor`` in it
    (worn above 30 °C); ``None``: the ``brace_worn`` switch says it."""
    morning_check_in: time | None = None
    """Local time of the morning check-in (contract "Exercises"); ``None``: no check-in."""
    own_activities: tuple[str, ...] = ()
    """The person's own activities to avoid until cleared (besides the guidance's three)."""

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> Self:
        """Read stored (or submitted) options; the defaults fill the rest.

        Values are taken as they are, not checked against the ranges (the
        options form checks them). Keys that are no option are ignored.
        Raises ``ValueError`` or ``TypeError`` for a value of the wrong kind.
        """
        return cls(
            **{
                key: read(options[key])
                for key, read in _READERS.items()
                if key in options
            }
        )

    @classmethod
    def from_entry(cls, entry: ConfigEntry) -> Self:
        """Read a config entry's options; see ``from_mapping``."""
        return cls.from_mapping(entry.options)

    def as_dict(self) -> dict[str, Any]:
        """Return the options as a config entry stores them (lists, ``HH:MM:SS``).

        An auto-off or its switch that is not set is left out, and so are no
        power sensor, no brace sensor and no morning check-in.
        """
        stored = asdict(self)
        for key in (
            *BACKSTOP_OPTIONS,
            CONF_POWER_SENSOR,
            CONF_BRACE_SENSOR,
            *CHECK_IN_OPTIONS,
        ):
            if stored[key] is None:
                del stored[key]
        for key in (*ENTITY_OPTIONS, CONF_OWN_ACTIVITIES):
            stored[key] = list(stored[key])
        for key in (*TIME_OPTIONS, *CHECK_IN_OPTIONS):
            if key in stored:
                stored[key] = stored[key].isoformat()
        return stored

    def therapy_settings(self) -> TherapySettings:
        """Return the settings that govern sessions: minutes, and the heat hours.

        The heat hours are read in Home Assistant's time zone, asked at each
        decision (``HeatHours.zone``), so a change of the zone applies at once.
        """
        return TherapySettings(
            session_minutes=self.session_minutes,
            rest_gap_minutes=self.rest_gap_minutes,
            heat_hours=HeatHours(
                self.heat_hours_start,
                self.heat_hours_end,
                zone=dt_util.get_default_time_zone,
            ),
        )

    def phase_schedule(
        self, injury_date: date, anchor: PhaseSchedule | None = None
    ) -> PhaseSchedule:
        """Return the phase schedule from ``injury_date`` (a local date).

        ``anchor`` is the schedule these options replace: its ``set_phase``
        anchor (phase and date) is kept; without it the phases count from the
        injury date.
        """
        return PhaseSchedule(
            injury_date=injury_date,
            rest_weeks=self.rest_weeks,
            rehabilitation_weeks=self.rehabilitation_weeks,
            return_weeks=self.return_weeks,
            ice_days=self.ice_days,
            anchor_phase=anchor.anchor_phase if anchor else Phase.REST,
            anchor_date=anchor.anchor_date if anchor else None,
        )


def submitted_check_in(
    submitted: Collection[str], user_input: Mapping[str, Any], current: time | None
) -> time | None:
    """Return the morning check-in an options form submits; ``current`` when it says nothing.

    ``submitted`` are the fields the submission named, before the form's
    defaults filled the rest. An empty value is off. The frontend leaves a
    cleared field out of what it sends, but sends every field that has a
    default: such a whole form without the check-in turns it off, while a
    caller who submits a subset of the options keeps it.
    """
    if CONF_MORNING_CHECK_IN in submitted:
        value = user_input.get(CONF_MORNING_CHECK_IN)
        return cv.time(value) if value else None
    # Every field the form gives a default; the brace's hours are only suggested.
    numbers = [key for key in NUMBER_OPTIONS if key != CONF_BRACE_HOURS_PER_DAY]
    whole_form = (*numbers, *ENTITY_OPTIONS, *SWITCH_OPTIONS, *TIME_OPTIONS)
    return None if all(key in submitted for key in whole_form) else current


DEFAULT_OPTIONS: Final[Mapping[str, Any]] = MappingProxyType(
    RecoveryOptions().as_dict()
)
"""The contract's defaults as a config entry stores them."""
