"""Tests for Assist: built-in intents on the recovery's entities, and our own intents."""

from __future__ import annotations

from datetime import timedelta
import logging
from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
from hassil import Intents
from hassil.sample import sample_intents
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.voice.activities import INTENT_ACTIVITY_CLEARED
from custom_components.back_recovery.voice.answers import NOT_SWITCHED_OFF
from custom_components.back_recovery.voice.exercise_intents import (
    INTENT_EXERCISES_DONE,
    INTENT_EXERCISES_LEFT,
)
from custom_components.back_recovery.voice.get_state import HeatingPadStateIntentHandler
from custom_components.back_recovery.voice.questions import (
    INTENT_LAST_HEAT_SESSION,
    INTENT_NEXT_HEAT_SESSION,
)
from custom_components.back_recovery.voice.turn_on import (
    HeatingPadOnOffIntentHandler,
    async_answer_for_recoveries,
)
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.components.intent import GetStateIntentHandler, OnOffIntentHandler
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, intent, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict

from ..helpers.assist import Asker, ask, setup_assist, speech
from ..helpers.clock import advance, waited
from ..helpers.files import ROOT, translations
from ..helpers.ha import (
    HEATING_PAD,
    PHASE,
    PLUG,
    SESSION_ACTIVE,
    SKIN_REST,
    START_ICE_SESSION,
    action,
    add_second_recovery,
    entity_id_of,
    entity_state,
    press,
    switch,
)
from ..helpers.plug import PLUG_IGNORES, PLUG_ONLINE, plug_power, set_input_boolean

REPO_SENTENCES = ROOT / "custom_sentences"
ICE_ASKED = "/ice"
"""How ``_samples`` names the sentences that ask about ice."""


