"""Voice and language models: "may I run yet?" answered from the recorded clearances, never from the phase.

Contract "Activities and return to activity": the answer is "not recorded as
cleared by your doctor" or "cleared by Dr. Lee on 3 March", the date in the
asker's language.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import CONF_OWN_ACTIVITIES
from homeassistant.core import HomeAssistant

from ..helpers.assist import ask, setup_assist, speech
from ..helpers.files import ROOT
from ..helpers.ha import ENTRY_ID, action, add_second_recovery

pytestmark = pytest.mark.usefixtures("plug")

MARCH_5 = datetime(2027, 3, 5, 10, 0, tzinfo=UTC)
"""A day in the next March, so a clearance on 3 March is said without its year."""
NOT_CLEARED = (
    "Running and jumping: not recorded as cleared by your doctor. The guidance "
    "says to avoid it until your doctor permits it again."
)


@pytest.fixture
async def sentences(
    hass: HomeAssistant, tmp_path: Path, init_integration: MockConfigEntry
) -> None:
    """Assist with the repository's custom sentences, after the recovery."""
    shutil.copytree(ROOT / "custom_sentences", tmp_path / "custom_sentences")
    hass.config.config_dir = str(tmp_path)
    await setup_assist(hass)


async def _clear_high_impact(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Move to 5 March 2027 and record that Dr. Lee cleared running on 3 March."""
    freezer.move_to(MARCH_5)
    await action(
        hass,
        "record_clearance",
        activity="high_impact",
        cleared_on="2027-03-03",
        by="Dr. Lee",
    )


@pytest.mark.usefixtures("sentences")
async def test_may_i_run_yet_says_not_recorded_until_a_clearance_is(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Before: "not recorded as cleared by your doctor"; after: "cleared by Dr. Lee on 3 March"."""
    response = await ask(hass, "may I run yet")
    assert response["response_type"] == "query_answer"
    assert speech(response) == NOT_CLEARED
    await _clear_high_impact(hass, freezer)
    response = await ask(hass, "may I run yet")
    assert speech(response) == "Running and jumping: cleared by Dr. Lee on 3 March."
    response = await ask(hass, "can I lift heavy things")
    assert speech(response).startswith(
        "Heavy lifting: not recorded as cleared by your doctor."
    )


@pytest.mark.usefixtures("sentences")
async def test_darf_ich_schon_joggen_answers_in_german(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """German: the date in German words ("3. März")."""
    response = await ask(hass, "darf ich schon joggen", "de")
    assert speech(response) == (
        "Laufen und Springen: keine Freigabe deiner Ärztin oder deines Arztes "
        "eingetragen. Laut Empfehlung meidest du es, bis sie oder er es wieder "
        "erlaubt."
    )
    await _clear_high_impact(hass, freezer)
    response = await ask(hass, "darf ich schon joggen", "de")
    assert speech(response) == (
        "Laufen und Springen: freigegeben von Dr. Lee am 3. März."
    )


@pytest.mark.usefixtures("sentences")
async def test_a_withdrawn_clearance_is_said_as_not_cleared(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Withdrawn: not recorded as cleared, and which clearance was withdrawn when."""
    await _clear_high_impact(hass, freezer)
    await action(hass, "withdraw_clearance", activity="high_impact")
    response = await ask(hass, "may I run yet")
    assert speech(response) == (
        "Running and jumping: not recorded as cleared by your doctor (the "
        "clearance by Dr. Lee on 3 March was withdrawn on 5 March)."
    )


@pytest.mark.usefixtures("sentences")
async def test_rule_no_phase_clears_running_for_the_voice(hass: HomeAssistant) -> None:
    """Recovered by the phases, running is still not recorded as cleared."""
    await action(hass, "set_phase", phase="recovered")
    response = await ask(hass, "may I run yet")
    assert speech(response) == NOT_CLEARED


@pytest.mark.usefixtures("sentences")
async def test_two_recoveries_are_each_answered_by_name(hass: HomeAssistant) -> None:
    """With two recoveries, each answer is named."""
    await add_second_recovery(hass)
    await action(hass, "record_clearance", activity="high_impact", by="Dr. Lee")
    response = await ask(hass, "may I run yet")
    said = speech(response)
    assert (
        "Back recovery: Running and jumping: cleared by Dr. Lee on 25 November." in said
    )
    assert said.endswith(NOT_CLEARED)


EVERY_ACTIVITY = {
    "en": (
        "what activities am I cleared for",
        ": not recorded as cleared by your doctor.",
        (
            "The guidance says to avoid each activity not cleared until your "
            "doctor permits it again."
        ),
    ),
    "de": (
        "welche Aktivitäten sind freigegeben",
        ": keine Freigabe deiner Ärztin oder deines Arztes eingetragen.",
        (
            "Laut Empfehlung meidest du jede nicht freigegebene Aktivität, bis "
            "deine Ärztin oder dein Arzt sie wieder erlaubt."
        ),
    ),
}
"""By language: the question about every activity, one not cleared, the guidance's advice."""


@pytest.mark.usefixtures("sentences")
@pytest.mark.parametrize("language", sorted(EVERY_ACTIVITY))
async def test_every_activity_answer_says_the_guidance_advice_once_at_the_end(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, language: str
) -> None:
    """Four activities not cleared: each "not recorded as cleared", the advice to avoid them once, last."""
    question, not_cleared, advice = EVERY_ACTIVITY[language]
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_OWN_ACTIVITIES: ["Cycling", "Golf"]}
    )
    await hass.async_block_till_done()
    await _clear_high_impact(hass, freezer)
    said = speech(await ask(hass, question, language))
    assert said.count(not_cleared) == 4
    assert said.endswith(f"Golf{not_cleared} {advice}")
    opening = " ".join(
        advice.split()[:3]
    )  # "The guidance says", "Laut Empfehlung meidest"
    assert said.count(opening) == 1
