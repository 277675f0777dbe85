"""Tests of the ready dashboard and of the development configuration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import (
    CONF_BRACE_HOURS_PER_DAY,
    CONF_HEAT_HOURS_END,
    CONF_HEAT_HOURS_START,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
)
from custom_components.back_recovery.issues import async_clear_issue, async_raise_issue
from homeassistant.core import HomeAssistant
from homeassistant.helpers import condition, config_validation as cv
from homeassistant.helpers.template import Template
from homeassistant.util.yaml import load_yaml_dict, parse_yaml

from ..helpers.clock import advance
from ..helpers.exercises import ADHERENCE, TODO, add_exercise
from ..helpers.files import ROOT
from ..helpers.ha import (
    CALENDAR,
    HEATING_PAD,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    PHASE,
    SESSION_ENDS,
    START_ICE_SESSION,
    STOP_SESSION,
    TIME_SINCE_LAST_SESSION,
    action,
    add_second_recovery,
    turn_review_on,
)
from ..helpers.plug import (
    PLUG_CONFIG,
    PLUG_COUNTDOWN_CONFIG,
    PLUG_UNKNOWN,
    set_input_boolean,
)

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
LAST_HEAT_SESSION = "sensor.back_recovery_last_heat_session"
LAST_ICE_SESSION = "sensor.back_recovery_last_ice_session"
SKIN_REST = "binary_sensor.back_recovery_skin_rest"
BRACE_HOURS = "sensor.back_recovery_brace_hours_today"
BRACE_ADHERENCE = "sensor.back_recovery_brace_adherence_7_days"
BRACE_WORN = "switch.back_recovery_brace_worn"
SHORT_NAME = 14
"""The longest name a half-width tile shows uncut on a 390-pixel phone (measured in a real browser)."""
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
    LAST_SESSION_END: "sensor.back_recovery_ende_der_letzten_anwendung",
    LAST_HEAT_SESSION: "sensor.back_recovery_letzte_warmeanwendung",
    LAST_ICE_SESSION: "sensor.back_recovery_letzte_kalteanwendung",
    NEXT_SESSION_ALLOWED: "sensor.back_recovery_nachste_anwendung_erlaubt",
    SESSION_ENDS: "sensor.back_recovery_anwendung_endet",
    "sensor.back_recovery_sessions_today": "sensor.back_recovery_anwendungen_heute",
    HEATING_PAD: "switch.back_recovery_heizkissen",
    PAIN: "number.back_recovery_schmerz",
    PAIN_LEVEL: "sensor.back_recovery_schmerzstarke",
    PAIN_AVERAGE: "sensor.back_recovery_schmerzdurchschnitt_7_tage",
    PAIN_TREND: "sensor.back_recovery_schmerztrend",
    REVIEW: "binary_sensor.back_recovery_besprechung_empfohlen",
    TODO: "todo.back_recovery_ubungen_heute",
    ADHERENCE: "sensor.back_recovery_ubungstreue_7_tage",
    BRACE_HOURS: "sensor.back_recovery_orthese_heute_getragen",
    BRACE_ADHERENCE: "sensor.back_recovery_orthese_einhaltung_7_tage",
    BRACE_WORN: "switch.back_recovery_orthese_getragen",
    "binary_sensor.back_recovery_running_and_jumping_cleared": "binary_sensor.back_recovery_laufen_und_springen_freigegeben",
    "binary_sensor.back_recovery_contact_sports_cleared": "binary_sensor.back_recovery_kontaktsport_freigegeben",
    "binary_sensor.back_recovery_heavy_lifting_cleared": "binary_sensor.back_recovery_schweres_heben_freigegeben",
}
"""The entity ids Home Assistant gives a recovery added while it runs in German.

Home Assistant makes entity ids from the names in its language (German is
one of its "native entity id" languages), so the German dashboard names
these; the calendar keeps its id. ``test_dashboard_entities_exist`` proves
them against a recovery set up in German.
"""
TEXT_KEYS = frozenset({"title", "heading", "content", "name"})
"""The only keys whose (string) values a dashboard's language copy translates.