@pytest.fixture
async def assist(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Set up Assist after the recovery and expose its sensors (the switch is exposed by default)."""
    await setup_assist(hass)
    for entity_id in (PHASE, SKIN_REST):
        async_expose_entity(hass, "conversation", entity_id, True)


async def test_turn_on_the_heating_pad_starts_heat(
    hass: HomeAssistant, assist: None
) -> None:
    """Saying "turn on the heating pad" starts a heat session."""
    response = await ask(hass, "turn on the heating pad")
    assert response["response_type"] == "action_done"
    assert response["data"]["success"][0]["id"] == HEATING_PAD
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


async def test_turn_on_the_heating_pad_during_skin_rest_says_when(
    hass: HomeAssistant, assist: None, caplog: pytest.LogCaptureFixture
) -> None:
    """During the skin rest the pad stays off and the answer says when heat is allowed.

    A refusal is expected: nothing is logged as an error, no traceback.
    """
    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    assert entity_state(hass, SKIN_REST) == STATE_ON
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    caplog.clear()

    response = await ask(hass, "turn on the heating pad")

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert not any(r.exc_info for r in caplog.records)

    assert response["response_type"] == "error"
    assert response["data"]["code"] == "failed_to_handle"
    answer = speech(response)
    assert "3:00 AM" in answer
    assert answer.startswith("The skin")
    assert entity_state(hass, PLUG) == STATE_OFF
    assert len(blocked) == 1


async def test_turn_on_the_heating_pad_during_ice_says_when(
    hass: HomeAssistant, assist: None
) -> None:
    """While an ice session runs, the answer names its end."""
    await press(hass, START_ICE_SESSION)
    response = await ask(hass, "turn on the heating pad")
    assert response["response_type"] == "error"
    assert "1:20 AM" in speech(response)
    assert entity_state(hass, PLUG) == STATE_OFF


async def test_turn_off_the_heating_pad_ends_heat(
    hass: HomeAssistant, assist: None
) -> None:
    """Saying "turn off the heating pad" ends heat and switches the plug off."""
    await switch(hass, HEATING_PAD, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    response = await ask(hass, "turn off the heating pad")
    assert response["response_type"] == "action_done"
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [event.data["reason"] for event in ended] == ["stopped"]


async def test_what_is_the_recovery_phase(hass: HomeAssistant, assist: None) -> None:
    """Asking "what is the recovery phase" answers with the phase."""
    response = await ask(hass, "what is the recovery phase")
    assert response["response_type"] == "query_answer"
    assert speech(response) == "Recovery phase is rest"
    assert response["data"]["success"][0]["id"] == PHASE


async def test_is_the_skin_rest_on(hass: HomeAssistant, assist: None) -> None:
    """Asking "is the skin rest on" answers no before a session, yes after one."""
    response = await ask(hass, "is the skin rest on")
    assert response["response_type"] == "query_answer"
    assert speech(response) == "No, off"
    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    assert speech(await ask(hass, "is the skin rest on")) == "Yes"


async def test_turn_on_is_explained_when_intent_loads_first(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Whichever loads first, Home Assistant's HassTurnOn, HassTurnOff and HassGetState handlers get replaced once."""
    handlers = {h.intent_type: h for h in intent.async_get(hass)}
    assert intent.INTENT_TURN_ON not in handlers
    await setup_assist(hass)
    handlers = {h.intent_type: h for h in intent.async_get(hass)}
    for intent_type in (intent.INTENT_TURN_ON, intent.INTENT_TURN_OFF):
        on_off = handlers[intent_type]
        assert type(on_off) is HeatingPadOnOffIntentHandler
        assert isinstance(on_off, OnOffIntentHandler)
    get_state = handlers[intent.INTENT_GET_STATE]
    assert type(get_state) is HeatingPadStateIntentHandler
    assert isinstance(get_state, GetStateIntentHandler)


async def test_turn_on_is_explained_when_recovery_loads_later(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> None:
    """Intent already running when the recovery loads: HassTurnOn explains refusals too."""
    await setup_assist(hass)
    original = {h.intent_type: h for h in intent.async_get(hass)}[intent.INTENT_TURN_ON]
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    turn_on = {h.intent_type: h for h in intent.async_get(hass)}[intent.INTENT_TURN_ON]
    assert type(turn_on) is HeatingPadOnOffIntentHandler
    assert vars(original).items() <= vars(turn_on).items()

    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    assert "3:00 AM" in speech(await ask(hass, "turn on the heating pad"))


async def _handle(
    hass: HomeAssistant,
    intent_type: str,
    language: str = "en",
    context: Context | None = None,
) -> str:
    response = await intent.async_handle(
        hass, "test", intent_type, {}, language=language, context=context
    )
    assert response.response_type in (
        intent.IntentResponseType.QUERY_ANSWER,
        intent.IntentResponseType.ERROR,
    )
    text: str = response.speech["plain"]["speech"]
    return text


async def test_intents_before_any_session(hass: HomeAssistant, assist: None) -> None:
    """Without a session: none recorded, and heat is allowed now."""
    assert (
        await _handle(hass, INTENT_LAST_HEAT_SESSION)
        == "No heat session is recorded yet."
    )
    assert (
        await _handle(hass, INTENT_NEXT_HEAT_SESSION)
        == "You can use the heating pad now."
    )


@pytest.mark.parametrize(
    "entry_data",
    [
        {
            CONF_NAME: "Back recovery",
            CONF_INJURY_DATE: "2026-11-25",
            CONF_HEATING_PAD: PLUG,
        }
    ],
)
async def test_next_heat_in_the_ice_days(hass: HomeAssistant, assist: None) -> None:
    """In the first days ice is recommended, not heat."""
    assert await _handle(hass, INTENT_NEXT_HEAT_SESSION) == (
        "The skin has rested, so a session is allowed now, "
        "but ice is recommended today rather than heat."
    )


async def test_intents_during_heat(hass: HomeAssistant, assist: None) -> None:
    """During heat: it runs until its end, and the pad is allowed after the rest."""
    await switch(hass, HEATING_PAD, on=True)
    assert (
        await _handle(hass, INTENT_LAST_HEAT_SESSION)
        == "A heat session is running now, until 1:20 AM."
    )
    assert await _handle(hass, INTENT_NEXT_HEAT_SESSION) == (
        "The heating pad is on until 1:20 AM. "
        "After that the skin rests; you can use it again from 3:20 AM."
    )


async def test_intents_during_ice(hass: HomeAssistant, assist: None) -> None:
    """During ice: no heat recorded, and the pad is allowed after the ice and the rest."""
    await press(hass, START_ICE_SESSION)
    assert (
        await _handle(hass, INTENT_LAST_HEAT_SESSION)
        == "No heat session is recorded yet."
    )
    assert await _handle(hass, INTENT_NEXT_HEAT_SESSION) == (
        "An ice session runs until 1:20 AM. "
        "After that the skin rests; you can use the heating pad from 3:20 AM."
    )


async def test_intents_after_heat(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None
) -> None:
    """After heat: how long ago in hours and minutes, and the end of the skin rest."""
    await switch(hass, HEATING_PAD, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, PLUG) == STATE_OFF
    assert (
        await _handle(hass, INTENT_LAST_HEAT_SESSION)
        == "Your last heat session ended just now."
    )
    await advance(hass, freezer, timedelta(minutes=65))
    assert (
        await _handle(hass, INTENT_LAST_HEAT_SESSION)
        == "Your last heat session ended 1 hour and 5 minutes ago."
    )
    assert await _handle(hass, INTENT_NEXT_HEAT_SESSION) == (
        "Your skin is resting. You can use the heating pad again from 3:20 AM."
    )
    await advance(hass, freezer, timedelta(minutes=55))
    assert (
        await _handle(hass, INTENT_NEXT_HEAT_SESSION)
        == "You can use the heating pad now."
    )


async def test_answers_on_the_askers_clock(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None, asker: Asker
) -> None:
    """A spoken time follows the asker's time format, else the clock of the language asked in."""
    await switch(hass, HEATING_PAD, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    answer = await _handle(
        hass, INTENT_NEXT_HEAT_SESSION, asker.language, asker.context
    )
    said = "3:20 AM" if asker.hours == 12 else "03:20"
    assert said in answer
    assert ("AM" in answer) == (asker.hours == 12)


async def test_next_heat_tomorrow(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None
) -> None:
    """A skin rest that ends after midnight says "tomorrow at"."""
    await advance(hass, freezer, timedelta(hours=22, minutes=30))  # 23:30 local
    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    assert await _handle(hass, INTENT_NEXT_HEAT_SESSION) == (
        "Your skin is resting. You can use the heating pad again from tomorrow at 1:30 AM."
    )


async def test_intents_name_each_recovery(
    hass: HomeAssistant, assist: None, init_integration: MockConfigEntry
) -> None:
    """With two recoveries, each answer is named."""
    await add_second_recovery(hass, injury_date="2026-11-01")
    await switch(hass, HEATING_PAD, on=True)
    assert await _handle(hass, INTENT_LAST_HEAT_SESSION) == (
        "Back recovery: A heat session is running now, until 1:20 AM. "
        "Anna: No heat session is recorded yet."
    )


async def test_intents_without_recovery(hass: HomeAssistant) -> None:
    """Without a loaded recovery the answer says so."""
    await setup_assist(hass)
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_INJURY_DATE: "2026-11-20"})
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert (
        await _handle(hass, INTENT_NEXT_HEAT_SESSION)
        == "No back recovery is set up yet."
    )


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        (
            "en",
            "when can I use the heating pad again",
            "No back recovery is set up yet.",
        ),
        (
            "en",
            "how long since my last heat session",
            "No back recovery is set up yet.",
        ),
        (
            "de",
            "wann kann ich das Heizkissen wieder benutzen",
            "Es ist noch keine Rückenerholung eingerichtet.",
        ),
    ],
)
async def test_questions_before_any_recovery_is_added(
    hass: HomeAssistant,
    config_with_sentences: None,
    language: str,
    text: str,
    answer: str,
) -> None:
    """With ``back_recovery:`` in the YAML and no recovery, a question is answered, not unknown."""
    await setup_assist(hass)
    assert await async_setup_component(hass, DOMAIN, {DOMAIN: None})
    await hass.async_block_till_done()
    assert hass.config_entries.async_entries(DOMAIN) == []
    # An empty key is no YAML set-up to repair.
    assert ir.async_get(hass).issues == {}

    response = await ask(hass, text, language)
    assert speech(response) == answer


