"""The brace as a person sees it: hours worn today and the week's adherence, from a switch or a sensor.

Contract "Brace" (issue 24). The rules are tested without Home Assistant in
``tests/therapy/test_brace.py``; here through the state machine, the switch,
the options flow and the clock. Home Assistant's zone is US/Pacific: ``T0``
is 01:00 on 25 November 2026.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.const import (
    CONF_BRACE_HOURS_PER_DAY,
    CONF_BRACE_SENSOR,
    DOMAIN,
    unique_id,
)
from custom_components.back_recovery.diagnostics import (
    async_get_config_entry_diagnostics,
)
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations

from .helpers.clock import advance, local, move_to
from .helpers.ha import ENTRY_ID, add_entry, entity_state, turn
from .helpers.storage import STORAGE_KEY

HOURS_TODAY = "sensor.back_recovery_brace_hours_today"
ADHERENCE = "sensor.back_recovery_brace_adherence_7_days"
BRACE_WORN = "switch.back_recovery_brace_worn"
BRACE_CONTACT = "binary_sensor.brace_contact"
BRACE_TEMPERATURE = "sensor.brace_temperature"
TODAY = date(2026, 11, 25)
"""The local day of ``T0``."""


def _temperature(hass: HomeAssistant, value: str, unit: str = "°C") -> None:
    hass.states.async_set(
        BRACE_TEMPERATURE,
        value,
        {ATTR_DEVICE_CLASS: "temperature", ATTR_UNIT_OF_MEASUREMENT: unit},
    )


def _hours(hass: HomeAssistant) -> float:
    return float(entity_state(hass, HOURS_TODAY))


def _brace_entities(hass: HomeAssistant) -> set[str]:
    """Return the brace's entities in the registry."""
    registry = er.async_get(hass)
    found = set()
    for platform, key in (
        ("sensor", "brace_hours_today"),
        ("sensor", "brace_adherence_7d"),
        ("switch", "brace_worn"),
    ):
        if registry.async_get_entity_id(platform, DOMAIN, unique_id(ENTRY_ID, key)):
            found.add(key)
    return found


