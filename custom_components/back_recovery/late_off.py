"""The alarm a recovery leaves on its plug goes when the plug confirms off (rule 10).

The unload (a disable, a reload, a removal) sends one last ``turn_off`` and,
as nobody governs the plug after it, alarms at once when the plug is not off
yet: the urgent reminder, the event, the repair issue and the persistent
notification "Unplug the heating pad". That alarm must stand while the pad
may heat and go when it no longer does, even hours later and with the
recovery deleted: the plug (and its power sensor, rule 14) is followed until
it reads ``off``, with no time limit, and that ``off`` clears the recovery's
"does not switch off" and "unreachable" repair issues and dismisses its
notification (unless "keeps switching itself on" still stands, rule 16).
Nothing is switched and nothing is sent: the next load of the entry takes the
plug over again (rule 8).

One plug, one alarm: a recovery that raises its own alarm for the plug (one
added again for it) takes over the alarm left there by another one, which is
dismissed at once (``async_alarm_taken_over``). Home Assistant stopping ends
every watch; the notification (kept in memory) does not outlive the restart,
nor do the issues (not persistent: stored inactive, and an inactive one of a
recovery that no longer exists is deleted at the next start,
``async_delete_left_issues``).
"""

from __future__ import annotations

import logging

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util.hass_dict import HassKey

from .const import (
    ALARM_ISSUES,
    DOMAIN,
    PLUG_OFF_ISSUES,
    alarm_notification_id,
    issue_id,
)
from .issues import async_clear_issue
from .power_sensor import PowerDraw, StateChanged

_LOGGER = logging.getLogger(__name__)

_WATCHES: HassKey[dict[tuple[str, str], CALLBACK_TYPE]] = HassKey(
    f"{DOMAIN}_left_alarms"
)
"""The plugs followed after an unload: (plug entity id, entry id) to the watch's stop."""


def _watches(hass: HomeAssistant) -> dict[tuple[str, str], CALLBACK_TYPE]:
    return hass.data.setdefault(_WATCHES, {})


@callback
def async_dismiss_alarm_if_over(hass: HomeAssistant, entry_id: str) -> bool:
    """Dismiss entry ``entry_id``'s notification once none of its alarm issues stands.

    Return whether it is dismissed (or was never there).
    """
    registry = ir.async_get(hass)
    if any(
        registry.async_get_issue(DOMAIN, issue_id(key, entry_id)) is not None
        for key in ALARM_ISSUES
    ):
        return False
    persistent_notification.async_dismiss(hass, alarm_notification_id(entry_id))
    return True


@callback
def async_watch_late_off(
    hass: HomeAssistant, entry: ConfigEntry, plug_entity_id: str
) -> None:
    """Follow the plug of the unloaded ``entry`` until it reads ``off``; then clear the alarm.

    No time limit: the plug may come back hours later (rule 10). The plug is
    read with a reader of its own (``PowerDraw``, the entry's power sensor):
    the engine's stops with the entry. A second unload of the entry (a
    reload before the plug is off) starts the watch again.
    """
    key = (plug_entity_id, entry.entry_id)
    watches = _watches(hass)
    if (previous := watches.pop(key, None)) is not None:
        previous()
    unsubs: list[CALLBACK_TYPE] = []

    @callback
    def stop(_event: Event | None = None) -> None:
        if watches.get(key) is stop:
            del watches[key]
        while unsubs:
            unsubs.pop()()

    @callback
    def on_event(_old: bool | None, new: bool | None, _event: StateChanged) -> None:
        if new is False:
            _LOGGER.info(
                "The heating pad plug %s confirmed the switch-off after the unload",
                plug_entity_id,
            )
            stop()
            for issue in PLUG_OFF_ISSUES:
                async_clear_issue(hass, issue, entry.entry_id)
            async_dismiss_alarm_if_over(hass, entry.entry_id)

    unsubs.append(PowerDraw(hass, entry).async_track(plug_entity_id, on_event))
    # Home Assistant stopping ends the watch: no listener outlives it.
    unsubs.append(hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, stop))
    watches[key] = stop


@callback
def async_watched(hass: HomeAssistant, entry_id: str) -> bool:
    """Return whether the plug of the unloaded entry ``entry_id`` is followed: it has not read off since."""
    return any(other == entry_id for _plug, other in _watches(hass))


@callback
def async_alarm_taken_over(
    hass: HomeAssistant, plug_entity_id: str | None, entry_id: str
) -> None:
    """Entry ``entry_id`` raises its own alarm for the plug: dismiss the one another left there.

    The recovery that governs the plug now says all there is to say; two
    identical notifications and issues for one plug only confuse. The
    alarm of ``entry_id`` itself (a reload) is its own and stays.
    """
    for (plug, other), stop in list(_watches(hass).items()):
        if plug != plug_entity_id or other == entry_id:
            continue
        stop()
        for key in ALARM_ISSUES:
            async_clear_issue(hass, key, other)
        persistent_notification.async_dismiss(hass, alarm_notification_id(other))


@callback
def async_alarm_removed(hass: HomeAssistant, entry_id: str) -> None:
    """Dismiss a deleted entry's notification and watch once none of its alarm issues stands.

    The issues of a plug that is off are deleted by then
    (``plug_entity.async_delete_plug_issues``); a plug not off keeps them,
    the notification and the watch until it is (``async_watch_late_off``).
    """
    if not async_dismiss_alarm_if_over(hass, entry_id):
        return
    for (_plug, other), stop in list(_watches(hass).items()):
        if other == entry_id:
            stop()


@callback
def async_delete_left_issues(hass: HomeAssistant) -> None:
    """Delete the inactive alarm issues of recoveries that no longer exist (at start).

    Issues are not persistent: a restart keeps only an inactive record of
    them, which nobody would delete once their recovery is gone.
    """
    entries = {entry.entry_id for entry in hass.config_entries.async_entries(DOMAIN)}
    registry = ir.async_get(hass)
    for (domain, issue), found in list(registry.issues.items()):
        if domain != DOMAIN or found.active:
            continue
        for key in ALARM_ISSUES:
            entry_id = issue.removeprefix(f"{key}_")
            if entry_id != issue and entry_id not in entries:
                ir.async_delete_issue(hass, DOMAIN, issue)
                break
