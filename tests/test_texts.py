"""Tests of what the integration says: its translated texts, moments, durations and phases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockUser

from custom_components.back_recovery import texts as texts_module
from custom_components.back_recovery.const import DOMAIN
from custom_components.back_recovery.errors import (
    async_clock_hours,
    async_error_text,
    refusal_error,
)
from custom_components.back_recovery.texts import (
    Texts,
    async_load_texts,
    async_track_language,
    cached_texts,
    clock_hours,
    duration_text,
    guidance_text,
    moment_text,
    phase_text,
    text,
)
from custom_components.back_recovery.therapy.phases import Phase
from custom_components.back_recovery.therapy.session import Refusal, TherapyRefusedError
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.translation import async_get_cached_translations
from homeassistant.util import dt as dt_util

from .helpers.assist import set_profile
from .helpers.ha import ENTRY_ID, HEATING_PAD, START_ICE_SESSION, action

# The tests run at 2026-11-25 01:00 local time (US/Pacific, UTC-8).
TODAY_0320 = dt_util.parse_datetime("2026-11-25T11:20:00+00:00")
TOMORROW_0010 = dt_util.parse_datetime("2026-11-26T08:10:00+00:00")
LATER_0920 = dt_util.parse_datetime("2026-11-28T17:20:00+00:00")
YESTERDAY_2300 = dt_util.parse_datetime("2026-11-25T07:00:00+00:00")


def _moment(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment


@pytest.fixture
async def english(hass: HomeAssistant) -> Texts:
    """Return the texts in English, Home Assistant's language in the tests."""
    return await async_load_texts(hass)


@pytest.fixture
async def german(hass: HomeAssistant, german: None) -> Texts:
    """Return the texts in German, Home Assistant's language from now on (conftest)."""
    return await async_load_texts(hass)


async def test_texts_in_home_assistants_language(
    hass: HomeAssistant, german: Texts
) -> None:
    """The texts follow Home Assistant's configured language."""
    assert german["phase_rest"] == "Ruhe"
    assert german["moment_tomorrow"] == "morgen um {time}"
    assert cached_texts(hass)["phase_rest"] == "Ruhe"
    assert text(hass, "session_heat") == "Wärmeanwendung"


async def test_texts_in_the_askers_language(hass: HomeAssistant) -> None:
    """A language asked for wins over Home Assistant's."""
    assert (await async_load_texts(hass, "de"))["phase_rest"] == "Ruhe"
    assert cached_texts(hass, "de")["session_ice"] == "Kälteanwendung"
    assert cached_texts(hass)["session_ice"] == "Ice session"


async def test_a_language_without_translations_reads_english(
    hass: HomeAssistant,
) -> None:
    """A language the integration has no file for reads English."""
    hass.config.language = "fr"
    texts = await async_load_texts(hass)
    assert texts["phase_rest"] == "Rest"
    assert text(hass, "voice_no_recovery") == "No back recovery is set up yet."


