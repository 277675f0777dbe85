"""Tests for the device triggers: automations on a recovery without event names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import voluptuous as vol

from custom_components.back_recovery import device_trigger
from custom_components.back_recovery.const import DOMAIN
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .helpers.clock import advance
from .helpers.exercises import add_exercise
from .helpers.files import translations
from .helpers.ha import (
    ENTRY_ID,
    SECOND_ENTRY_ID,
    START_ICE_SESSION,
    STOP_SESSION,
    action,
    add_entry,
    device_id,
    device_trigger_automation,
    press,
    turn_review_on,
)
from .helpers.medication import add_medicine, log_dose

TRIGGER_TYPES = [
    "phase_changed",
    "session_started",
    "session_ended",
    "session_blocked",
    "skin_rest_over",
    "pain_logged",
    "review_recommended",
    # Pain medication (issue 24): any medicine on the recovery's device.
    "dose_logged",
    "medication_warning",
    "exercise_logged",
    "exercise_pain",
    "activity_cleared",
    "clearance_withdrawn",
]
EN = translations()

type Cause = Callable[[HomeAssistant, FrozenDateTimeFactory], Awaitable[None]]


async def _phase_changed(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await action(hass, "set_phase", phase="rehabilitation")


async def _session_started(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await press(hass, START_ICE_SESSION)


async def _session_ended(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await press(hass, START_ICE_SESSION)
    await press(hass, STOP_SESSION)


async def _session_blocked(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await press(hass, START_ICE_SESSION)
    await press(hass, STOP_SESSION)
    with pytest.raises(ServiceValidationError):
        await press(hass, START_ICE_SESSION)


async def _skin_rest_over(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    await action(hass, "log_session", modality="ice", minutes=10)
    await advance(hass, freezer, timedelta(minutes=121))


async def _pain_logged(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await action(hass, "log_pain", level=3)


async def _review_recommended(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await turn_review_on(hass, freezer)


async def _dose_logged(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await add_medicine(hass)
    await log_dose(hass, "Ibuprofen")


async def _medication_warning(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await add_medicine(hass, most=1)
    await log_dose(hass, "Ibuprofen")


async def _exercise_logged(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert isinstance(entry, MockConfigEntry)
    await add_exercise(hass, entry, "Bridge")
    await action(
        hass, "log_exercise", exercise="Bridge", skipped=True, skip_reason="no_time"
    )


async def _exercise_pain(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert isinstance(entry, MockConfigEntry)
    await add_exercise(hass, entry, "Bridge")
    await action(hass, "log_exercise", exercise="Bridge", pain_during=8)


async def _activity_cleared(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await action(hass, "record_clearance", activity="heavy_lifting", by="Dr. Lee")


async def _clearance_withdrawn(hass: HomeAssistant, _: FrozenDateTimeFactory) -> None:
    await _activity_cleared(hass, _)
    await action(hass, "withdraw_clearance", activity="heavy_lifting")


CAUSES: dict[str, Cause] = {
    "phase_changed": _phase_changed,
    "session_started": _session_started,
    "session_ended": _session_ended,
    "session_blocked": _session_blocked,
    "skin_rest_over": _skin_rest_over,
    "pain_logged": _pain_logged,
    "review_recommended": _review_recommended,
    "dose_logged": _dose_logged,
    "medication_warning": _medication_warning,
    "exercise_logged": _exercise_logged,
    "exercise_pain": _exercise_pain,
    "activity_cleared": _activity_cleared,
    "clearance_withdrawn": _clearance_withdrawn,
}


TRIGGER_DATA = {
    "platform": "{{ trigger.platform }}",
    "event_type": "{{ trigger.event.event_type }}",
    "entry": "{{ trigger.event.data.config_entry_id }}",
}
"""What the test automation's action records of each firing."""


@pytest.mark.usefixtures("init_integration")
async def test_get_triggers(hass: HomeAssistant) -> None:
    """The device offers the triggers of the contract, the programme's two among them."""
    device = device_id(hass)
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, device
    )
    assert sorted(
        (t["platform"], t["domain"], t["device_id"], t["type"])
        for t in triggers
        if t["domain"] == DOMAIN
    ) == sorted(("device", DOMAIN, device, kind) for kind in TRIGGER_TYPES)


