"""Logbook entries for the events, so the history reads "Heat session ended: completed".

The entries are said in Home Assistant's language (the ``logbook_*`` texts),
times on that language's clock, each with an icon.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_ACTIVITY,
    ATTR_ACTIVITY_NAME,
    ATTR_ALLOWED_AT,
    ATTR_AVERAGE,
    ATTR_CAUSE,
    ATTR_CLEARED_BY,
    ATTR_CLEARED_ON,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDS_AT,
    ATTR_EXERCISE,
    ATTR_LEVEL,
    ATTR_MODALITY,
    ATTR_MOST_DOSES_24H,
    ATTR_NEXT_DOSE_ALLOWED,
    ATTR_REACHABLE,
    ATTR_REASON,
    ATTR_SKIPPED,
    ATTR_TAKEN_AT,
    ATTR_TO_PHASE,
    BLOCKED_HEAT_HOURS,
    CONF_MAX_DOSES_PER_24H,
    DOMAIN,
    RecoveryEvent,
)
from .texts import (
    Texts,
    activity_text,
    async_load_texts,
    cached_texts,
    clock_hours,
    date_text,
    dose_warning_text,
    moment_text,
)
from .therapy import Modality, SwitchCause

MODALITY_ICONS: Final[dict[str, str]] = {
    Modality.ICE: "mdi:snowflake",
    Modality.HEAT: "mdi:heating-coil",
}
"""A started session's icon, as the recommended therapy sensor shows the modality."""
ICONS: Final[dict[str, str]] = {
    RecoveryEvent.SESSION_STARTED: "mdi:timer-play-outline",
    RecoveryEvent.SESSION_ENDED: "mdi:timer-check-outline",
    RecoveryEvent.SESSION_BLOCKED: "mdi:hand-back-right-off-outline",
    RecoveryEvent.SKIN_REST_OVER: "mdi:hand-back-right-outline",
    RecoveryEvent.PHASE_CHANGED: "mdi:calendar-arrow-right",
    RecoveryEvent.HEATING_PAD_NOT_RESPONDING: "mdi:power-plug-off",
    RecoveryEvent.HEATING_PAD_SWITCHING_OFF: "mdi:radiator-off",
    RecoveryEvent.PAIN_LOGGED: "mdi:clipboard-pulse-outline",
    RecoveryEvent.REVIEW_RECOMMENDED: "mdi:doctor",
    RecoveryEvent.DOSE_LOGGED: "mdi:pill",
    RecoveryEvent.MEDICATION_WARNING: "mdi:pill-off",
    RecoveryEvent.EXERCISE_LOGGED: "mdi:human-handsup",
    RecoveryEvent.EXERCISE_PAIN: "mdi:alert-octagon-outline",
    RecoveryEvent.ACTIVITY_CLEARED: "mdi:check-decagram-outline",
    RecoveryEvent.CLEARANCE_WITHDRAWN: "mdi:close-octagon-outline",
}
"""Each event's icon, the icon of the entity that shows the same (``icons.json``)."""


def _moment(iso: str | None, texts: Texts) -> str:
    """Say an ISO moment as a refusal does (``03:20``, ``2026-11-26 00:10``); ``?`` without one.

    The logbook describes a row when it shows it and passes no ``time_fired``,
    so the day is said when it is not today's. The clock is the language's.
    """
    moment = dt_util.parse_datetime(iso or "")
    return moment_text(moment, hours=clock_hours(texts)) if moment else "?"


def _session(data: dict[str, Any], texts: Texts) -> str:
    """Say the event's kind of session: ``Heat session``; its modality without a text."""
    modality = str(data.get(ATTR_MODALITY, ""))
    return texts.get(f"session_{modality}", modality)


def _phase(data: dict[str, Any], texts: Texts) -> str:
    value = str(data.get(ATTR_TO_PHASE, ""))
    return texts.get(f"phase_{value}", value)


def _activity(data: dict[str, Any], texts: Texts) -> str:
    """Say the event's activity: ``Running and jumping``; an own one by its name."""
    said = activity_text(
        str(data.get(ATTR_ACTIVITY, "")), data.get(ATTR_ACTIVITY_NAME), texts
    )
    return said[:1].upper() + said[1:]


def _day(iso: str | None, texts: Texts) -> str:
    """Say an ISO date in words (``3 March``); ``?`` without one."""
    day = dt_util.parse_date(iso or "")
    return date_text(day, texts) if day else "?"


def _reason(data: dict[str, Any], texts: Texts) -> str:
    reason = str(data.get(ATTR_REASON, ""))
    return texts.get(f"end_reason_{reason}", reason)


def _next_dose(data: dict[str, Any], texts: Texts) -> str:
    """Say when the next dose is allowed by the limits the person entered; nothing when now."""
    if not (iso := data.get(ATTR_NEXT_DOSE_ALLOWED)):
        return ""
    template = texts.get("medication_next_dose_allowed", "{moment}")
    return template.format(moment=_moment(str(iso), texts))


