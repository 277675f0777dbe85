"""Tests of the ready dashboard and of the development configuration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import (
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
)
from custom_components.back_recovery.issues import async_clear_issue, async_raise_issue
from homeassistant.core import HomeAssistant
from homeassistant.helpers import condition, config_validation as cv
from homeassistant.util.yaml import load_yaml_dict, parse_yaml

from ..helpers.files import ROOT
from ..helpers.ha import (
    CALENDAR,
    HEATING_PAD,
    NEXT_SESSION_ALLOWED,
    PHASE,
    SESSION_ENDS,
    START_ICE_SESSION,
    STOP_SESSION,
    TIME_SINCE_LAST_SESSION,
    turn_review_on,
)
from ..helpers.plug import PLUG_CONFIG

DASHBOARD = ROOT / "dashboards" / "back-recovery.yaml"
GERMAN_DASHBOARD = ROOT / "dashboards" / "back-recovery.de.yaml"
DASHBOARDS = {"en": DASHBOARD, "de": GERMAN_DASHBOARD}
DEVELOP_CONFIG = ROOT / "config" / "configuration.yaml"
PROBLEM = "binary_sensor.back_recovery_heating_pad_switch_off"
PAIN = "number.back_recovery_pain"
PAIN_LEVEL = "sensor.back_recovery_pain_level"
PAIN_AVERAGE = "sensor.back_recovery_pain_average_7_days"
PAIN_TREND = "sensor.back_recovery_pain_trend"
REVIEW = "binary_sensor.back_recovery_review_recommended"
SEE_A_PROFESSIONAL = {
    "en": "doctor or physical therapist",
    "de": "Ärztin, deinem Arzt oder deiner Physiotherapie",
}
"""What the review signal asks, in each dashboard's language (as the repair issue says)."""
GERMAN_IDS = {
    "binary_sensor.back_recovery_session_active": "binary_sensor.back_recovery_anwendung_lauft",
    "binary_sensor.back_recovery_skin_rest": "binary_sensor.back_recovery_hautruhe",
    PROBLEM: "binary_sensor.back_recovery_ausschalten_des_heizkissens",
    START_ICE_SESSION: "button.back_recovery_kalteanwendung_starten",
    STOP_SESSION: "button.back_recovery_anwendung_beenden",
    PHASE: "sensor.back_recovery_erholungsphase",
    "sensor.back_recovery_days_since_injury": "sensor.back_recovery_tage_seit_der_verletzung",
    "sensor.back_recovery_recommended_therapy": "sensor.back_recovery_empfohlene_anwendung",
    TIME_SINCE_LAST_SESSION: "sensor.back_recovery_zeit_seit_der_letzten_anwendung",
    NEXT_SESSION_ALLOWED: "sensor.back_recovery_nachste_anwendung_erlaubt",
    SESSION_ENDS: "sensor.back_recovery_anwendung_endet",
    "sensor.back_recovery_sessions_today": "sensor.back_recovery_anwendungen_heute",
    HEATING_PAD: "switch.back_recovery_heizkissen",
    PAIN: "number.back_recovery_schmerz",
    PAIN_LEVEL: "sensor.back_recovery_schmerzstarke",
    PAIN_AVERAGE: "sensor.back_recovery_schmerzdurchschnitt_7_tage",
    PAIN_TREND: "sensor.back_recovery_schmerztrend",
    REVIEW: "binary_sensor.back_recovery_besprechung_empfohlen",
}
"""The entity ids Home Assistant gives a recovery added while it runs in German.

Home Assistant makes entity ids from the names in its language (German is
one of its "native entity id" languages), so the German dashboard names
these; the calendar keeps its id. ``test_dashboard_entities_exist`` proves
them against a recovery set up in German.
"""
TEXT_KEYS = frozenset({"title", "heading", "content"})
"""The only keys whose values a dashboard's language copy translates."""


def load(path: Path) -> dict[str, Any]:
    """Load a YAML file that holds a mapping."""
    return dict(load_yaml_dict(path))


