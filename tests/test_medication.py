"""Pain medication through Home Assistant (contract "Pain medication"): the action, the entities, the events.

A dose is never refused for the limits the person entered: it is recorded,
and the response, ``back_recovery_medication_warning`` and the optional
notification say what it means against those limits. Each medicine's
entities hang off its own device and change by time alone when a dose leaves
the rolling 24 hours (a timer, no polling).
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
import io
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.back_recovery.const import DOMAIN, RecoveryEvent
from custom_components.back_recovery.diagnostics import (
    async_get_config_entry_diagnostics,
)
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util

from .helpers.clock import T0, advance, move_to
from .helpers.ha import ENTRY_ID, add_entry, press
from .helpers.medication import add_medicine, log_dose, medicine_entity

HOURS = timedelta(hours=1)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def _sensors(hass: HomeAssistant, medicine_id: str) -> dict[str, str]:
    """Return what a medicine's three sensors show, by key."""
    return {
        key: _state(hass, medicine_entity(hass, "sensor", medicine_id, key))
        for key in ("next_dose_allowed", "doses_24h", "supply")
    }


async def test_rule_a_dose_is_recorded_and_shown_on_the_medicines_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The first dose warns of nothing; the next is allowed after the entered interval."""
    medicine = await add_medicine(hass, supply=10)
    logged = async_capture_events(hass, RecoveryEvent.DOSE_LOGGED)
    warned = async_capture_events(hass, RecoveryEvent.MEDICATION_WARNING)
    assert _sensors(hass, medicine) == {
        "next_dose_allowed": STATE_UNKNOWN,
        "doses_24h": "0",
        "supply": "10",
    }
    response = await log_dose(hass, "ibuprofen")
    assert response == {
        "medication": "Ibuprofen",
        "taken_at": T0.isoformat(),
        "warnings": [],
        "within_limits": True,
        "next_dose_allowed": (T0 + 6 * HOURS).isoformat(),
        "doses_24h": 1,
        "most_doses_24h": 1,
        "max_doses_per_24h": 4,
        "supply_left": 9,
        "supply_low": False,
    }
    assert _sensors(hass, medicine) == {
        "next_dose_allowed": (T0 + 6 * HOURS).isoformat(),
        "doses_24h": "1",
        "supply": "9",
    }
    assert warned == []
    assert len(logged) == 1
    assert logged[0].data["medication"] == medicine
    # The entities hang off the medicine's own device, named after it.
    entity = er.async_get(hass).async_get(
        medicine_entity(hass, "sensor", medicine, "next_dose_allowed")
    )
    assert entity is not None and entity.device_id is not None
    assert entity.entity_id == "sensor.ibuprofen_next_dose_allowed"
    assert medicine_entity(hass, "sensor", medicine, "doses_24h") == (
        "sensor.ibuprofen_doses_in_24_hours"
    )
    assert (
        medicine_entity(hass, "sensor", medicine, "supply") == "sensor.ibuprofen_supply"
    )
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None and device.name == "Ibuprofen"
    assert logged[0].data["device_id"] == device.id
    attributes = hass.states.get(entity.entity_id)
    assert attributes is not None
    assert attributes.attributes["waiting_for"] == "too_soon"
    assert attributes.attributes["limits_from"] == "label"


async def test_rule_a_dose_too_soon_is_recorded_and_warns(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Too soon: recorded, returned, fired with ``reason`` and ``next_dose_allowed``."""
    medicine = await add_medicine(hass)
    warned = async_capture_events(hass, RecoveryEvent.MEDICATION_WARNING)
    await log_dose(hass, "Ibuprofen")
    await advance(hass, freezer, 2 * HOURS)
    response = await log_dose(hass, medicine)
    assert response["warnings"] == ["too_soon"]
    assert not response["within_limits"]
    assert response["doses_24h"] == 2
    allowed = (T0 + 8 * HOURS).isoformat()
    assert response["next_dose_allowed"] == allowed
    assert [(e.data["reason"], e.data["next_dose_allowed"]) for e in warned] == [
        ("too_soon", allowed)
    ]
    assert warned[0].data["config_entry_id"] == ENTRY_ID
    assert _sensors(hass, medicine)["doses_24h"] == "2"


