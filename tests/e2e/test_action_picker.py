"""The actions' Recovery field offers the recovery, in a real browser.

Home Assistant's config-entry picker lists only device, hub and service
integrations (``integration_type: service``, issue 22): the list the picker
asks for over the websocket holds the recovery, and Developer tools → Actions
→ ``back_recovery.start_session`` offers it in its Recovery field. A
screenshot goes to tests/e2e/artifacts/action-recovery-picker.png (copied to
docs/images/action-recovery-picker.png).
"""

from __future__ import annotations

from typing import Any

import pytest

from .instance import HomeAssistantInstance, add_recovery, playwright_api, shot
from .navigation import open_page
from .test_first_start import frontend_ws

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

PICKER_TYPES = ["device", "hub", "service"]
"""What the frontend's config-entry picker asks for (``ha-config-entry-picker``)."""


def test_action_form_offers_the_recovery(
    page: Any, home_assistant: HomeAssistantInstance
) -> None:
    """The Recovery field of start_session lists the recovery, by its title."""
    expect = playwright_api().expect
    entry_id = add_recovery(home_assistant)
    open_page(page, f"{home_assistant.url}/developer-tools/action")

    # The list the picker shows: the frontend's own request.
    entries = frontend_ws(
        page,
        {
            "type": "config_entries/get",
            "type_filter": PICKER_TYPES,
            "domain": "back_recovery",
        },
    )
    assert [(e["entry_id"], e["title"]) for e in entries] == [
        (entry_id, "Back recovery")
    ]

    # The form: pick the action, open the Recovery field, see the recovery.
    # Typed into the picker's own search field (typed elsewhere, a letter is
    # a shortcut of the frontend: "a" opens Assist).
    page.locator("ha-service-picker").first.click()
    page.locator("ha-service-picker input").first.fill("back_recovery.start_session")
    page.locator("ha-service-picker ha-combo-box-item").filter(
        has_text="Start session"
    ).first.click()
    field = page.locator("ha-config-entry-picker").first
    expect(field).to_be_visible()
    field.click()
    field.locator("input").first.fill("Back")
    option = field.locator("ha-combo-box-item").filter(has_text="Back recovery")
    expect(option.first).to_be_visible()
    shot(page, "action-recovery-picker")