@pytest.fixture
def config_with_sentences(hass: HomeAssistant, tmp_path: Path) -> None:
    """Copy the repository's custom_sentences into a configuration folder."""
    shutil.copytree(REPO_SENTENCES, tmp_path / "custom_sentences")
    hass.config.config_dir = str(tmp_path)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "how long since my last heat session",
            "Your last heat session ended 1 hour and 5 minutes ago.",
        ),
        (
            "when was my last heat session",
            "Your last heat session ended 1 hour and 5 minutes ago.",
        ),
        (
            "when can I use the heating pad again",
            "Your skin is resting. You can use the heating pad again from 3:20 AM.",
        ),
        (
            "when is the next session allowed",
            "Your skin is resting. You can use the heating pad again from 3:20 AM.",
        ),
    ],
)
async def test_custom_sentences(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    config_with_sentences: None,
    assist: None,
    text: str,
    answer: str,
) -> None:
    """The shipped custom sentences reach our intents through the default agent."""
    await switch(hass, HEATING_PAD, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=65))
    response = await ask(hass, text)
    assert response["response_type"] == "query_answer"
    assert speech(response) == answer


@pytest.fixture
async def german_assist(
    hass: HomeAssistant,
    german: None,
    config_with_sentences: None,
    init_integration: MockConfigEntry,
) -> None:
    """Set up Assist in German with the shipped sentences; expose the sensors."""
    await setup_assist(hass)
    for platform, key in (("sensor", "phase"), ("binary_sensor", "skin_rest")):
        async_expose_entity(
            hass, "conversation", entity_id_of(hass, platform, key), True
        )


