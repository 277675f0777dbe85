"""Tests for the shipped blueprints: each loads with Home Assistant's loader and runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Generator
from datetime import date, datetime, timedelta
import logging
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.back_recovery.const import (
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.components.blueprint import models
from homeassistant.components.blueprint.const import DOMAIN as BLUEPRINT_DOMAIN
from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from ..helpers.clock import local_midnight, move_to
from ..helpers.files import ROOT, translations
from ..helpers.ha import ENTRY_ID, PHASE, RECOMMENDED_THERAPY, action, device_id

BLUEPRINTS = ROOT / "blueprints" / "automation"
ANNOUNCE = "back_recovery/announce_new_phase.yaml"
HEAT_AGAIN = "back_recovery/heat_allowed_again.yaml"
EN = translations()


@pytest.fixture(autouse=True)
def repository_blueprints() -> Generator[None]:
    """Let Home Assistant's blueprint loader read the repository's blueprints folder."""
    with patch.object(
        models.DomainBlueprints,
        "blueprint_folder",
        new_callable=PropertyMock,
        return_value=BLUEPRINTS,
    ):
        yield


@pytest.fixture(autouse=True)
async def detach_automations(hass: HomeAssistant) -> AsyncGenerator[None]:
    """Turn the automations off at the end, so their time triggers do not linger."""
    yield
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


async def _use(hass: HomeAssistant, path: str, inputs: dict[str, Any]) -> None:
    """Set up one automation from a blueprint."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "From blueprint",
                "use_blueprint": {"path": path, "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get("automation.from_blueprint")
    assert state is not None
    assert state.state == "on"


async def test_blueprints_load(hass: HomeAssistant) -> None:
    """The phase and heat blueprints load with Home Assistant's blueprint loader without errors."""
    assert await async_setup_component(hass, "automation", {})
    domain_blueprints: models.DomainBlueprints = hass.data[BLUEPRINT_DOMAIN][
        "automation"
    ]
    announce = await domain_blueprints.async_get_blueprint(ANNOUNCE)
    heat = await domain_blueprints.async_get_blueprint(HEAT_AGAIN)
    assert announce.name == "Announce a new recovery phase"
    assert heat.name == "Remind me when heat therapy is allowed again"
    assert announce.validate() is None
    assert heat.validate() is None
    assert sorted(announce.inputs) == [
        "announce_after",
        "recovery",
        "speaker",
        "tts_engine",
    ]
    assert sorted(heat.inputs) == ["message", "notify_target", "recovery", "title"]
    for blueprint, path in ((announce, ANNOUNCE), (heat, HEAT_AGAIN)):
        assert blueprint.metadata["source_url"].endswith(
            f"/blueprints/automation/{path}"
        )
        assert blueprint.inputs["recovery"]["selector"]["device"]["filter"] == [
            {"integration": DOMAIN}
        ]


@pytest.mark.usefixtures("init_integration")
async def test_announce_waits_for_the_morning_on_a_satellite(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A phase set in the night is announced on the satellite at the morning time, once."""
    calls = async_mock_service(hass, "assist_satellite", "announce")
    await _use(
        hass,
        ANNOUNCE,
        {"recovery": device_id(hass), "speaker": "assist_satellite.bedroom"},
    )
    assert dt_util.now().hour == 1
    await action(hass, "set_phase", phase="rehabilitation")
    assert calls == []

    morning = local_midnight(date(2026, 11, 25)) + timedelta(hours=8)
    await move_to(hass, freezer, morning - timedelta(minutes=1))
    assert calls == []
    await move_to(hass, freezer, morning)
    assert [call.data for call in calls] == [
        {
            "entity_id": ["assist_satellite.bedroom"],
            "message": "A new recovery phase has begun: Rehabilitation. "
            + EN["common"]["guidance_rehabilitation"],
        }
    ]
    # The next morning brings no new phase and no announcement.
    await move_to(hass, freezer, morning + timedelta(days=1))
    assert len(calls) == 1


async def test_announce_a_phase_that_began_at_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Rest ends at local midnight; the satellite says so at the morning time."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Back recovery",
        data={CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-10-15"},
        options=dict(DEFAULT_OPTIONS),
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    calls = async_mock_service(hass, "assist_satellite", "announce")
    await _use(
        hass,
        ANNOUNCE,
        {
            "recovery": device_id(hass),
            "speaker": "assist_satellite.kitchen",
            "announce_after": "07:30:00",
        },
    )
    midnight = local_midnight(date(2026, 11, 26))
    await move_to(hass, freezer, midnight - timedelta(hours=12))
    assert calls == []
    await move_to(hass, freezer, midnight)
    state = hass.states.get(PHASE)
    assert state is not None
    assert state.state == "rehabilitation"
    assert calls == []
    await move_to(hass, freezer, midnight + timedelta(hours=7, minutes=30))
    assert len(calls) == 1
    assert (
        calls[0]
        .data["message"]
        .startswith("A new recovery phase has begun: Rehabilitation. Physical therapy")
    )


@pytest.mark.usefixtures("init_integration")
async def test_announce_on_a_media_player_by_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """During the day a new phase is spoken at once on a media player through TTS."""
    calls = async_mock_service(hass, "tts", "speak")
    await move_to(
        hass,
        freezer,
        local_midnight(date(2026, 11, 25)) + timedelta(hours=10),
    )
    await _use(
        hass,
        ANNOUNCE,
        {
            "recovery": device_id(hass),
            "speaker": "media_player.living_room",
            "tts_engine": "tts.piper",
        },
    )
    await action(hass, "set_phase", phase="recovered")
    assert len(calls) == 1
    assert calls[0].data == {
        "entity_id": ["tts.piper"],
        "media_player_entity_id": "media_player.living_room",
        "message": "A new recovery phase has begun: Recovered. "
        + EN["common"]["guidance_recovered"],
    }


@pytest.mark.usefixtures("init_integration")
async def test_heat_reminder_when_the_skin_has_rested(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """When the rest gap after a session is over, the notify target hears heat is allowed."""
    calls = async_mock_service(hass, "notify", "send_message")
    await _use(
        hass,
        HEAT_AGAIN,
        {"recovery": device_id(hass), "notify_target": ["notify.phone"]},
    )
    await action(hass, "log_session", modality="heat", minutes=15)
    await move_to(hass, freezer, dt_util.utcnow() + timedelta(minutes=119))
    assert calls == []
    await move_to(hass, freezer, dt_util.utcnow() + timedelta(minutes=2))
    assert [call.data for call in calls] == [
        {
            "entity_id": ["notify.phone"],
            "title": "Back recovery",
            "message": "Your skin has rested: heat therapy is allowed again. "
            "Less than 20 minutes, with a cover between the pad and your skin.",
        }
    ]


async def test_no_heat_reminder_in_the_days_of_ice(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """While ice is the recommended therapy, the heat reminder stays silent."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Back recovery",
        data={CONF_NAME: "Back recovery", CONF_INJURY_DATE: "2026-11-25"},
        options=dict(DEFAULT_OPTIONS),
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    calls: list[ServiceCall] = async_mock_service(hass, "notify", "send_message")
    await _use(
        hass,
        HEAT_AGAIN,
        {"recovery": device_id(hass), "notify_target": ["notify.phone"]},
    )
    await action(hass, "log_session", modality="ice", minutes=15)
    await move_to(hass, freezer, dt_util.utcnow() + timedelta(minutes=121))
    state = hass.states.get(RECOMMENDED_THERAPY)
    assert state is not None
    assert state.state == "ice"
    assert calls == []


ASK_PAIN = "back_recovery/ask_pain_evening.yaml"
PHONE_SERVICE = "mobile_app_pixel_7"


async def test_ask_pain_blueprint_loads(hass: HomeAssistant) -> None:
    """The evening pain question loads with Home Assistant's blueprint loader and validates."""
    assert await async_setup_component(hass, "automation", {})
    domain_blueprints: models.DomainBlueprints = hass.data[BLUEPRINT_DOMAIN][
        "automation"
    ]
    blueprint = await domain_blueprints.async_get_blueprint(ASK_PAIN)
    assert blueprint.name == "Ask me about my pain every evening"
    assert blueprint.validate() is None
    assert sorted(blueprint.inputs) == [
        "answer_within",
        "ask_at",
        "dashboard_path",
        "message",
        "notify_target",
        "phones",
        "recovery",
        "title",
    ]
    assert blueprint.metadata["source_url"].endswith(
        f"/blueprints/automation/{ASK_PAIN}"
    )
    assert blueprint.inputs["recovery"]["selector"]["device"]["filter"] == [
        {"integration": DOMAIN}
    ]
    assert blueprint.inputs["phones"]["selector"]["device"]["filter"] == [
        {"integration": "mobile_app"}
    ]


def _phone(hass: HomeAssistant) -> str:
    """Register a phone with the Home Assistant app (a mobile_app device named Pixel 7)."""
    entry = MockConfigEntry(domain="mobile_app", title="Pixel 7")
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={("mobile_app", "pixel-7")},
        name="Pixel 7",
    )
    return device.id


def _mock_phone(hass: HomeAssistant) -> tuple[list[ServiceCall], asyncio.Event]:
    """Mock the phone's notify action; the event is set once it was called."""
    calls: list[ServiceCall] = []
    sent = asyncio.Event()

    async def _send(call: ServiceCall) -> None:
        calls.append(call)
        sent.set()

    hass.services.async_register("notify", PHONE_SERVICE, _send)
    return calls, sent


async def _ask_at(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    moment: datetime,
    sent: asyncio.Event,
) -> None:
    """Move the clocks to ``moment`` and wait until the phone was asked.

    The run then waits for the reply, so ``async_block_till_done`` would wait
    with it: the phone's call is the sign instead.
    """
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await asyncio.wait_for(sent.wait(), 5)


def _pain_logged(hass: HomeAssistant) -> list[Event]:
    """Capture the pain diary's ``back_recovery_pain_logged`` events."""
    return async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)


