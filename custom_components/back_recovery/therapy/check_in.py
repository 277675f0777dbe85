"""The morning check-in: when it asks, what it accepts as an answer (contract "Exercises").

Nothing here imports Home Assistant. At the time the person chose
(``morning_check_in``) the recovery asks "How is your back this morning, from
0 to 10?" once a local day; an answer that is a pain level logs pain, silence
or anything else logs nothing and is not asked again that day.

An answer is a level from 0 to 10 said as a digit (``7``) or a word in any of
the languages given (``seven``, ``sieben``): the words come from the
translations, one text per level, alternatives separated by ``|``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
import re
from typing import Any

from .pain import PAIN_LEVEL_MAX, PAIN_LEVEL_MIN

CHECK_IN_LEVELS = range(PAIN_LEVEL_MIN, PAIN_LEVEL_MAX + 1)
"""The levels an answer may name: 0 to 10."""

_NOT_A_LETTER = re.compile(r"[^\w]+")

type LevelWords = Mapping[int, Sequence[str]]
"""The words that say each level, by level (``{7: ("seven", "sieben")}``)."""


def check_in_words(texts: Iterable[Mapping[int, str]]) -> dict[int, list[str]]:
    """Return the words of each level from one text per level and language.

    A text may hold alternatives separated by ``|`` (``eins|ein``); each
    level's words start with its digit, without repeats, in the order given.
    """
    words: dict[int, list[str]] = {level: [str(level)] for level in CHECK_IN_LEVELS}
    for language in texts:
        for level, text in language.items():
            if level not in words:
                continue
            for word in text.split("|"):
                if (word := _normal(word)) and word not in words[level]:
                    words[level].append(word)
    return words


def check_in_answers(words: LevelWords) -> list[dict[str, Any]]:
    """Return the answers ``assist_satellite.ask_question`` matches: ``id`` the level, ``sentences`` its words."""
    return [
        {"id": str(level), "sentences": list(words[level])}
        for level in CHECK_IN_LEVELS
        if words.get(level)
    ]


def answered_level(
    answer_id: object, sentence: object, words: LevelWords
) -> int | None:
    """Return the pain level an answer names, or ``None`` when it names none.

    ``answer_id`` is the matched answer's id (a level, ``"6"``); without one
    (a satellite that does not match answers itself), the ``sentence`` heard
    counts when it is exactly one level's digit or word, in any case and
    with punctuation around it (``"Six."``). Anything else is no level.
    """
    if isinstance(answer_id, str) and answer_id.isdigit():
        level = int(answer_id)
        return level if level in CHECK_IN_LEVELS else None
    if not isinstance(sentence, str) or not (said := _normal(sentence)):
        return None
    for level, said_as in words.items():
        if said in said_as:
            return level
    return None


def next_check_in(
    now: datetime, at: time, tz: tzinfo, asked_on: date | None
) -> datetime:
    """Return the next moment to ask: today at ``at`` (local time in ``tz``) or tomorrow's.

    Today's counts while it is later than ``now`` and today was not asked
    yet (``asked_on``); else tomorrow's. A time a clock change skips is
    asked at the wall time's moment as ``zoneinfo`` reads it.
    """
    today = now.astimezone(tz).date()
    moment = datetime.combine(today, at, tz)
    if moment <= now or asked_on == today:
        moment = datetime.combine(today + timedelta(days=1), at, tz)
    return moment


def _normal(text: str) -> str:
    """Return ``text`` in lower case with punctuation and spaces at its ends gone."""
    return " ".join(_NOT_A_LETTER.sub(" ", text.casefold()).split())
