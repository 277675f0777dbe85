"""A newcomer's first minutes with scripts/develop, in a real browser.

A fresh configuration folder, started as the README says: no error
notification on the first login, the Back Recovery dashboard says how to add
the integration (no wall of "Entity not found") and its link opens the flow,
voice questions are answered without copying any file, the dashboard shows the
recovery on a desktop and a phone, and the device triggers are where the README
says. Screenshots go to tests/e2e/artifacts/first-start-*.png.
"""

from __future__ import annotations

from http import HTTPStatus
import json
import re
from typing import Any
import urllib.error

import pytest

from .instance import (
    DASHBOARD,
    PLUG,
    HomeAssistantInstance,
    add_recovery,
    playwright_api,
    shot,
)
from .navigation import open_page

PHASE = "sensor.back_recovery_recovery_phase"
# What Home Assistant logs when an integration of the configuration fails.
SETUP_FAILED = re.compile(r"Setup failed for|could not be set up|Invalid config")

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def frontend_ws(page: Any, message: dict[str, Any]) -> Any:
    """Send one websocket command over the frontend's own logged-in connection."""
    page.wait_for_function("() => document.querySelector('home-assistant')?.hass")
    return page.evaluate(
        "message => document.querySelector('home-assistant').hass.callWS(message)",
        message,
    )


def ask(home_assistant: HomeAssistantInstance, text: str) -> str:
    """Ask Assist in English through the conversation API; return its answer."""
    answer = home_assistant.request(
        "POST", "/api/conversation/process", {"text": text, "language": "en"}
    )
    response = answer["response"]
    assert response["response_type"] == "query_answer", response
    speech: str = response["speech"]["plain"]["speech"]
    return speech


def no_error_cards(page: Any) -> None:
    """Assert the page shows no "Entity not found" (or any other error card).

    Hidden sections keep their cards in the page; only visible ones count.
    """
    assert page.locator("hui-error-card:visible").count() == 0
    assert page.get_by_text("Entity not found").locator("visible=true").count() == 0


