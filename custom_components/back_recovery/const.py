"""Constants for Back Recovery: names from the public interface, limits from the guidance."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "back_recovery"
DEFAULT_NAME: Final = "Back recovery"

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TODO,
]

# Config entry data (the user and reconfigure steps).
CONF_NAME: Final = "name"
CONF_INJURY_DATE: Final = "injury_date"
CONF_HEATING_PAD: Final = "heating_pad"
EARLIEST_INJURY_DATE: Final = date(2000, 1, 1)

# Options: their types, defaults and ranges are in options.py.
CONF_SESSION_MINUTES: Final = "session_minutes"
CONF_REST_GAP_MINUTES: Final = "rest_gap_minutes"
CONF_ICE_DAYS: Final = "ice_days"
CONF_REST_WEEKS: Final = "rest_weeks"
CONF_REHABILITATION_WEEKS: Final = "rehabilitation_weeks"
CONF_RETURN_WEEKS: Final = "return_weeks"
CONF_NOTIFY_ENTITIES: Final = "notify_entities"
CONF_ANNOUNCE_SATELLITES: Final = "announce_satellites"
CONF_REMIND_SESSION_END: Final = "remind_session_end"
CONF_REMIND_REST_OVER: Final = "remind_rest_over"
CONF_REMIND_PHASE_CHANGE: Final = "remind_phase_change"
CONF_REMIND_REVIEW: Final = "remind_review"
CONF_REMIND_BEFORE_END_MINUTES: Final = "remind_before_end_minutes"
CONF_QUIET_START: Final = "quiet_start"
CONF_QUIET_END: Final = "quiet_end"
# The plug's own auto-off as a backstop (rule 15): config flow, reconfigure and
# options, stored with the options (none by default).
CONF_PLUG_AUTO_OFF: Final = "plug_auto_off"
CONF_PLUG_AUTO_OFF_SWITCH: Final = "plug_auto_off_switch"
CONF_HEAT_HOURS_START: Final = "heat_hours_start"
CONF_HEAT_HOURS_END: Final = "heat_hours_end"
CONF_POWER_SENSOR: Final = "power_sensor"
CONF_POWER_THRESHOLD: Final = "power_threshold"
# The morning check-in (contract "Exercises"): a local time, none by default.
CONF_MORNING_CHECK_IN: Final = "morning_check_in"

BLOCKED_HEAT_HOURS: Final = "heat_hours"
"""``session_blocked``'s ``reason`` for heat outside the heat hours (contract rule 19)."""

# Actions and their fields.
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_MODALITY: Final = "modality"
ATTR_MINUTES: Final = "minutes"
ATTR_PHASE: Final = "phase"
ATTR_ENDED_AT: Final = "ended_at"
ATTR_ENDS_AT: Final = "ends_at"
ATTR_REASON: Final = "reason"
ATTR_ALLOWED_AT: Final = "allowed_at"
ATTR_FROM_PHASE: Final = "from_phase"
ATTR_TO_PHASE: Final = "to_phase"
ATTR_LEVEL: Final = "level"
ATTR_RECORDED_AT: Final = "recorded_at"
ATTR_NOTE: Final = "note"
ATTR_BASELINE: Final = "baseline"
ATTR_AVERAGE: Final = "average"
ATTR_ABOVE: Final = "above"
ATTR_REACHABLE: Final = "reachable"
ATTR_CAUSE: Final = "cause"

# Activities and the return to activity (contract "Activities and return to
# activity"): the option naming the person's own, the actions' fields.
CONF_OWN_ACTIVITIES: Final = "own_activities"
ATTR_ACTIVITY: Final = "activity"
ATTR_ACTIVITY_NAME: Final = "name"
ATTR_CLEARED_ON: Final = "cleared_on"
ATTR_CLEARED_BY: Final = "by"
ATTR_WITHDRAWN_ON: Final = "withdrawn_on"


# The rehabilitation programme (contract "Exercises"): the subentry type, the
# action's fields and the event's data.
SUBENTRY_EXERCISE: Final = "exercise"
ATTR_EXERCISE: Final = "exercise"
ATTR_EXERCISE_ID: Final = "exercise_id"
ATTR_DONE_AT: Final = "done_at"
ATTR_SETS_DONE: Final = "sets_done"
ATTR_REPS_DONE: Final = "reps_done"
ATTR_SECONDS_DONE: Final = "seconds_done"
ATTR_PAIN_DURING: Final = "pain_during"
ATTR_SKIPPED: Final = "skipped"
ATTR_SKIP_REASON: Final = "skip_reason"


class Service(StrEnum):
    """The integration's actions."""

    START_SESSION = "start_session"
    STOP_SESSION = "stop_session"
    SET_PHASE = "set_phase"
    LOG_SESSION = "log_session"
    LOG_PAIN = "log_pain"
    LOG_EXERCISE = "log_exercise"
    # Pain medication (issue 24).
    LOG_DOSE = "log_dose"
    RECORD_CLEARANCE = "record_clearance"
    WITHDRAW_CLEARANCE = "withdraw_clearance"


