"""What the integration says: its translated texts, and one way to say a moment, a duration and a phase.

The texts are the ``common`` category of ``translations/<language>.json``, in
Home Assistant's configured language (or the asker's, for Assist) with English
filling any gap. They are loaded once with ``async_get_translations`` and
read from Home Assistant's translation cache after that, so reading needs no
``await``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Final

from homeassistant.components.frontend.storage import async_user_store
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_get_translations,
)
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .therapy import Phase, Refusal, TherapyRefusedError

FALLBACK_LANGUAGE: Final = "en"
COMMON: Final = "common"
EXCEPTIONS: Final = "exceptions"

type Texts = Mapping[str, str]
"""The ``common`` texts of one language by key (``phase_rest``), English filling gaps."""

CLOCK_HOURS: Final = "clock_hours"
"""The text that says a language's clock: ``12`` (``3:20 PM``) or ``24`` (``15:20``)."""
DEFAULT_CLOCK_HOURS: Final = 24
USER_LOCALE: Final = "language"
"""The frontend's user data that holds a person's language and time format."""


def _cached(hass: HomeAssistant, category: str, language: str) -> dict[str, str]:
    """Return the loaded texts of ``category`` in ``language`` over English, by key."""
    prefix = f"component.{DOMAIN}.{category}."
    texts: dict[str, str] = {}
    for lang in dict.fromkeys((FALLBACK_LANGUAGE, language)):
        texts |= {
            key.removeprefix(prefix): text
            for key, text in async_get_cached_translations(
                hass, lang, category, DOMAIN
            ).items()
        }
    return texts


async def async_load_texts(hass: HomeAssistant, language: str | None = None) -> Texts:
    """Load the texts in ``language`` (default: Home Assistant's) and English; return them.

    Loading reads the translation files once; later calls (and ``cached_texts``)
    answer from Home Assistant's cache.
    """
    language = language or hass.config.language
    for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
        await async_get_translations(hass, lang, COMMON, [DOMAIN])
    return _cached(hass, COMMON, language)


def cached_texts(hass: HomeAssistant, language: str | None = None) -> Texts:
    """Return the texts in ``language`` (default: Home Assistant's), English filling gaps.

    Only what ``async_load_texts`` loaded is there: before that, nothing.
    """
    return _cached(hass, COMMON, language or hass.config.language)


@callback
def async_track_language(
    hass: HomeAssistant, action: Callable[[], None]
) -> CALLBACK_TYPE:
    """Call ``action`` after Home Assistant's language changed and its texts are loaded.

    What an entity says in its state (a guidance, an event's name) is said in
    Home Assistant's language; a change of language in the settings reaches
    it without a restart. Returns the function that stops listening.
    """
    said_in = hass.config.language

    async def _async_config_updated(event: Event) -> None:
        nonlocal said_in
        if hass.config.language == said_in:
            return
        said_in = hass.config.language
        await async_load_texts(hass)
        action()

    return hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, _async_config_updated)


def text(hass: HomeAssistant, key: str, default: str = "") -> str:
    """Return one text in Home Assistant's language, English as the fallback, else ``default``."""
    return cached_texts(hass).get(key, default)


def clock_hours(texts: Texts) -> int:
    """Return the clock of the language of ``texts``: 12 or 24 hours (24 without a text)."""
    return 12 if texts.get(CLOCK_HOURS) == "12" else DEFAULT_CLOCK_HOURS


def clock_text(moment: datetime, hours: int = DEFAULT_CLOCK_HOURS) -> str:
    """Say the local time of day of ``moment``: ``15:20``, or ``3:20 PM`` on a 12-hour clock."""
    local = dt_util.as_local(moment)
    if hours != 12:
        return local.strftime("%H:%M")
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


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


def moment_text(
    moment: datetime,
    texts: Texts | None = None,
    *,
    now: datetime | None = None,
    hours: int = DEFAULT_CLOCK_HOURS,
) -> str:
    """Say a moment in local time to the minute, with its day when that is not ``now``'s.

    ``now`` defaults to the present. On ``now``'s day: ``09:20``. On another
    day, with ``texts``, in words: ``tomorrow at 00:10``, ``on 2026-11-28 at
    09:20``; without ``texts``, language-neutral: ``2026-11-28 09:20``, as a
    placeholder of a translated error needs (the reader's language fills in
    the words around it). The clock has ``hours`` (12 or 24; the reader's
    is ``clock_hours`` of their texts or ``async_clock_hours``), 24 unless
    given.
    """
    local = dt_util.as_local(moment)
    clock = clock_text(local, hours)
    today = dt_util.as_local(now or dt_util.utcnow()).date()
    days = (local.date() - today).days
    if days == 0:
        return clock
    day = local.date().isoformat()
    if texts is None:
        return f"{day} {clock}"
    if days == 1:
        return texts["moment_tomorrow"].format(time=clock)
    return texts["moment_date"].format(date=day, time=clock)


def duration_text(minutes: int, texts: Texts) -> str:
    """Say a duration of ``minutes`` in days, hours and minutes: its two largest parts.

    ``125`` is ``2 hours and 5 minutes``, ``1 minute`` singular; a negative
    duration is said as ``0 minutes``.
    """
    days, rest = divmod(max(0, minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    said = [
        texts[f"duration_{unit}" if count == 1 else f"duration_{unit}s"].format(
            count=count
        )
        for count, unit in ((days, "day"), (hours, "hour"), (mins, "minute"))
        if count
    ][:2]
    if not said:
        return texts["duration_minutes"].format(count=0)
    if len(said) == 1:
        return said[0]
    return texts["duration_and"].format(first=said[0], second=said[1])


def phase_text(phase: Phase, texts: Texts) -> str:
    """Say a recovery phase in words (``Return to activity``); its value without a text."""
    return texts.get(f"phase_{phase.value}", phase.value)


def guidance_text(phase: Phase, texts: Texts) -> str:
    """Return what the guidance says to do in ``phase``; empty without a text."""
    return texts.get(f"guidance_{phase.value}", "")


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
    messages = _cached(hass, EXCEPTIONS, language or hass.config.language)
    if (message := messages.get(f"{err.translation_key}.message")) is None:
        return str(err)
    placeholders: dict[str, Any] = dict(err.translation_placeholders or {})
    return message.format(**placeholders)
