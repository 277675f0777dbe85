"""A medicine removed and added again under its name counts its doses (contract "Pain medication").

What counts is the name (trimmed, case-insensitive): the doses of the
removed medicine stay in the record, and the new one's doses in 24 hours and
next dose allowed include them, also after a restart. Its "Took a dose"
button does not show the removed one's press.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant

from .helpers.clock import T0, advance
from .helpers.ha import ENTRY_ID, entity_state, press
from .helpers.medication import add_medicine, log_dose, medicine_entity

HOURS = timedelta(hours=1)


async def test_rule_a_re_added_medicine_counts_the_removed_ones_doses(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Removed after a dose, added again as "IBUPROFEN": 1 dose in 24 h, next at T0 + 6 h."""
    old = await add_medicine(hass)
    await press(hass, medicine_entity(hass, "button", old, "took_dose"))
    await advance(hass, freezer, HOURS)
    hass.config_entries.async_remove_subentry(init_integration, old)
    await hass.async_block_till_done()
    await advance(hass, freezer, HOURS)
    new = await add_medicine(hass, "IBUPROFEN")
    assert new != old
    allowed = (T0 + 6 * HOURS).isoformat()
    doses = medicine_entity(hass, "sensor", new, "doses_24h")
    next_dose = medicine_entity(hass, "sensor", new, "next_dose_allowed")
    button = medicine_entity(hass, "button", new, "took_dose")
    assert entity_state(hass, doses) == "1"
    assert entity_state(hass, next_dose) == allowed
    assert entity_state(hass, button) == STATE_UNKNOWN
    response = await log_dose(hass, "ibuprofen")
    assert response["warnings"] == ["too_soon"]
    assert response["doses_24h"] == 2
    # After a restart the new medicine still counts both.
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, doses) == "2"