@pytest.mark.usefixtures("init_integration")
async def test_phase_changed_capabilities_offer_to_phase(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """The phase changed trigger offers a translated choice of the phase it waits for."""
    assert await async_setup_component(hass, "device_automation", {})
    client = await hass_ws_client(hass)
    device = device_id(hass)
    capabilities = {}
    for kind in TRIGGER_TYPES:
        await client.send_json_auto_id(
            {
                "type": "device_automation/trigger/capabilities",
                "trigger": {
                    "platform": "device",
                    "domain": DOMAIN,
                    "device_id": device,
                    "type": kind,
                },
            }
        )
        message = await client.receive_json()
        assert message["success"], message
        capabilities[kind] = message["result"]
    assert capabilities["phase_changed"] == {
        "extra_fields": [
            {
                "name": "to_phase",
                "optional": True,
                "required": False,
                "selector": {
                    "select": {
                        "custom_value": False,
                        "mode": "dropdown",
                        "multiple": False,
                        "options": [
                            {"value": "rest", "label": "Rest"},
                            {"value": "rehabilitation", "label": "Rehabilitation"},
                            {
                                "value": "return_to_activity",
                                "label": "Return to activity",
                            },
                            {"value": "recovered", "label": "Recovered"},
                        ],
                        "sort": False,
                        "translation_key": "phase",
                    }
                },
            }
        ]
    }
    assert capabilities["pain_logged"] == {
        "extra_fields": [
            {
                "name": "above",
                "optional": True,
                "required": False,
                "selector": {
                    "number": {
                        "min": 0.0,
                        "max": 10.0,
                        "step": 1.0,
                        "mode": "slider",
                    }
                },
            }
        ]
    }
    # A medication warning may name its reason (issue 24).
    [reason] = capabilities["medication_warning"]["extra_fields"]
    assert reason["name"] == "reason"
    assert reason["selector"]["select"]["translation_key"] == "dose_warning"
    activity_choice = [
        {
            "name": "activity",
            "optional": True,
            "required": False,
            "selector": {
                "select": {
                    "custom_value": False,
                    "mode": "dropdown",
                    "multiple": False,
                    "options": [
                        {"value": "high_impact", "label": "Running and jumping"},
                        {"value": "contact_sports", "label": "Contact sports"},
                        {"value": "heavy_lifting", "label": "Heavy lifting"},
                        {"value": "own_activity", "label": "Your own activity"},
                    ],
                    "sort": False,
                    "translation_key": "activity",
                }
            },
        }
    ]
    assert capabilities["activity_cleared"] == {"extra_fields": activity_choice}
    assert capabilities["clearance_withdrawn"] == {"extra_fields": activity_choice}
    others = [
        kind
        for kind in TRIGGER_TYPES[1:]
        if kind
        not in {
            "pain_logged",
            "medication_warning",
            "activity_cleared",
            "clearance_withdrawn",
        }
    ]
    assert all(capabilities[kind] == {"extra_fields": []} for kind in others)


@pytest.mark.usefixtures("init_integration")
async def test_phase_choices_follow_home_assistants_language(
    hass: HomeAssistant,
) -> None:
    """The to_phase choices are named in Home Assistant's language, never by their raw value."""
    hass.config.language = "de"

    capabilities = await device_trigger.async_get_trigger_capabilities(
        hass,
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device_id(hass),
            "type": "phase_changed",
        },
    )

    selector = capabilities["extra_fields"].schema["to_phase"]
    assert selector.config["options"] == [
        {"value": "rest", "label": "Ruhe"},
        {"value": "rehabilitation", "label": "Rehabilitation"},
        {"value": "return_to_activity", "label": "Rückkehr zur Aktivität"},
        {"value": "recovered", "label": "Erholt"},
    ]
    assert selector("return_to_activity") == "return_to_activity"


def test_triggers_are_translated() -> None:
    """Each trigger type, the to_phase field and its options have English names."""
    automation = EN["device_automation"]
    assert sorted(automation["trigger_type"]) == sorted(TRIGGER_TYPES)
    assert all(automation["trigger_type"].values())
    assert automation["extra_fields"]["to_phase"]
    assert automation["extra_fields"]["above"]
    assert automation["extra_fields"]["activity"]
    assert sorted(EN["selector"]["phase"]["options"]) == sorted(
        str(option) for option in device_trigger.PHASE_SELECTOR.config["options"]
    )


@pytest.mark.parametrize("trigger_type", TRIGGER_TYPES)
@pytest.mark.usefixtures("init_integration")
async def test_trigger_fires_an_automation(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, trigger_type: str
) -> None:
    """Each device trigger runs an automation when its event happens on the device."""
    calls = await device_trigger_automation(
        hass, device_id(hass), trigger_type, TRIGGER_DATA
    )
    await CAUSES[trigger_type](hass, freezer)
    await hass.async_block_till_done()
    assert [call.data for call in calls] == [
        {
            "platform": "device",
            "event_type": f"back_recovery_{trigger_type}",
            "entry": ENTRY_ID,
        }
    ]