async def test_a_key_missing_in_german_reads_english(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text the language lacks is read in English."""
    key = f"component.{DOMAIN}.common.phase_rest"

    def without_german_rest(
        hass: HomeAssistant, language: str, category: str, integration: str
    ) -> dict[str, str]:
        found = dict(
            async_get_cached_translations(hass, language, category, integration)
        )
        if language == "de":
            found.pop(key, None)
        return found

    monkeypatch.setattr(
        texts_module, "async_get_cached_translations", without_german_rest
    )
    texts = await async_load_texts(hass, "de")
    assert texts["phase_rest"] == "Rest"
    assert texts["phase_rehabilitation"] == "Rehabilitation"
    assert texts["phase_recovered"] == "Erholt"


async def test_an_unknown_key_gives_the_default(
    hass: HomeAssistant, english: Texts
) -> None:
    """A key no language has gives the default, else nothing."""
    assert text(hass, "no_such_text", "fallback") == "fallback"
    assert text(hass, "no_such_text") == ""


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (TODAY_0320, "03:20"),
        (TOMORROW_0010, "tomorrow at 00:10"),
        (LATER_0920, "on 2026-11-28 at 09:20"),
        (YESTERDAY_2300, "on 2026-11-24 at 23:00"),
    ],
)
async def test_moment_in_english(
    english: Texts, moment: datetime | None, said: str
) -> None:
    """A moment is its local time today, with its day in words on another day."""
    assert moment_text(_moment(moment), english) == said


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (TODAY_0320, "03:20"),
        (TOMORROW_0010, "morgen um 00:10"),
        (LATER_0920, "am 2026-11-28 um 09:20"),
    ],
)
async def test_moment_in_german(
    german: Texts, moment: datetime | None, said: str
) -> None:
    """German says the day in German."""
    assert moment_text(_moment(moment), german) == said


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (TODAY_0320, "03:20"),
        (TOMORROW_0010, "2026-11-26 00:10"),
        (YESTERDAY_2300, "2026-11-24 23:00"),
    ],
)
@pytest.mark.usefixtures("hass")
def test_moment_without_words(moment: datetime | None, said: str) -> None:
    """Without texts a moment on another day carries its date, in no language."""
    assert moment_text(_moment(moment)) == said


async def test_moment_seen_from_another_day(english: Texts) -> None:
    """The day is said as seen from ``now``."""
    now = _moment(TOMORROW_0010)
    assert moment_text(_moment(TOMORROW_0010), english, now=now) == "00:10"
    assert moment_text(_moment(TODAY_0320), english, now=now) == (
        "on 2026-11-25 at 03:20"
    )
    assert moment_text(_moment(LATER_0920), now=now) == "2026-11-28 09:20"


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (-5, "0 minutes"),
        (0, "0 minutes"),
        (1, "1 minute"),
        (59, "59 minutes"),
        (60, "1 hour"),
        (61, "1 hour and 1 minute"),
        (125, "2 hours and 5 minutes"),
        (1440, "1 day"),
        (1500, "1 day and 1 hour"),
        (2 * 1440 + 5, "2 days and 5 minutes"),
        (3 * 1440 + 125, "3 days and 2 hours"),
    ],
)
async def test_duration_in_english(english: Texts, minutes: int, said: str) -> None:
    """Durations are said with their two largest parts, one in the singular."""
    assert duration_text(minutes, english) == said


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (1, "1 Minute"),
        (2, "2 Minuten"),
        (60, "1 Stunde"),
        (125, "2 Stunden und 5 Minuten"),
        (1500, "1 Tag und 1 Stunde"),
        (2 * 1440 + 5, "2 Tagen und 5 Minuten"),
    ],
)
async def test_duration_in_german(german: Texts, minutes: int, said: str) -> None:
    """German has its own singular and plural."""
    assert duration_text(minutes, german) == said


@pytest.mark.parametrize(
    ("phase", "english", "german"),
    [
        (Phase.REST, "Rest", "Ruhe"),
        (Phase.REHABILITATION, "Rehabilitation", "Rehabilitation"),
        (Phase.RETURN_TO_ACTIVITY, "Return to activity", "Rückkehr zur Aktivität"),
        (Phase.RECOVERED, "Recovered", "Erholt"),
    ],
)
async def test_phase_in_words(
    hass: HomeAssistant, phase: Phase, english: str, german: str
) -> None:
    """Each phase is said in words, in either language."""
    assert phase_text(phase, await async_load_texts(hass, "en")) == english
    assert phase_text(phase, await async_load_texts(hass, "de")) == german


def test_phase_without_a_text_is_its_value() -> None:
    """A phase with no text is said as its value."""
    assert phase_text(Phase.RETURN_TO_ACTIVITY, {}) == "return_to_activity"


async def test_guidance_of_a_phase(english: Texts) -> None:
    """Each phase has guidance; without texts it is empty."""
    assert guidance_text(Phase.REST, english).startswith("Rest and protect your back")
    assert all(guidance_text(phase, english) for phase in Phase)
    assert guidance_text(Phase.REST, {}) == ""


@pytest.mark.parametrize(
    ("refused", "key", "placeholders"),
    [
        (
            TherapyRefusedError(Refusal.REST_GAP_ACTIVE, allowed_at=TODAY_0320),
            "rest_gap_active",
            {"allowed_at": "03:20"},
        ),
        (
            TherapyRefusedError(Refusal.SESSION_RUNNING, allowed_at=TOMORROW_0010),
            "session_running",
            {"allowed_at": "2026-11-26 00:10"},
        ),
        (
            TherapyRefusedError(Refusal.MINUTES_OUT_OF_RANGE, max_minutes=20),
            "minutes_out_of_range",
            {"max_minutes": "20"},
        ),
        (
            TherapyRefusedError(Refusal.HEATING_PAD_UNAVAILABLE),
            "heating_pad_unavailable",
            {"entity_id": "switch.heating_pad_plug"},
        ),
        (TherapyRefusedError(Refusal.SESSION_OVERLAPS), "session_overlaps", None),
    ],
)
@pytest.mark.usefixtures("hass")
def test_refusal_error(
    refused: TherapyRefusedError, key: str, placeholders: dict[str, Any] | None
) -> None:
    """A refusal becomes the actions' translated error, its moment without words."""
    err = refusal_error(refused, "switch.heating_pad_plug")
    assert isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    assert err.translation_placeholders == placeholders


@pytest.mark.usefixtures("hass")
def test_refusal_without_a_plug_names_none() -> None:
    """An unavailable plug that is not known is named as nothing."""
    err = refusal_error(TherapyRefusedError(Refusal.HEATING_PAD_UNAVAILABLE))
    assert err.translation_placeholders == {"entity_id": ""}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            (
                "The skin is resting. Ice or heat is allowed again at "
                "2026-11-26 00:10 (local time)."
            ),
        ),
        (
            "de",
            (
                "Die Haut ruht. Kälte oder Wärme ist wieder ab 2026-11-26 00:10 "
                "(Ortszeit) erlaubt."
            ),
        ),
    ],
)
async def test_error_text(hass: HomeAssistant, language: str, message: str) -> None:
    """A refusal is said in the language asked for."""
    err = refusal_error(
        TherapyRefusedError(Refusal.REST_GAP_ACTIVE, allowed_at=TOMORROW_0010)
    )
    assert await async_error_text(hass, err, language) == message