``name`` is a text where a card gives a short name of its own (a string); a
name taken from the entity (``{type: entity}``) is no text.
"""


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
    """Return a dashboard with its headings, titles, names and markdown texts left out."""
    if isinstance(node, dict):
        return {
            key: without_texts(value)
            for key, value in node.items()
            if key not in TEXT_KEYS or not isinstance(value, str)
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


PARTS = (TODO, BRACE_HOURS)
"""The entity whose value shows a part's section: the to-do list, the brace's hours today."""


def part_sections(dashboard: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """Return the sections of the recorded parts (exercises, then the brace), by their visibility."""
    sections: list[dict[str, Any]] = dashboard["views"][0]["sections"]
    found = []
    for part in PARTS:
        wanted = f"{{{{ has_value('{entity(language, part)}') }}}}"
        (section,) = [
            section
            for section in sections
            if any(
                condition.get("value_template") == wanted
                for condition in section.get("visibility", [])
            )
        ]
        found.append(section)
    return found


MEDICATION_HEADINGS = {"en": "Pain medication", "de": "Schmerzmittel"}
"""The heading of the medicines' section, in each dashboard's language."""


def medication_section(dashboard: dict[str, Any], language: str) -> dict[str, Any]:
    """Return the medicines' section (shown while a medicine exists; tests/packaging/test_dashboard_medication.py)."""
    sections: list[dict[str, Any]] = dashboard["views"][0]["sections"]
    (section,) = [
        section
        for section in sections
        if any(
            card.get("heading") == MEDICATION_HEADINGS[language]
            for card in section["cards"]
        )
    ]
    return section


async def add_parts(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add an exercise ("Bridge") and a brace of 16 hours a day worn with its switch."""
    await add_exercise(hass, entry, "Bridge")
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_BRACE_HOURS_PER_DAY: 16}
    )
    await hass.async_block_till_done()


def full_width(card: dict[str, Any]) -> bool:
    """Return whether a card takes a section's whole width."""
    return bool(card.get("grid_options", {}).get("columns") == "full")


def test_dashboard_names_fit_on_a_phone(dashboard: dict[str, Any]) -> None:
    """No name is cut off on a 390-pixel phone, and none shows the device's name.

    A full-width card shows its entity's own translated name (``name: {type:
    entity}``, frontend 2025.11 and later: "Recovery phase", not "Back
    recovery Recovery phase"); a half-width tile or button has a short name
    of its own in the dashboard's language (issue 22: "Recommended t…").
    """
    named = [card for card in cards(dashboard["views"]) if "name" in card]
    assert named
    for card in named:
        name = card["name"]
        if isinstance(name, str):
            assert 0 < len(name) <= (40 if full_width(card) else SHORT_NAME), name
        else:
            assert name == {"type": "entity"}, card
            assert full_width(card) or card["type"] not in ("tile", "button"), card
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
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Every entity on the dashboard exists for a recovery named "Back recovery".

    The recovery is set up in the dashboard's language, as its person's is.
    The sections of a part (exercises, the brace) name its entities, which
    exist once the part is added.
    """
    parts = part_sections(dashboard, language)
    named = set(entity_ids(dashboard))
    of_parts = set(entity_ids(parts))
    assert named
    assert of_parts
    assert {
        entity_id
        for entity_id in named - of_parts
        if hass.states.get(entity_id) is None
    } == set()
    await add_parts(hass, init_integration)
    assert {
        entity_id for entity_id in named if hass.states.get(entity_id) is None
    } == set()


def test_dashboard_shows_what_a_person_needs(
    language: str, dashboard: dict[str, Any]
) -> None:
    """Heating pad with labeled buttons, countdown, phase, skin rest, times since, 7-day history, calendar."""
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for card in cards(dashboard["views"]):
        by_entity.setdefault(card.get("entity", ""), []).append(card)
    pad = entity(language, HEATING_PAD)
    assert [card["type"] for card in by_entity[pad]] == ["tile", "button", "button"]
    # Two labeled buttons, not the tile's two unlabeled round ones (the
    # switch's state is assumed until the plug confirms it).
    assert "features" not in by_entity[pad][0]
    buttons = {
        card["tap_action"]["perform_action"]: card for card in by_entity[pad][1:]
    }
    assert sorted(buttons) == ["switch.turn_off", "switch.turn_on"]
    for button in buttons.values():
        assert button["name"]
        assert button["tap_action"]["target"] == {"entity_id": pad}
    for entity_id in (
        SESSION_ENDS,
        PHASE,
        NEXT_SESSION_ALLOWED,
        START_ICE_SESSION,
        STOP_SESSION,
    ):
        assert by_entity[entity(language, entity_id)][0]["type"] == "tile", entity_id
    # The times since are timestamps the frontend shows as "12 minutes ago"
    # (contract "Time since, the Home Assistant way"): no minutes sensor.
    for entity_id in (
        LAST_SESSION_END,
        LAST_HEAT_SESSION,
        LAST_ICE_SESSION,
        SESSION_ENDS,
    ):
        (tile,) = by_entity[entity(language, entity_id)]
        assert tile["type"] == "tile", entity_id
        assert tile["time_format"] == "relative", entity_id
    assert entity(language, TIME_SINCE_LAST_SESSION) not in by_entity
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
    The frontend's own ``state_not`` and ``or`` are checked here as the
    frontend does.
    """
    for config in section.get("visibility", []):
        if not await holds(hass, config):
            return False
    return True


async def holds(hass: HomeAssistant, config: dict[str, Any]) -> bool:
    """Return whether one of the frontend's visibility conditions holds."""
    if config["condition"] == "or":
        return any([await holds(hass, inner) for inner in config["conditions"]])
    if config["condition"] == "state" and "state_not" in config:
        state = hass.states.get(config["entity"])
        assert state is not None, config["entity"]
        return bool(state.state != config["state_not"])
    if config["condition"] == "state":
        # The frontend's state condition names its entity "entity".
        config = {**config, "entity_id": config["entity"]}
        del config["entity"]
    validated = await condition.async_validate_condition_config(
        hass, cv.CONDITION_SCHEMA(config)
    )
    checker = await condition.async_from_config(hass, validated)
    return bool(checker(hass))


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
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    dashboard: dict[str, Any],
    init_integration: Any,
) -> None:
    """Once the recovery exists, every section but the notice and the parts' shows; the 7-day history once there is a session to draw.

    A part's section (exercises, the brace, the medicines) shows once the part
    is added (``test_dashboard_shows_a_part_only_once_it_is_added``,
    ``test_dashboard_shows_medicines_only_when_one_exists``).
    """
    notice, *others = dashboard["views"][0]["sections"]
    parts = [
        *part_sections(dashboard, language),
        medication_section(dashboard, language),
    ]
    others = [section for section in others if section not in parts]
    history = [
        section
        for section in others
        if any(card["type"] == "history-graph" for card in section["cards"])
    ]
    assert len(history) == 1
    assert not await visible(hass, notice)
    for section in others:
        assert await visible(hass, section) is (section not in history), section[
            "cards"
        ][0]
    await action(hass, "start_session", modality="ice", minutes=5)
    await advance(hass, freezer, timedelta(minutes=5))
    for section in others:
        assert await visible(hass, section), section["cards"][0]