class RecoveryEvent(StrEnum):
    """The events on the bus, by their full event type (contract: "Events on the bus")."""

    SESSION_STARTED = "back_recovery_session_started"
    SESSION_ENDED = "back_recovery_session_ended"
    SESSION_BLOCKED = "back_recovery_session_blocked"
    SKIN_REST_OVER = "back_recovery_skin_rest_over"
    PHASE_CHANGED = "back_recovery_phase_changed"
    HEATING_PAD_NOT_RESPONDING = "back_recovery_heating_pad_not_responding"
    HEATING_PAD_SWITCHING_OFF = "back_recovery_heating_pad_switching_off"
    """Fired just before each ``turn_off`` of the plug, in the context the call carries.

    The plug's switch-off then shows in the logbook as Back Recovery's doing,
    not as an anonymous ``switch.turn_off``.
    """
    PAIN_LOGGED = "back_recovery_pain_logged"
    REVIEW_RECOMMENDED = "back_recovery_review_recommended"
    EXERCISE_PAIN = "back_recovery_exercise_pain"
    """An exercise's response turned ``red`` (contract "Exercises")."""
    # Pain medication (issue 24).
    DOSE_LOGGED = "back_recovery_dose_logged"
    MEDICATION_WARNING = "back_recovery_medication_warning"
    EXERCISE_LOGGED = "back_recovery_exercise_logged"
    """An exercise was logged, done or skipped (``exercise``, ``skipped``, ``done_at``; no note)."""
    ACTIVITY_CLEARED = "back_recovery_activity_cleared"
    CLEARANCE_WITHDRAWN = "back_recovery_clearance_withdrawn"

    @property
    def short_name(self) -> str:
        """The event type without the domain prefix (``session_started``).

        The device trigger of an event has this type (contract: "Device triggers").
        """
        return self.value.removeprefix(f"{DOMAIN}_")


# Pain medication (contract "Pain medication", issue 24): the subentry type,
# its fields, and the fields of ``log_dose`` and its events.
SUBENTRY_MEDICATION: Final = "medication"
CONF_KIND: Final = "kind"
CONF_MIN_HOURS_BETWEEN: Final = "min_hours_between"
CONF_MAX_DOSES_PER_24H: Final = "max_doses_per_24h"
CONF_LIMITS_FROM: Final = "limits_from"
CONF_SUPPLY: Final = "supply"
CONF_SUPPLY_COUNTED_AT: Final = "supply_counted_at"
CONF_NOTIFY_WARNINGS: Final = "notify_warnings"
ATTR_MEDICATION: Final = "medication"
ATTR_TAKEN_AT: Final = "taken_at"
ATTR_NEXT_DOSE_ALLOWED: Final = "next_dose_allowed"
ATTR_DOSES_24H: Final = "doses_24h"
ATTR_MOST_DOSES_24H: Final = "most_doses_24h"
"""The most doses in any rolling 24 hours that hold a recorded dose (it counted)."""
ATTR_WARNINGS: Final = "warnings"

# Repair issues: the translation key; the issue id appends the entry id.
ISSUE_HEATING_PAD_UNREACHABLE: Final = "heating_pad_unreachable"
ISSUE_HEATING_PAD_MISSING: Final = "heating_pad_missing"
ISSUE_HEATING_PAD_NOT_RESPONDING: Final = "heating_pad_not_responding"
ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON: Final = "heating_pad_switches_itself_on"
ISSUE_STORAGE_NOT_WRITABLE: Final = "storage_not_writable"
ISSUE_PAIN_NOT_IMPROVING: Final = "pain_not_improving"
ISSUE_PLUG_AUTO_OFF_NOT_SET: Final = "plug_auto_off_not_set"
ALARM_ISSUES: Final = (
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
    ISSUE_HEATING_PAD_SWITCHES_ITSELF_ON,
)
"""The plug's issues that the urgent alarm's notification stands with (rules 5, 10, 16)."""
PLUG_OFF_ISSUES: Final = (
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
)
"""The plug's issues that its confirmed ``off`` clears (rules 5, 10)."""


def issue_id(key: str, entry_id: str) -> str:
    """Return the id of repair issue ``key`` for one entry (``heating_pad_missing_<entry id>``).

    The contract: issue ids start with the key; the entry id keeps several
    people apart.
    """
    return f"{key}_{entry_id}"


def alarm_notification_id(entry_id: str) -> str:
    """Return the id of entry ``entry_id``'s persistent notification "Unplug the heating pad"."""
    return f"{DOMAIN}_{entry_id}_unplug_heating_pad"


def unique_id(entry_id: str, key: str) -> str:
    """Return the unique id of the entity ``key`` of one entry (``<entry id>_heating_pad``)."""
    return f"{entry_id}_{key}"


def storage_key(entry_id: str) -> str:
    """Return the key of an entry's history in Home Assistant's storage (``back_recovery.<entry id>``)."""
    return f"{DOMAIN}.{entry_id}"


STORAGE_VERSION: Final = 1
STORAGE_MINOR_VERSION: Final = 3
"""2: the pain diary (``pain``) beside the sessions; 1 had none."""
PLUG_REST_STORAGE_KEY: Final = f"{DOMAIN}.plug_rest"
"""Where the rest removed recoveries left on their plugs is kept (``engine.plug_memory``)."""
PLUG_REST_STORAGE_VERSION: Final = 1
MAX_STORED_SESSIONS: Final = 1000

# The brace (contract "Brace", issue 24): options, entity keys, the stored part.
CONF_BRACE_HOURS_PER_DAY: Final = "brace_hours_per_day"
CONF_BRACE_SENSOR: Final = "brace_sensor"
BRACE_RECORD_KEY: Final = "brace"
BRACE_HOURS_TODAY: Final = "brace_hours_today"
BRACE_ADHERENCE_7D: Final = "brace_adherence_7d"
BRACE_WORN: Final = "brace_worn"
