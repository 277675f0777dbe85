"""The heating pad from the dashboard, in a real browser against a real Home Assistant.

A person adds Back Recovery in Settings with the simulated plug, opens the
Back Recovery dashboard, switches the heating pad on with the tile card, sees
the countdown, stops the session with the button, tries again and is refused
with the skin-rest reason, and the heating pad shows off within a second (it
never shows on), on the desktop and on a phone. Screenshots of each step go to
tests/e2e/artifacts/.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import re
import time
from typing import Any

import pytest

from .instance import (
    DASHBOARD,
    PLUG,
    HomeAssistantInstance,
    playwright_api,
    shot,
    wait_for_state,
)
from .navigation import open_page

PAD = "switch.back_recovery_heating_pad"

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def tile(page: Any, name: str) -> Any:
    """Return the dashboard's tile card with this name."""
    return (
        page.locator("hui-tile-card")
        .filter(has=page.get_by_text(name, exact=True))
        .first
    )


PAD_BUTTONS = ("Heat off", "Heat on")
"""The dashboard's two labeled heating-pad buttons (issue 22: no unlabeled round buttons)."""


def pad_buttons(page: Any, names: tuple[str, str] = PAD_BUTTONS) -> tuple[Any, Any]:
    """Return the dashboard's labeled off and on buttons of the heating pad.

    The switch has an assumed state: the tile beside them shows the state,
    never a toggle that moves before the plug is on.
    """
    off, on = (
        page.locator("hui-button-card")
        .filter(has=page.get_by_text(name, exact=True))
        .first
        for name in names
    )
    return off, on


def shows_on(card: Any, on: str = "On") -> bool:
    """Return whether the heating pad's tile shows its state as on."""
    state = card.locator("ha-tile-info")
    return on in state.inner_text().split("\n")[1:]


def refused_start_shows_off(
    page: Any,
    tap: bool = False,
    name: str = "Heating pad",
    buttons: tuple[str, str] = PAD_BUTTONS,
    on: str = "On",
) -> None:
    """Switch the heating pad on during skin rest: it shows off within a second, and stays off.

    Checked every 50 ms from the tap for 2 seconds: the tile shows off again
    within a second at the latest, and off at the end.
    """
    pad = tile(page, name)
    _, turn_on = pad_buttons(page, buttons)
    assert not shows_on(pad, on)
    started = time.monotonic()
    if tap:
        turn_on.tap()
    else:
        turn_on.click()
    shown_off_after: float | None = None
    while (elapsed := time.monotonic() - started) < 2:
        if shows_on(pad, on):
            shown_off_after = None
        elif shown_off_after is None:
            shown_off_after = elapsed
        page.wait_for_timeout(50)
    assert shown_off_after is not None, "the heating pad does not show off"
    assert shown_off_after < 1, f"off shown only after {shown_off_after:.2f} s"


def message_pattern(text: str) -> re.Pattern[str]:
    """Turn a translated message with placeholders into a pattern."""
    parts = re.split(r"\{\w+\}", text)
    return re.compile(".+".join(re.escape(part) for part in parts))


def add_integration(page: Any, home_assistant: HomeAssistantInstance) -> None:
    """Add Back Recovery as a person does: Settings, Add integration, the form."""
    expect = playwright_api().expect
    open_page(page, home_assistant.url + "/config/integrations/dashboard")
    page.get_by_role("button", name="Add integration").click()
    page.get_by_placeholder("Search for a brand name").fill("Back Recovery")
    entry = page.get_by_role("button", name="Back Recovery", exact=True)
    entry.wait_for()
    icon = page.locator("img[src*='/api/brands/integration/back_recovery/icon.png']")
    icon.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 256", arg=icon.element_handle()
    )
    shot(page, "01-add-integration")
    # A service integration (contract, turn 3): the form opens at once.
    entry.click()

    # The plug's picker (the form also offers the auto-off, its switch and a
    # power sensor, each optional).
    page.get_by_label("Heating pad plug", exact=True).get_by_text(
        "Select an entity"
    ).click()
    plugs = page.locator("ha-picker-combo-box")
    plugs.locator("input").first.fill("Heating pad plug")
    plugs.get_by_text("Heating pad plug", exact=True).click()
    injured = datetime.now(UTC).date() - timedelta(days=3)
    if injured.month == datetime.now(UTC).month:
        # The date picker opens on this month; pick a day three days ago.
        page.locator("ha-date-input").click()
        picker = page.locator("ha-dialog-date-picker")
        picker.get_by_text(str(injured.day), exact=True).click()
        ok = picker.get_by_role("button", name="OK")
        ok.click()
        ok.wait_for(state="hidden")
        page.wait_for_timeout(300)  # the picker fades out
        expect(page.locator("ha-date-input input").first).to_have_value(
            f"{injured.month}/{injured.day}/{injured.year}"
        )
    shot(page, "02-config-flow")
    page.get_by_role("button", name="Submit").click()

    page.get_by_text("Device name").wait_for()
    shot(page, "03-device-created")
    page.get_by_role("button", name="Skip and finish").click()


def test_heating_pad_from_the_dashboard(
    page: Any,
    phone: Any,
    home_assistant: HomeAssistantInstance,
    english: dict[str, Any],
) -> None:
    """A person starts heat on the dashboard, stops it, and is refused during skin rest.

    After the refusal the heating pad shows off within a second, on the
    desktop and on a phone.
    """
    add_integration(page, home_assistant)
    entries = home_assistant.request(
        "GET", "/api/config/config_entries/entry?domain=back_recovery"
    )
    assert [entry["state"] for entry in entries] == ["loaded"]
    wait_for_state(home_assistant, PAD, "off")

    open_page(page, home_assistant.url + DASHBOARD)
    _, turn_on = pad_buttons(page)
    turn_on.wait_for()
    shot(page, "04-dashboard")

    turn_on.click()
    wait_for_state(home_assistant, PLUG, "on")
    ends = tile(page, "Session ends")
    # The relative time is text in the shadow root of hui-timestamp-display.
    countdown = ends.locator("hui-timestamp-display")
    countdown.wait_for()
    page.wait_for_function(
        "el => /^in (19|20) minutes$/i.test(el.shadowRoot.textContent.trim())",
        arg=countdown.element_handle(),
    )
    shot(page, "05-session-running")

    tile(page, "Stop").get_by_role("button", name="Press").click()
    wait_for_state(home_assistant, PLUG, "off")
    ends.wait_for(state="hidden")
    tile(page, "Skin rest").get_by_text("On", exact=True).wait_for()
    shot(page, "06-session-stopped")

    refused_start_shows_off(page)
    refusal = message_pattern(english["exceptions"]["rest_gap_active"]["message"])
    page.locator("ha-toast").get_by_text(refusal).first.wait_for()
    shot(page, "07-refused")
    assert home_assistant.state(PLUG)["state"] == "off"
    pad_state = home_assistant.state(PAD)
    assert pad_state["state"] == "off"
    assert pad_state["attributes"]["last_refusal"]["reason"] == "rest_gap_active"

    # The same on a phone, with a tap.
    open_page(phone, home_assistant.url + DASHBOARD)
    pad_buttons(phone)[1].wait_for()
    shot(phone, "08-phone-dashboard")
    refused_start_shows_off(phone, tap=True)
    phone.locator("ha-toast").get_by_text(refusal).first.wait_for()
    shot(phone, "09-phone-refused")
    assert home_assistant.state(PLUG)["state"] == "off"
