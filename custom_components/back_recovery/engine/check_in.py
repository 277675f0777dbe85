"""The morning check-in (option ``morning_check_in``; contract "Exercises"): asked once a local day.

At the chosen local time a message goes to the notify targets (never spoken:
the satellites ask instead), and each satellite of ``announce_satellites``
that can start a conversation asks "How is your back this morning, from 0 to
10?" through ``assist_satellite.ask_question``, with the answers 0 to 10 as
digits and words in Home Assistant's language, English and German. The first
answer that names a level logs pain through the engine's pain path (the
diary, the review, the events, as for any entry); the other satellites stop
asking. Silence, an answer that is no level, or a satellite that fails logs
nothing (no ERROR: a line at INFO, or WARNING for a satellite that cannot
ask), and the question is not asked again that day.

During the quiet hours only the message goes: nothing is spoken then, as for
every reminder. The day asked is stored with the history (``records``), so
neither a restart nor a new time on the same day asks twice. A check-in
missed while Home Assistant was stopped is not made up later.

Rules: ``therapy.check_in``. The timer is a point in time at the next local
check-in, set again on each new day (midnight, a change of time zone, new
options); stopped when the entry unloads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
import logging
from typing import TYPE_CHECKING, Any, Final, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
    STATE_UNAVAILABLE,
)
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..options import RecoveryOptions
from ..texts import Texts, async_load_texts
from ..therapy import (
    PAIN_LEVEL_MAX,
    PAIN_LEVEL_MIN,
    PainEntry,
    answered_level,
    check_in_answers,
    check_in_words,
    next_check_in,
)

if TYPE_CHECKING:
    from .records import RecoveryRecords
    from .reminders import Reminders

_LOGGER = logging.getLogger(__name__)

CHECK_IN_KEY: Final = "morning_check_in"
"""The part's key under the stored ``records``, and its reminder's key."""
ANSWER_SECONDS: Final = 120
"""How long a satellite may take to ask and hear the answer before it counts as silence."""
ASSIST_SATELLITE_DOMAIN: Final = "assist_satellite"
SERVICE_ASK_QUESTION: Final = "ask_question"
ANSWER_LANGUAGES: Final = ("en", "de")
"""The languages whose words count as answers, besides Home Assistant's: Back Recovery's own."""
START_CONVERSATION: Final = 2
"""``AssistSatelliteEntityFeature.START_CONVERSATION``: the satellite can ask."""


class CheckInEngine(Protocol):
    """What the check-in needs of the engine: its reminders, its records, its pain path."""

    @property
    def reminders(self) -> Reminders:
        """The recovery's reminders (targets, quiet hours)."""

    @property
    def records(self) -> RecoveryRecords:
        """The recorded parts: saving the day asked."""

    async def async_log_pain(
        self, level: int, recorded_at: datetime | None = None, note: str | None = None
    ) -> PainEntry:
        """Log pain ``level`` now."""