async def test_voice_in_german(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, german_assist: None
) -> None:
    """The built-in German sentences work on the German aliases, with German answers."""
    pad = entity_id_of(hass, "switch", "heating_pad")
    assert pad == "switch.back_recovery_heizkissen"
    entry = er.async_get(hass).async_get(pad)
    assert entry is not None
    assert entry.aliases == [er.COMPUTED_NAME, "Heizkissen"]

    response = await ask(hass, "schalte das Heizkissen ein", "de")
    assert response["response_type"] == "action_done"
    assert entity_state(hass, PLUG) == STATE_ON
    response = await ask(hass, "schalte das Heizkissen aus", "de")
    assert response["response_type"] == "action_done"
    assert entity_state(hass, PLUG) == STATE_OFF

    response = await ask(hass, "schalte das Heizkissen ein", "de")
    assert response["response_type"] == "error"
    assert speech(response) == (
        "Die Haut ruht. Kälte oder Wärme ist wieder ab 03:00 (Ortszeit) erlaubt."
    )
    assert entity_state(hass, PLUG) == STATE_OFF

    response = await ask(hass, "ist die Hautruhe an", "de")
    assert response["response_type"] == "query_answer"
    assert speech(response) == "Ja"
    response = await ask(hass, "was ist die Erholungsphase", "de")
    assert response["response_type"] == "query_answer"
    assert speech(response).startswith("Erholungsphase ist")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "wie lange ist meine letzte Wärmeanwendung her",
            "Deine letzte Wärmeanwendung endete vor 1 Stunde und 5 Minuten.",
        ),
        (
            "wann kann ich das Heizkissen wieder benutzen",
            "Deine Haut ruht. Du kannst das Heizkissen ab 03:20 wieder benutzen.",
        ),
    ],
)
async def test_custom_sentences_in_german(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    german_assist: None,
    text: str,
    answer: str,
) -> None:
    """The shipped German sentences reach our intents and answer in German."""
    await switch(hass, entity_id_of(hass, "switch", "heating_pad"), on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=65))
    response = await ask(hass, text, "de")
    assert response["response_type"] == "query_answer"
    assert speech(response) == answer


def _samples(language: str) -> list[tuple[str, str]]:
    """Return every (intent, sentence) the shipped sentence file allows.

    A sentence that asks about ice (its ``modality`` slot) is named
    ``<intent>/ice``: its answer says "ice or heat". One that asks about an
    activity (its ``activity`` slot) is named ``<intent>/<activity>``.
    """
    data = load_yaml_dict(REPO_SENTENCES / language / "back_recovery.yaml")
    assert data["language"] == language
    samples: list[tuple[str, str]] = []
    for name, intent_data in data["intents"].items():
        for block in intent_data["data"]:
            one = {"language": language, "intents": {name: {"data": [block]}}}
            slots = block.get("slots", {})
            asked = ICE_ASKED if slots.get("modality") else ""
            if activity := slots.get("activity"):
                asked = f"/{activity}"
            samples += [
                (name + asked, " ".join(text.split()))
                for _, text in sample_intents(Intents.from_dict(one))
            ]
    return samples