def cards(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every card (a mapping with a type) of a dashboard, nested ones too."""
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for value in node.values():
            yield from cards(value)
    elif isinstance(node, list):
        for item in node:
            yield from cards(item)


def entity_ids(node: Any) -> Iterator[str]:
    """Yield every entity id a dashboard names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "entity" and isinstance(value, str):
                yield value
            elif key == "entities" and isinstance(value, list):
                for item in value:
                    yield item if isinstance(item, str) else item["entity"]
            else:
                yield from entity_ids(value)
    elif isinstance(node, list):
        for item in node:
            yield from entity_ids(item)


def without_texts(node: Any) -> Any:
    """Return a dashboard with its headings, titles and markdown texts left out."""
    if isinstance(node, dict):
        return {
            key: without_texts(value)
            for key, value in node.items()
            if key not in TEXT_KEYS
        }
    if isinstance(node, list):
        return [without_texts(item) for item in node]
    return node


def texts(node: Any) -> Iterator[str]:
    """Yield every heading, title and markdown text of a dashboard."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


@pytest.fixture(params=sorted(DASHBOARDS))
def language(request: pytest.FixtureRequest, hass: HomeAssistant) -> str:
    """Run Home Assistant in each language a dashboard is shipped in.

    Set before the recovery is set up: its entity ids follow the language.
    """
    language: str = request.param
    hass.config.language = language
    return language


@pytest.fixture
def dashboard(language: str) -> dict[str, Any]:
    """Return the ready dashboard in Home Assistant's language."""
    return load(DASHBOARDS[language])


def entity(language: str, english_id: str) -> str:
    """Return an entity's id in ``language``'s dashboard, by its English id."""
    return GERMAN_IDS.get(english_id, english_id) if language == "de" else english_id


def test_dashboard_names_come_from_the_entities(dashboard: dict[str, Any]) -> None:
    """No card renames an entity: each shows its own translated name, no device name.

    ``name: {type: entity}`` (frontend 2025.11 and later) is the entity's
    name without the device's ("Recovery phase", not "Back recovery
    Recovery phase"), in Home Assistant's language.
    """
    named = [card for card in cards(dashboard["views"]) if "name" in card]
    assert named
    assert [card for card in named if card["name"] != {"type": "entity"}] == []
    for card in cards(dashboard["views"]):
        for row in card.get("entities", []):
            assert isinstance(row, str) or row.get("name") == {"type": "entity"}


def test_german_dashboard_is_the_english_one_translated() -> None:
    """The German copy differs from the English one in its texts and entity ids only.

    Each text is translated; each entity is the same one under its German id.
    """
    text = DASHBOARD.read_text(encoding="utf-8")
    for english_id, german_id in GERMAN_IDS.items():
        text = re.sub(rf"\b{re.escape(english_id)}\b", german_id, text)
    english = parse_yaml(text)
    assert isinstance(english, dict)
    german = load(GERMAN_DASHBOARD)
    assert without_texts(german) == without_texts(english)
    pairs = list(zip(texts(english), texts(german), strict=True))
    assert pairs
    assert [
        text
        for text, translated in pairs
        if text == translated and text != "Back Recovery" and "{{" not in text
    ] == []


def test_dashboard_is_one_view_of_builtin_cards(dashboard: dict[str, Any]) -> None:
    """The dashboard is one view and needs no custom frontend cards."""
    assert len(dashboard["views"]) == 1
    types = {card["type"] for card in cards(dashboard["views"])}
    assert not {card_type for card_type in types if card_type.startswith("custom:")}


@pytest.mark.parametrize("path", DASHBOARDS.values(), ids=DASHBOARDS.keys())
def test_dashboard_pastes_without_questions(path: Path) -> None:
    """No YAML comments: the Raw configuration editor would ask to drop them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.lstrip().startswith("#")] == []


async def test_dashboard_entities_exist(
    hass: HomeAssistant, dashboard: dict[str, Any], init_integration: MockConfigEntry
) -> None:
    """Every entity on the dashboard exists for a recovery named "Back recovery".

    The recovery is set up in the dashboard's language, as its person's is.
    """
    named = set(entity_ids(dashboard))
    assert named
    assert {
        entity_id for entity_id in named if hass.states.get(entity_id) is None
    } == set()


def test_dashboard_shows_what_a_person_needs(
    language: str, dashboard: dict[str, Any]
) -> None:
    """Heating pad toggle, countdown, phase, skin rest, 7-day history, calendar, buttons."""
    by_entity = {card.get("entity"): card for card in cards(dashboard["views"])}
    pad = by_entity[entity(language, HEATING_PAD)]
    assert pad["type"] == "tile"
    assert {"type": "toggle"} in pad["features"]
    for entity_id in (
        SESSION_ENDS,
        PHASE,
        TIME_SINCE_LAST_SESSION,
        NEXT_SESSION_ALLOWED,
        START_ICE_SESSION,
        STOP_SESSION,
    ):
        assert by_entity[entity(language, entity_id)]["type"] == "tile", entity_id
    by_type = {card["type"]: card for card in cards(dashboard["views"])}
    assert by_type["history-graph"]["hours_to_show"] == 7 * 24
    assert by_type["calendar"]["entities"] == [CALENDAR]
    markdown = [
        card for card in cards(dashboard["views"]) if card["type"] == "markdown"
    ]
    assert any("guidance" in card["content"] for card in markdown)


async def visible(hass: HomeAssistant, section: dict[str, Any]) -> bool:
    """Return whether a section's or card's visibility conditions hold.

    The frontend has Home Assistant evaluate template conditions
    (``subscribe_condition``) and checks state conditions itself, the way the
    core's condition code does, so the core's code answers here.
    """
    for config in section.get("visibility", []):
        if config["condition"] == "state":
            # The frontend's state condition names its entity "entity".
            config = {**config, "entity_id": config["entity"]}
            del config["entity"]
        validated = await condition.async_validate_condition_config(
            hass, cv.CONDITION_SCHEMA(config)
        )
        checker = await condition.async_from_config(hass, validated)
        if not checker(hass):
            return False
    return True


async def test_dashboard_without_the_integration_says_what_to_do(
    hass: HomeAssistant, plug: str, dashboard: dict[str, Any]
) -> None:
    """Before Back Recovery is added: one section that says how, no "Entity not found".

    The frontend shows a missing entity as "Entity not found", and its own
    state condition cannot test for one that does not exist (the condition
    fails), so the sections ask ``has_value`` of the phase sensor.
    """
    notice, *others = dashboard["views"][0]["sections"]
    assert not list(entity_ids(notice["cards"]))
    text = " ".join(card.get("content", "") for card in notice["cards"])
    assert "→ Back Recovery" in text
    assert "(/config/integrations/dashboard/add?domain=back_recovery)" in text
    assert others
    assert await visible(hass, notice)
    for section in others:
        assert not await visible(hass, section), section["cards"][0]


async def test_dashboard_with_the_integration_shows_the_recovery(
    hass: HomeAssistant, dashboard: dict[str, Any], init_integration: Any
) -> None:
    """Once the recovery exists, every section but the notice shows."""
    notice, *others = dashboard["views"][0]["sections"]
    assert not await visible(hass, notice)
    for section in others:
        assert await visible(hass, section), section["cards"][0]


async def test_dashboard_tells_to_unplug_only_while_the_plug_is_stuck(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """The problem tile ("Unplug the heating pad") shows only while a plug issue stands.

    Rules 5 and 10: the repair issue alone shows only under Settings → Repairs.
    """
    heat = dashboard["views"][0]["sections"][1]
    first = heat["cards"][1]
    problem = entity(language, PROBLEM)
    assert first["entity"] == problem
    assert first["visibility"] == [
        {"condition": "state", "entity": problem, "state": "on"}
    ]
    assert not await visible(hass, first)
    for key in (ISSUE_HEATING_PAD_UNREACHABLE, ISSUE_HEATING_PAD_NOT_RESPONDING):
        async_raise_issue(hass, key, init_integration.entry_id, {})
        await hass.async_block_till_done()
        assert await visible(hass, first), key
        async_clear_issue(hass, key, init_integration.entry_id)
        await hass.async_block_till_done()
        assert not await visible(hass, first), key


def test_develop_config_has_the_test_plug() -> None:
    """scripts/develop's simulated plug is the one the tests use."""
    config = load(DEVELOP_CONFIG)
    assert config["logger"]["logs"]["custom_components.back_recovery"] == "debug"
    switch = config["template"][0]["switch"][0]
    expected = PLUG_CONFIG["template"][0]["switch"][0]
    for key in ("name", "unique_id", "state", "availability", "turn_on", "turn_off"):
        assert switch[key] == expected[key], key
    assert set(config["input_boolean"]) == set(PLUG_CONFIG["input_boolean"])
    assert config["input_boolean"]["heating_pad_online"]["initial"] is True


def test_develop_config_lists_what_a_newcomer_needs() -> None:
    """No default_config (its go2rtc fails here); voice, history and logbook listed."""
    config = load(DEVELOP_CONFIG)
    assert "default_config" not in config
    assert {"assist_pipeline", "history", "logbook", "lovelace"} <= set(config)
    # Loaded before a recovery is added: voice questions answer from the start.
    assert config["back_recovery"] is None


def test_develop_config_offers_the_dashboard_in_each_language() -> None:
    """The sidebar has the ready dashboard in English and in German."""
    dashboards = load(DEVELOP_CONFIG)["lovelace"]["dashboards"]
    files = {
        ROOT / "config" / board["filename"]
        for board in dashboards.values()
        if board["filename"].startswith("dashboards/")
    }
    assert files == {
        ROOT / "config" / "dashboards" / path.name for path in DASHBOARDS.values()
    }


def pain_section(dashboard: dict[str, Any], language: str) -> dict[str, Any]:
    """Return the dashboard's section that holds the pain slider."""
    pain = entity(language, PAIN)
    sections: list[dict[str, Any]] = dashboard["views"][0]["sections"]
    (section,) = [section for section in sections if pain in entity_ids(section)]
    return section


def test_dashboard_shows_the_pain_diary_next_to_its_graph(
    language: str, dashboard: dict[str, Any]
) -> None:
    """Pain slider, latest level, 7-day average, trend and a weekly graph in one section.

    Contract "Pain diary and review"; issue 13: the statistics graph of the
    level and the average (daily means, lines) sits next to the slider.
    """
    section = pain_section(dashboard, language)
    by_entity = {card.get("entity"): card for card in section["cards"]}
    slider = by_entity[entity(language, PAIN)]
    assert slider["type"] == "tile"
    assert slider["features"] == [{"type": "numeric-input", "style": "slider"}]
    for entity_id in (PAIN_LEVEL, PAIN_AVERAGE, PAIN_TREND):
        assert by_entity[entity(language, entity_id)]["type"] == "tile", entity_id
    (graph,) = [card for card in section["cards"] if card["type"] == "statistics-graph"]
    assert graph["period"] == "day"
    assert graph["chart_type"] == "line"
    assert graph["stat_types"] == ["mean"]
    assert graph["days_to_show"] >= 4 * 7
    assert list(entity_ids(graph)) == [
        entity(language, PAIN_LEVEL),
        entity(language, PAIN_AVERAGE),
    ]


async def test_dashboard_graph_entities_keep_long_term_statistics(
    hass: HomeAssistant, dashboard: dict[str, Any], init_integration: MockConfigEntry
) -> None:
    """The statistics graph's entities are measurements: the recorder keeps their means."""
    graphs = [
        card for card in cards(dashboard["views"]) if card["type"] == "statistics-graph"
    ]
    assert graphs
    for entity_id in entity_ids(graphs):
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert state.attributes.get("state_class") == "measurement", entity_id


async def test_dashboard_asks_for_a_review_only_while_it_is_recommended(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """The review tile and its meaning (talk to your doctor) show only while the signal is on.

    Contract "Pain diary and review": it names no treatment.
    """
    review = entity(language, REVIEW)
    shown_while_on = [
        card
        for card in pain_section(dashboard, language)["cards"]
        if card.get("visibility")
        == [{"condition": "state", "entity": review, "state": "on"}]
    ]
    assert sorted(card["type"] for card in shown_while_on) == ["markdown", "tile"]
    (meaning,) = [card for card in shown_while_on if card["type"] == "markdown"]
    assert SEE_A_PROFESSIONAL[language] in " ".join(meaning["content"].split())

    def signal() -> str | None:
        state = hass.states.get(review)
        return None if state is None else state.state

    assert signal() == "off"
    for card in shown_while_on:
        assert not await visible(hass, card)
    await turn_review_on(hass, freezer)
    assert signal() == "on"
    for card in shown_while_on:
        assert await visible(hass, card)