def _evening() -> datetime:
    """Return 20:00 local time on the test day (Home Assistant's time zone, set with ``hass``)."""
    return local_midnight(date(2026, 11, 25)) + timedelta(hours=20)


@pytest.mark.usefixtures("init_integration")
async def test_ask_pain_in_the_evening_links_the_dashboard_and_logs_the_reply(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """At the chosen time the question goes out with the dashboard link; a reply of 6 is logged."""
    texts = async_mock_service(hass, "notify", "send_message")
    phone_calls, sent = _mock_phone(hass)
    logged = _pain_logged(hass)
    await _use(
        hass,
        ASK_PAIN,
        {
            "recovery": device_id(hass),
            "phones": [_phone(hass)],
            "notify_target": ["notify.kitchen_display"],
        },
    )
    evening = _evening()
    await move_to(hass, freezer, evening - timedelta(minutes=1))
    assert texts == []
    assert phone_calls == []
    await _ask_at(hass, freezer, evening, sent)
    message = "How is your back today? Log your pain from 0 (none) to 10 (worst)."
    assert [call.data for call in texts] == [
        {
            "entity_id": ["notify.kitchen_display"],
            "title": "Back recovery",
            "message": message,
        }
    ]
    assert len(phone_calls) == 1
    notification = phone_calls[0].data
    assert notification["title"] == "Back recovery"
    assert notification["message"] == message
    assert notification["data"]["url"] == "/back-recovery"
    assert notification["data"]["clickAction"] == "/back-recovery"
    [reply] = notification["data"]["actions"]
    assert reply["behavior"] == "textInput"
    assert reply["action"].startswith("BACK_RECOVERY_PAIN_")

    # Another notification's action is not the answer (the run goes on waiting).
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": "OTHER", "reply_text": "9"}
    )
    hass.bus.async_fire(
        "mobile_app_notification_action",
        {"action": reply["action"], "reply_text": " 6 "},
    )
    await hass.async_block_till_done()
    assert [
        (event.data["config_entry_id"], event.data["level"]) for event in logged
    ] == [(ENTRY_ID, 6)]


