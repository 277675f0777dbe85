"""A medicine in automations and the logbook: its device's triggers, the logbook's lines.

A medicine's own device offers ``dose_logged`` and ``medication_warning``
for that medicine only (a warning optionally for one reason); the logbook
says a dose and a warning in words, "allowed by the limits you entered".
"""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from custom_components.back_recovery.logbook import describe_event
from custom_components.back_recovery.texts import async_load_texts
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .helpers.clock import T0
from .helpers.ha import device_trigger_automation
from .helpers.medication import add_medicine, log_dose, medicine_entity


def _device_of(hass: HomeAssistant, medicine: str) -> str:
    entity = er.async_get(hass).async_get(
        medicine_entity(hass, "sensor", medicine, "doses_24h")
    )
    assert entity is not None and entity.device_id is not None
    return entity.device_id


TRIGGER_DATA = {
    "name": "{{ trigger.event.data.name }}",
    "reason": "{{ trigger.event.data.reason }}",
}
"""What the test automation's action records of each firing."""


async def test_a_medicines_device_offers_its_two_triggers(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """``dose_logged`` and ``medication_warning``, and nothing of the heating pad."""
    medicine = await add_medicine(hass)
    device = _device_of(hass, medicine)
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, device
    )
    assert sorted(t["type"] for t in triggers if t["domain"] == DOMAIN) == [
        "dose_logged",
        "medication_warning",
    ]


async def test_a_medicines_trigger_fires_for_that_medicine_only(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A dose of another medicine does not run the automation on this one's device."""
    ibuprofen = await add_medicine(hass)
    await add_medicine(hass, "Paracetamol", kind="paracetamol")
    calls = await device_trigger_automation(
        hass, _device_of(hass, ibuprofen), "dose_logged", TRIGGER_DATA
    )
    await log_dose(hass, "Paracetamol")
    assert calls == []
    await log_dose(hass, "Ibuprofen")
    assert [call.data["name"] for call in calls] == ["Ibuprofen"]


async def test_a_warning_trigger_may_wait_for_one_reason(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """``medication_warning`` with ``reason`` runs only for that reason."""
    medicine = await add_medicine(hass, most=3)
    calls = await device_trigger_automation(
        hass,
        _device_of(hass, medicine),
        "medication_warning",
        TRIGGER_DATA,
        reason="too_soon",
    )
    await log_dose(hass, "Ibuprofen")
    assert calls == []
    # The second dose at once: too soon, and one before the limit of 3.
    await log_dose(hass, "Ibuprofen")
    assert [call.data["reason"] for call in calls] == ["too_soon"]


async def test_logbook_says_a_dose_and_a_warning(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """In words, on the language's clock; the wait is "allowed by the limits you entered"."""
    texts = await async_load_texts(hass)
    data = {"name": "Ibuprofen", "taken_at": T0.isoformat()}
    message, icon = describe_event(RecoveryEvent.DOSE_LOGGED, data, texts)
    assert message == "Ibuprofen: dose taken at 1:00 AM"
    assert icon == "mdi:pill"
    warning = {
        **data,
        "reason": "too_soon",
        "next_dose_allowed": "2026-11-25T15:00:00+00:00",
    }
    message, _ = describe_event(RecoveryEvent.MEDICATION_WARNING, warning, texts)
    assert message == (
        "Ibuprofen, warning: This dose came sooner after the one before than the least time "
        "between doses you entered. Next dose allowed by the limits you entered: 7:00 AM."
    )
    german = await async_load_texts(hass, "de")
    message, _ = describe_event(RecoveryEvent.DOSE_LOGGED, data, german)
    assert message == "Ibuprofen: Einnahme um 01:00"
