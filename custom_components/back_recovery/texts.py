"""What the integration says: its translated texts, and one way to say a moment, a duration and a phase.

The texts are the ``common`` category of ``translations/<language>.json``, in
Home Assistant's configured language (or the asker's, for Assist) with English
filling any gap; the error messages (``exceptions``) likewise. They are
loaded once with ``async_get_translations`` and read from Home Assistant's
translation cache after that, so reading needs no ``await``. Saying an error
or a time to the person who asked is ``errors.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Final

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.translation import (
    async_get_cached_translations,
    async_get_translations,
)
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .therapy import Activity, DoseOutcome, Phase

FALLBACK_LANGUAGE: Final = "en"
COMMON: Final = "common"
EXCEPTIONS: Final = "exceptions"

type Texts = Mapping[str, str]
"""The ``common`` texts of one language by key (``phase_rest``), English filling gaps."""

CLOCK_HOURS: Final = "clock_hours"
"""The text that says a language's clock: ``12`` (``3:20 PM``) or ``24`` (``15:20``)."""
DEFAULT_CLOCK_HOURS: Final = 24


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


def cached_messages(hass: HomeAssistant, language: str | None = None) -> Texts:
    """Return the error messages (``exceptions``) in ``language``, English filling gaps.

    By ``<translation key>.message``; only what ``async_get_translations``
    loaded is there (``async_load_texts`` loads them with the texts).
    """
    return _cached(hass, EXCEPTIONS, language or hass.config.language)


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


def dose_warning_text(
    texts: Texts, reason: object, most: object = None, limit: object = None
) -> str:
    """Say one dose warning (contract "Pain medication"); the one text for every place.

    ``daily_limit_reached`` with ``most`` (the most doses in 24 hours that
    hold the dose) above ``limit`` (the entered ``max_doses_per_24h``) says
    the dose is over the limit ("5 of 4"), not that it reaches it. Any
    other value (missing, not a number) says the reason's own text.
    """
    if (
        reason == "daily_limit_reached"
        and isinstance(most, int)
        and isinstance(limit, int)
        and most > limit
    ):
        over = texts.get("medication_warning_daily_limit_over")
        if over is not None:
            return over.format(doses=most, most=limit)
    return texts.get(f"medication_warning_{reason}", str(reason))


def dose_warning_lines(texts: Texts, outcome: DoseOutcome) -> list[str]:
    """Say each warning of a recorded dose (``dose_warning_text``), in order."""
    limit = outcome.status.medicine.max_doses_per_24h
    return [
        dose_warning_text(texts, warning.value, outcome.most_doses_24h, limit)
        for warning in outcome.warnings
    ]


def dose_message(texts: Texts, outcome: DoseOutcome) -> str:
    """Say a recorded dose's notification: its warnings, the next dose allowed, a low supply."""
    status = outcome.status
    lines = dose_warning_lines(texts, outcome)
    if status.next_dose_allowed is not None:
        moment = moment_text(status.next_dose_allowed, texts, hours=clock_hours(texts))
        lines.append(
            texts.get("medication_next_dose_allowed", "{moment}").format(moment=moment)
        )
    if outcome.supply_became_low and status.supply is not None:
        lines.append(
            texts.get("medication_supply_low", "{left}").format(left=status.supply.left)
        )
    return " ".join(lines)


def clock_hours(texts: Texts) -> int:
    """Return the clock of the language of ``texts``: 12 or 24 hours (24 without a text)."""
    return 12 if texts.get(CLOCK_HOURS) == "12" else DEFAULT_CLOCK_HOURS


def clock_text(moment: datetime, hours: int = DEFAULT_CLOCK_HOURS) -> str:
    """Say the local time of day of ``moment``: ``15:20``, or ``3:20 PM`` on a 12-hour clock."""
    local = dt_util.as_local(moment)
    if hours != 12:
        return local.strftime("%H:%M")
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


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
    is ``clock_hours`` of their texts or ``errors.async_clock_hours``), 24 unless
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


def date_text(day: date, texts: Texts, today: date | None = None) -> str:
    """Say a date in words in the language of ``texts``: ``3 March``, ``3. März``.

    The year is said when it is not ``today``'s (default: Home Assistant's
    local today): ``3 March 2025``. The month's name is the language's
    (``date_months``, the twelve in order, separated by commas). Without the
    texts, the ISO date.
    """
    months = texts.get("date_months", "").split(",")
    if len(months) != 12:
        return day.isoformat()
    month = months[day.month - 1].strip()
    this_year = (today or dt_util.now().date()).year
    key = "date_day_month" if day.year == this_year else "date_day_month_year"
    return texts[key].format(day=day.day, month=month, year=day.year)


def activity_text(activity: str, name: str | None, texts: Texts) -> str:
    """Say an activity in words: ``running and jumping``; an own activity by its ``name``."""
    if activity == Activity.OWN_ACTIVITY.value and name:
        return name
    return texts.get(f"activity_{activity}", activity)
