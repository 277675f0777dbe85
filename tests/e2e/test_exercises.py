"""The rehabilitation programme in a real browser: an exercise added in the UI, checked off on the dashboard.

A person whose recovery is in its rehabilitation phase opens the
integration page, adds an exercise through the subentry flow ("Add
exercise": the form as the physical therapist prescribed it; its kind,
sets and times per day start empty and saving without them is refused on
each field, so nothing is entered for the person), opens the
ready dashboard, where the section "Exercises" has appeared, checks the
exercise off on the to-do card and sees the 7-day adherence appear (100 %:
today's only item done). Once in English, once in German. Screenshots go to
tests/e2e/artifacts/ (``52-*.png`` in English, ``53-*.png`` in German;
``52-exercises-section.png`` is docs/images/exercises-dashboard.png and
``53-exercises-section.png`` docs/images/exercises-dashboard-german.png).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ..helpers.files import translations
from .forms import (
    FINISH,
    INTEGRATION_PAGE,
    SUBMIT,
    choose,
    entered,
    refused_with,
    shown,
)
from .instance import (
    ARTIFACTS,
    DASHBOARD,
    GERMAN_DASHBOARD,
    HomeAssistantInstance,
    add_recovery,
    shot,
    wait_for_state,
)
from .navigation import open_page

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

REHABILITATION_DAYS_AGO = 50
"""The injury 50 days ago: past the 6 weeks' rest, in rehabilitation (an exercise's default phase)."""
NO_PAIN = {"en": "no pain given yet", "de": "noch kein Schmerz angegeben"}
"""The responses' card for an exercise without pain given (the dashboards' own words)."""
IDS = {
    "en": {
        "todo": "todo.back_recovery_exercises_today",
        "adherence": "sensor.back_recovery_exercise_adherence_7_days",
    },
    "de": {
        "todo": "todo.back_recovery_ubungen_heute",
        "adherence": "sensor.back_recovery_ubungstreue_7_tage",
    },
}


def add_and_check_off(
    home_assistant: HomeAssistantInstance,
    page: Any,
    language: str,
    dashboard: str,
    prefix: str,
) -> None:
    """Add "Bridge" (strength, 3 × 10, once a day) in the UI, check it off on the dashboard, see the adherence at 100 %.

    Saved with only its name first: refused on the kind, the sets and the
    times per day, which start empty.
    """
    texts = translations(language)
    exercise = texts["config_subentries"]["exercise"]
    fields = exercise["step"]["user"]["data"]
    ids = IDS[language]
    add_recovery(home_assistant, days_ago=REHABILITATION_DAYS_AGO)

    open_page(page, home_assistant.url + INTEGRATION_PAGE)
    page.get_by_role("button", name=exercise["initiate_flow"]["user"]).first.click()
    form = page.locator("dialog-data-entry-flow")
    form.get_by_role("textbox", name=fields["name"]).first.fill("Bridge")
    # Nothing is chosen or entered for the person.
    assert shown(form, fields["kind"]) == ""
    assert entered(form, fields["sets"]) == ""
    assert entered(form, fields["times_per_day"]) == ""
    form.get_by_role("button", name=SUBMIT).click()
    refused_with(
        form,
        [
            exercise["error"][f"{key}_needed"]
            for key in ("kind", "sets", "times_per_day")
        ],
    )
    shot(page, f"{prefix}-exercise-refused")
    choose(form, fields["kind"], texts["selector"]["kind"]["options"]["strength"])
    form.get_by_role("spinbutton", name=fields["sets"], exact=True).fill("3")
    form.get_by_role("spinbutton", name=fields["reps"], exact=True).fill("10")
    form.get_by_role("spinbutton", name=fields["times_per_day"], exact=True).fill("1")
    shot(page, f"{prefix}-add-exercise")
    form.get_by_role("button", name=SUBMIT).click()
    wait_for_state(home_assistant, ids["todo"], "1", timeout=30)
    finish = form.get_by_role("button", name=FINISH)
    if finish.count():
        finish.first.click()

    open_page(page, home_assistant.url + dashboard)
    card = page.locator("hui-todo-list-card")
    card.get_by_text("Bridge", exact=True).wait_for()
    card.get_by_text("3 × 10").first.wait_for()
    assert home_assistant.state(ids["adherence"])["state"] == "unknown"
    card.locator("ha-checkbox").first.click()
    wait_for_state(home_assistant, ids["todo"], "0", timeout=30)
    wait_for_state(home_assistant, ids["adherence"], "100", timeout=30)
    adherence = texts["entity"]["sensor"]["exercise_adherence_7d"]["name"]
    tile = page.locator("hui-tile-card").filter(
        has=page.get_by_text(adherence, exact=True)
    )
    tile.get_by_text(re.compile(r"100\s*%")).first.wait_for()
    # The responses' card lists the exercise: no pain given yet.
    responses = page.locator("hui-markdown-card").filter(has_text="Bridge")
    responses.get_by_text(NO_PAIN[language]).wait_for()
    section = page.locator("hui-grid-section").filter(has=card)
    section.scroll_into_view_if_needed()
    shot(page, f"{prefix}-exercises-dashboard")
    section.screenshot(path=ARTIFACTS / f"{prefix}-exercises-section.png")


def test_an_exercise_added_in_the_ui_is_checked_off_on_the_dashboard(
    page: Any, home_assistant: HomeAssistantInstance
) -> None:
    """English: Add exercise on the integration page, the to-do card, the adherence at 100 %."""
    add_and_check_off(home_assistant, page, "en", DASHBOARD, "52")


def test_an_exercise_added_in_the_ui_is_checked_off_in_german(
    german_page: Any, german_home_assistant: HomeAssistantInstance
) -> None:
    """German: Übung hinzufügen, the to-do card of "Übungen heute", the adherence at 100 %."""
    add_and_check_off(german_home_assistant, german_page, "de", GERMAN_DASHBOARD, "53")
