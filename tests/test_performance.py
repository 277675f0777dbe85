"""Measurements: the deadline's reaction, setup with a full history, idle state writes.

Each test records what it measured (``record_property``; see the JUnit XML or
``-rA``) and asserts the target of issue 3.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
import copy
from datetime import timedelta
import json
import statistics
import time
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery.deadlines import RecoveryTimers
from custom_components.back_recovery.entity import BackRecoveryEntity
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import Event, HomeAssistant, callback

from .conftest import (
    ENTRY_ID,
    PLUG,
    STORAGE_KEY,
    TIME_SINCE_LAST_SESSION,
    action,
    advance,
    move_to,
    stored_history,
)
from .therapy_helpers import T0


def real_perf_counter() -> float:
    """Return a monotonic clock in seconds that freezegun leaves alone."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


@pytest.mark.usefixtures("plug")
async def test_deadline_switches_off_in_the_timer_callback_turn(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    record_property: Callable[[str, object], None],
) -> None:
    """switch.turn_off is called from within the deadline timer's callback."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    fired: list[float] = []
    inside_callback = False
    calls: list[tuple[bool, float]] = []
    # The planned end has a timer on each clock, and a clock watch runs during
    # a session: whichever fires first at the planned end switches off.
    names = ("_on_deadline", "_on_monotonic_deadline", "_on_clock_watch")
    originals = {name: getattr(RecoveryTimers, name) for name in names}

    def timed(name: str) -> Callable[..., None]:
        @callback
        def on_timer(timers: RecoveryTimers, *args: Any) -> None:
            nonlocal inside_callback
            fired.append(real_perf_counter())
            inside_callback = True
            try:
                originals[name](timers, *args)
            finally:
                inside_callback = False

        return on_timer

    @callback
    def on_call(event: Event) -> None:
        if event.data["service"] == "turn_off" and event.data["service_data"] == {
            "entity_id": PLUG
        }:
            calls.append((inside_callback, real_perf_counter()))

    hass.bus.async_listen(EVENT_CALL_SERVICE, on_call)
    with ExitStack() as stack:
        for name in names:
            stack.enter_context(patch.object(RecoveryTimers, name, timed(name)))
        await action(hass, "start_session", modality="heat")
        await advance(hass, freezer, timedelta(minutes=20))

    assert len(calls) == 1
    inside, called_at = calls[0]
    record_property("deadline_turn_off_inside_timer_callback", inside)
    record_property("deadline_to_turn_off_us", round((called_at - fired[0]) * 1e6))
    assert inside
    assert hass.states.get(PLUG).state == "off"  # type: ignore[union-attr]


@pytest.mark.usefixtures("plug")
async def test_setup_with_1000_sessions_is_fast(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    record_property: Callable[[str, object], None],
) -> None:
    """Setting up an entry with 1000 stored sessions takes under 50 ms."""
    mock_config_entry.add_to_hass(hass)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(11):
        hass_storage[STORAGE_KEY] = stored_history(1000)
        begin, begin_cpu = real_perf_counter(), time.process_time()
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
        wall.append((real_perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
        assert len(mock_config_entry.runtime_data.engine.view.sessions) == 1000
        assert await hass.config_entries.async_unload(ENTRY_ID)
        await hass.async_block_till_done()
    # The first setup in a process also imports the platforms and loads translations.
    record_property("setup_1000_sessions_first_ms", round(wall[0], 1))
    record_property("setup_1000_sessions_best_ms", round(min(wall[1:]), 1))
    record_property(
        "setup_1000_sessions_median_ms", round(statistics.median(wall[1:]), 1)
    )
    record_property("setup_1000_sessions_best_cpu_ms", round(min(cpu[1:]), 1))
    # CPU time: other processes on this small machine do not count against it.
    assert min(cpu[1:]) < 50


def two_year_diary() -> dict[str, Any]:
    """Return stored data with 1000 sessions and two years of pain, six entries a day."""
    data = stored_history(1000)
    data["data"]["pain"] = {
        "entries": [
            {
                "level": (day + hour) % 11,
                "recorded_at": (
                    T0 - timedelta(days=730 - day, hours=hour * 2)
                ).isoformat(),
                "note": "after the walk" if hour == 0 else None,
            }
            for day in range(730)
            for hour in range(6)
        ]
    }
    return data


@pytest.mark.usefixtures("plug")
async def test_setup_with_a_two_year_pain_diary_is_fast(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    record_property: Callable[[str, object], None],
) -> None:
    """Setting up an entry with a full two-year pain diary (and 1000 sessions) takes under 50 ms."""
    mock_config_entry.add_to_hass(hass)
    stored_data = two_year_diary()
    cpu: list[float] = []
    for _ in range(7):
        hass_storage[STORAGE_KEY] = json.loads(json.dumps(stored_data))
        begin_cpu = time.process_time()
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
        cpu.append((time.process_time() - begin_cpu) * 1000)
        assert mock_config_entry.runtime_data.engine.view.pain_entries == 4380
        assert await hass.config_entries.async_unload(ENTRY_ID)
        await hass.async_block_till_done()
    # The test harness hands the stored data over as a deep copy (a real
    # ``Store`` parses the file instead): that copy is the harness's cost.
    harness: list[float] = []
    for _ in range(6):
        begin_cpu = time.process_time()
        copy.deepcopy(stored_data)
        harness.append((time.process_time() - begin_cpu) * 1000)
    record_property("setup_two_year_diary_first_cpu_ms", round(cpu[0], 1))
    record_property("setup_two_year_diary_best_cpu_ms", round(min(cpu[1:]), 1))
    record_property("harness_deepcopy_best_cpu_ms", round(min(harness), 1))
    # CPU time, best of six: other processes on this small machine do not count.
    assert min(cpu[1:]) - min(harness) < 50


@pytest.mark.usefixtures("plug")
@pytest.mark.parametrize("sessions", [0, 1])
async def test_state_writes_per_idle_day(
    hass: HomeAssistant,
    *,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    record_property: Callable[[str, object], None],
    sessions: int,
) -> None:
    """An idle day writes far fewer than 1500 states; attributes stay small."""
    if sessions:
        hass_storage[STORAGE_KEY] = stored_history(sessions)
    writes: Counter[str] = Counter()
    original = BackRecoveryEntity.async_write_ha_state

    def counting(entity: BackRecoveryEntity) -> None:
        writes[entity.entity_id] += 1
        original(entity)

    with patch.object(BackRecoveryEntity, "async_write_ha_state", counting):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
        # Start counting after the rest gap of the stored session is over.
        await move_to(hass, freezer, T0 + timedelta(hours=3, seconds=30))
        writes.clear()
        for _ in range(24 * 60):
            await advance(hass, freezer, timedelta(minutes=1))

    total = sum(writes.values())
    record_property(f"state_writes_idle_day_{sessions}_sessions", total)
    record_property(
        f"state_writes_idle_day_{sessions}_sessions_by_entity", dict(writes)
    )
    largest = max(
        len(json.dumps(dict(state.attributes), default=str))
        for state in hass.states.async_all()
        if state.entity_id.split(".")[1].startswith("back_recovery_")
    )
    record_property("largest_attributes_bytes", largest)
    assert total < 1500
    assert largest < 1024
    if sessions == 0:
        # Nothing ticks without a last session: only local midnight writes.
        assert writes[TIME_SINCE_LAST_SESSION] <= 1
