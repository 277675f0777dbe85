"""Pain medication by voice and for language models: "I took an ibuprofen", the log_dose tool, the status.

The answers say what a dose means against the limits the person entered,
"allowed by the limits you entered", and no advice of Back Recovery's own;
the language models' prompt says Back Recovery gives no drug, dose or
interaction advice.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.llm import async_get_tools
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import llm
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from ..helpers.assist import ask, setup_assist, speech
from ..helpers.clock import T0, advance
from ..helpers.files import ROOT
from ..helpers.medication import add_medicine, log_dose

LOG_DOSE_TOOL = "back_recovery__log_dose"
STATUS_TOOL = "back_recovery__get_status"


@pytest.fixture
async def medicine_sentences(
    hass: HomeAssistant, tmp_path: Path, init_integration: MockConfigEntry
) -> None:
    """Copy the shipped medication sentences to a configuration folder; set up Assist; add Ibuprofen."""
    for language in ("en", "de"):
        folder = tmp_path / "custom_sentences" / language
        folder.mkdir(parents=True)
        shutil.copy(
            ROOT / "custom_sentences" / language / "back_recovery_medication.yaml",
            folder,
        )
    hass.config.config_dir = str(tmp_path)
    await setup_assist(hass)
    await add_medicine(hass, hours=6, most=4)


def _doses(entry: MockConfigEntry) -> int:
    return len(entry.runtime_data.engine.records.medication.log.doses)


@pytest.mark.usefixtures("medicine_sentences")
async def test_i_took_an_ibuprofen_records_a_dose_and_says_the_next_allowed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The dose is recorded now; the answer says when the next is allowed by the limits entered."""
    response = await ask(hass, "I took an ibuprofen")
    assert speech(response) == (
        "Recorded a dose of Ibuprofen taken at 1:00 AM. "
        "Next dose allowed by the limits you entered: 7:00 AM."
    )
    assert _doses(init_integration) == 1
    response = await ask(hass, "I took an ibuprofen tablet")
    assert speech(response).startswith(
        "Recorded a dose of Ibuprofen taken at 1:00 AM. "
    )
    assert "sooner after the one before" in speech(response)
    assert _doses(init_integration) == 2