async def _set_options(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> dict[str, Any]:
    """Submit the options form with ``options``; return the flow's result."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options
    )
    await hass.async_block_till_done()
    return dict(result)


async def test_brace_entities_exist_only_while_a_brace_is_prescribed(
    hass: HomeAssistant,
) -> None:
    """No brace, no entities; hours > 0 adds them without a reload; a sensor removes the switch; 0 removes all."""
    entry = await add_entry(hass, plug=None)
    assert _brace_entities(hass) == set()
    assert "brace" not in await async_get_config_entry_diagnostics(hass, entry)

    await _set_options(hass, entry, **{CONF_BRACE_HOURS_PER_DAY: 16})
    assert _brace_entities(hass) == {
        "brace_hours_today",
        "brace_adherence_7d",
        "brace_worn",
    }
    assert entity_state(hass, HOURS_TODAY) == "0.0"
    assert entity_state(hass, ADHERENCE) == "unknown"
    assert entity_state(hass, BRACE_WORN) == "off"

    hass.states.async_set(BRACE_CONTACT, "off")
    await _set_options(
        hass,
        entry,
        **{CONF_BRACE_HOURS_PER_DAY: 16, CONF_BRACE_SENSOR: BRACE_CONTACT},
    )
    assert _brace_entities(hass) == {"brace_hours_today", "brace_adherence_7d"}
    assert hass.states.get(BRACE_WORN) is None

    await _set_options(hass, entry, **{CONF_BRACE_HOURS_PER_DAY: 0})
    assert _brace_entities(hass) == set()
    assert hass.states.get(HOURS_TODAY) is None
    assert entry.options.get(CONF_BRACE_SENSOR) is None


async def test_the_switch_counts_the_hours_worn_today(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Worn 08:00 to 10:30 by the switch: 2.5 hours, shown while worn (once a minute), kept when taken off."""
    entry = await add_entry(hass, {CONF_BRACE_HOURS_PER_DAY: 16}, plug=None)
    await move_to(hass, freezer, local(TODAY, 8))
    await turn(hass, "switch", BRACE_WORN, True)
    assert entity_state(hass, BRACE_WORN) == "on"
    state = hass.states.get(HOURS_TODAY)
    assert state is not None
    assert state.attributes["worn_since"] == local(TODAY, 8).astimezone(UTC).isoformat()
    for _ in range(12):
        await advance(hass, freezer, timedelta(minutes=10))
    assert _hours(hass) == 2.0
    await advance(hass, freezer, timedelta(minutes=30))
    assert _hours(hass) == 2.5
    await turn(hass, "switch", BRACE_WORN, False)
    await advance(hass, freezer, timedelta(hours=3))
    assert _hours(hass) == 2.5
    hours_state = hass.states.get(HOURS_TODAY)
    assert hours_state is not None
    assert hours_state.attributes["worn_since"] is None
    assert hours_state.attributes["hours_per_day"] == 16
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["brace"] == {
        "hours_per_day": 16,
        "has_sensor": False,
        "worn": False,
        "hours_today": 2.5,
        "adherence_7d": None,
        "days_kept": 1,
    }


async def test_hours_today_start_at_0_at_local_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Worn from 22:00 to 02:00: 2 hours before midnight, and today starts again at 0 then counts on."""
    await add_entry(hass, {CONF_BRACE_HOURS_PER_DAY: 16}, plug=None)
    await move_to(hass, freezer, local(TODAY, 22))
    await turn(hass, "switch", BRACE_WORN, True)
    await move_to(hass, freezer, local(TODAY, 23, 59))
    assert _hours(hass) == 2.0
    await move_to(hass, freezer, local(TODAY + timedelta(days=1), 0, 0))
    assert _hours(hass) == 0.0
    await move_to(hass, freezer, local(TODAY + timedelta(days=1), 2, 0))
    await turn(hass, "switch", BRACE_WORN, False)
    assert _hours(hass) == 2.0


async def test_a_flapping_binary_sensor_counts_only_the_time_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A contact that flaps (on 4 minutes, off 2, twenty times) counts 80 minutes, not 120."""
    hass.states.async_set(BRACE_CONTACT, "off")
    await add_entry(
        hass,
        {CONF_BRACE_HOURS_PER_DAY: 12, CONF_BRACE_SENSOR: BRACE_CONTACT},
        plug=None,
    )
    await move_to(hass, freezer, local(TODAY, 9))
    for _ in range(20):
        hass.states.async_set(BRACE_CONTACT, "on")
        await advance(hass, freezer, timedelta(minutes=4))
        hass.states.async_set(BRACE_CONTACT, "off")
        await advance(hass, freezer, timedelta(minutes=2))
    assert _hours(hass) == round(80 / 60, 1)
    assert hass.states.get(BRACE_WORN) is None


async def test_a_temperature_sensor_above_30_degrees_is_worn_and_unknown_is_not(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """31 °C from 21:00, unavailable 23:00 to 01:00, 33 °C to 03:00, 29 °C after: 2 hours each day, none unknown."""
    _temperature(hass, "22.0")
    await add_entry(
        hass,
        {CONF_BRACE_HOURS_PER_DAY: 12, CONF_BRACE_SENSOR: BRACE_TEMPERATURE},
        plug=None,
    )
    await move_to(hass, freezer, local(TODAY, 21))
    _temperature(hass, "31.0")
    await move_to(hass, freezer, local(TODAY, 23))
    hass.states.async_set(BRACE_TEMPERATURE, "unavailable")
    await move_to(hass, freezer, local(TODAY, 23, 59))
    assert _hours(hass) == 2.0
    tomorrow = TODAY + timedelta(days=1)
    await move_to(hass, freezer, local(tomorrow, 1))
    assert _hours(hass) == 0.0
    _temperature(hass, "91.4", "°F")  # 33 °C
    await move_to(hass, freezer, local(tomorrow, 3))
    _temperature(hass, "29.0")
    await move_to(hass, freezer, local(tomorrow, 8))
    assert _hours(hass) == 2.0


async def test_a_restart_counts_no_time_home_assistant_was_down(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Worn (33 °C) from 08:00; the entry unloads at 10:00 and loads at 11:00 still worn: 3 hours at 12:00, not 4."""
    _temperature(hass, "22.0")
    entry = await add_entry(
        hass,
        {CONF_BRACE_HOURS_PER_DAY: 12, CONF_BRACE_SENSOR: BRACE_TEMPERATURE},
        plug=None,
    )
    await move_to(hass, freezer, local(TODAY, 8))
    _temperature(hass, "33.0")
    await move_to(hass, freezer, local(TODAY, 10))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[STORAGE_KEY]["data"]["records"]["brace"]
    assert stored["seen_until"] is not None
    await move_to(hass, freezer, local(TODAY, 11))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _hours(hass) == 2.0
    await move_to(hass, freezer, local(TODAY, 12))
    assert _hours(hass) == 3.0
    # A reload in between counts each hour once.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await move_to(hass, freezer, local(TODAY, 13))
    assert _hours(hass) == 4.0


async def test_the_switch_stays_on_across_a_restart(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Switched on at 08:00, unloaded 09:00 to 10:00: on again after the load, 2 hours at 11:00."""
    entry = await add_entry(hass, {CONF_BRACE_HOURS_PER_DAY: 12}, plug=None)
    await move_to(hass, freezer, local(TODAY, 8))
    await turn(hass, "switch", BRACE_WORN, True)
    await move_to(hass, freezer, local(TODAY, 9))
    assert await hass.config_entries.async_unload(entry.entry_id)
    await move_to(hass, freezer, local(TODAY, 10))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, BRACE_WORN) == "on"
    await move_to(hass, freezer, local(TODAY, 11))
    assert _hours(hass) == 2.0


async def test_a_crash_loses_at_most_15_minutes_of_a_wear(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Worn from 08:00, saved each 15 minutes while worn; a crash at 08:40 keeps 08:00 to 08:30, never more."""
    entry = await add_entry(hass, {CONF_BRACE_HOURS_PER_DAY: 12}, plug=None)
    await move_to(hass, freezer, local(TODAY, 8))
    await turn(hass, "switch", BRACE_WORN, True)
    for _ in range(40):
        await advance(hass, freezer, timedelta(minutes=1))
    kept = copy.deepcopy(hass_storage[STORAGE_KEY])
    assert await hass.config_entries.async_unload(entry.entry_id)
    # The unload's save is lost, as in a crash.
    hass_storage[STORAGE_KEY] = kept
    await move_to(hass, freezer, local(TODAY, 10))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _hours(hass) == 0.5
    assert entity_state(hass, BRACE_WORN) == "on"


async def test_adherence_over_the_last_7_days(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """10 hours prescribed on the first day: the 7 complete days after it, worn 12, 10, 5, 0, 10, 10, 8, make 53/70 = 76 %."""
    await add_entry(hass, {CONF_BRACE_HOURS_PER_DAY: 10}, plug=None)
    worn = [12, 10, 5, 0, 10, 10, 8]
    for back, hours in enumerate(worn, start=1):
        day = TODAY + timedelta(days=back)
        await move_to(hass, freezer, local(day, 6))
        if hours:
            await turn(hass, "switch", BRACE_WORN, True)
            await move_to(hass, freezer, local(day, 6) + timedelta(hours=hours))
            await turn(hass, "switch", BRACE_WORN, False)
        # Today is not over: the adherence counts the days before it.
        expected = sum(min(10, h) for h in worn[: back - 1])
        assert entity_state(hass, ADHERENCE) == (
            str(round(100 * expected / (10 * (back - 1)))) if back > 1 else "unknown"
        )
    await move_to(hass, freezer, local(TODAY + timedelta(days=8), 0, 1))
    assert entity_state(hass, ADHERENCE) == str(round(100 * 53 / 70))
    # A week later without wearing it: every counted day is 0.
    await move_to(hass, freezer, local(TODAY + timedelta(days=15), 0, 1))
    assert entity_state(hass, ADHERENCE) == "0"


@pytest.mark.parametrize(
    ("hours", "error"),
    [(24, "brace_hours_per_day_too_large"), (-1, "brace_hours_per_day_too_small")],
)
async def test_the_options_form_refuses_hours_outside_0_to_23(
    hass: HomeAssistant, hours: int, error: str
) -> None:
    """Hours outside 0 to 23 are refused on their field, with a translated error."""
    entry = await add_entry(hass, plug=None)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    with pytest.raises(InvalidData) as err:
        await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_BRACE_HOURS_PER_DAY: hours}
        )
    assert err.value.schema_errors == {CONF_BRACE_HOURS_PER_DAY: error}
    assert f"component.{DOMAIN}.options.error.{error}" in await async_get_translations(
        hass, "en", "options", [DOMAIN]
    )


@pytest.mark.parametrize(
    ("sensor", "error"),
    [
        ("switch.other", "brace_sensor_invalid"),
        ("sensor.outdoor_humidity", "brace_sensor_invalid"),
        ("binary_sensor.missing", "entity_not_found"),
    ],
)
async def test_the_options_form_refuses_a_sensor_that_cannot_say_worn(
    hass: HomeAssistant, sensor: str, error: str
) -> None:
    """Neither a binary sensor nor a temperature sensor, or none that exists: refused on its field."""
    hass.states.async_set("switch.other", "off")
    hass.states.async_set(
        "sensor.outdoor_humidity", "40", {ATTR_DEVICE_CLASS: "humidity"}
    )
    entry = await add_entry(hass, plug=None)
    result = await _set_options(
        hass, entry, **{CONF_BRACE_HOURS_PER_DAY: 8, CONF_BRACE_SENSOR: sensor}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_BRACE_SENSOR: error}
    assert CONF_BRACE_SENSOR not in entry.options


async def test_a_cleared_brace_sensor_is_cleared_and_one_left_alone_is_kept(
    hass: HomeAssistant,
) -> None:
    """The frontend leaves a cleared field out: the hours without a sensor clear it; a subset without either keeps it."""
    _temperature(hass, "22.0")
    entry = await add_entry(
        hass,
        {CONF_BRACE_HOURS_PER_DAY: 12, CONF_BRACE_SENSOR: BRACE_TEMPERATURE},
        plug=None,
    )
    await _set_options(hass, entry, session_minutes=15)
    assert entry.options[CONF_BRACE_SENSOR] == BRACE_TEMPERATURE
    result = await _set_options(hass, entry, **{CONF_BRACE_HOURS_PER_DAY: 12})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_BRACE_SENSOR not in entry.options
    assert entity_state(hass, BRACE_WORN) == "off"
    await _set_options(
        hass,
        entry,
        **{CONF_BRACE_HOURS_PER_DAY: 12, CONF_BRACE_SENSOR: BRACE_TEMPERATURE},
    )
    assert entry.options[CONF_BRACE_SENSOR] == BRACE_TEMPERATURE
    await _set_options(
        hass, entry, **{CONF_BRACE_HOURS_PER_DAY: 12, CONF_BRACE_SENSOR: ""}
    )
    assert CONF_BRACE_SENSOR not in entry.options
