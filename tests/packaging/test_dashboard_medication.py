"""The dashboard's "Pain medication" section (issue 24), in each dashboard's language.

A medicine's entity ids come from the name a person gives it, so the section
finds the medicines itself: Home Assistant's own markdown card, with a
template over the recovery's entities, lists each medicine with when the next
dose is allowed by the limits the person entered, the doses in 24 hours and
the supply, and links to the medicine's "Took a dose" button (Home
Assistant's ``more-info-entity-id`` link opens the button to press). The
section shows only while a medicine exists.
"""

from __future__ import annotations

from datetime import timedelta
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template

from ..helpers.clock import advance
from ..helpers.ha import add_second_recovery, press
from ..helpers.medication import add_medicine, medicine_entity
from .test_dashboard_config import (
    cards,
    dashboard,
    language,
    medication_section,
    visible,
)

__all__ = ["dashboard", "language"]

TOMORROW = {
    "en": "next dose allowed by the limits you entered at 4:00 AM tomorrow.",
    "de": "nächste Einnahme nach deinen eingegebenen Grenzen erlaubt morgen um 04:00 Uhr.",
}
"""The next day's time, in each dashboard's language and clock."""
SHOWN = {
    "en": {
        "allowed": "**Ibuprofen**: a dose is allowed now by the limits you entered.<br>"
        "0 of 4 doses in 24 hours, 10 left · [Took a dose]({link})",
        "waiting": "**Ibuprofen**: next dose allowed by the limits you entered at"
        " 7:00 AM.<br>1 of 4 doses in 24 hours, 9 left · [Took a dose]({link})",
        "other": "**Paracetamol**: a dose is allowed now by the limits you entered."
        "<br>0 of 4 doses in 24 hours · [Took a dose]({other})",
    },
    "de": {
        "allowed": "**Ibuprofen**: eine Einnahme ist nach deinen eingegebenen Grenzen"
        " jetzt erlaubt.<br>0 von 4 Einnahmen in 24 Stunden, 10 übrig ·"
        " [Einnahme erfassen]({link})",
        "waiting": "**Ibuprofen**: nächste Einnahme nach deinen eingegebenen Grenzen"
        " erlaubt heute um 07:00 Uhr.<br>1 von 4 Einnahmen in 24 Stunden, 9 übrig ·"
        " [Einnahme erfassen]({link})",
        "other": "**Paracetamol**: eine Einnahme ist nach deinen eingegebenen Grenzen"
        " jetzt erlaubt.<br>0 von 4 Einnahmen in 24 Stunden ·"
        " [Einnahme erfassen]({other})",
    },
}
"""What the section says of each medicine (US/Pacific: T0 is 01:00; Ibuprofen every 6 hours)."""


async def test_dashboard_shows_medicines_only_when_one_exists(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Issue 24: "a dashboard section each (only when configured)"."""
    section = medication_section(dashboard, language)
    assert not await visible(hass, section)
    await add_medicine(hass, "Ibuprofen", supply=10)
    assert await visible(hass, section)


async def test_dashboard_says_when_the_next_dose_is_allowed_by_your_limits(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Each medicine: allowed now or when, by the limits entered; doses, supply, the button.

    "allowed by the limits you entered", never "safe"; the link opens the
    medicine's own "Took a dose" button, whatever its entity id is.
    """
    section = medication_section(dashboard, language)
    (card,) = [card for card in cards(section["cards"]) if card["type"] == "markdown"]
    template = Template(card["content"], hass)
    ibuprofen = await add_medicine(hass, "Ibuprofen", supply=10)
    paracetamol = await add_medicine(hass, "Paracetamol", kind="paracetamol")
    button = medicine_entity(hass, "button", ibuprofen, "took_dose")
    other = medicine_entity(hass, "button", paracetamol, "took_dose")
    # The frontend drops a link that starts with "?": the link names the
    # view, relative to the dashboard's own address (chosen when pasted).
    view = f"./{dashboard['views'][0]['path']}"
    shown = {
        key: line.format(
            link=f"{view}?more-info-entity-id={button}",
            other=f"{view}?more-info-entity-id={other}",
        )
        for key, line in SHOWN[language].items()
    }

    def said() -> list[str]:
        text = str(template.async_render())
        assert "safe" not in text.casefold()
        return [part for part in re.split(r"\n\s*\n", text) if part.startswith("**")]

    assert said() == [shown["allowed"], shown["other"]]
    await press(hass, button)
    assert said() == [shown["waiting"], shown["other"]]


async def test_dashboard_shows_only_this_recoverys_medicines(
    hass: HomeAssistant,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Anna's medicine stays on her own dashboard: the section and its list follow this recovery."""
    section = medication_section(dashboard, language)
    (card,) = [card for card in cards(section["cards"]) if card["type"] == "markdown"]
    anna = await add_second_recovery(hass)
    await add_medicine(hass, "Naproxen", entry_id=anna.entry_id)
    assert not await visible(hass, section)
    assert "Naproxen" not in Template(card["content"], hass).async_render()
    await add_medicine(hass, "Ibuprofen")
    assert await visible(hass, section)
    text = str(Template(card["content"], hass).async_render())
    assert "Ibuprofen" in text
    assert "Naproxen" not in text


async def test_dashboard_says_tomorrow_when_the_next_dose_is_on_the_next_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    language: str,
    dashboard: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """A dose at 10 PM with 6 hours between doses: allowed tomorrow at 4:00 AM (US/Pacific)."""
    section = medication_section(dashboard, language)
    (card,) = [card for card in cards(section["cards"]) if card["type"] == "markdown"]
    ibuprofen = await add_medicine(hass, "Ibuprofen")
    await advance(hass, freezer, timedelta(hours=21))
    await press(hass, medicine_entity(hass, "button", ibuprofen, "took_dose"))
    text = str(Template(card["content"], hass).async_render())
    assert TOMORROW[language] in text