async def test_dashboard_says_no_unknown_on_a_new_recovery(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Before the first session and the first pain entry: no card that shows "Unknown", no empty graph.

    A tile of an entity whose state is unknown shows "Unknown", unless it
    shows an attribute instead (``next_session_allowed``'s ``allowed``:
    "Now"); the pain slider hides its state and a text invites the first
    entry; graphs wait for something to draw.
    """
    shown = [
        card
        for section in dashboard["views"][0]["sections"]
        if await visible(hass, section)
        for card in section["cards"]
        if await visible(hass, card)
    ]
    for card in shown:
        if card["type"] in ("statistics-graph", "history-graph"):
            raise AssertionError(f"empty graph {card['type']}")
        if card["type"] != "tile" or card.get("hide_state"):
            continue
        state = hass.states.get(card["entity"])
        assert state is not None, card["entity"]
        content = card.get("state_content", ["state"])
        if "state" in content:
            assert state.state != "unknown", card["entity"]
        for attribute in content:
            if attribute != "state":
                assert state.attributes.get(attribute) is not None, card
    invitations = [
        card
        for card in shown
        if card["type"] == "markdown"
        and card.get("visibility")
        == [
            {
                "condition": "state",
                "entity": entity(language, PAIN_LEVEL),
                "state": "unknown",
            }
        ]
    ]
    assert len(invitations) == 1
    assert "10" in invitations[0]["content"]


async def test_dashboard_tells_to_unplug_only_while_the_plug_is_stuck(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """The problem tile ("Unplug the heating pad") shows only while a plug issue stands.

    Rules 5 and 10: the repair issue alone shows only under Settings → Repairs.
    """
    heat = dashboard["views"][0]["sections"][2]
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
    # The faults "switches itself on" (rule 16) and "answers 2 s late" are the
    # same scripts.
    assert config["script simulated_plug"] == PLUG_CONFIG["script"]
    # Rule 14: the plug's power sensor, as the tests have it.
    sensor = config["template"][0]["sensor"][0]
    expected_sensor = PLUG_CONFIG["template"][0]["sensor"][0]
    assert {key: sensor[key] for key in expected_sensor} == expected_sensor


def test_develop_config_has_the_test_plugs_auto_off() -> None:
    """The simulated plug's auto-off, countdown, enabling switch and firmware are the tests' (rule 15)."""
    config = load(DEVELOP_CONFIG)
    template, expected = config["template"][0], PLUG_CONFIG["template"][0]
    assert set(config["input_number"]) == set(PLUG_CONFIG["input_number"])
    enabling = template["switch"][1]
    for key in ("name", "unique_id", "state", "turn_on", "turn_off"):
        assert enabling[key] == expected["switch"][1][key], key
    assert len(template["number"]) == len(expected["number"])
    for number, wanted in zip(template["number"], expected["number"], strict=True):
        assert {key: number[key] for key in wanted} == wanted
    firmware = config["automation simulated_plug"][0]
    countdown = PLUG_COUNTDOWN_CONFIG["automation"][0]
    for key in ("id", "triggers", "conditions", "actions"):
        assert firmware[key] == countdown[key], key


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
    assert [row["entity"] for row in graph["entities"]] == [
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


STATUS_LINES = {
    "en": {
        "ready": "Ready: heat or ice allowed now",
        "heat_hours": "Ice allowed now; heat from 8:00 AM (heat hours)",
        "rest_then_hours": "Skin resting: heat allowed again at 8:00 AM",
        "heat": "Heat on: off at 1:20 AM (14 minutes left)",
        "ice": "Ice on: ends at 3:35 AM (15 minutes left)",
        "rest": "Skin resting: heat allowed again at 3:20 AM",
        "unplug": "Unplug the heating pad: it does not switch off",
    },
    "de": {
        "ready": "Bereit: Wärme oder Kälte jetzt erlaubt",
        "heat_hours": "Kälte jetzt erlaubt; Wärme ab 08:00 (Wärmezeiten)",
        "rest_then_hours": "Hautruhe: Wärme wieder erlaubt um 08:00",
        "heat": "Wärme an: aus um 01:20 (noch 14 Minuten)",
        "ice": "Kälte läuft: endet um 03:35 (noch 15 Minuten)",
        "rest": "Hautruhe: Wärme wieder erlaubt um 03:20",
        "unplug": "Heizkissen ausstecken: Es schaltet nicht aus",
    },
}
"""The status line in each state, in each dashboard's language and clock (US/Pacific: T0 is 01:00)."""


async def test_dashboard_status_line_says_what_a_person_may_do(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """One line at the top, from Home Assistant's own markdown card: ready, heat on until, resting until, unplug.

    Issue 22: "may I use the heating pad now, and if not, when?" and "is
    heat on, and until when?"; the English copy on a 12-hour clock, the
    German one on a 24-hour clock, as the voice answers in each language.
    """
    status_section = dashboard["views"][0]["sections"][1]
    assert status_section.get("column_span") == 3
    (card,) = status_section["cards"]
    assert card["type"] == "markdown"
    template = Template(card["content"], hass)
    lines = STATUS_LINES[language]

    def said() -> str:
        return re.sub(r"<[^>]+>", "", str(template.async_render())).strip()

    assert await visible(hass, status_section)
    assert said() == lines["ready"]
    await action(hass, "start_session", modality="heat", minutes=20)
    await advance(hass, freezer, timedelta(minutes=6))
    assert said() == lines["heat"]
    # A plug whose state is lost says nothing of the session: still heat
    # (a new user saw "Ice on" here).
    await set_input_boolean(hass, PLUG_UNKNOWN, on=True)
    assert said() == lines["heat"]
    await set_input_boolean(hass, PLUG_UNKNOWN, on=False)
    await advance(hass, freezer, timedelta(minutes=14))
    assert said() == lines["rest"]
    await advance(hass, freezer, timedelta(hours=2))
    assert said() == lines["ready"]
    await action(hass, "start_session", modality="ice", minutes=15)
    assert said() == lines["ice"]
    async_raise_issue(
        hass, ISSUE_HEATING_PAD_NOT_RESPONDING, init_integration.entry_id, {}
    )
    await hass.async_block_till_done()
    assert said() == lines["unplug"]


@pytest.mark.parametrize(
    "entry_options",
    [{CONF_HEAT_HOURS_START: "08:00:00", CONF_HEAT_HOURS_END: "21:00:00"}],
)
async def test_dashboard_status_line_says_when_the_heat_hours_open(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Rule 19 on the status line: outside the heat hours ice is allowed now, heat from their start.

    A skin rest that ends before the heat hours open says when heat is
    allowed, not when the rest ends (T0 is 01:00 in US/Pacific; heat hours
    08:00 to 21:00).
    """
    (card,) = dashboard["views"][0]["sections"][1]["cards"]
    template = Template(card["content"], hass)
    lines = STATUS_LINES[language]

    def said() -> str:
        return re.sub(r"<[^>]+>", "", str(template.async_render())).strip()

    assert said() == lines["heat_hours"]
    await action(hass, "start_session", modality="ice", minutes=15)
    await advance(hass, freezer, timedelta(minutes=15))
    # The rest ends at 03:15, the heat hours open at 08:00.
    assert said() == lines["rest_then_hours"]


REPORT_ACTION_PAGE = "/config/tools/action?service=back_recovery.create_report"
"""Home Assistant's action page with ``create_report`` chosen (only administrators see it)."""


@pytest.mark.parametrize("path", DASHBOARDS.values(), ids=DASHBOARDS.keys())
def test_dashboard_links_to_the_clinician_report(path: Path) -> None:
    """One text in the pain diary opens ``create_report``: a report needs an administrator, as that page does.

    A plain link to the report itself would not open: a browser sends no
    login with it (Home Assistant keeps its tokens in the page), and only a
    signed link opens without one.
    """
    dashboard = load(path)
    linking = [
        card["content"]
        for card in cards(dashboard["views"])
        if card["type"] == "markdown" and REPORT_ACTION_PAGE in card["content"]
    ]

    assert len(linking) == 1
    assert "24" in linking[0]


RESPONSE_WORDS = {
    "en": {"red": "Red", "none": "no pain given yet", "target": "3 × 30 s, each side"},
    "de": {
        "red": "Rot",
        "none": "noch kein Schmerz angegeben",
        "target": "3 × 30 s, je Seite",
    },
}
"""What the responses' card says in each dashboard's language."""


async def test_dashboard_shows_a_part_only_once_it_is_added(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """No exercise, no brace: neither section; each shows with its part, its adherence once known.

    The exercises' section holds the to-do list (checked there), the 7-day
    adherence and the responses; the brace's its switch, hours today and
    7-day adherence.
    """
    exercises, brace = part_sections(dashboard, language)
    assert not await visible(hass, exercises)
    assert not await visible(hass, brace)
    await add_parts(hass, init_integration)
    assert await visible(hass, exercises)
    assert await visible(hass, brace)

    by_type = {card["type"]: card for card in exercises["cards"]}
    assert by_type["todo-list"]["entity"] == entity(language, TODO)
    (adherence,) = [
        card
        for card in exercises["cards"]
        if card.get("entity") == entity(language, ADHERENCE)
    ]
    assert not await visible(hass, adherence)
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": entity(language, TODO), "item": "Bridge", "status": "completed"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert await visible(hass, adherence)
    assert hass.states.get(entity(language, ADHERENCE)).state == "100"  # type: ignore[union-attr]

    shown = {
        card["entity"]
        for card in brace["cards"]
        if card["type"] == "tile" and await visible(hass, card)
    }
    assert shown == {entity(language, BRACE_WORN), entity(language, BRACE_HOURS)}
    (brace_adherence,) = [
        card
        for card in brace["cards"]
        if card.get("entity") == entity(language, BRACE_ADHERENCE)
    ]
    assert brace_adherence["visibility"] == [
        {
            "condition": "state",
            "entity": entity(language, BRACE_ADHERENCE),
            "state_not": "unknown",
        }
    ]


async def test_dashboard_lists_each_exercises_response_of_this_recovery(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """One row per exercise of the recovery: its name, its target, its response in the person's language.

    An exercise without pain given says so; another recovery's exercise is
    not listed.
    """
    exercises, _brace = part_sections(dashboard, language)
    (card,) = [card for card in exercises["cards"] if card["type"] == "markdown"]
    await add_exercise(hass, init_integration, "Bridge")
    await add_exercise(hass, init_integration, "Cat cow")
    anna = await add_second_recovery(hass)
    await add_exercise(hass, anna, "Plank")
    await action(hass, "log_exercise", exercise="Bridge", pain_during=8)
    words = RESPONSE_WORDS[language]

    said = str(Template(card["content"], hass).async_render())
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in said.splitlines()
        if line.startswith("|")
    ]
    assert rows[2:] == [
        ["Bridge", words["target"], words["red"]],
        ["Cat cow", words["target"], words["none"]],
    ]
    assert "Plank" not in said
    assert re.search(r"\{|\}", said) is None