NOT_RECORDED_EN = ": not recorded as cleared by your doctor."
NOT_CLEARED_EN = (
    f"{NOT_RECORDED_EN} The guidance says to avoid it until your doctor "
    "permits it again."
)
NOT_RECORDED_DE = ": keine Freigabe deiner Ärztin oder deines Arztes eingetragen."
NOT_CLEARED_DE = (
    f"{NOT_RECORDED_DE} Laut Empfehlung meidest du es, bis sie oder er es "
    "wieder erlaubt."
)
ACTIVITY_ANSWERS_EN = {
    f"{INTENT_ACTIVITY_CLEARED}/high_impact": f"Running and jumping{NOT_CLEARED_EN}",
    f"{INTENT_ACTIVITY_CLEARED}/contact_sports": f"Contact sports{NOT_CLEARED_EN}",
    f"{INTENT_ACTIVITY_CLEARED}/heavy_lifting": (
        "Heavy lifting: cleared by Dr. Lee on 24 November."
    ),
    INTENT_ACTIVITY_CLEARED: (
        f"Running and jumping{NOT_RECORDED_EN} Contact sports{NOT_RECORDED_EN} "
        "Heavy lifting: cleared by Dr. Lee on 24 November. The guidance says to "
        "avoid each activity not cleared until your doctor permits it again."
    ),
}
ACTIVITY_ANSWERS_DE = {
    f"{INTENT_ACTIVITY_CLEARED}/high_impact": f"Laufen und Springen{NOT_CLEARED_DE}",
    f"{INTENT_ACTIVITY_CLEARED}/contact_sports": f"Kontaktsport{NOT_CLEARED_DE}",
    f"{INTENT_ACTIVITY_CLEARED}/heavy_lifting": (
        "Schweres Heben: freigegeben von Dr. Lee am 24. November."
    ),
    INTENT_ACTIVITY_CLEARED: (
        f"Laufen und Springen{NOT_RECORDED_DE} Kontaktsport{NOT_RECORDED_DE} "
        "Schweres Heben: freigegeben von Dr. Lee am 24. November. Laut "
        "Empfehlung meidest du jede nicht freigegebene Aktivität, bis deine "
        "Ärztin oder dein Arzt sie wieder erlaubt."
    ),
}


@pytest.mark.parametrize(
    ("language", "answers"),
    [
        (
            "en",
            {
                INTENT_LAST_HEAT_SESSION: "Your last heat session ended 1 hour "
                "and 5 minutes ago.",
                INTENT_NEXT_HEAT_SESSION: "Your skin is resting. You can use the "
                "heating pad again from 3:20 AM.",
                INTENT_NEXT_HEAT_SESSION + ICE_ASKED: "Your skin is resting. You "
                "can use ice or heat again from 3:20 AM.",
                INTENT_EXERCISES_DONE: "No exercises are set up.",
                INTENT_EXERCISES_LEFT: "No exercises are set up.",
                **ACTIVITY_ANSWERS_EN,
            },
        ),
        (
            "de",
            {
                INTENT_LAST_HEAT_SESSION: "Deine letzte Wärmeanwendung endete vor "
                "1 Stunde und 5 Minuten.",
                INTENT_NEXT_HEAT_SESSION: "Deine Haut ruht. Du kannst das "
                "Heizkissen ab 03:20 wieder benutzen.",
                INTENT_NEXT_HEAT_SESSION + ICE_ASKED: "Deine Haut ruht. Du kannst "
                "ab 03:20 wieder Kälte oder Wärme anwenden.",
                INTENT_EXERCISES_DONE: "Es sind keine Übungen eingerichtet.",
                INTENT_EXERCISES_LEFT: "Es sind keine Übungen eingerichtet.",
                **ACTIVITY_ANSWERS_DE,
            },
        ),
    ],
)
async def test_every_shipped_sentence_reaches_its_intent(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    config_with_sentences: None,
    assist: None,
    language: str,
    answers: dict[str, str],
) -> None:
    """Each sentence the files allow is answered by its intent, not a built-in one."""
    await action(
        hass,
        "record_clearance",
        activity="heavy_lifting",
        cleared_on="2026-11-24",
        by="Dr. Lee",
    )
    await switch(hass, HEATING_PAD, on=True)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=65))
    samples = _samples(language)
    assert {name for name, _ in samples} == set(answers)
    for name, sentence in samples:
        response = await ask(hass, sentence, language)
        assert speech(response) == answers[name], sentence


