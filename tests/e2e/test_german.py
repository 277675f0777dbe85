"""The German dashboard, a German refusal and the options form's range error, in a real browser.

Home Assistant runs in German and the browser asks for German (de-DE). A
person opens "Back Recovery (Deutsch)", sees German headings and entity
names, switches the heating pad on during the skin rest and is refused in
German; then in the options sets a session of 30 minutes and is told the
limit ("Höchstens 20 Minuten"). Screenshots go to tests/e2e/artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..helpers.files import translations
from .instance import (
    GERMAN_DASHBOARD,
    PLUG,
    HomeAssistantInstance,
    add_recovery,
    shot,
    wait_for_state,
)
from .navigation import open_page
from .test_browser import message_pattern, pad_buttons, refused_start_shows_off, tile

# Home Assistant in German makes the entity ids from the German names.
PAD = "switch.back_recovery_heizkissen"
SKIN_REST = "binary_sensor.back_recovery_hautruhe"

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def german() -> dict[str, Any]:
    """Return the integration's German texts."""
    return translations("de")


def test_german_dashboard_refusal_and_options(
    german_page: Any,
    german_home_assistant: HomeAssistantInstance,
    german: dict[str, Any],
) -> None:
    """In German: the German dashboard, a German refusal, and the options' limit in German."""
    home_assistant, page = german_home_assistant, german_page
    entry_id = add_recovery(home_assistant)
    wait_for_state(home_assistant, PAD, "off")
    # A short ice session, stopped: the skin rests for 2 hours.
    home_assistant.request(
        "POST",
        "/api/services/back_recovery/start_session",
        {"config_entry_id": entry_id, "modality": "ice", "minutes": 1},
    )
    home_assistant.request(
        "POST",
        "/api/services/back_recovery/stop_session",
        {"config_entry_id": entry_id},
    )
    wait_for_state(home_assistant, SKIN_REST, "on")

    open_page(page, home_assistant.url + GERMAN_DASHBOARD)
    for heading in ("Wärme und Kälte", "Hautruhe", "Genesung", "Kalender"):
        page.locator("hui-heading-card").get_by_text(heading, exact=True).wait_for()
    # Entity names, translated, without the device name.
    names = german["entity"]
    pad_name = names["switch"]["heating_pad"]["name"]
    german_buttons = ("Wärme aus", "Wärme an")
    pad_buttons(page, german_buttons)[1].wait_for()
    tile(page, names["sensor"]["phase"]["name"]).wait_for()
    tile(page, names["binary_sensor"]["skin_rest"]["name"]).wait_for()
    shot(page, "20-german-dashboard")

    refused_start_shows_off(page, name=pad_name, buttons=german_buttons, on="Ein")
    refusal = message_pattern(german["exceptions"]["rest_gap_active"]["message"])
    page.locator("ha-toast").get_by_text(refusal).first.wait_for()
    shot(page, "21-german-refused")
    assert home_assistant.state(PLUG)["state"] == "off"

    # The options form: 30 minutes is refused with the limit, in German.
    open_page(
        page, home_assistant.url + "/config/integrations/integration/back_recovery"
    )
    page.get_by_role("button", name="Konfigurieren").first.click()
    form = page.locator("dialog-data-entry-flow")
    form.get_by_text(german["options"]["step"]["init"]["data"]["session_minutes"])
    # The session length is the form's first number box.
    form.get_by_role("spinbutton").first.fill("30")
    form.get_by_role("button", name="OK").click()
    limit = german["options"]["error"]["session_minutes_too_large"].format(
        session_minutes_max=20
    )
    page.get_by_text(limit).first.wait_for()
    shot(page, "22-german-options-limit")