async def test_error_text_without_a_translation_is_the_error(
    hass: HomeAssistant,
) -> None:
    """A refusal with no translated message is said as the error itself."""
    err = ServiceValidationError(
        translation_domain=DOMAIN, translation_key="no_such_refusal"
    )

    assert await async_error_text(hass, err, "de") == str(err)


# The reader's clock.


@pytest.mark.parametrize(
    ("moment", "hours", "said"),
    [
        (TODAY_0320, 24, "03:20"),
        (TODAY_0320, 12, "3:20 AM"),
        (LATER_0920, 12, "2026-11-28 9:20 AM"),
        (TOMORROW_0010, 12, "2026-11-26 12:10 AM"),
        (dt_util.parse_datetime("2026-11-25T20:05:00+00:00"), 12, "12:05 PM"),
        (dt_util.parse_datetime("2026-11-25T23:45:00+00:00"), 12, "3:45 PM"),
        (dt_util.parse_datetime("2026-11-25T23:45:00+00:00"), 24, "15:45"),
    ],
)
@pytest.mark.usefixtures("hass")
def test_moment_on_a_clock(moment: datetime | None, hours: int, said: str) -> None:
    """A moment is said on a 12- or a 24-hour clock."""
    assert moment_text(_moment(moment), hours=hours) == said


async def test_each_language_names_its_clock(english: Texts, german: Texts) -> None:
    """English reads a 12-hour clock, German a 24-hour one; no text means 24 hours."""
    assert clock_hours(english) == 12
    assert clock_hours(german) == 24
    assert clock_hours({}) == 24


@pytest.mark.parametrize(
    ("locale", "hours"),
    [
        (None, 12),
        ({"language": "de", "time_format": "language"}, 24),
        ({"language": "en", "time_format": "system"}, 12),
        ({"language": "en", "time_format": "24"}, 24),
        ({"language": "de", "time_format": "12"}, 12),
        ({"time_format": "language"}, 12),
    ],
)
async def test_clock_follows_the_persons_time_format(
    hass: HomeAssistant, locale: dict[str, str] | None, hours: int
) -> None:
    """A person's own time format wins, else their language's clock, else Home Assistant's."""
    await set_profile(hass, "person", locale)

    assert await async_clock_hours(hass, "person") == hours


async def test_clock_without_a_person_is_home_assistants_languages(
    hass: HomeAssistant,
) -> None:
    """Without a person the clock is the one of Home Assistant's language."""
    assert await async_clock_hours(hass) == 12
    hass.config.language = "de"
    assert await async_clock_hours(hass) == 24


@pytest.mark.usefixtures("hass")
def test_refusal_on_the_readers_clock() -> None:
    """A refusal's moment is said on the clock it is asked for."""
    err = refusal_error(
        TherapyRefusedError(Refusal.REST_GAP_ACTIVE, allowed_at=TODAY_0320), hours=12
    )
    assert err.translation_placeholders == {"allowed_at": "3:20 AM"}


async def test_language_tracking_waits_for_a_new_language(hass: HomeAssistant) -> None:
    """Only a change of language calls back, once its texts are loaded."""
    calls: list[str] = []
    stop = async_track_language(
        hass, lambda: calls.append(cached_texts(hass)["phase_rest"])
    )

    await hass.config.async_update(location_name="Home")
    await hass.async_block_till_done()
    assert calls == []

    await hass.config.async_update(language="de")
    await hass.async_block_till_done()
    assert calls == ["Ruhe"]

    stop()
    await hass.config.async_update(language="en")
    await hass.async_block_till_done()
    assert calls == ["Ruhe"]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(("time_format", "said"), [(None, "3:00 AM"), ("24", "03:00")])
async def test_every_refusal_on_the_askers_one_clock(
    hass: HomeAssistant,
    hass_admin_user: MockUser,
    time_format: str | None,
    said: str,
) -> None:
    """Ice and heat, by action, switch or button: one refusal, one clock (the asker's)."""
    await set_profile(
        hass,
        hass_admin_user.id,
        None if time_format is None else {"language": "en", "time_format": time_format},
    )
    await action(hass, "start_session", modality="ice", minutes=10)
    await action(hass, "stop_session")
    asks: list[tuple[str, str, dict[str, Any]]] = [
        (DOMAIN, "start_session", {"config_entry_id": ENTRY_ID, "modality": "ice"}),
        (DOMAIN, "start_session", {"config_entry_id": ENTRY_ID, "modality": "heat"}),
        ("switch", "turn_on", {"entity_id": HEATING_PAD}),
        ("button", "press", {"entity_id": START_ICE_SESSION}),
    ]
    for domain, service, data in asks:
        with pytest.raises(ServiceValidationError) as info:
            await hass.services.async_call(
                domain,
                service,
                data,
                blocking=True,
                context=Context(user_id=hass_admin_user.id),
            )
        assert info.value.translation_key == "rest_gap_active", service
        assert info.value.translation_placeholders == {"allowed_at": said}, service