async def test_turn_on_is_left_alone_without_home_assistants_handler(
    hass: HomeAssistant,
) -> None:
    """Without Home Assistant's own handlers nothing is registered in their place."""
    await async_answer_for_recoveries(hass)

    assert [
        handler
        for handler in intent.async_get(hass)
        if handler.intent_type
        in (intent.INTENT_TURN_ON, intent.INTENT_TURN_OFF, intent.INTENT_GET_STATE)
    ] == []


# "When can I ice my back again": the rest gap is shared by ice and heat (rule 7)


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        (
            "en",
            "when can I ice my back again",
            "Your skin is resting. You can use ice or heat again from 3:20 AM.",
        ),
        (
            "de",
            "wann darf ich wieder kühlen",
            "Deine Haut ruht. Du kannst ab 03:20 wieder Kälte oder Wärme anwenden.",
        ),
    ],
)
async def test_asked_about_ice_the_answer_is_about_ice_or_heat(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    config_with_sentences: None,
    assist: None,
    language: str,
    text: str,
    answer: str,
) -> None:
    """After ice, "when can I ice again" names the shared rest gap, not the heating pad."""
    await action(hass, "start_session", modality="ice", minutes=20)
    await advance(hass, freezer, timedelta(minutes=20))
    await advance(hass, freezer, timedelta(minutes=65))
    response = await ask(hass, text, language)
    assert response["response_type"] == "query_answer"
    assert speech(response) == answer


async def test_asked_about_ice_while_ice_runs(
    hass: HomeAssistant, config_with_sentences: None, assist: None
) -> None:
    """A running ice session: its end, and when ice or heat is allowed after it."""
    await action(hass, "start_session", modality="ice", minutes=20)
    response = await ask(hass, "when can I use ice again")
    assert speech(response) == (
        "An ice session runs until 1:20 AM. After that the skin rests; "
        "you can use ice or heat again from 3:20 AM."
    )


# Rule 10 and the truth while the pad heats (contract section of that name):
# what Assist says about the pad is what the plug does.


async def _handle_waiting(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    intent_type: str,
    name: str,
    language: str = "en",
) -> intent.IntentResponse:
    """Handle a built-in intent on the entity ``name`` while the plug's confirmation time passes.

    Through the intent handlers, not the sentences: Assist recognises a
    sentence in an executor thread, which a frozen clock cannot wait for.
    """
    request = await waited(
        hass,
        freezer,
        intent.async_handle(
            hass,
            "test",
            intent_type,
            {"name": {"value": name}},
            language=language,
        ),
        seconds=6,
    )
    return request.result()


def _said(response: intent.IntentResponse) -> str:
    text: str = response.speech["plain"]["speech"]
    return text


@pytest.mark.parametrize("language", ["en", "de"])
async def test_rule_10_turn_off_the_heating_pad_that_ignores_it_says_to_unplug_it(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    assist: None,
    language: str,
) -> None:
    """Saying "turn off the heating pad" while the plug ignores it: not "Turned off", but unplug it."""
    await ask(hass, "turn on the heating pad")
    assert plug_power(hass) == STATE_ON
    await set_input_boolean(hass, PLUG_IGNORES, on=True)

    response = await _handle_waiting(
        hass, freezer, intent.INTENT_TURN_OFF, "Heating pad", language
    )

    assert response.response_type is intent.IntentResponseType.ERROR
    assert _said(response) == translations(language)["common"][NOT_SWITCHED_OFF]
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON

    # Turning it on meanwhile is refused with the reason, logged as no error.
    caplog.clear()
    response = await intent.async_handle(
        hass,
        "test",
        intent.INTENT_TURN_ON,
        {"name": {"value": "Heating pad"}},
        language=language,
    )
    assert response.response_type is intent.IntentResponseType.ERROR
    message = translations(language)["exceptions"]["heating_pad_not_responding"]
    assert _said(response) == message["message"].format(plug="Heating pad plug")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    # Once the plug obeys, turning it off is done and said so.
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    response = await _handle_waiting(
        hass, freezer, intent.INTENT_TURN_OFF, "Heating pad", language
    )
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