def test_first_start(
    page: Any,
    phone: Any,
    home_assistant: HomeAssistantInstance,
    english: dict[str, Any],
) -> None:
    """A fresh scripts/develop: no error on login, a helpful dashboard, voice, triggers."""
    expect = playwright_api().expect

    # The first login: no notification (no "Invalid config"), nothing failed.
    open_page(page, home_assistant.url)
    assert frontend_ws(page, {"type": "persistent_notification/get"}) == []
    log = home_assistant.log_path.read_text(encoding="utf-8", errors="replace")
    assert not SETUP_FAILED.findall(log), f"see {home_assistant.log_path}"
    page.get_by_text("Notifications", exact=True).click()
    page.get_by_text(re.compile("no notifications", re.IGNORECASE)).wait_for()
    page.wait_for_timeout(500)  # the drawer slides in
    shot(page, "first-start-01-first-login")

    # Before Back Recovery is added its dashboard says how, and the link opens
    # the flow (the link asks first, for every integration).
    open_page(page, home_assistant.url + DASHBOARD)
    add_link = page.get_by_role("link", name="Add Back Recovery")
    add_link.wait_for()
    no_error_cards(page)
    shot(page, "first-start-02-dashboard-before")
    add_link.click()
    question = page.get_by_text("Do you want to set up Back Recovery?")
    question.wait_for()
    page.get_by_role("button", name="Cancel").click()
    expect(question).to_be_hidden()

    # Voice before a recovery is added: an answer, not "unknown intent".
    common = english["common"]
    before = home_assistant.request(
        "POST",
        "/api/conversation/process",
        {"text": "when can I use the heating pad again", "language": "en"},
    )["response"]
    assert before["speech"]["plain"]["speech"] == common["voice_no_recovery"]

    entry_id = add_recovery(home_assistant)

    # Voice, with nothing copied: the custom sentences are linked by
    # scripts/develop, the phase and the skin rest exposed on creation.
    assert (
        ask(home_assistant, "when can I use the heating pad again")
        == (common["voice_next_heat_now"])
    )
    assert (
        ask(home_assistant, "how long since my last heat session")
        == (common["voice_last_heat_none"])
    )
    assert ask(home_assistant, "what is the recovery phase") == (
        "Recovery phase is rest"
    )
    assert ask(home_assistant, "is the skin rest on") == "No, off"

    # The dashboard during a heat session, on a desktop and on a phone.
    home_assistant.request("POST", "/api/services/switch/turn_on", {"entity_id": PLUG})
    open_page(page, home_assistant.url + DASHBOARD)
    ends = page.locator("hui-tile-card").filter(
        has=page.get_by_text("Session ends", exact=True)
    )
    ends.locator("hui-timestamp-display").wait_for()
    expect(add_link).to_be_hidden()
    no_error_cards(page)
    page.wait_for_timeout(1000)  # the history graph and the calendar draw
    shot(page, "first-start-03-dashboard-session")
    open_page(phone, home_assistant.url + DASHBOARD)
    phone.get_by_text("Session ends", exact=True).wait_for()
    no_error_cards(phone)
    phone.wait_for_timeout(1000)
    shot(phone, "first-start-04-dashboard-phone")
    # On a phone the Assist button is in the dashboard's menu (top right),
    # not in its header.
    header = phone.locator("hui-root .toolbar, hui-root .header").first
    expect(header.get_by_role("button", name="Assist")).to_have_count(0)
    phone.locator("hui-root ha-button-menu, hui-root ha-dropdown").last.click()
    phone.get_by_role("menuitem", name=re.compile("^Assist")).wait_for()
    phone.wait_for_timeout(300)  # the menu unfolds
    shot(phone, "first-start-04b-phone-menu-assist")
    phone.keyboard.press("Escape")

    # The blueprints first (scripts/develop links them), then the device
    # triggers: Create automation -> Create new automation -> Add trigger ->
    # By type -> Device (under Generic).
    open_page(page, home_assistant.url + "/config/blueprint/dashboard")
    for blueprint in (
        "Announce a new recovery phase",
        "Remind me when heat therapy is allowed again",
    ):
        page.get_by_text(blueprint, exact=True).wait_for()
    open_page(page, home_assistant.url + "/config/automation/dashboard")
    page.get_by_role("button", name="Create automation").click()
    new_automation = page.get_by_text("Start with an empty automation from scratch")
    new_automation.wait_for()
    page.get_by_text("Remind me when heat therapy is allowed again").wait_for()
    page.wait_for_timeout(500)  # the dialog fades in
    shot(page, "first-start-05-create-automation")
    new_automation.click()
    page.get_by_role("button", name="Add trigger").first.click()
    page.get_by_text("By type", exact=True).click()
    page.get_by_text("Device", exact=True).first.click()
    page.get_by_text("Triggers when something happens to a device").click()
    page.get_by_text("Select a device").click()
    page.locator("ha-picker-combo-box input").first.fill("Back recovery")
    page.locator("ha-picker-combo-box").get_by_text(
        "Back recovery", exact=True
    ).first.click()
    trigger_picker = page.locator("ha-device-trigger-picker")
    expect(trigger_picker).to_contain_text("Recovery phase changed")
    page.wait_for_timeout(500)  # the picker settles on its first trigger
    trigger_picker.click()
    page.get_by_text("Session refused", exact=True).wait_for()
    page.wait_for_timeout(500)  # the list unfolds
    shot(page, "first-start-06-device-trigger")

    # The plug drops off the network and the session is stopped: the plug
    # cannot be switched off (rule 5), the stop says so (contract, "The truth
    # while the pad heats"), and the dashboard says to unplug the pad until the
    # plug is back and off.
    online = {"entity_id": "input_boolean.heating_pad_online"}
    home_assistant.request("POST", "/api/services/input_boolean/turn_off", online)
    with pytest.raises(urllib.error.HTTPError) as refused:
        home_assistant.request(
            "POST",
            "/api/services/back_recovery/stop_session",
            {"config_entry_id": entry_id},
        )
    # The REST API answers a HomeAssistantError with 500 and its message.
    assert refused.value.code == HTTPStatus.INTERNAL_SERVER_ERROR
    not_responding = english["exceptions"]["heating_pad_not_responding"]["message"]
    # Home Assistant drops the translated message's last full stop.
    expected_refusal = not_responding.format(plug="Heating pad plug").rstrip(".")
    assert json.loads(refused.value.read())["message"] == expected_refusal
    problem = english["entity"]["binary_sensor"]["heating_pad_problem"]
    open_page(page, home_assistant.url + DASHBOARD)
    unplug = page.locator("hui-tile-card").filter(
        has=page.get_by_text(problem["name"], exact=True)
    )
    unplug.get_by_text(problem["state"]["on"], exact=True).wait_for()
    shot(page, "first-start-07-unplug-the-heating-pad")
    home_assistant.request("POST", "/api/services/input_boolean/turn_on", online)
    unplug.wait_for(state="hidden")
    assert home_assistant.state(PLUG)["state"] == "off"

    home_assistant.request("POST", "/api/services/switch/turn_off", {"entity_id": PLUG})
    log = home_assistant.log_path.read_text(encoding="utf-8", errors="replace")
    # Home Assistant's REST API logs the refused stop at ERROR itself (it logs
    # every HomeAssistantError a service raises); nothing else may be there.
    refusal_line = f"back_recovery.stop_session: {expected_refusal}"
    problems = [
        line
        for line in log.splitlines()
        if ("ERROR" in line or "Traceback" in line)
        and "back_recovery" in line
        and not (
            "[homeassistant.components.api]" in line and line.endswith(refusal_line)
        )
    ]
    assert problems == [], f"errors from Back Recovery; see {home_assistant.log_path}"
