"""A clearance recorded on the action page, shown on the dashboard, in a real browser (issue 24).

A person back from the doctor opens the action page with
``back_recovery.record_clearance`` chosen, picks the recovery and the
activity, writes who cleared it and performs the action; the dashboard's
*Activities* section then shows running and jumping as *Cleared*, the other
two still *Avoid* (contract "Activities and return to activity"). Screenshots
go to tests/e2e/artifacts/ (``50-`` to ``52-*.png``).
"""

from __future__ import annotations

from typing import Any

import pytest

from .instance import (
    DASHBOARD,
    HomeAssistantInstance,
    add_recovery,
    playwright_api,
    shot,
    wait_for_state,
)
from .navigation import open_page
from .test_browser import tile
from .test_pain import shows

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

HIGH_IMPACT = "binary_sensor.back_recovery_running_and_jumping_cleared"
ACTION_PAGE = "/config/tools/action?service=back_recovery.record_clearance"


def test_a_clearance_recorded_on_the_action_page_shows_on_the_dashboard(
    page: Any, home_assistant: HomeAssistantInstance
) -> None:
    """Avoid before; the action page records Dr. Lee's clearance; Cleared after, the others still Avoid."""
    expect = playwright_api().expect
    add_recovery(home_assistant)
    wait_for_state(home_assistant, HIGH_IMPACT, "off")

    open_page(page, home_assistant.url + DASHBOARD)
    running = tile(page, "Running and jumping cleared")
    running.scroll_into_view_if_needed()
    shows(running, "Avoid")
    shot(page, "50-activities-avoid")

    open_page(page, home_assistant.url + ACTION_PAGE)
    field = page.locator("ha-config-entry-picker").first
    expect(field).to_be_visible()
    field.click()
    field.locator("input").first.fill("Back")
    field.locator("ha-combo-box-item").filter(has_text="Back recovery").first.click()
    activity = page.locator("ha-settings-row").filter(
        has_text="Running and jumping, contact"
    )
    activity.get_by_text("Running and jumping (high impact)").first.click()
    by = page.locator("ha-settings-row").filter(has_text="Who cleared it")
    by.locator("input").first.fill("Dr. Lee")
    shot(page, "51-record-clearance")
    page.get_by_role("button", name="Perform action").click()
    wait_for_state(home_assistant, HIGH_IMPACT, "on")
    assert home_assistant.state(HIGH_IMPACT)["attributes"]["by"] == "Dr. Lee"

    open_page(page, home_assistant.url + DASHBOARD)
    running = tile(page, "Running and jumping cleared")
    running.scroll_into_view_if_needed()
    shows(running, "Cleared")
    shows(tile(page, "Contact sports cleared"), "Avoid")
    shows(tile(page, "Heavy lifting cleared"), "Avoid")
    shot(page, "52-activities-cleared")
