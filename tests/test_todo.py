"""The to-do list ``exercises_today``: today's exercises, checked when done (contract "Exercises")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from pytest_homeassistant_custom_component.typing import (
    MockHAClientWebSocket,
    WebSocketGenerator,
)

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceNotSupported, ServiceValidationError

from .helpers.clock import T0, local, move_to
from .helpers.exercises import ADHERENCE, TODO, add_exercise
from .helpers.ha import entity_id_of, entity_state

pytestmark = pytest.mark.usefixtures("plug")

TODAY = local(T0.date()).date()
"""A Wednesday; T0 is 01:00 local, before noon."""


async def items(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return the list's items as ``todo.get_items`` gives them."""
    response = await hass.services.async_call(
        "todo", "get_items", {"entity_id": TODO}, blocking=True, return_response=True
    )
    assert response is not None
    listed: Any = response[TODO]
    return list(listed["items"])


async def set_status(hass: HomeAssistant, item: str, status: str) -> None:
    """Check (``completed``) or uncheck (``needs_action``) an item by its uid or summary."""
    await hass.services.async_call(
        "todo",
        "update_item",
        {"entity_id": TODO, "item": item, "status": status},
        blocking=True,
    )
    await hass.async_block_till_done()


async def test_items_are_todays_exercises_by_time_of_day_with_their_target(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One item per exercise and time of day, as entered; not on other weekdays; the target described."""
    await move_to(hass, freezer, local(TODAY, 13))
    await add_exercise(hass, init_integration, "Hamstring stretch", times_per_day=2)
    await add_exercise(
        hass, init_integration, "Bridge", hold_seconds=None, reps=10, per_side=False
    )
    await add_exercise(hass, init_integration, "Walk", days=["sat"])
    await add_exercise(
        hass, init_integration, "Plank", phases=["rehabilitation", "return_to_activity"]
    )
    listed = await items(hass)
    assert [(i["summary"], i["description"], i["status"]) for i in listed] == [
        ("Hamstring stretch (1 of 2)", "3 × 30 s, each side", "needs_action"),
        ("Bridge", "3 × 10", "needs_action"),
        ("Hamstring stretch (2 of 2)", "3 × 30 s, each side", "needs_action"),
    ]
    assert {i["due"] for i in listed} == {TODAY.isoformat()}
    assert entity_state(hass, TODO) == "3"


async def test_checking_logs_as_prescribed_unchecking_removes_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Checked: a log done as prescribed, counted; unchecked: that log is gone."""
    await move_to(hass, freezer, local(TODAY, 13))
    await add_exercise(hass, init_integration, "Bridge")
    (item,) = await items(hass)
    await set_status(hass, item["uid"], "completed")
    assert [i["status"] for i in await items(hass)] == ["completed"]
    assert entity_state(hass, ADHERENCE) == "100"
    assert entity_state(hass, TODO) == "0"
    programme = init_integration.runtime_data.engine.records.exercises
    assert programme is not None
    assert programme.status.logs == 1
    await set_status(hass, "Bridge", "needs_action")
    assert [i["status"] for i in await items(hass)] == ["needs_action"]
    assert programme.status.logs == 0
    assert entity_state(hass, ADHERENCE) == "unknown"


async def test_yesterdays_open_items_until_noon_count_for_yesterday(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Before local noon yesterday's unchecked items are there; checked, they count for yesterday."""
    yesterday = TODAY - timedelta(days=1)
    await move_to(hass, freezer, local(yesterday, 9))
    await add_exercise(hass, init_integration, "Bridge")
    await add_exercise(hass, init_integration, "Cat-cow")
    await move_to(hass, freezer, local(TODAY, 8))
    listed = await items(hass)
    assert [(i["summary"], i["due"]) for i in listed] == [
        ("Bridge", TODAY.isoformat()),
        ("Cat-cow", TODAY.isoformat()),
        ("Yesterday: Bridge", yesterday.isoformat()),
        ("Yesterday: Cat-cow", yesterday.isoformat()),
    ]
    assert entity_state(hass, ADHERENCE) == "0"
    await set_status(hass, listed[2]["uid"], "completed")
    programme = init_integration.runtime_data.engine.records.exercises
    assert programme is not None
    assert programme.status.adherence_7d == 50  # yesterday: 1 of 2; today not over
    assert [i["summary"] for i in await items(hass)] == [
        "Bridge",
        "Cat-cow",
        "Yesterday: Cat-cow",
    ]
    await move_to(hass, freezer, local(TODAY, 12))
    assert [i["summary"] for i in await items(hass)] == ["Bridge", "Cat-cow"]
    with pytest.raises(ServiceValidationError):
        await set_status(hass, listed[3]["uid"], "completed")


async def test_nothing_added_deleted_or_renamed_on_the_list(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The programme is the therapist's: adding or deleting is not offered, renaming is refused."""
    await add_exercise(hass, init_integration, "Bridge")
    with pytest.raises(ServiceNotSupported):
        await hass.services.async_call(
            "todo", "add_item", {"entity_id": TODO, "item": "Run"}, blocking=True
        )
    with pytest.raises(ServiceNotSupported):
        await hass.services.async_call(
            "todo", "remove_item", {"entity_id": TODO, "item": "Bridge"}, blocking=True
        )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "todo",
            "update_item",
            {"entity_id": TODO, "item": "Bridge", "rename": "Plank"},
            blocking=True,
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "exercise_item_fixed"


async def _until_pong(client: MockHAClientWebSocket) -> AsyncIterator[dict[str, Any]]:
    """Yield the messages a websocket client receives before the answer to its ping."""
    while (message := await client.receive_json())["type"] != "pong":
        yield message


async def _rename(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str, how: str
) -> None:
    """Rename an exercise "Glute bridge": with its Reconfigure form, or with Home Assistant's Rename (the title only)."""
    if how == "rename":
        subentry = entry.subentries[subentry_id]
        assert hass.config_entries.async_update_subentry(
            entry, subentry, title="Glute bridge"
        )
    else:
        form = await entry.start_subentry_reconfigure_flow(hass, subentry_id)
        result = await hass.config_entries.subentries.async_configure(
            form["flow_id"],
            {**entry.subentries[subentry_id].data, "name": "Glute bridge"},
        )
        assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()


@pytest.mark.parametrize("how", ["reconfigure", "rename"])
async def test_an_open_list_shows_a_renamed_exercise_at_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    how: str,
) -> None:
    """The to-do card (subscribed to the items) gets the new name when the exercise is edited or renamed; the count is the same."""
    subentry_id = await add_exercise(hass, init_integration, "Bridge", times_per_day=2)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "todo/item/subscribe", "entity_id": TODO})
    assert (await client.receive_json())["success"]
    first = await client.receive_json()
    assert [i["summary"] for i in first["event"]["items"]] == [
        "Bridge (1 of 2)",
        "Bridge (2 of 2)",
    ]
    await _rename(hass, init_integration, subentry_id, how)
    # Whatever was pushed arrives before the answer to a ping sent now.
    await client.send_json_auto_id({"type": "ping"})
    pushed = [message async for message in _until_pong(client)]
    assert pushed, "nothing was pushed to the open list"
    assert [(i["summary"], i["uid"]) for i in pushed[-1]["event"]["items"]] == [
        ("Glute bridge (1 of 2)", first["event"]["items"][0]["uid"]),
        ("Glute bridge (2 of 2)", first["event"]["items"][1]["uid"]),
    ]
    assert entity_state(hass, TODO) == "2"


