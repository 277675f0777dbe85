"""Saying an error or a time to the person who asked: refusals, error messages, their clock.

The rules' refusals become the actions' translated ``ServiceValidationError``
(``refusal_error``); a refusal raised for a person is said on their clock
(``async_said_to``); an error's message is said in the asker's language
(``async_error_text``); ``async_clock_hours`` is the clock a person reads
times on. The translations themselves are ``texts.py``'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from homeassistant.components.frontend.storage import async_user_store
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .texts import (
    DEFAULT_CLOCK_HOURS,
    async_load_texts,
    cached_messages,
    clock_hours,
    moment_text,
)
from .therapy import Refusal, TherapyRefusedError

USER_LOCALE: Final = "language"
"""The frontend's user data that holds a person's language and time format."""


async def async_clock_hours(
    hass: HomeAssistant, user_id: str | None = None, language: str | None = None
) -> int:
    """Return the clock a person reads times on: 12 or 24 hours.

    The person's own time format (their profile in the frontend: 12 or 24
    hours) wins. Otherwise the convention of their language (``language``
    when the asker's is known, else the profile's, else Home Assistant's):
    English 12 hours, German 24. A time format that follows the browser
    ("system") is not known here: the language decides.
    """
    if user_id is not None and "frontend" in hass.config.components:
        locale = (await async_user_store(hass, user_id)).data.get(USER_LOCALE) or {}
        if (time_format := locale.get("time_format")) in ("12", "24"):
            return int(time_format)
        language = language or locale.get("language")
    return clock_hours(await async_load_texts(hass, language or hass.config.language))


def refusal_error(
    err: TherapyRefusedError,
    plug_entity_id: str | None = None,
    *,
    hours: int = DEFAULT_CLOCK_HOURS,
) -> ServiceValidationError:
    """Return the rules' refusal as the translated error of the actions.

    The translation key is the refusal (contract: "Refusals"); ``allowed_at``
    is said by ``moment_text`` without words, on a clock of ``hours`` (the
    reader's: ``async_clock_hours``; the frontend puts the placeholder into
    its translated message as it is), ``entity_id`` names the plug
    (``plug_entity_id``) when it is unavailable.
    """
    placeholders: dict[str, str] = {}
    if err.allowed_at is not None:
        placeholders["allowed_at"] = moment_text(err.allowed_at, hours=hours)
    if err.max_minutes is not None:
        placeholders["max_minutes"] = str(err.max_minutes)
    if err.reason is Refusal.HEATING_PAD_UNAVAILABLE:
        placeholders["entity_id"] = plug_entity_id or ""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.reason.value,
        translation_placeholders=placeholders or None,
    )


@asynccontextmanager
async def async_said_to(
    hass: HomeAssistant, user_id: str | None, language: str | None = None
) -> AsyncIterator[None]:
    """Say a refusal raised inside on the clock of the person ``user_id`` (None: unknown).

    ``language``: the asker's, when known (a voice or language-model request).

    The rules' refusals (``refusal_error``) say ``allowed_at`` on a 24-hour
    clock; the person who asked reads it on theirs (``async_clock_hours``:
    their profile's time format, else their language's). Any other error
    passes unchanged. Raises what the block raised.
    """
    try:
        yield
    except ServiceValidationError as err:
        cause = err.__cause__
        if not isinstance(cause, TherapyRefusedError) or cause.allowed_at is None:
            raise
        plug = (err.translation_placeholders or {}).get("entity_id")
        hours = await async_clock_hours(hass, user_id, language)
        raise refusal_error(cause, plug, hours=hours) from cause


async def async_error_text(
    hass: HomeAssistant, err: HomeAssistantError, language: str | None = None
) -> str:
    """Return the message of one of this integration's errors in ``language``.

    English fills a gap; an error without a translated message is said as
    the error itself.
    """
    await async_load_texts(hass, language)
    messages = cached_messages(hass, language)
    if (message := messages.get(f"{err.translation_key}.message")) is None:
        return str(err)
    placeholders: dict[str, Any] = dict(err.translation_placeholders or {})
    return message.format(**placeholders)