@pytest.mark.parametrize("reply", ["a lot", "11", "-1", ""])
@pytest.mark.usefixtures("init_integration")
async def test_ask_pain_logs_no_reply_outside_0_to_10(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    reply: str,
) -> None:
    """A reply that is not a level from 0 to 10 is not logged, and not sent to the action to fail."""
    phone_calls, sent = _mock_phone(hass)
    logged = _pain_logged(hass)
    await _use(
        hass,
        ASK_PAIN,
        {"recovery": device_id(hass), "phones": [_phone(hass)]},
    )
    await _ask_at(hass, freezer, _evening(), sent)
    action_id = phone_calls[0].data["data"]["actions"][0]["action"]
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": action_id, "reply_text": reply}
    )
    await hass.async_block_till_done()
    assert logged == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.usefixtures("init_integration")
async def test_ask_pain_reply_after_the_wait_is_not_logged(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A reply after the answer time is over is not logged; a text-only target is asked at a time of choice."""
    texts = async_mock_service(hass, "notify", "send_message")
    phone_calls, sent = _mock_phone(hass)
    logged = _pain_logged(hass)
    await _use(
        hass,
        ASK_PAIN,
        {
            "recovery": device_id(hass),
            "phones": [_phone(hass)],
            "ask_at": "21:30:00",
            "answer_within": {"minutes": 30},
        },
    )
    asked = _evening() + timedelta(hours=1, minutes=30)
    await _ask_at(hass, freezer, asked, sent)
    assert texts == []
    assert len(phone_calls) == 1
    action_id = phone_calls[0].data["data"]["actions"][0]["action"]
    await move_to(hass, freezer, asked + timedelta(minutes=31))
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": action_id, "reply_text": "3"}
    )
    await hass.async_block_till_done()
    assert logged == []
