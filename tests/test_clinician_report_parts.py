"""The clinician report's sections of the exercises and the brace, as a doctor reads them (issue 25).

Through Home Assistant's own web server, as tests/test_clinician_report.py:
a logged-in administrator asks for the page and the CSV. The exercises'
section shows each exercise's sessions due and done over the period, its
adherence, its skips, how pain answered (green / amber / red) and the
highest pain during; the brace's the hours worn each day against the hours
prescribed. A part without data in the period is left out.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
import io
import re

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import CLIENT_ID, MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.back_recovery.const import CONF_BRACE_HOURS_PER_DAY
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .helpers.clock import advance, local, move_to
from .helpers.exercises import add_exercise
from .helpers.ha import ENTRY_ID, action, add_entry, turn

REPORT = f"/api/back_recovery/report/{ENTRY_ID}"
BRACE_WORN = "switch.back_recovery_brace_worn"

pytestmark = pytest.mark.usefixtures("plug")


async def page_and_rows(
    hass: HomeAssistant, client_factory: ClientSessionGenerator
) -> tuple[str, list[dict[str, str]]]:
    """Return the report's page and its CSV rows, asked by the administrator now.

    A new access token: the one made before the clock moved days on has expired.
    """
    (owner,) = [
        user
        for user in await hass.auth.async_get_users()
        if user.is_admin and not user.system_generated
    ][:1]
    refresh = await hass.auth.async_create_refresh_token(owner, CLIENT_ID)
    client = await client_factory(hass.auth.async_create_access_token(refresh))
    page = await (await client.get(REPORT)).text()
    text = await (await client.get(f"{REPORT}.csv")).text()
    return page, list(csv.DictReader(io.StringIO(text)))


def cells(page: str, key: str) -> list[list[str]]:
    """Return the rows of the table of a part's section (``part-<key>``), as plain cells."""
    section = page.split(f'class="part part-{key}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>")[:-1]]


async def three_days_of_exercises(
    hass: HomeAssistant, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> date:
    """Pain 3, then Bridge: done with pain 2, skipped for pain, done with pain 8; Cat cow never done. Return the first day."""
    first = dt_util.now().date()
    await add_exercise(hass, entry, "Bridge")
    await add_exercise(hass, entry, "Cat cow")
    await move_to(hass, freezer, local(first, 9))
    await action(hass, "log_pain", level=3)  # what pain during is compared with
    await action(hass, "log_exercise", exercise="Bridge", pain_during=2)
    await move_to(hass, freezer, local(first + timedelta(days=1), 9))
    await action(
        hass, "log_exercise", exercise="Bridge", skipped=True, skip_reason="pain"
    )
    await move_to(hass, freezer, local(first + timedelta(days=2), 9))
    await action(hass, "log_exercise", exercise="Bridge", pain_during=8)
    return first


async def test_report_shows_each_exercises_adherence_and_responses(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Due, done, adherence, skips, green / amber / red and the highest pain per exercise; a CSV row each.

    Today is not over: Bridge's session today counts as due once done, Cat
    cow's not (3 due, 2 done: 67 %; Cat cow 2 due, 0 done).
    """
    await three_days_of_exercises(hass, init_integration, freezer)

    page, rows = await page_and_rows(hass, hass_client)

    assert "<h2>Rehabilitation exercises</h2>" in page
    assert cells(page, "exercises") == [
        ["Bridge", "3 × 30 s, each side", "3", "2", "67 %", "1", "1 / 0 / 1", "8"],
        ["Cat cow", "3 × 30 s, each side", "2", "0", "0 %", "0", "0 / 0 / 0", "–"],
    ]
    exercise_rows = [
        (row["value"], row["unit"], row["detail"])
        for row in rows
        if row["kind"] == "exercise"
    ]
    assert exercise_rows == [("67", "%", "Bridge"), ("0", "%", "Cat cow")]


@pytest.mark.usefixtures("german")
async def test_report_shows_the_exercises_in_german(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Home Assistant in German: the section's title, headings and targets in German."""
    await three_days_of_exercises(hass, init_integration, freezer)

    page, _rows = await page_and_rows(hass, hass_client)

    assert "<h2>Übungen</h2>" in page
    assert "Grün / Gelb / Rot" in page
    assert cells(page, "exercises")[0][:2] == ["Bridge", "3 × 30 s, je Seite"]


async def test_report_leaves_out_exercises_and_brace_without_data(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """No exercise and no brace: neither section, no such CSV rows."""
    page, rows = await page_and_rows(hass, hass_client)

    assert "part-exercises" not in page
    assert "part-brace" not in page
    assert not {"exercise", "brace_day"} & {row["kind"] for row in rows}


async def test_report_shows_the_brace_hours_worn_each_day_against_the_prescription(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Prescribed 2 hours a day from the first day (which does not count): 1 h, then 3 h, then none yet today.

    The summary counts the one complete day with a prescription: 100 %,
    reached on 1 of 1. A CSV row per day: hours worn, the hours prescribed.
    """
    await add_entry(hass, plug=None)
    first = dt_util.now().date()
    await move_to(hass, freezer, local(first, 8))
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_BRACE_HOURS_PER_DAY: 2}
    )
    await hass.async_block_till_done()
    await turn(hass, "switch", BRACE_WORN, True)
    await advance(hass, freezer, timedelta(hours=1))
    await turn(hass, "switch", BRACE_WORN, False)
    await move_to(hass, freezer, local(first + timedelta(days=1), 8))
    await turn(hass, "switch", BRACE_WORN, True)
    await advance(hass, freezer, timedelta(hours=3))
    await turn(hass, "switch", BRACE_WORN, False)
    await move_to(hass, freezer, local(first + timedelta(days=2), 8))

    page, rows = await page_and_rows(hass, hass_client)

    assert "<h2>Brace</h2>" in page
    assert [row[1:] for row in cells(page, "brace")] == [
        ["1.0", "–"],
        ["3.0", "2"],
        ["0.0", "2"],
    ]
    assert (
        "On the 1 complete days with a prescription, 100 % of the prescribed hours"
        in page
    )
    assert "reached on 1 of them" in page
    assert [
        (row["value"], row["unit"], row["detail"])
        for row in rows
        if row["kind"] == "brace_day"
    ] == [("1.0", "h", ""), ("3.0", "h", "2"), ("0.0", "h", "2")]
