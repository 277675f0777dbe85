"""What the integration says: its translated texts, and one way to say a moment, a duration and a phase.

The texts are the ``common`` category of ``translations/<language>.json``, in
Home Assistant's configured language (or the asker's, for Assist) with English
filling any gap. They are loaded once with ``async_get_translations`` and
read from Home Assistant's translation cache after that, so reading needs no
``await``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_get_translations,
)
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .schedule import Phase
from .session import Refusal, TherapyRefusedError

FALLBACK_LANGUAGE: Final = "en"
COMMON: Final = "common"
EXCEPTIONS: Final = "exceptions"

type Texts = Mapping[str, str]
"""The ``common`` texts of one language by key (``phase_rest``), English filling gaps."""


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


def text(hass: HomeAssistant, key: str, default: str = "") -> str:
    """Return one text in Home Assistant's language, English as the fallback, else ``default``."""
    return cached_texts(hass).get(key, default)


def moment_text(
    moment: datetime, texts: Texts | None = None, *, now: datetime | None = None
) -> str:
    """Say a moment in local time to the minute, with its day when that is not ``now``'s.

    ``now`` defaults to the present. On ``now``'s day: ``09:20``. On another
    day, with ``texts``, in words: ``tomorrow at 00:10``, ``on 2026-11-28 at
    09:20``; without ``texts``, language-neutral: ``2026-11-28 09:20``, as a
    placeholder of a translated error needs (the reader's language fills in
    the words around it).
    """
    local = dt_util.as_local(moment)
    clock = local.strftime("%H:%M")
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
    err: TherapyRefusedError, plug_entity_id: str | None = None
) -> ServiceValidationError:
    """Return the rules' refusal as the translated error of the actions.

    The translation key is the refusal (contract: "Refusals"); ``allowed_at``
    is said by ``moment_text`` without words, ``entity_id`` names the plug
    (``plug_entity_id``) when it is unavailable.
    """
    placeholders: dict[str, str] = {}
    if err.allowed_at is not None:
        placeholders["allowed_at"] = moment_text(err.allowed_at)
    if err.max_minutes is not None:
        placeholders["max_minutes"] = str(err.max_minutes)
    if err.reason is Refusal.HEATING_PAD_UNAVAILABLE:
        placeholders["entity_id"] = plug_entity_id or ""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.reason.value,
        translation_placeholders=placeholders or None,
    )


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