@pytest.mark.usefixtures("medicine_sentences")
async def test_when_can_i_take_my_next_ibuprofen(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Allowed now before a dose; after one, from the end of the entered interval; nothing recorded."""
    question = "when can I take my next ibuprofen"
    assert speech(await ask(hass, question)) == (
        "Ibuprofen: a dose is allowed now by the limits you entered."
    )
    await log_dose(hass, "Ibuprofen")
    await advance(hass, freezer, timedelta(hours=1))
    assert speech(await ask(hass, question)) == (
        "Ibuprofen: the next dose is allowed by the limits you entered from 7:00 AM."
    )
    assert _doses(init_integration) == 1


@pytest.mark.usefixtures("medicine_sentences")
async def test_a_medicine_not_entered_is_named_with_the_ones_that_are(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Nothing is recorded for a name Back Recovery does not know."""
    response = await ask(hass, "I took an aspirin")
    assert speech(response) == (
        "There is no medicine called aspirin in Back Recovery. "
        "Your medicines: Ibuprofen."
    )
    assert _doses(init_integration) == 0


@pytest.mark.usefixtures("medicine_sentences")
async def test_with_no_medicine_the_answer_says_there_is_none(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No "Your medicines: -.": the answer says no medicine was added yet, in English and German."""
    (medicine,) = init_integration.subentries
    assert hass.config_entries.async_remove_subentry(init_integration, medicine)
    await hass.async_block_till_done()
    assert speech(await ask(hass, "I took an aspirin")) == (
        "There is no medicine called aspirin in Back Recovery: you have not added "
        "any medicine yet. Medicines are added on the integration page."
    )
    hass.config.language = "de"
    assert speech(await ask(hass, "ich habe Aspirin genommen", "de")) == (
        "In Back Recovery gibt es kein Medikament namens Aspirin: Du hast noch kein "
        "Medikament eingetragen. Medikamente werden auf der Seite der Integration "
        "hinzugefügt."
    )


@pytest.mark.usefixtures("medicine_sentences")
async def test_german_sentences(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Auf Deutsch: erfasst, mit der 24-Stunden-Uhr."""
    hass.config.language = "de"
    response = await ask(hass, "ich habe Ibuprofen genommen", "de")
    assert speech(response) == (
        "Einnahme von Ibuprofen um 01:00 erfasst. "
        "Nächste Einnahme nach deinen eingegebenen Grenzen erlaubt: 07:00."
    )
    response = await ask(hass, "wann darf ich die nächste Ibuprofen nehmen", "de")
    assert speech(response) == (
        "Ibuprofen: Die nächste Einnahme ist nach deinen eingegebenen Grenzen "
        "ab 07:00 erlaubt."
    )


async def _api(hass: HomeAssistant, language: str = "en") -> llm.APIInstance:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "llm", {})
    await hass.async_block_till_done()
    return await llm.async_get_api(
        hass,
        llm.LLM_API_ASSIST,
        llm.LLMContext(
            platform="test",
            context=Context(),
            language=language,
            assistant="conversation",
            device_id=None,
        ),
    )


async def test_the_log_dose_tool_records_and_says_the_warnings(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The tool calls the action: recorded, with the warnings in words; a refusal is an error result."""
    await add_medicine(hass, hours=6, most=2)
    api = await _api(hass)
    assert LOG_DOSE_TOOL in {tool.name for tool in api.tools}
    first = await api.async_call_tool(
        llm.ToolInput(tool_name=LOG_DOSE_TOOL, tool_args={"medication": "ibuprofen"})
    )
    assert first.error is False
    assert first.data["warnings"] == ["one_before_limit"]
    assert first.data["taken_at"] == T0.isoformat()
    assert first.data["warnings_text"] == (
        "One more dose in these 24 hours reaches the most you entered."
    )
    refused = await api.async_call_tool(
        llm.ToolInput(tool_name=LOG_DOSE_TOOL, tool_args={"medication": "aspirin"})
    )
    assert refused.error is True
    assert "Ibuprofen" in str(refused.data["error"])
    assert _doses(init_integration) == 1


@pytest.mark.usefixtures("medicine_sentences")
async def test_rule_a_dose_beyond_the_daily_limit_is_said_to_be_over_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The fourth of four reaches the limit; the fifth is over it ("5 of 4"), not "reached"."""
    for _ in range(3):
        await ask(hass, "I took an ibuprofen")
    fourth = speech(await ask(hass, "I took an ibuprofen"))
    assert "the most doses in 24 hours you entered is reached" in fourth
    fifth = speech(await ask(hass, "I took an ibuprofen"))
    assert "is reached" not in fifth
    assert (
        "With this dose, you are over the most doses in 24 hours you entered (5 of 4)."
    ) in fifth


async def test_rule_the_log_dose_tool_says_a_dose_over_the_limit(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """``warnings_text`` says the second of at most one is over the limit ("2 of 1")."""
    await add_medicine(hass, hours=1, most=1)
    api = await _api(hass)
    tool = llm.ToolInput(tool_name=LOG_DOSE_TOOL, tool_args={"medication": "ibuprofen"})
    await api.async_call_tool(tool)
    second = await api.async_call_tool(tool)
    assert second.data["warnings"] == ["too_soon", "daily_limit_reached"]
    assert second.data["most_doses_24h"] == 2
    said = second.data["warnings_text"]
    assert isinstance(said, str)
    assert said.endswith(
        "With this dose, you are over the most doses in 24 hours you entered (2 of 1)."
    )


async def test_the_prompt_gives_no_drug_dose_or_interaction_advice(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The tools' prompt says Back Recovery gives no drug, dose or interaction advice."""
    await _api(hass)
    tools = async_get_tools(
        hass,
        llm.LLMContext(
            platform="test",
            context=Context(),
            language="en",
            assistant="conversation",
            device_id=None,
        ),
        llm.LLM_API_ASSIST,
    )
    assert tools is not None and tools.prompt is not None
    assert "no drug, dose or interaction advice" in tools.prompt
    for tool in tools.tools:
        assert "safe " not in (tool.description or "").lower()


async def test_status_lists_the_medicines_once_there_are_any(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No medicine, no ``medicines``; with one, its limits as entered and the next dose allowed."""
    api = await _api(hass)
    before = await api.async_call_tool(
        llm.ToolInput(tool_name=STATUS_TOOL, tool_args={})
    )
    assert "medicines" not in before.data
    await add_medicine(hass, hours=6, most=4, supply=10)
    await log_dose(hass, "Ibuprofen")
    after = await api.async_call_tool(
        llm.ToolInput(tool_name=STATUS_TOOL, tool_args={})
    )
    assert after.data["medicines"] == [
        {
            "name": "Ibuprofen",
            "kind": "nsaid",
            "min_hours_between_entered": 6,
            "max_doses_per_24h_entered": 4,
            "limits_from": "label",
            "doses_24h": 1,
            "last_taken": dt_util.as_local(T0).isoformat(),
            "next_dose_allowed": dt_util.as_local(T0 + timedelta(hours=6)).isoformat(),
            "next_dose_allowed_now": False,
            "waiting_for": "too_soon",
            "supply_left": 9,
            "supply_low": False,
        }
    ]
