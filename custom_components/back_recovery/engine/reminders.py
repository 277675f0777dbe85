"""Reminders: short translated messages to notify entities and voice satellites.

Sending never blocks the safety rules: the engine only schedules a background
task tied to the entry; in it every target gets its own call with a time
limit, all at once, so a failing or slow target is logged once with the reason
and the others go on.

The urgent alarm (a heating pad that does not switch off, rules 5 and 10; a
plug that keeps switching itself on, rule 16) also raises a persistent
notification, at once and with no option set, so it reaches a person who has
no notify target or satellite: one per entry, that stands while one of the
plug's repair issues does (``heating_pad_not_responding`` or
``heating_pad_unreachable``: the plug driver deletes them when the plug
confirms ``off``; ``heating_pad_switches_itself_on``: deleted after 30 quiet
minutes), followed by ``async_track_alarm``. After the entry unloads,
``late_off`` follows the plug and dismisses it; an alarm raised here
replaces the one another recovery left on the same plug.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime, time
import logging
from typing import Final

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import ALARM_ISSUES, DOMAIN, alarm_notification_id, issue_id
from ..late_off import async_alarm_taken_over, async_dismiss_alarm_if_over
from ..options import RecoveryOptions
from ..plug_entity import configured_plug
from ..texts import (
    Texts,
    async_load_texts,
    cached_texts,
    clock_hours,
    duration_text,
    moment_text,
    phase_text,
)
from ..therapy import Phase

_LOGGER = logging.getLogger(__name__)

SEND_TIMEOUT: Final = 10

NOTIFY_DOMAIN: Final = "notify"
SERVICE_SEND_MESSAGE: Final = "send_message"
ASSIST_SATELLITE_DOMAIN: Final = "assist_satellite"
SERVICE_ANNOUNCE: Final = "announce"


def in_quiet_hours(now: time, start: time, end: time) -> bool:
    """Return whether ``now`` lies in the quiet hours ``start``..``end`` (which may span midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


type Placeholder = str | int | datetime | None


async def async_message(
    hass: HomeAssistant,
    key: str,
    placeholders: Mapping[str, Placeholder],
    phase: Phase | None = None,
    language: str | None = None,
) -> str:
    """Return reminder ``key`` in Home Assistant's language (English as the fallback).

    A moment is said in local time ("09:20", "tomorrow at 00:10"), ``minutes``
    also as ``duration`` ("1 minute", "2 minutes"), ``phase`` in words.
    """
    texts = await async_load_texts(hass, language)
    return message_text(texts, key, placeholders, phase)


def message_text(
    texts: Texts,
    key: str,
    placeholders: Mapping[str, Placeholder],
    phase: Phase | None = None,
) -> str:
    """Say reminder ``key`` with ``texts`` (``async_message`` without loading them)."""
    if (template := texts.get(f"reminder_{key}")) is None:
        _LOGGER.error("No text for reminder %s", key)
        return key
    values: dict[str, str] = {}
    for name, value in placeholders.items():
        if isinstance(value, datetime):
            values[name] = moment_text(value, texts, hours=clock_hours(texts))
        else:
            values[name] = "" if value is None else str(value)
        if name == "minutes" and isinstance(value, int):
            values["duration"] = duration_text(value, texts)
    if phase is not None:
        values["phase"] = phase_text(phase, texts)
    return template.format(**values)


class Reminders:
    """Sends one entry's reminders."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        options: RecoveryOptions,
    ) -> None:
        """Send for ``entry`` to the targets of ``options`` (the engine sets new ones)."""
        self.hass = hass
        self.entry = entry
        self.options = options
        self._sending: set[asyncio.Task[None]] = set()

    def quiet(self, moment: datetime | None = None) -> bool:
        """Return whether reminders are not spoken at ``moment`` (default now)."""
        local = dt_util.as_local(moment or dt_util.utcnow()).time()
        options = self.options
        return in_quiet_hours(local, options.quiet_start, options.quiet_end)

    def send(
        self,
        key: str,
        placeholders: Mapping[str, Placeholder],
        phase: Phase | None = None,
        urgent: bool = False,
        speak: bool = True,
    ) -> None:
        """Send reminder ``key`` to every target, in the background; return at once.

        An ``urgent`` reminder (a heating pad that does not switch off, rule 10;
        a plug that keeps switching itself on, rule 16) is spoken during quiet
        hours too, and raises the persistent notification at once, whatever
        the options say. Not to ``speak``: to the notify targets only.
        """
        if urgent:
            self._raise_alarm(key, placeholders)
        options = self.options
        notify_targets = list(options.notify_entities)
        satellites = list(options.announce_satellites) if speak else []
        if satellites and not urgent and self.quiet():
            _LOGGER.debug("Quiet hours: reminder %s is not spoken", key)
            satellites = []
        if not notify_targets and not satellites:
            return
        task = self.entry.async_create_background_task(
            self.hass,
            self._async_send(
                key, dict(placeholders), phase, notify_targets, satellites
            ),
            f"{DOMAIN} reminder {key}",
        )
        if not task.done():
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def async_sent(self) -> None:
        """Wait until the reminders on their way are sent (the entry unloads: rule 10's alarm)."""
        if self._sending:
            await asyncio.wait(list(self._sending))

    # The urgent alarm's persistent notification.

    @property
    def alarm_id(self) -> str:
        """The id of this entry's persistent notification "Unplug the heating pad"."""
        return alarm_notification_id(self.entry.entry_id)

    @property
    def _alarm_issues(self) -> tuple[str, ...]:
        """The ids of the plug's issues that the alarm stands with."""
        return tuple(issue_id(key, self.entry.entry_id) for key in ALARM_ISSUES)

    def _raise_alarm(self, key: str, placeholders: Mapping[str, Placeholder]) -> None:
        """Raise (or replace) the persistent notification, in Home Assistant's language.

        Made in this very turn from the texts loaded with the entry, so it
        stands even if the entry unloads at once. It replaces the alarm that
        another recovery, unloaded or deleted, left on the same plug
        (``late_off.async_alarm_taken_over``): one plug, one alarm.
        """
        async_alarm_taken_over(
            self.hass, configured_plug(self.entry), self.entry.entry_id
        )
        texts = cached_texts(self.hass)
        title = texts.get("alarm_title", "{name}").format(name=self.entry.title)
        persistent_notification.async_create(
            self.hass,
            message_text(texts, key, placeholders),
            title=title,
            notification_id=self.alarm_id,
        )

    @callback
    def async_track_alarm(self) -> CALLBACK_TYPE:
        """Dismiss the notification once no plug issue stands; return the function that stops.

        The plug driver deletes the issues when the plug confirms ``off``.
        Checked a turn of the loop after each change, since the driver
        deletes one issue before it raises the other (unreachable, then
        reachable but still on); and at once, for a notification left from
        before a reload.
        """
        issues = self._alarm_issues

        @callback
        def ours(data: ir.EventIssueRegistryUpdatedData) -> bool:
            return data["domain"] == DOMAIN and data["issue_id"] in issues

        @callback
        def changed(_event: Event[ir.EventIssueRegistryUpdatedData]) -> None:
            self.hass.loop.call_soon(self._dismiss_alarm_if_over)

        self._dismiss_alarm_if_over()
        return self.hass.bus.async_listen(
            ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED, changed, event_filter=ours
        )

    @callback
    def _dismiss_alarm_if_over(self) -> None:
        async_dismiss_alarm_if_over(self.hass, self.entry.entry_id)

    async def _async_send(
        self,
        key: str,
        placeholders: dict[str, Placeholder],
        phase: Phase | None,
        notify_targets: list[str],
        satellites: list[str],
    ) -> None:
        message = await async_message(self.hass, key, placeholders, phase)
        calls = [
            self._async_call(
                NOTIFY_DOMAIN,
                SERVICE_SEND_MESSAGE,
                {ATTR_ENTITY_ID: target, "message": message, "title": self.entry.title},
            )
            for target in notify_targets
        ] + [
            self._async_call(
                ASSIST_SATELLITE_DOMAIN,
                SERVICE_ANNOUNCE,
                {ATTR_ENTITY_ID: target, "message": message},
            )
            for target in satellites
        ]
        await asyncio.gather(*calls)

    async def _async_call(
        self, domain: str, service: str, data: dict[str, str]
    ) -> None:
        """Call one target; log a failure once, with the reason, and never raise."""
        target = data[ATTR_ENTITY_ID]
        # An action on an entity that is gone or unavailable is skipped without
        # an error: say so here, or the reminder is lost without a trace.
        if (state := self.hass.states.get(target)) is None:
            _LOGGER.warning(
                "Reminder to %s not sent: the entity does not exist", target
            )
            return
        if state.state == STATE_UNAVAILABLE:
            _LOGGER.warning(
                "Reminder to %s not sent: the entity is unavailable", target
            )
            return
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                await self.hass.services.async_call(
                    domain, service, data, blocking=True
                )
        except TimeoutError:
            _LOGGER.warning(
                "Reminder to %s not sent: no answer within %s seconds",
                target,
                SEND_TIMEOUT,
            )
        except HomeAssistantError as err:
            _LOGGER.warning("Reminder to %s not sent: %s", target, err)
        except Exception as err:  # noqa: BLE001 - another integration's bug must not stop the others
            _LOGGER.warning("Reminder to %s not sent: %s", target, repr(err))
