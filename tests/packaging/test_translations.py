"""Tests that the translations are complete: German matches English, every action is named."""

from __future__ import annotations

from collections.abc import Iterator
import json
import string
from typing import Any

import pytest

from custom_components.back_recovery.device_trigger import PHASE_SELECTOR
from custom_components.back_recovery.options import NUMBER_OPTIONS
from custom_components.back_recovery.therapy.activities import (
    GUIDANCE_ACTIVITIES,
    GUIDANCE_NAMES,
)
from custom_components.back_recovery.therapy.phases import Phase
from custom_components.back_recovery.therapy.session import EndReason, Modality

from ..helpers.files import INTEGRATION, services_yaml, translations

LANGUAGES = ("en", "de")


def _flatten(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            assert isinstance(value, str), path
            yield path, value


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


TEXTS = {language: dict(_flatten(translations(language))) for language in LANGUAGES}
SERVICES = services_yaml()


def test_german_has_exactly_the_english_keys() -> None:
    """Every English string has a German translation, and nothing else is there."""
    english, german = set(TEXTS["en"]), set(TEXTS["de"])
    assert sorted(english - german) == []
    assert sorted(german - english) == []


# German texts that are the same word as the English one, on purpose.
SAME_IN_GERMAN = {
    "title",  # the integration's name
    "config.step.user.data.name",
    "config.step.reconfigure.data.name",
    "services.set_phase.fields.phase.name",
    "common.voice_named_answer",  # only placeholders
    *(
        path
        for path, text in TEXTS["en"].items()
        if text == "Rehabilitation"  # the phase is called so in both
    ),
}


def test_german_is_german() -> None:
    """Every German text differs from the English one, except the few words both share."""
    same = sorted(
        path
        for path, text in TEXTS["en"].items()
        if TEXTS["de"].get(path) == text and path not in SAME_IN_GERMAN
    )
    assert same == []


def test_the_shared_words_are_few() -> None:
    """The list of words German shares with English names real texts only."""
    assert set(TEXTS["en"]) >= SAME_IN_GERMAN
    assert len(SAME_IN_GERMAN) < 10


@pytest.mark.parametrize("path", sorted(TEXTS["en"]))
def test_german_keeps_the_placeholders(path: str) -> None:
    """A German text uses exactly the placeholders of the English one."""
    assert _placeholders(TEXTS["de"].get(path, "")) == _placeholders(TEXTS["en"][path])


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_empty_or_untranslated_markup(language: str) -> None:
    """No translation is empty or refers to another key."""
    for path, text in TEXTS[language].items():
        assert text.strip(), path
        assert "[%key:" not in text, path


NEVER_SAID = {"en": ("safe", "safely", "safety"), "de": ("sicher", "gefahrlos")}
"""Back Recovery never says a use is safe (the project's standards): no such word."""


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_says_safe(language: str) -> None:
    """No user-facing text promises safety (a new user found "make a heating pad ... safe")."""
    for path, text in TEXTS[language].items():
        words = {word.strip(".,:;!?()\"'„“").lower() for word in text.split()}
        assert not words & set(NEVER_SAID[language]), (path, text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("action", sorted(SERVICES))
def test_every_action_and_field_is_translated(language: str, action: str) -> None:
    """Each action in services.yaml has a name and description, and so has each field."""
    texts = TEXTS[language]
    assert f"services.{action}.name" in texts
    assert f"services.{action}.description" in texts
    for field in (SERVICES[action] or {}).get("fields", {}):
        assert f"services.{action}.fields.{field}.name" in texts
        assert f"services.{action}.fields.{field}.description" in texts
    assert {
        path.split(".")[3]
        for path in texts
        if path.startswith(f"services.{action}.fields.")
    } == set((SERVICES[action] or {}).get("fields", {}))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phase_choice_and_end_reason_is_said(language: str) -> None:
    """The device trigger's phases, the logbook's end reasons and the clock have texts."""
    texts = TEXTS[language]
    for option in PHASE_SELECTOR.config["options"]:
        assert f"selector.phase.options.{option}" in texts
    for reason in EndReason:
        assert f"common.end_reason_{reason.value}" in texts
    assert texts["common.clock_hours"] in ("12", "24")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_options_range_error_names_its_limit(language: str) -> None:
    """Each number option has a text for a value too small and too large, naming the limit."""
    texts = TEXTS[language]
    for key in NUMBER_OPTIONS:
        for miss, end in (("too_small", "min"), ("too_large", "max")):
            text = texts[f"options.error.{key}_{miss}"]
            assert _placeholders(text) == {f"{key}_{end}"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_selector_option_is_translated(language: str) -> None:
    """Each option of a translated select selector in services.yaml has a text."""
    texts = TEXTS[language]
    for action in SERVICES.values():
        for field in (action or {}).get("fields", {}).values():
            select = field.get("selector", {}).get("select") or {}
            if key := select.get("translation_key"):
                for option in select["options"]:
                    assert f"selector.{key}.options.{option}" in texts


REMINDERS = [
    *(f"session_started_{m.value}" for m in Modality),
    *(f"session_ending_{m.value}" for m in Modality),
    *(f"session_completed_{m.value}" for m in Modality),
    "rest_over",
    "phase_changed",
    "heating_pad_switches_itself_on",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reminder_and_phase_has_a_text(language: str) -> None:
    """The engine's reminders and every phase in words exist in each language."""
    texts = TEXTS[language]
    for key in REMINDERS:
        assert f"common.reminder_{key}" in texts
    for phase in Phase:
        assert f"common.phase_{phase.value}" in texts


@pytest.mark.parametrize(
    "path",
    sorted(str(path.relative_to(INTEGRATION)) for path in INTEGRATION.rglob("*.json")),
)
def test_no_json_file_has_a_key_twice(path: str) -> None:
    """A key given twice in one object hides the first (JSON keeps the last): every text must be seen."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"{path}: {sorted(keys)}"
        return dict(pairs)

    json.loads(
        (INTEGRATION / path).read_text(encoding="utf-8"), object_pairs_hook=unique
    )


def test_the_refused_own_activity_names_are_the_translated_guidance_names() -> None:
    """``GUIDANCE_NAMES`` (refused as an own activity's name) is what every language calls the guidance's activities."""
    assert {
        TEXTS[language][f"common.activity_{activity.value}"].casefold()
        for language in LANGUAGES
        for activity in GUIDANCE_ACTIVITIES
    } == GUIDANCE_NAMES
    assert sorted(
        path.stem for path in (INTEGRATION / "translations").glob("*.json")
    ) == sorted(LANGUAGES)
