"""The morning check-in's rules: the answers it gives a satellite, the level an answer names, when it asks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from custom_components.back_recovery.therapy import (
    answered_level,
    check_in_answers,
    check_in_words,
    next_check_in,
)

from ..helpers.clock import BERLIN, at

ENGLISH = dict(
    enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
        )
    )
)
GERMAN = dict(
    enumerate(
        (
            "null",
            "Eins|ein",
            "zwei",
            "drei",
            "vier",
            "fünf",
            "sechs",
            "sieben",
            "acht",
            "neun",
            "zehn",
        )
    )
)
WORDS = check_in_words([ENGLISH, GERMAN])


def test_each_level_is_its_digit_and_its_words_in_every_language() -> None:
    """Levels 0 to 10, each its digit first, then its words; alternatives split, in lower case."""
    assert sorted(WORDS) == list(range(11))
    assert WORDS[7] == ["7", "seven", "sieben"]
    assert WORDS[1] == ["1", "one", "eins", "ein"]
    assert WORDS[10] == ["10", "ten", "zehn"]


def test_words_are_not_repeated_and_other_levels_are_ignored() -> None:
    """A word given twice counts once; a text for level 11 is no level."""
    words = check_in_words([{6: "six"}, {6: "Six", 11: "eleven"}])
    assert words[6] == ["6", "six"]
    assert 11 not in words
    assert words[5] == ["5"]


def test_the_answers_are_the_levels_with_their_words() -> None:
    """ask_question's answers: one per level, the id its level."""
    answers = check_in_answers(WORDS)
    assert [answer["id"] for answer in answers] == [str(n) for n in range(11)]
    assert answers[6] == {"id": "6", "sentences": ["6", "six", "sechs"]}


@pytest.mark.parametrize(
    ("answer_id", "sentence", "level"),
    [
        ("6", "six", 6),
        ("0", "zero", 0),
        ("10", "zehn", 10),
        (None, "seven", 7),
        (None, "Sieben.", 7),
        (None, " 7 ", 7),
        (None, "SECHS!", 6),
        (None, "eleven", None),
        (None, "11", None),
        (None, "six and a half", None),
        (None, "banana bread", None),
        (None, "", None),
        (None, None, None),
        ("11", "eleven", None),
        ("yes", "yes", None),
    ],
)
def test_the_level_an_answer_names(
    answer_id: str | None, sentence: str | None, level: int | None
) -> None:
    """A matched id is the level; without one the sentence counts when it is exactly one level."""
    assert answered_level(answer_id, sentence, WORDS) == level


def test_asks_today_when_the_time_is_still_ahead() -> None:
    """At 06:00 with a check-in at 07:30: today at 07:30."""
    now = at(date(2026, 3, 10), 6, 0)
    assert next_check_in(now, time(7, 30), BERLIN, None) == at(date(2026, 3, 10), 7, 30)


def test_asks_tomorrow_once_the_time_has_passed_or_today_was_asked() -> None:
    """At 07:30 or later, or asked today already: tomorrow at 07:30."""
    day = date(2026, 3, 10)
    tomorrow = at(date(2026, 3, 11), 7, 30)
    assert next_check_in(at(day, 7, 30), time(7, 30), BERLIN, None) == tomorrow
    assert next_check_in(at(day, 9, 0), time(7, 30), BERLIN, None) == tomorrow
    assert next_check_in(at(day, 6, 0), time(7, 30), BERLIN, day) == tomorrow
    assert next_check_in(at(day, 6, 0), time(7, 30), BERLIN, date(2026, 3, 9)) == at(
        day, 7, 30
    )


def test_the_time_is_local_across_a_clock_change() -> None:
    """The night Berlin's clocks go forward (29 March 2026) the check-in is still 07:30 local."""
    now = datetime(2026, 3, 28, 20, 0, tzinfo=UTC)
    moment = next_check_in(now, time(7, 30), BERLIN, date(2026, 3, 28))
    assert moment == at(date(2026, 3, 29), 7, 30)
    assert moment.astimezone(UTC) == datetime(2026, 3, 29, 5, 30, tzinfo=UTC)