PLACEHOLDERS: Final[dict[str, Callable[[dict[str, Any], Texts], dict[str, str]]]] = {
    RecoveryEvent.SESSION_STARTED: lambda d, t: {
        "session": _session(d, t),
        "ends_at": _moment(d.get(ATTR_ENDS_AT), t),
    },
    RecoveryEvent.SESSION_ENDED: lambda d, t: {
        "session": _session(d, t),
        "reason": _reason(d, t),
    },
    RecoveryEvent.SESSION_BLOCKED: lambda d, t: {
        "session": _session(d, t),
        "allowed_at": _moment(d.get(ATTR_ALLOWED_AT), t),
    },
    RecoveryEvent.SKIN_REST_OVER: lambda d, t: {},
    RecoveryEvent.PHASE_CHANGED: lambda d, t: {"phase": _phase(d, t)},
    RecoveryEvent.HEATING_PAD_NOT_RESPONDING: lambda d, t: {},
    RecoveryEvent.HEATING_PAD_SWITCHING_OFF: lambda d, t: {},
    RecoveryEvent.PAIN_LOGGED: lambda d, t: {"level": str(d.get(ATTR_LEVEL, "?"))},
    RecoveryEvent.REVIEW_RECOMMENDED: lambda d, t: {
        "average": str(d.get(ATTR_AVERAGE, "?"))
    },
    RecoveryEvent.DOSE_LOGGED: lambda d, t: {
        "name": str(d.get("name", "?")),
        "taken_at": _moment(d.get(ATTR_TAKEN_AT), t),
    },
    RecoveryEvent.MEDICATION_WARNING: lambda d, t: {
        "name": str(d.get("name", "?")),
        "warning": dose_warning_text(
            t,
            d.get(ATTR_REASON, ""),
            d.get(ATTR_MOST_DOSES_24H),
            d.get(CONF_MAX_DOSES_PER_24H),
        ),
        "next_dose_allowed": _next_dose(d, t),
    },
    RecoveryEvent.EXERCISE_LOGGED: lambda d, t: {
        "exercise": str(d.get(ATTR_EXERCISE, "?"))
    },
    RecoveryEvent.EXERCISE_PAIN: lambda d, t: {
        "exercise": str(d.get(ATTR_EXERCISE, "?"))
    },
    RecoveryEvent.ACTIVITY_CLEARED: lambda d, t: {
        "activity": _activity(d, t),
        "by": str(d.get(ATTR_CLEARED_BY, "?")),
        "date": _day(d.get(ATTR_CLEARED_ON), t),
    },
    RecoveryEvent.CLEARANCE_WITHDRAWN: lambda d, t: {"activity": _activity(d, t)},
}
"""Each event's text is ``logbook_<event>``, filled with these placeholders."""


def describe_event(
    event_type: str, data: dict[str, Any], texts: Texts
) -> tuple[str, str]:
    """Return an event's logbook message and icon, said with ``texts``.

    A start undone because the plug switched itself on (``cause`` ``plug``)
    says so (rule 16), and one refused outside the heat hours (``reason``
    ``heat_hours``) too (rule 19); a skipped exercise says it was skipped. Before the texts are loaded the message is the event's name and its
    placeholders, so nothing is lost.
    """
    event = RecoveryEvent(event_type)
    placeholders = PLACEHOLDERS[event](data, texts)
    icon = ICONS[event]
    if event is RecoveryEvent.SESSION_STARTED:
        icon = MODALITY_ICONS.get(str(data.get(ATTR_MODALITY)), icon)
    key = event.short_name
    if event is RecoveryEvent.HEATING_PAD_NOT_RESPONDING and not data.get(
        ATTR_REACHABLE, True
    ):
        key = "heating_pad_unreachable"
    if event is RecoveryEvent.SESSION_BLOCKED:
        if data.get(ATTR_CAUSE) == SwitchCause.PLUG:
            # Rule 16: not a person's refused start.
            key = "session_blocked_plug"
        elif data.get(ATTR_REASON) == BLOCKED_HEAT_HOURS:
            # Rule 19: refused or undone outside the heat hours.
            key = "session_blocked_heat_hours"
    if event is RecoveryEvent.EXERCISE_LOGGED and data.get(ATTR_SKIPPED):
        key = "exercise_skipped"
    if (template := texts.get(f"logbook_{key}")) is None:
        return " ".join([event.short_name, *placeholders.values()]), icon
    return template.format(**placeholders), icon


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe the integration's events for the logbook, in Home Assistant's language."""
    hass.async_create_task(async_load_texts(hass), eager_start=True)

    @callback
    def describe(event: Event) -> dict[str, str]:
        entry = hass.config_entries.async_get_entry(
            str(event.data.get(ATTR_CONFIG_ENTRY_ID, ""))
        )
        message, icon = describe_event(
            str(event.event_type), dict(event.data), cached_texts(hass)
        )
        described = {
            LOGBOOK_ENTRY_NAME: entry.title if entry else "Back Recovery",
            LOGBOOK_ENTRY_MESSAGE: message,
            LOGBOOK_ENTRY_ICON: icon,
        }
        if plug := event.data.get(ATTR_ENTITY_ID):
            # The plug's own entries link here, and this entry to the plug.
            described[LOGBOOK_ENTRY_ENTITY_ID] = str(plug)
        return described

    for event_type in PLACEHOLDERS:
        async_describe_event(DOMAIN, event_type, describe)
