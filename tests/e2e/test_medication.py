"""Pain medication in a real browser: a dose logged from the dashboard, the next allowed time shown.

A person opens the ready dashboard, then in a second tab adds a medicine
with the integration page's "Add medicine" form ("Ibuprofen", NSAID, at
least 6 hours between two doses, at most 4 in 24 hours, from the label, 10
doses at hand; its kind, limits and their source start empty and saving
without them is refused on each field, so nothing is entered for the
person). On the dashboard, still open, the section "Pain medication" has
appeared (it shows only while a medicine exists: issue 24), says a dose is allowed now by the
limits entered, follows the medicine's "Took a dose" link, presses the
button in the dialog it opens, and sees the next dose's time allowed by
those limits, 1 of 4 doses in 24 hours and 9 left. Once in English, once in
German. Screenshots go to tests/e2e/artifacts/ (``56-*.png`` in English,
``57-*.png`` in German; ``56-medication-section.png`` is
docs/images/medication-dashboard.png).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.back_recovery.medication_flow import ENTERED

from ..helpers.files import translations
from .forms import INTEGRATION_PAGE, SUBMIT, choose, entered, refused_with, shown
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

WORDS = {
    "en": {
        "heading": "Pain medication",
        "first": "Heat and ice",
        "allowed": "a dose is allowed now by the limits you entered",
        "next": "next dose allowed by the limits you entered at {time}{day}.",
        "today": "",
        "tomorrow": " tomorrow",
        "clock": "%-I:%M %p",
        "doses": "1 of 4 doses in 24 hours, 9 left",
        "press": "Press",
    },
    "de": {
        "heading": "Schmerzmittel",
        "first": "Wärme und Kälte",
        "allowed": "eine Einnahme ist nach deinen eingegebenen Grenzen jetzt erlaubt",
        "next": "nächste Einnahme nach deinen eingegebenen Grenzen erlaubt {day} um {time} Uhr",
        "today": "heute",
        "tomorrow": "morgen",
        "clock": "%H:%M",
        "doses": "1 von 4 Einnahmen in 24 Stunden, 9 übrig",
        "press": "Drücken",
    },
}
"""What the dashboard's section says (the next dose's day: today or tomorrow), and Home Assistant's own word on a button's dialog."""


def add_medicine(
    home_assistant: HomeAssistantInstance, page: Any, language: str, prefix: str
) -> None:
    """Add "Ibuprofen" (NSAID, 6 hours, 4 in 24 hours, from the label, 10 doses) in a second tab.

    Saved with only its name first: refused on each of ``ENTERED``, which
    start empty.
    """
    texts = translations(language)
    medication = texts["config_subentries"]["medication"]
    fields = medication["step"]["user"]["data"]
    options = texts["selector"]
    tab = page.context.new_page()
    open_page(tab, home_assistant.url + INTEGRATION_PAGE)
    tab.get_by_role("button", name=medication["initiate_flow"]["user"]).first.click()
    form = tab.locator("dialog-data-entry-flow")
    form.get_by_role("textbox", name=fields["name"]).first.fill("Ibuprofen")
    # Nothing is chosen or entered for the person.
    assert shown(form, fields["kind"]) == ""
    assert entered(form, fields["min_hours_between"]) == ""
    assert entered(form, fields["max_doses_per_24h"]) == ""
    assert shown(form, fields["limits_from"]) == ""
    form.get_by_role("button", name=SUBMIT).click()
    refused_with(form, [medication["error"][f"{key}_needed"] for key in ENTERED])
    shot(tab, f"{prefix}-medicine-refused")
    choose(form, fields["kind"], options["medicine_kind"]["options"]["nsaid"])
    form.get_by_role("spinbutton", name=fields["min_hours_between"], exact=True).fill(
        "6"
    )
    form.get_by_role("spinbutton", name=fields["max_doses_per_24h"], exact=True).fill(
        "4"
    )
    choose(form, fields["limits_from"], options["limits_from"]["options"]["label"])
    form.get_by_role("spinbutton", name=fields["supply"], exact=True).fill("10")
    shot(tab, f"{prefix}-add-medicine")
    form.get_by_role("button", name=SUBMIT).click()
    form.get_by_role("button", name=SUBMIT).wait_for(state="detached")
    tab.close()


def medicine_ids(home_assistant: HomeAssistantInstance) -> dict[str, str]:
    """Return the medicine's entity ids by key (they follow its name and the language)."""
    ids: dict[str, str] = {}
    for item in home_assistant.request("GET", "/api/states"):
        attributes = item["attributes"]
        entity_id: str = item["entity_id"]
        if not entity_id.split(".", 1)[1].startswith("ibuprofen_"):
            continue
        if entity_id.startswith("button."):
            ids["button"] = entity_id
        elif "min_hours_between" in attributes:
            ids["next"] = entity_id
        elif "low" in attributes:
            ids["supply"] = entity_id
        elif "max_doses_per_24h" in attributes:
            ids["doses"] = entity_id
    assert sorted(ids) == ["button", "doses", "next", "supply"], ids
    return ids


