"""Constants for Back Recovery: names from the public interface, limits from the guidance."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from homeassistant.const import Platform

from .session import SESSION_MINUTES_CEILING

DOMAIN: Final = "back_recovery"
DEFAULT_NAME: Final = "Back recovery"

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.SENSOR,
    Platform.SWITCH,
]

# Config entry data (the user and reconfigure steps).
CONF_NAME: Final = "name"
CONF_INJURY_DATE: Final = "injury_date"
CONF_HEATING_PAD: Final = "heating_pad"
EARLIEST_INJURY_DATE: Final = date(2000, 1, 1)

# Options. The guidance: "less than 20 minutes at a time" (a hard ceiling) and
# "at least 2 hours between applications" (a hard floor).
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
CONF_REMIND_BEFORE_END_MINUTES: Final = "remind_before_end_minutes"
CONF_QUIET_START: Final = "quiet_start"
CONF_QUIET_END: Final = "quiet_end"

# Whole-number options: default and allowed range (inclusive).
INT_OPTIONS: Final[dict[str, tuple[int, int, int]]] = {
    CONF_SESSION_MINUTES: (SESSION_MINUTES_CEILING, 1, SESSION_MINUTES_CEILING),
    CONF_REST_GAP_MINUTES: (120, 120, 1440),
    CONF_ICE_DAYS: (1, 0, 7),
    CONF_REST_WEEKS: (6, 1, 52),
    CONF_REHABILITATION_WEEKS: (6, 1, 52),
    CONF_RETURN_WEEKS: (12, 1, 52),
    CONF_REMIND_BEFORE_END_MINUTES: (2, 0, 10),
}
BOOL_OPTIONS: Final = (
    CONF_REMIND_SESSION_END,
    CONF_REMIND_REST_OVER,
    CONF_REMIND_PHASE_CHANGE,
)
DEFAULT_QUIET_TIME: Final = "00:00:00"

DEFAULT_OPTIONS: Final[dict[str, object]] = {
    **{key: default for key, (default, _, _) in INT_OPTIONS.items()},
    CONF_NOTIFY_ENTITIES: [],
    CONF_ANNOUNCE_SATELLITES: [],
    **dict.fromkeys(BOOL_OPTIONS, True),
    CONF_QUIET_START: DEFAULT_QUIET_TIME,
    CONF_QUIET_END: DEFAULT_QUIET_TIME,
}

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


class Service(StrEnum):
    """The integration's actions."""

    START_SESSION = "start_session"
    STOP_SESSION = "stop_session"
    SET_PHASE = "set_phase"
    LOG_SESSION = "log_session"


# Events on the bus.
EVENT_SESSION_STARTED: Final = "back_recovery_session_started"
EVENT_SESSION_ENDED: Final = "back_recovery_session_ended"
EVENT_SESSION_BLOCKED: Final = "back_recovery_session_blocked"
EVENT_SKIN_REST_OVER: Final = "back_recovery_skin_rest_over"
EVENT_PHASE_CHANGED: Final = "back_recovery_phase_changed"
EVENT_HEATING_PAD_NOT_RESPONDING: Final = "back_recovery_heating_pad_not_responding"

# Repair issues (the entry id is appended).
ISSUE_HEATING_PAD_UNREACHABLE: Final = "heating_pad_unreachable"
ISSUE_HEATING_PAD_MISSING: Final = "heating_pad_missing"
ISSUE_HEATING_PAD_NOT_RESPONDING: Final = "heating_pad_not_responding"
ISSUE_STORAGE_NOT_WRITABLE: Final = "storage_not_writable"

STORAGE_VERSION: Final = 1
STORAGE_MINOR_VERSION: Final = 1
MAX_STORED_SESSIONS: Final = 1000
