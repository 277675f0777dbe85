"""Reminders: short translated messages to notify entities and voice satellites.

Sending never blocks the safety rules: each target gets its own background
task tied to the entry, with a time limit; a failing target is logged and the
others go on.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_NOTIFY_ENTITIES,
    CONF_QUIET_END,
    CONF_QUIET_START,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from .model import Phase

_LOGGER = logging.getLogger(__name__)

SEND_TIMEOUT = 10
TITLE_KEY = "title"


def in_quiet_hours(now: time, start: time, end: time) -> bool:
    """Whether ``now`` lies in the quiet hours ``start``..``end`` (which may span midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= now < end
    return now >= start or now < end


async def async_message(
    hass: HomeAssistant,
    key: str,
    placeholders: dict[str, str],
    phase: Phase | None = None,
) -> str:
    """Return reminder ``key`` in Home Assistant's language (English as the fallback)."""
    language = hass.config.language
    for lang in dict.fromkeys((language, "en")):
        texts = await async_get_translations(hass, lang, "common", [DOMAIN])
        template = texts.get(f"component.{DOMAIN}.common.reminder_{key}")
        if template is None:
            continue
        values = dict(placeholders)
        if phase is not None:
            values["phase"] = texts.get(
                f"component.{DOMAIN}.common.phase_{phase.value}", phase.value
            )
        return template.format(**values)
    return key


class Reminders:
    """Sends one entry's reminders."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Remember where the reminders go."""
        self.hass = hass
        self.entry = entry

    def _option(self, key: str) -> Any:
        return self.entry.options.get(key, DEFAULT_OPTIONS[key])

    def quiet(self, moment: datetime | None = None) -> bool:
        """Whether reminders are not spoken now."""
        local = dt_util.as_local(moment or dt_util.utcnow()).time()
        start = time.fromisoformat(self._option(CONF_QUIET_START))
        end = time.fromisoformat(self._option(CONF_QUIET_END))
        return in_quiet_hours(local, start, end)

    def send(
        self, key: str, placeholders: dict[str, str], phase: Phase | None = None
    ) -> None:
        """Send reminder ``key`` to every target, in the background."""
        notify_targets: list[str] = list(self._option(CONF_NOTIFY_ENTITIES))
        satellites: list[str] = (
            [] if self.quiet() else list(self._option(CONF_ANNOUNCE_SATELLITES))
        )
        if not notify_targets and not satellites:
            return
        self.entry.async_create_background_task(
            self.hass,
            self._async_send(key, placeholders, phase, notify_targets, satellites),
            f"{DOMAIN} reminder {key}",
        )

    async def _async_send(
        self,
        key: str,
        placeholders: dict[str, str],
        phase: Phase | None,
        notify_targets: list[str],
        satellites: list[str],
    ) -> None:
        message = await async_message(self.hass, key, placeholders, phase)
        title = await async_message(self.hass, TITLE_KEY, {})
        calls = [
            self._async_call(
                "notify",
                "send_message",
                {"entity_id": target, "message": message, "title": title},
                target,
            )
            for target in notify_targets
        ] + [
            self._async_call(
                "assist_satellite",
                "announce",
                {"entity_id": target, "message": message},
                target,
            )
            for target in satellites
        ]
        await asyncio.gather(*calls)

    async def _async_call(
        self, domain: str, service: str, data: dict[str, str], target: str
    ) -> None:
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                await self.hass.services.async_call(
                    domain, service, data, blocking=True
                )
        except TimeoutError:
            _LOGGER.warning("Reminder to %s timed out after %s s", target, SEND_TIMEOUT)
        except HomeAssistantError as err:
            _LOGGER.warning("Reminder to %s failed: %s", target, err)
        except Exception as err:  # noqa: BLE001 - another integration's fault must not stop the others
            _LOGGER.warning(
                "Reminder to %s failed: %s", target, err or type(err).__name__
            )