async def test_rule_the_fourth_of_four_allowed_doses(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """``one_before_limit`` on the third; the fourth reaches the limit within it."""
    medicine = await add_medicine(hass)
    warned = async_capture_events(hass, RecoveryEvent.MEDICATION_WARNING)
    responses = []
    for _ in range(4):
        responses.append(await log_dose(hass, "Ibuprofen"))
        await advance(hass, freezer, 6 * HOURS)
    assert [r["warnings"] for r in responses] == [
        [],
        [],
        ["one_before_limit"],
        ["daily_limit_reached"],
    ]
    assert all(r["within_limits"] for r in responses)
    assert [e.data["reason"] for e in warned] == [
        "one_before_limit",
        "daily_limit_reached",
    ]
    # 24 hours after the first dose it left the window: 3 in the 24 hours.
    assert _sensors(hass, medicine)["doses_24h"] == "3"
    assert _sensors(hass, medicine)["next_dose_allowed"] == STATE_UNKNOWN


async def test_rule_doses_24h_changes_when_a_dose_leaves_the_window(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A timer at the moment: the wait's end shows unknown, the dose's 24 hours its leaving."""
    medicine = await add_medicine(hass, hours=6, most=1)
    await log_dose(hass, "Ibuprofen")
    assert (
        _sensors(hass, medicine)["next_dose_allowed"] == (T0 + 24 * HOURS).isoformat()
    )
    await move_to(hass, freezer, T0 + 24 * HOURS - timedelta(seconds=1))
    assert _sensors(hass, medicine)["doses_24h"] == "1"
    await move_to(hass, freezer, T0 + 24 * HOURS)
    assert _sensors(hass, medicine)["doses_24h"] == "0"
    assert _sensors(hass, medicine)["next_dose_allowed"] == STATE_UNKNOWN


async def test_rule_a_dose_at_23_59_counts_after_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The 24 hours roll: a dose at 23:59 local still counts the next morning."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    late = datetime(2026, 11, 25, 23, 59, tzinfo=dt_util.get_default_time_zone())
    freezer.move_to(late)
    await add_entry(hass, plug=None)
    medicine = await add_medicine(hass, hours=1, most=2)
    await log_dose(hass, "Ibuprofen")
    await move_to(hass, freezer, late + 8 * HOURS)
    assert _sensors(hass, medicine)["doses_24h"] == "1"
    response = await log_dose(hass, "Ibuprofen")
    assert response["warnings"] == ["daily_limit_reached"]
    assert (
        response["next_dose_allowed"] == dt_util.as_utc(late + 24 * HOURS).isoformat()
    )


async def test_rule_the_rolling_24_hours_across_daylight_saving(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Berlin, 29 March 2026: 03:30 is 23 real hours after 03:30 the day before; the dose still counts."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    berlin = dt_util.get_default_time_zone()
    before = datetime(2026, 3, 28, 3, 30, tzinfo=berlin)
    freezer.move_to(before)
    await add_entry(hass, plug=None, injury_date=date(2026, 3, 1))
    medicine = await add_medicine(hass, hours=2, most=1)
    await log_dose(hass, "Ibuprofen")
    await move_to(hass, freezer, datetime(2026, 3, 29, 3, 30, tzinfo=berlin))
    assert _sensors(hass, medicine)["doses_24h"] == "1"
    allowed = dt_util.parse_datetime(_sensors(hass, medicine)["next_dose_allowed"])
    assert allowed is not None
    assert dt_util.as_local(allowed).hour == 4
    await move_to(hass, freezer, datetime(2026, 3, 29, 4, 30, tzinfo=berlin))
    assert _sensors(hass, medicine)["doses_24h"] == "0"


async def test_rule_a_back_dated_dose_sorts_before_a_later_one(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A dose entered late counts from when it was taken; the next allowed counts from the latest taken."""
    medicine = await add_medicine(hass)
    await log_dose(hass, "Ibuprofen")
    await advance(hass, freezer, HOURS)
    response = await log_dose(hass, "Ibuprofen", taken_at=T0 - 3 * HOURS)
    assert response["warnings"] == ["too_soon"]
    assert response["taken_at"] == (T0 - 3 * HOURS).isoformat()
    assert response["next_dose_allowed"] == (T0 + 6 * HOURS).isoformat()
    doses = init_integration.runtime_data.engine.records.medication.log.doses
    assert [dose.taken_at for dose in doses] == [T0 - 3 * HOURS, T0]
    assert _sensors(hass, medicine)["doses_24h"] == "2"


async def test_rule_a_dose_in_the_future_or_of_no_medicine_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Input that is no dose is refused with a translated error; nothing is recorded."""
    await add_medicine(hass)
    with pytest.raises(ServiceValidationError) as err:
        await log_dose(hass, "Ibuprofen", taken_at=T0 + timedelta(minutes=5))
    assert err.value.translation_key == "taken_at_in_future"
    with pytest.raises(ServiceValidationError) as err:
        await log_dose(hass, "Aspirin")
    assert err.value.translation_key == "unknown_medication"
    assert err.value.translation_placeholders == {
        "medication": "Aspirin",
        "medications": "Ibuprofen",
    }
    assert init_integration.runtime_data.engine.records.medication.log.doses == []


async def test_rule_a_dose_with_no_medicine_set_up_says_there_is_none(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """With no medicine the refusal says there is none yet, not an empty list."""
    with pytest.raises(ServiceValidationError) as err:
        await log_dose(hass, "Aspirin")
    assert err.value.translation_key == "unknown_medication_none"
    assert err.value.translation_placeholders == {"medication": "Aspirin"}


async def test_rule_two_nsaids_within_the_longer_interval(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two medicines marked as NSAIDs within the longer of their intervals: ``same_kind_overlap``."""
    await add_medicine(hass, "Ibuprofen", hours=6)
    naproxen = await add_medicine(hass, "Naproxen", hours=12, most=3)
    await add_medicine(hass, "Paracetamol", kind="paracetamol", hours=4)
    warned = async_capture_events(hass, RecoveryEvent.MEDICATION_WARNING)
    await log_dose(hass, "Ibuprofen")
    await advance(hass, freezer, 7 * HOURS)
    assert (await log_dose(hass, "Paracetamol"))["warnings"] == []
    response = await log_dose(hass, "Naproxen")
    assert response["warnings"] == ["same_kind_overlap"]
    assert [e.data["reason"] for e in warned] == ["same_kind_overlap"]
    assert warned[0].data["medication"] == naproxen


async def test_rule_supply_reaches_zero_and_notifies_when_low(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The supply counts down to 0, never below; the notification says low supply and warnings."""
    hass.states.async_set("notify.phone", STATE_UNKNOWN)
    sent = async_mock_service(hass, "notify", "send_message")
    await add_entry(hass, {"notify_entities": ["notify.phone"]}, plug=None)
    medicine = await add_medicine(hass, hours=1, most=1, supply=2, notify=True)
    supply = medicine_entity(hass, "sensor", medicine, "supply")
    lefts: list[Any] = []
    for _ in range(3):
        lefts.append((await log_dose(hass, "Ibuprofen"))["supply_left"])
        await advance(hass, freezer, 25 * HOURS, wait_background_tasks=True)
    assert lefts == [1, 0, 0]
    state = hass.states.get(supply)
    assert state is not None and state.state == "0" and state.attributes["low"] is True
    # Each dose reached the daily limit of 1 (a warning); the first also made the supply low.
    messages = [call.data["message"] for call in sent]
    assert len(messages) == 3
    assert "Doses left: 1." in messages[0]
    assert all("the most doses in 24 hours you entered" in m for m in messages)
    assert all("safe" not in m.lower() for m in messages)
    assert {call.data["title"] for call in sent} == {"Ibuprofen"}


async def test_rule_no_notification_unless_asked(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without ``notify_warnings`` a warning is an event only."""
    hass.states.async_set("notify.phone", STATE_UNKNOWN)
    sent = async_mock_service(hass, "notify", "send_message")
    await add_entry(hass, {"notify_entities": ["notify.phone"]}, plug=None)
    await add_medicine(hass, hours=6, most=1)
    assert (await log_dose(hass, "Ibuprofen"))["warnings"] == ["daily_limit_reached"]
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sent == []


async def test_rule_the_button_records_a_dose_taken_now(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The button "Took a dose" records one dose now, on the medicine's device."""
    medicine = await add_medicine(hass)
    logged = async_capture_events(hass, RecoveryEvent.DOSE_LOGGED)
    button = medicine_entity(hass, "button", medicine, "took_dose")
    assert button == "button.ibuprofen_took_a_dose"
    await press(hass, button)
    assert _sensors(hass, medicine)["doses_24h"] == "1"
    assert [e.data["taken_at"] for e in logged] == [T0.isoformat()]


async def test_rule_8_doses_survive_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The doses are stored with the recovery: after a reload the sensors show the same."""
    medicine = await add_medicine(hass, supply=5)
    await log_dose(hass, "Ibuprofen")
    await advance(hass, freezer, HOURS)
    before = _sensors(hass, medicine)
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert (
        _sensors(hass, medicine)
        == before
        == {
            "next_dose_allowed": (T0 + 6 * HOURS).isoformat(),
            "doses_24h": "1",
            "supply": "4",
        }
    )


async def test_rule_9_a_medicine_comes_and_goes_without_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Adding or removing a medicine keeps the engine; its entities go with it, its doses stay."""
    engine = init_integration.runtime_data.engine
    medicine = await add_medicine(hass)
    await log_dose(hass, "Ibuprofen")
    sensor = medicine_entity(hass, "sensor", medicine, "doses_24h")
    hass.config_entries.async_remove_subentry(init_integration, medicine)
    await hass.async_block_till_done()
    assert init_integration.runtime_data.engine is engine
    assert hass.states.get(sensor) is None
    assert len(engine.records.medication.log.doses) == 1
    with pytest.raises(ServiceValidationError):
        await log_dose(hass, "Ibuprofen")


async def test_diagnostics_name_no_medicine(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Diagnostics count medicines and doses; a medicine's name is health data."""
    await add_medicine(hass, "Ibuprofen")
    await log_dose(hass, "Ibuprofen")
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert "ibuprofen" not in str(diagnostics).lower()
    assert diagnostics["medication"]["medicines"] == 1
    assert diagnostics["medication"]["doses_stored"] == 1
    assert diagnostics["medication"]["kinds"] == {"nsaid": 1}
    assert DOMAIN in str(diagnostics["entry"]["domain"])


async def test_the_clinician_report_shows_doses_per_day_against_the_entered_limits(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """The report's medication section: the limits as entered, doses per day, those outside; CSV rows."""
    await add_medicine(hass, hours=6, most=4)
    await log_dose(hass, "Ibuprofen", taken_at=T0 - 2 * HOURS)
    await log_dose(hass, "Ibuprofen")
    client = await hass_client()
    report = f"/api/back_recovery/report/{ENTRY_ID}"
    page = await (await client.get(report)).text()
    assert 'class="part part-medication"' in page
    assert (
        "Ibuprofen: entered from the label: at least 6 hours between doses, "
        "at most 4 doses in 24 hours."
    ) in page
    assert "Outside the entered limits" in page
    csv_text = await (await client.get(f"{report}.csv")).text()
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [row["detail"] for row in rows if row["kind"] == "dose"] == [
        "Ibuprofen",
        "Ibuprofen",
    ]
    assert [row["detail"] for row in rows if row["kind"] == "medication_warning"] == [
        "too_soon",
        "too_soon",
    ]
    # Each dose came 2 hours from the other: both outside; split at local midnight.
    for moment in (T0 - 2 * HOURS, T0):
        day = dt_util.as_local(moment).date().isoformat()
        row = f"<td>{day}</td><td>Ibuprofen</td><td>1</td><td>1</td>"
        assert row in page