def log_a_dose_on_the_dashboard(
    home_assistant: HomeAssistantInstance,
    page: Any,
    language: str,
    dashboard: str,
    prefix: str,
) -> None:
    """Add Ibuprofen, press "Took a dose" from the dashboard, see the next allowed time."""
    words = WORDS[language]
    took_dose = translations(language)["entity"]["button"]["took_dose"]["name"]
    add_recovery(home_assistant)

    open_page(page, home_assistant.url + dashboard)
    headings = page.locator("hui-heading-card")
    headings.get_by_text(words["first"], exact=True).wait_for()
    # No medicine yet: no section of medicines.
    assert not headings.get_by_text(words["heading"], exact=True).first.is_visible()

    add_medicine(home_assistant, page, language, prefix)
    ids = medicine_ids(home_assistant)
    wait_for_state(home_assistant, ids["doses"], "0", timeout=30)
    headings.get_by_text(words["heading"], exact=True).wait_for()
    card = page.locator("hui-markdown-card").filter(has_text="Ibuprofen")
    card.get_by_text(words["allowed"]).wait_for()
    assert "safe" not in card.inner_text().casefold()
    section = page.locator("hui-grid-section").filter(has=card)
    section.scroll_into_view_if_needed()
    shot(page, f"{prefix}-medication-allowed")

    card.get_by_role("link", name=took_dose).click()
    dialog = page.locator("ha-more-info-dialog")
    dialog.get_by_text(took_dose).first.wait_for()
    dialog.get_by_role("button", name=words["press"]).click()
    wait_for_state(home_assistant, ids["doses"], "1", timeout=30)
    page.keyboard.press("Escape")

    next_allowed = datetime.fromisoformat(home_assistant.state(ids["next"])["state"])
    zone = ZoneInfo(home_assistant.request("GET", "/api/config")["time_zone"])
    local = next_allowed.astimezone(zone)
    # After 18:00 local time the next dose is tomorrow: the card says so.
    day = words["today" if local.date() == datetime.now(zone).date() else "tomorrow"]
    time = local.strftime(words["clock"])
    card.get_by_text(words["next"].format(time=time, day=day)).wait_for()
    card.get_by_text(words["doses"]).wait_for()
    assert "safe" not in card.inner_text().casefold()
    section.scroll_into_view_if_needed()
    shot(page, f"{prefix}-medication-dashboard")
    section.screenshot(path=ARTIFACTS / f"{prefix}-medication-section.png")


def test_a_dose_logged_on_the_dashboard_shows_the_next_allowed_time(
    page: Any, home_assistant: HomeAssistantInstance
) -> None:
    """English: Took a dose from the dashboard, then the next dose's time allowed by the limits entered."""
    log_a_dose_on_the_dashboard(home_assistant, page, "en", DASHBOARD, "56")


def test_a_dose_logged_on_the_dashboard_shows_the_next_allowed_time_in_german(
    german_page: Any, german_home_assistant: HomeAssistantInstance
) -> None:
    """German: Einnahme erfassen from the dashboard, then "nächste Einnahme … erlaubt heute (or morgen) um …"."""
    log_a_dose_on_the_dashboard(
        german_home_assistant, german_page, "de", GERMAN_DASHBOARD, "57"
    )