class MorningCheckIn:
    """One recovery's morning check-in: a recorded part (the day asked) with its timer."""

    key = CHECK_IN_KEY

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, engine: CheckInEngine
    ) -> None:
        """Ask for ``entry`` and log through ``engine``; nothing runs before the first new day."""
        self._hass = hass
        self._entry = entry
        self._engine = engine
        self._asked_on: date | None = None
        self._timer: CALLBACK_TYPE | None = None
        self._armed_for: tuple[time, tzinfo] | None = None

    # The recorded part (engine/records.py).

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the day last asked; raise ``ValueError`` or ``TypeError`` if it is no date."""
        asked = data.get("asked_on")
        self._asked_on = date.fromisoformat(asked) if asked is not None else None

    def as_dict(self) -> dict[str, Any]:
        """Return the day last asked (local date, ``YYYY-MM-DD``), if any."""
        return (
            {} if self._asked_on is None else {"asked_on": self._asked_on.isoformat()}
        )

    def new_day(self, today: date) -> None:
        """Read the option again; set the timer if the time or the time zone changed."""
        at = RecoveryOptions.from_entry(self._entry).morning_check_in
        if at is None:
            self.async_stop()
            return
        armed_for = (at, dt_util.get_default_time_zone())
        if self._timer is None or armed_for != self._armed_for:
            self._arm(armed_for)

    @callback
    def async_stop(self) -> None:
        """Stop the timer (the entry unloads, or the check-in is turned off)."""
        if self._timer is not None:
            self._timer()
            self._timer = None
        self._armed_for = None

    @callback
    def _arm(self, armed_for: tuple[time, tzinfo]) -> None:
        self.async_stop()
        at, zone = armed_for
        moment = next_check_in(dt_util.utcnow(), at, zone, self._asked_on)
        self._armed_for = armed_for
        self._timer = async_track_point_in_utc_time(
            self._hass, HassJob(self._on_time, cancel_on_shutdown=True), moment
        )

    @callback
    def _on_time(self, _moment: datetime) -> None:
        """Check in now, unless today was asked already; set tomorrow's timer."""
        armed_for, self._timer = self._armed_for, None
        today = dt_util.now().date()
        ask = self._asked_on != today
        self._asked_on = today
        if armed_for is not None:
            self._arm(armed_for)
        if not ask:
            return
        reminders = self._engine.reminders
        reminders.send(CHECK_IN_KEY, {}, speak=False)
        satellites = (
            [] if reminders.quiet() else list(reminders.options.announce_satellites)
        )
        self._entry.async_create_background_task(
            self._hass, self._async_check_in(satellites), f"{DOMAIN} {CHECK_IN_KEY}"
        )

    async def _async_check_in(self, satellites: list[str]) -> None:
        """Store the day asked, ask every satellite, log the first level heard."""
        await self._engine.records.async_changed()
        if not satellites:
            return
        texts = await async_load_texts(self._hass)
        words = check_in_words(
            [
                _answer_texts(texts),
                *[
                    _answer_texts(await async_load_texts(self._hass, language))
                    for language in ANSWER_LANGUAGES
                ],
            ]
        )
        question = texts.get("check_in_question", "")
        asking = [
            asyncio.create_task(self._async_ask(satellite, question, words))
            for satellite in satellites
        ]
        try:
            for heard in asyncio.as_completed(asking):
                if (level := await heard) is not None:
                    await self._async_log(level)
                    return
        finally:
            for task in asking:
                task.cancel()

    async def _async_log(self, level: int) -> None:
        """Log ``level`` now through the engine's pain path; a refusal is logged, not raised."""
        try:
            await self._engine.async_log_pain(level)
        except HomeAssistantError as err:
            _LOGGER.warning("Morning check-in: pain %s not logged: %s", level, err)

    async def _async_ask(
        self, satellite: str, question: str, words: Mapping[int, list[str]]
    ) -> int | None:
        """Ask one satellite; return the level heard, ``None`` for anything else (never raises)."""
        state = self._hass.states.get(satellite)
        if state is None or state.state == STATE_UNAVAILABLE:
            _LOGGER.warning(
                "Morning check-in not asked on %s: it does not exist or is unavailable",
                satellite,
            )
            return None
        if not state.attributes.get(ATTR_SUPPORTED_FEATURES, 0) & START_CONVERSATION:
            _LOGGER.warning(
                "Morning check-in not asked on %s: it cannot start a conversation",
                satellite,
            )
            return None
        try:
            async with asyncio.timeout(ANSWER_SECONDS):
                response = await self._hass.services.async_call(
                    ASSIST_SATELLITE_DOMAIN,
                    SERVICE_ASK_QUESTION,
                    {
                        ATTR_ENTITY_ID: satellite,
                        "question": question,
                        "answers": check_in_answers(words),
                    },
                    blocking=True,
                    return_response=True,
                )
        except TimeoutError:
            _LOGGER.info("Morning check-in on %s: no answer, nothing logged", satellite)
            return None
        except HomeAssistantError as err:
            _LOGGER.info("Morning check-in on %s: %s; nothing logged", satellite, err)
            return None
        except Exception as err:  # noqa: BLE001 - another integration's bug must not stop the others
            _LOGGER.warning("Morning check-in on %s failed: %r", satellite, err)
            return None
        answer = response or {}
        level = answered_level(answer.get("id"), answer.get("sentence"), words)
        if level is None:
            _LOGGER.info(
                "Morning check-in on %s: %r is no pain level, nothing logged",
                satellite,
                answer.get("sentence"),
            )
        return level


def _answer_texts(texts: Texts) -> dict[int, str]:
    """Return the words of the levels 0 to 10 in ``texts`` (``check_in_answer_<level>``)."""
    return {
        level: said
        for level in range(PAIN_LEVEL_MIN, PAIN_LEVEL_MAX + 1)
        if (said := texts.get(f"check_in_answer_{level}"))
    }