@pytest.mark.usefixtures("init_integration")
async def test_to_phase_filters(hass: HomeAssistant) -> None:
    """A phase changed trigger with to_phase runs only for that phase."""
    calls = await device_trigger_automation(
        hass, device_id(hass), "phase_changed", TRIGGER_DATA, to_phase="recovered"
    )
    await action(hass, "set_phase", phase="rehabilitation")
    await hass.async_block_till_done()
    assert calls == []
    await action(hass, "set_phase", phase="recovered")
    await hass.async_block_till_done()
    assert len(calls) == 1


@pytest.mark.usefixtures("init_integration")
async def test_pain_logged_above_filters(hass: HomeAssistant) -> None:
    """A pain logged trigger with above runs only for a level above it."""
    calls = await device_trigger_automation(
        hass, device_id(hass), "pain_logged", TRIGGER_DATA, above="5"
    )
    await action(hass, "log_pain", level=5)
    await hass.async_block_till_done()
    assert calls == []
    await action(hass, "log_pain", level=6)
    await hass.async_block_till_done()
    assert len(calls) == 1


@pytest.mark.usefixtures("init_integration")
async def test_trigger_ignores_another_recovery(hass: HomeAssistant) -> None:
    """A trigger on one recovery's device does not run for another recovery."""
    other = await add_entry(
        hass,
        entry_id=SECOND_ENTRY_ID,
        name="Second recovery",
        injury_date="2026-11-01",
        plug=None,
    )
    calls = await device_trigger_automation(
        hass, device_id(hass, other.entry_id), "phase_changed", TRIGGER_DATA
    )
    await action(hass, "set_phase", phase="rehabilitation")
    await hass.async_block_till_done()
    assert calls == []


async def test_unknown_device_is_refused(hass: HomeAssistant) -> None:
    """A trigger on a device that is not a recovery is refused."""
    config = device_trigger.TRIGGER_SCHEMA(
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": "not-a-device",
            "type": "session_started",
        }
    )
    with pytest.raises(InvalidDeviceAutomationConfig) as refused:
        await device_trigger.async_attach_trigger(
            hass,
            config,
            AsyncMock(),
            {"domain": "automation"},  # type: ignore[typeddict-item]
        )
    assert refused.value.translation_domain == DOMAIN
    assert refused.value.translation_key == "device_not_found"
    assert refused.value.translation_placeholders == {"device_id": "not-a-device"}
    assert "{device_id}" in EN["exceptions"]["device_not_found"]["message"]


async def test_device_of_another_integration_is_refused(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry
) -> None:
    """A trigger on another integration's device is refused."""
    entry = MockConfigEntry(domain="other")
    entry.add_to_hass(hass)
    device = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("other", "x")}
    )
    config = device_trigger.TRIGGER_SCHEMA(
        {
            "platform": "device",
            "domain": DOMAIN,
            "device_id": device.id,
            "type": "session_started",
        }
    )
    with pytest.raises(InvalidDeviceAutomationConfig) as refused:
        await device_trigger.async_attach_trigger(
            hass,
            config,
            AsyncMock(),
            {"domain": "automation"},  # type: ignore[typeddict-item]
        )
    assert refused.value.translation_domain == DOMAIN
    assert refused.value.translation_key == "device_not_a_recovery"
    assert refused.value.translation_placeholders == {"device_id": device.id}
    assert "{device_id}" in EN["exceptions"]["device_not_a_recovery"]["message"]


@pytest.mark.usefixtures("init_integration")
async def test_attaching_uses_no_deprecated_device_api(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Attaching a trigger logs no deprecation of the device's config entries."""
    await device_trigger_automation(
        hass, device_id(hass), "session_started", TRIGGER_DATA
    )

    assert "deprecated" not in caplog.text


def test_unknown_to_phase_is_invalid() -> None:
    """A to_phase that is not a phase is refused by the schema."""
    with pytest.raises(vol.Invalid, match="to_phase"):
        device_trigger.TRIGGER_SCHEMA(
            {
                "platform": "device",
                "domain": DOMAIN,
                "device_id": "x",
                "type": "phase_changed",
                "to_phase": "healed",
            }
        )


@pytest.mark.usefixtures("init_integration")
async def test_activity_cleared_filters_by_activity(hass: HomeAssistant) -> None:
    """An activity cleared trigger with ``activity`` runs only for a clearance of that activity."""
    calls = await device_trigger_automation(
        hass, device_id(hass), "activity_cleared", TRIGGER_DATA, activity="high_impact"
    )
    await action(hass, "record_clearance", activity="heavy_lifting", by="Dr. Lee")
    assert calls == []
    await action(hass, "record_clearance", activity="high_impact", by="Dr. Lee")
    assert len(calls) == 1
