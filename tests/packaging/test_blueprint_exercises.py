"""The blueprint "Remind me of my exercises at my times": loaded with Home Assistant's loader and run.

At the chosen times (a second and a third only when switched on), when the
recovery's exercise list has open items, a notification names them and the
satellites say it; nothing when everything is checked off.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from custom_components.back_recovery.const import DOMAIN
from homeassistant.components.blueprint import models
from homeassistant.components.blueprint.const import DOMAIN as BLUEPRINT_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from ..helpers.clock import T0, local, move_to
from ..helpers.exercises import TODO, add_exercise
from ..helpers.ha import device_id
from .test_blueprints import _use, detach_automations, repository_blueprints  # noqa: F401

REMIND = "back_recovery/remind_exercises.yaml"
TODAY = local(T0.date()).date()


async def _check(hass: HomeAssistant, item: str) -> None:
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": TODO, "item": item, "status": "completed"},
        blocking=True,
    )
    await hass.async_block_till_done()


async def test_remind_exercises_loads(hass: HomeAssistant) -> None:
    """It loads with Home Assistant's blueprint loader; the recovery is a Back Recovery device."""
    assert await async_setup_component(hass, "automation", {})
    domain_blueprints: models.DomainBlueprints = hass.data[BLUEPRINT_DOMAIN][
        "automation"
    ]
    blueprint = await domain_blueprints.async_get_blueprint(REMIND)
    assert blueprint.name == "Remind me of my exercises at my times"
    assert blueprint.validate() is None
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/{REMIND}")
    assert blueprint.inputs["recovery"]["selector"]["device"]["filter"] == [
        {"integration": DOMAIN}
    ]


async def test_remind_names_the_open_exercises_at_the_chosen_times(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """09:00 names both, 18:00 the one left; the third time is off; all checked, nothing is sent."""
    await add_exercise(hass, init_integration, "Bridge")
    await add_exercise(hass, init_integration, "Cat-cow")
    notified = async_mock_service(hass, "notify", "send_message")
    said = async_mock_service(hass, "assist_satellite", "announce")
    await _use(
        hass,
        REMIND,
        {
            "recovery": device_id(hass),
            "first_time": "09:00:00",
            "use_second_time": True,
            "second_time": "18:00:00",
            "third_time": "19:00:00",
            "notify_target": ["notify.phone"],
            "satellites": ["assist_satellite.kitchen"],
        },
    )
    await move_to(hass, freezer, local(TODAY, 9))
    assert [call.data for call in notified] == [
        {
            "entity_id": ["notify.phone"],
            "title": "Exercises",
            "message": "Still open today: Bridge, Cat-cow.",
        }
    ]
    assert [call.data for call in said] == [
        {
            "entity_id": ["assist_satellite.kitchen"],
            "message": "Still open today: Bridge, Cat-cow.",
        }
    ]
    await _check(hass, "Bridge")
    await move_to(hass, freezer, local(TODAY, 18))
    assert notified[-1].data["message"] == "Still open today: Cat-cow."
    await move_to(hass, freezer, local(TODAY, 19))
    assert len(notified) == 2
    await _check(hass, "Cat-cow")
    await move_to(hass, freezer, local(TODAY, 23))
    assert len(notified) == 2


@pytest.mark.usefixtures("init_integration")
async def test_remind_without_exercises_sends_nothing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """No exercise, no list: nothing to remind."""
    notified = async_mock_service(hass, "notify", "send_message")
    await _use(
        hass,
        REMIND,
        {"recovery": device_id(hass), "notify_target": ["notify.phone"]},
    )
    await move_to(hass, freezer, local(TODAY, 9))
    assert notified == []