@pytest.mark.usefixtures("german")
async def test_items_are_said_in_german(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The list's name, the time of day, the side and yesterday's items in Home Assistant's language."""
    yesterday = TODAY - timedelta(days=1)
    await move_to(hass, freezer, local(yesterday, 9))
    await add_exercise(hass, init_integration, "Brücke", times_per_day=2)
    todo = entity_id_of(hass, "todo", "exercises_today")
    assert todo == "todo.back_recovery_ubungen_heute"
    await move_to(hass, freezer, local(TODAY, 8))
    response = await hass.services.async_call(
        "todo", "get_items", {"entity_id": todo}, blocking=True, return_response=True
    )
    assert response is not None
    listed: Any = response[todo]
    assert [(i["summary"], i["description"]) for i in listed["items"]] == [
        ("Brücke (1 von 2)", "3 × 30 s, je Seite"),
        ("Brücke (2 von 2)", "3 × 30 s, je Seite"),
        ("Gestern: Brücke (1 von 2)", "3 × 30 s, je Seite"),
        ("Gestern: Brücke (2 von 2)", "3 × 30 s, je Seite"),
    ]


async def test_checking_twice_changes_nothing_and_unknown_items_are_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A second check logs nothing more; an item that is not on the list is refused, translated."""
    await move_to(hass, freezer, local(TODAY, 13))
    await add_exercise(hass, init_integration, "Bridge")
    (item,) = await items(hass)
    await set_status(hass, item["uid"], "completed")
    await set_status(hass, item["uid"], "completed")
    programme = init_integration.runtime_data.engine.records.exercises
    assert programme is not None
    assert programme.status.logs == 1
    with pytest.raises(ServiceValidationError) as err:
        await programme.async_set_done("bridge_2000-01-01_1", True)
    assert err.value.translation_key == "exercise_item_unknown"


async def test_an_item_renamed_with_home_assistants_rename_is_checked_by_its_new_name(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """After ⋮ → Rename the item is "Glute bridge": checking it logs the exercise under that name."""
    subentry_id = await add_exercise(hass, init_integration, "Bridge")
    await _rename(hass, init_integration, subentry_id, "rename")
    assert [i["summary"] for i in await items(hass)] == ["Glute bridge"]
    events = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    await set_status(hass, "Glute bridge", "completed")
    assert [i["status"] for i in await items(hass)] == ["completed"]
    assert [e.data["exercise"] for e in events] == ["Glute bridge"]


async def test_checked_item_fires_exercise_logged(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Checking an item logs the exercise: ``back_recovery_exercise_logged`` names it, done; unchecking fires nothing."""
    await add_exercise(hass, init_integration, "Bridge")
    events = async_capture_events(hass, RecoveryEvent.EXERCISE_LOGGED)
    await set_status(hass, "Bridge", "completed")
    await set_status(hass, "Bridge", "needs_action")
    assert [e.data for e in events] == [
        {
            "config_entry_id": init_integration.entry_id,
            "exercise": "Bridge",
            "skipped": False,
            "done_at": T0.isoformat(),
        }
    ]