async def test_rule_11_turn_on_the_heating_pad_that_ignores_it_is_not_turned_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None
) -> None:
    """The plug does not confirm on: not "Turned on", but that no heat session was started."""
    await set_input_boolean(hass, PLUG_IGNORES, on=True)

    response = await _handle_waiting(
        hass, freezer, intent.INTENT_TURN_ON, "Heating pad"
    )

    assert response.response_type is intent.IntentResponseType.ERROR
    message = translations()["exceptions"]["heating_pad_not_responding"]["message"]
    assert _said(response) == message.format(plug="Heating pad plug")
    assert plug_power(hass) == STATE_OFF


async def test_rule_10_pressing_stop_by_voice_while_the_plug_ignores_it_says_to_unplug_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None
) -> None:
    """Pressing stop by voice while the plug ignores the switch-off: unplug the heating pad."""
    await switch(hass, HEATING_PAD, on=True)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)

    response = await _handle_waiting(
        hass, freezer, intent.INTENT_TURN_ON, "Stop session"
    )

    assert response.response_type is intent.IntentResponseType.ERROR
    assert _said(response) == translations()["common"][NOT_SWITCHED_OFF]
    assert plug_power(hass) == STATE_ON


async def test_rule_10_turn_off_the_unreachable_heating_pad_says_to_unplug_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None
) -> None:
    """The plug drops off the network during heat: Home Assistant skips the Off, and the answer says so."""
    await switch(hass, HEATING_PAD, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)

    response = await _handle_waiting(
        hass, freezer, intent.INTENT_TURN_OFF, "Heating pad"
    )

    assert response.response_type is intent.IntentResponseType.ERROR
    assert _said(response) == translations()["common"][NOT_SWITCHED_OFF]
    assert plug_power(hass) == STATE_ON


async def test_rule_10_is_the_heating_pad_on_while_its_plug_is_offline_says_it_may_heat(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, assist: None
) -> None:
    """Not "No, unavailable" while heat may be on the skin: during heat and while the switch-off is owed."""
    may_heat = translations()["common"]["voice_heating_pad_may_heat"]
    # No heat and no switch-off owed: Home Assistant's own answer stands.
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    assert speech(await ask(hass, "is the heating pad on")) == "No, unavailable"
    await set_input_boolean(hass, PLUG_ONLINE, on=True)

    await switch(hass, HEATING_PAD, on=True)
    assert speech(await ask(hass, "is the heating pad on")) == "Yes"
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    response = await ask(hass, "is the heating pad on")
    assert response["response_type"] == "query_answer"
    assert speech(response) == may_heat

    # The planned end passes while it is offline: the switch-off is owed.
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_ON
    assert speech(await ask(hass, "is the heating pad on")) == may_heat

    # Back and switched off: the plug's answer again.
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert speech(await ask(hass, "is the heating pad on")) == "No, off"


@pytest.mark.parametrize("language", ["en", "de"])
async def test_rule_10_questions_while_the_switch_off_is_owed_say_heat_may_be_on(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    config_with_sentences: None,
    assist: None,
    language: str,
) -> None:
    """The plug ignores the switch-off at the planned end: heat has not ended, and no rest is counted."""
    common = translations(language)["common"]
    await switch(hass, HEATING_PAD, on=True)
    await set_input_boolean(hass, PLUG_IGNORES, on=True)
    await advance(hass, freezer, timedelta(minutes=21))
    assert plug_power(hass) == STATE_ON

    last, next_ = {
        "en": (
            "how long since my last heat session",
            "when can I use the heating pad again",
        ),
        "de": (
            "wie lange ist meine letzte Wärmeanwendung her",
            "wann kann ich das Heizkissen wieder benutzen",
        ),
    }[language]
    owed = speech(await ask(hass, last, language))
    assert owed == common["voice_last_heat_switch_off_owed"]
    owed = speech(await ask(hass, next_, language))
    assert owed == common["voice_next_heat_switch_off_owed"]

    # The plug obeys at last: heat ended now, and the rest counts from now.
    await set_input_boolean(hass, PLUG_IGNORES, on=False)
    await advance(hass, freezer, timedelta(seconds=60))
    assert plug_power(hass) == STATE_OFF
    assert speech(await ask(hass, last, language)) == common["voice_last_heat_just_now"]
    assert common["voice_next_heat_rest"].split("{")[0] in speech(
        await ask(hass, next_, language)
    )
