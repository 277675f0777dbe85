"""Benchmark (issue 14): the cost of a day as the history grows, and the database it fills.

For 1, 100 and 1000 stored sessions, and for the do-it-yourself setup (core
``timer`` + automations + a template "minutes since" sensor), one simulated
day with four heat sessions is run on a real SQLite recorder (a file
database, statistics compiled every 5 minutes as in a real installation).
Measured: the event loop thread's CPU of the day and of one idle minute tick,
a one-year calendar query, and the database's growth (state rows, statistics
rows, bytes). The pain diary's ``PainDiary.status`` over two years of entries
is measured on the model, and so are the exercises' to-do list, adherence and
responses (10 exercises, a year of logs). An idle Home Assistant with the same plug and
recorder is measured too: what the harness itself costs.

Nothing here asserts a time (CI machines differ); each test checks only that
it measured what it says. The table is printed after the module's last
test, into any pytest run (CI's log); ``scripts/bench`` runs this module alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
import statistics
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy import text

from custom_components.back_recovery.calendar import RecoveryCalendar
from custom_components.back_recovery.const import DOMAIN
from custom_components.back_recovery.therapy import (
    Exercise,
    ExerciseDiary,
    ExerciseLog,
    Phase,
    due_occurrences,
)
from custom_components.back_recovery.therapy.log import TherapyLog
from custom_components.back_recovery.therapy.pain import PainDiary, PainEntry
from custom_components.back_recovery.therapy.session import Modality
from homeassistant.components.recorder.core import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from ..helpers.clock import T0, advance
from ..helpers.ha import (
    CALENDAR,
    ENTRY_ID,
    HEATING_PAD,
    PLUG,
    TIME_SINCE_LAST_SESSION,
    calendar_events,
)
from ..helpers.plug import PLUG_CONFIG
from ..helpers.recorder import mock_recorder_before_hass  # noqa: F401
from ..helpers.storage import STORAGE_KEY, stored_history

pytestmark = pytest.mark.bench

RESULTS: dict[str, dict[str, Any]] = {}
"""What each case measured, by case; printed after the module's last test."""

MINUTE = timedelta(minutes=1)
"""The tick of the simulated day: the clock moves on a minute at a time."""
DAY_START = T0 + timedelta(hours=3, minutes=1)
"""The simulated day starts after the rest gap of the last stored session."""
SESSION_MINUTES = (60, 240, 420, 600)
"""When, in minutes after ``DAY_START``, the day's four heat sessions start."""
TABLES = (
    "states",
    "state_attributes",
    "events",
    "statistics_short_term",
    "statistics",
)


@pytest.fixture(autouse=True, scope="module")
def print_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print what was measured after the module's last test (whatever ran)."""
    yield
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not RESULTS:
        return
    with capture.global_and_fixture_disabled():
        for line in table():
            reporter.write_line(line)


@pytest.fixture
def persistent_database() -> bool:
    """Record into a SQLite file, as Home Assistant does."""
    return True


@pytest.fixture
def enable_statistics() -> bool:
    """Compile statistics every 5 minutes, as Home Assistant does."""
    return True


def loop_cpu() -> float:
    """Return the CPU seconds of this thread: the event loop's (the recorder has its own)."""
    return time.thread_time()


REST_GAP_ACTIVE = (
    "{{ states('input_datetime.last_session_end') not in ['unknown', 'unavailable']"
    " and now() < as_local(as_datetime(states('input_datetime.last_session_end')))"
    " + timedelta(hours=2) }}"
)
DIY_TEMPLATES: list[dict[str, Any]] = [
    {
        "sensor": [
            {
                "name": "Minutes since last session",
                "unique_id": "diy_minutes_since",
                "unit_of_measurement": "min",
                "device_class": "duration",
                "state": (
                    "{{ ((now() - as_local(as_datetime("
                    "states('input_datetime.last_session_end')))).total_seconds()"
                    " // 60) | int }}"
                ),
            },
            {
                "name": "Next session allowed",
                "unique_id": "diy_next_allowed",
                "device_class": "timestamp",
                "state": (
                    "{{ (as_local(as_datetime(states('input_datetime.last_session_end')))"
                    " + timedelta(hours=2)).isoformat() }}"
                ),
            },
        ],
        "binary_sensor": [
            {
                "name": "Skin rest",
                "unique_id": "diy_skin_rest",
                "state": REST_GAP_ACTIVE,
            }
        ],
    }
]
"""The do-it-yourself setup's template entities (beside the plug's template switch)."""

DIY_CONFIG: dict[str, Any] = {
    "timer": {"heating_pad": {"name": "Heating pad", "duration": "00:20:00"}},
    "input_datetime": {
        "last_session_end": {
            "name": "Last session end",
            "has_date": True,
            "has_time": True,
            # Local time of the stored session's end in the other cases.
            "initial": "2026-11-24 22:20:00",
        }
    },
    "counter": {"sessions_today": {"name": "Sessions today"}},
    "automation": [
        {
            "id": "heat_on",
            "alias": "Heating pad on: start the timer, or off in the rest gap",
            "triggers": [{"trigger": "state", "entity_id": PLUG, "to": "on"}],
            "actions": [
                {
                    "if": [
                        {"condition": "template", "value_template": REST_GAP_ACTIVE}
                    ],
                    "then": [
                        {"action": "switch.turn_off", "target": {"entity_id": PLUG}}
                    ],
                    "else": [
                        {
                            "action": "timer.start",
                            "target": {"entity_id": "timer.heating_pad"},
                        },
                        {
                            "action": "counter.increment",
                            "target": {"entity_id": "counter.sessions_today"},
                        },
                    ],
                }
            ],
        },
        {
            "id": "heat_done",
            "alias": "Timer finished: heating pad off",
            "triggers": [
                {
                    "trigger": "event",
                    "event_type": "timer.finished",
                    "event_data": {"entity_id": "timer.heating_pad"},
                }
            ],
            "actions": [{"action": "switch.turn_off", "target": {"entity_id": PLUG}}],
        },
        {
            "id": "heat_off",
            "alias": "Heating pad off: the session ended",
            "triggers": [
                {"trigger": "state", "entity_id": PLUG, "from": "on", "to": "off"}
            ],
            "actions": [
                {
                    "action": "timer.cancel",
                    "target": {"entity_id": "timer.heating_pad"},
                },
                {
                    "action": "input_datetime.set_datetime",
                    "target": {"entity_id": "input_datetime.last_session_end"},
                    "data": {"timestamp": "{{ now().timestamp() }}"},
                },
            ],
        },
        {
            "id": "midnight",
            "alias": "Midnight: sessions today back to 0",
            "triggers": [{"trigger": "time", "at": "00:00:00"}],
            "actions": [
                {
                    "action": "counter.reset",
                    "target": {"entity_id": "counter.sessions_today"},
                }
            ],
        },
    ],
}
"""The do-it-yourself setup: what a user builds with core helpers instead of Back Recovery."""


async def setup_plug(hass: HomeAssistant, diy: bool) -> None:
    """Set up the simulated plug, and for ``diy`` the do-it-yourself setup beside it."""
    templates = PLUG_CONFIG["template"] + (DIY_TEMPLATES if diy else [])
    assert await async_setup_component(hass, "input_boolean", PLUG_CONFIG)
    if diy:
        for domain, config in DIY_CONFIG.items():
            assert await async_setup_component(hass, domain, {domain: config})
    assert await async_setup_component(hass, "template", {"template": templates})
    await hass.async_block_till_done()


def database(recorder: Recorder, minute_sensor: str | None) -> dict[str, int]:
    """Return the rows of each table, the minute sensor's state rows and the database's bytes.

    ``bytes`` is what rows and indexes use of their pages; ``file_bytes`` the
    pages in use, which grow in steps of a page (4 KB).
    """
    with recorder.engine.connect() as connection:  # type: ignore[union-attr]
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        minute_rows = connection.execute(
            text(
                "SELECT COUNT(*) FROM states JOIN states_meta"
                " ON states.metadata_id = states_meta.metadata_id"
                " WHERE states_meta.entity_id = :entity_id"
            ),
            {"entity_id": minute_sensor},
        ).scalar_one()
        counts = {
            table: int(
                connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # noqa: S608
            )
            for table in TABLES
        }
        pages = connection.execute(text("PRAGMA page_count")).scalar_one()
        free = connection.execute(text("PRAGMA freelist_count")).scalar_one()
        size = connection.execute(text("PRAGMA page_size")).scalar_one()
        # What the rows and indexes use of their pages (SQLite's dbstat).
        used = connection.execute(
            text("SELECT SUM(pgsize - unused) FROM dbstat")
        ).scalar_one()
    counts["bytes"] = int(used)
    counts["file_bytes"] = int((pages - free) * size)
    counts["minute_rows"] = int(minute_rows)
    return counts


async def begin_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    *,
    diy: bool,
    entry: MockConfigEntry | None = None,
) -> None:
    """Set up the plug (``diy``: with the do-it-yourself helpers) and ``entry``, then run the day's first minute."""
    await setup_plug(hass, diy=diy)
    if entry is not None:
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
    freezer.move_to(DAY_START)
    await advance(hass, freezer, MINUTE)


async def switch_on(hass: HomeAssistant, entity_id: str) -> None:
    """Switch ``entity_id`` on, as a dashboard does."""
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": entity_id}, blocking=True
    )


async def run_day(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recorder: Recorder,
    start: Callable[[], Any] | None,
    minute_sensor: str | None = None,
) -> dict[str, Any]:
    """Run one day of minute ticks with four sessions (``start``); return its costs.

    ``minute_sensor`` is the "minutes since the last session" sensor, whose
    rows are counted apart.
    """
    await async_wait_recording_done(hass)
    before = await recorder.async_add_executor_job(database, recorder, minute_sensor)
    begin = loop_cpu()
    for tick in range(24 * 60):
        if start is not None and tick in SESSION_MINUTES:
            await start()
        await advance(hass, freezer, MINUTE)
    day_cpu = loop_cpu() - begin
    await async_wait_recording_done(hass)
    after = await recorder.async_add_executor_job(database, recorder, minute_sensor)
    ticks = []
    for _ in range(60):
        begin = loop_cpu()
        await advance(hass, freezer, MINUTE)
        ticks.append(loop_cpu() - begin)
    growth = {key: after[key] - before[key] for key in after}
    return {
        "day_cpu_ms": round(day_cpu * 1000),
        "tick_cpu_us": round(statistics.median(ticks) * 1e6),
        "state_rows": growth["states"],
        "minute_sensor_rows": growth["minute_rows"],
        "statistics_rows": growth["statistics_short_term"] + growth["statistics"],
        "attribute_rows": growth["state_attributes"],
        "db_bytes": growth["bytes"],
        "db_file_bytes": growth["file_bytes"],
    }


async def calendar_query(hass: HomeAssistant) -> dict[str, Any]:
    """Return the CPU of a one-year query on the calendar entity (first, then again), and through ``calendar.get_events``."""
    entity = hass.data["entity_components"]["calendar"].get_entity(CALENDAR)
    assert isinstance(entity, RecoveryCalendar)
    start = dt_util.start_of_local_day(date(2026, 1, 1))
    end = dt_util.start_of_local_day(date(2027, 1, 1))
    times = []
    for _ in range(11):
        begin = loop_cpu()
        events = await entity.async_get_events(hass, start, end)
        times.append(loop_cpu() - begin)
    service = []
    for _ in range(5):
        begin = loop_cpu()
        served = await calendar_events(hass, start, end)
        service.append(loop_cpu() - begin)
    assert len(served) == len(events)
    return {
        "calendar_events": len(events),
        "calendar_action_ms": round(statistics.median(service) * 1000, 2),
        "calendar_first_ms": round(times[0] * 1000, 2),
        "calendar_ms": round(statistics.median(times[1:]) * 1000, 2),
    }


def pain_diary(days: int = 730) -> dict[str, Any]:
    """Return ``days`` of a stored pain diary before T0, three entries a day."""
    return {
        "entries": [
            {
                "level": (day + hour) % 11,
                "recorded_at": (
                    T0 - timedelta(days=days - day, hours=hour)
                ).isoformat(),
                "note": None,
            }
            for day in range(days)
            for hour in (0, 6, 12)
        ]
    }


@pytest.mark.parametrize(
    ("sessions", "pain"), [(1, False), (100, False), (1000, False), (1000, True)]
)
async def test_back_recovery_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    *,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    sessions: int,
    pain: bool,
) -> None:
    """Back Recovery as installed (``sessions`` stored): a day of four heat sessions through its switch.

    The default install: ``time_since_last_session`` is disabled (issue 22),
    so no row a minute. With ``pain``, a two-year pain diary is stored too and
    one entry is logged in the day (``back_recovery.log_pain``).
    """
    hass_storage[STORAGE_KEY] = stored_history(sessions)
    if pain:
        hass_storage[STORAGE_KEY]["data"]["pain"] = pain_diary()
    await begin_day(hass, freezer, diy=False, entry=mock_config_entry)
    engine = mock_config_entry.runtime_data.engine
    assert engine.state.diagnostics["sessions_stored"] == sessions
    assert engine.state.diagnostics["pain"]["entries"] == (2190 if pain else 0)
    started = 0

    async def start() -> None:
        nonlocal started
        await switch_on(hass, HEATING_PAD)
        started += 1
        if pain and started == 2:
            await hass.services.async_call(
                DOMAIN,
                "log_pain",
                {"config_entry_id": ENTRY_ID, "level": 3},
                blocking=True,
            )

    result = await run_day(hass, freezer, recorder_mock, start, TIME_SINCE_LAST_SESSION)
    result |= await calendar_query(hass)
    assert engine.state.diagnostics["sessions_stored"] == min(sessions + 4, 1000)
    assert result["minute_sensor_rows"] == 0  # disabled by default: no row a minute
    assert 0 < result["state_rows"] < 24 * 60
    diary = ", two-year pain diary" if pain else ""
    RESULTS[f"Back Recovery, {sessions} sessions{diary}"] = result


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_back_recovery_day_minute_sensor_enabled(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One stored session, with ``time_since_last_session`` enabled (a recovery from before issue 22, or enabled by its person)."""
    hass_storage[STORAGE_KEY] = stored_history(1)
    await begin_day(hass, freezer, diy=False, entry=mock_config_entry)
    result = await run_day(
        hass,
        freezer,
        recorder_mock,
        lambda: switch_on(hass, HEATING_PAD),
        TIME_SINCE_LAST_SESSION,
    )
    # A row each minute but those its four sessions hold at 0.
    assert result["minute_sensor_rows"] >= 24 * 60 - len(SESSION_MINUTES) * 20
    RESULTS["Back Recovery, 1 sessions, minute sensor enabled"] = result


# The template entities' minute listeners outlive the test's Home Assistant.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_diy_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The do-it-yourself setup: the same day, the plug switched on directly."""
    await begin_day(hass, freezer, diy=True)
    sessions = hass.states.get("counter.sessions_today")

    result = await run_day(
        hass,
        freezer,
        recorder_mock,
        lambda: switch_on(hass, PLUG),
        "sensor.minutes_since_last_session",
    )
    assert sessions is not None
    last_end = hass.states.get("input_datetime.last_session_end")
    assert last_end is not None
    assert last_end.state.startswith(f"{(DAY_START + timedelta(days=1)).date()}") or (
        last_end.state.startswith(f"{DAY_START.date()}")
    )
    assert result["state_rows"] > 24 * 60
    RESULTS["Do-it-yourself"] = result
    if (default := RESULTS.get("Back Recovery, 1 sessions")) is not None:
        # Issue 22: the default install grows the database by at most 0.35x
        # the do-it-yourself setup's, in state rows and in bytes.
        assert default["state_rows"] <= 0.35 * result["state_rows"]
        assert default["db_bytes"] <= 0.35 * result["db_bytes"]


async def test_idle_home_assistant_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant with the plug and the recorder only: the harness's own cost of a day."""
    await begin_day(hass, freezer, diy=False)
    result = await run_day(hass, freezer, recorder_mock, None)
    assert result["day_cpu_ms"] > 0
    RESULTS["Idle Home Assistant (harness)"] = result


def test_pain_diary_status_over_two_years() -> None:
    """PainDiary.status with two years of entries (three a day): per call, and per day if every tick asked."""
    tz = dt_util.get_default_time_zone()
    first = datetime(2025, 1, 1, 8, tzinfo=tz)
    diary = PainDiary(
        PainEntry((day * 7 + hour) % 11, first + timedelta(days=day, hours=hour), None)
        for day in range(730)
        for hour in (0, 6, 12)
    )
    today = (first + timedelta(days=729)).date()
    times = []
    for _ in range(200):
        begin = time.process_time()
        status = diary.status(today, first.date(), tz)
        times.append(time.process_time() - begin)
    assert status.average_7d is not None
    per_call = statistics.median(times)
    RESULTS["Pain diary, 2 years"] = {
        "entries": len(diary),
        "status_us": round(per_call * 1e6),
        "status_every_tick_day_ms": round(per_call * (24 * 60 + 1) * 1000),
    }


def table() -> list[str]:
    """Return what was measured, as lines, with the ratios the issue asks for."""
    lines = ["", "== Benchmark (issue 14): one simulated day, SQLite recorder"]
    for case, values in RESULTS.items():
        shown = ", ".join(f"{key} {value}" for key, value in values.items())
        lines.append(f"{case}: {shown}")
    one = RESULTS.get("Back Recovery, 1 sessions")
    many = RESULTS.get("Back Recovery, 1000 sessions")
    diy = RESULTS.get("Do-it-yourself")
    idle = RESULTS.get("Idle Home Assistant (harness)")
    if one and many:
        lines.append(
            f"day CPU, 1000 / 1 sessions: {many['day_cpu_ms'] / one['day_cpu_ms']:.2f}x"
        )
        if idle:
            net_one = one["day_cpu_ms"] - idle["day_cpu_ms"]
            net_many = many["day_cpu_ms"] - idle["day_cpu_ms"]
            lines.append(
                f"day CPU net of the harness: {net_one} ms and {net_many} ms"
                f" ({net_many / max(net_one, 1):.2f}x)"
            )
    if one and diy:
        lines.append(
            "Default install vs do-it-yourself, growth per day:"
            f" state rows {one['state_rows']} vs {diy['state_rows']}"
            f" ({one['state_rows'] / diy['state_rows']:.2f}x),"
            f" bytes {one['db_bytes']} vs {diy['db_bytes']}"
            f" ({one['db_bytes'] / diy['db_bytes']:.2f}x)"
        )
    for case, values in RESULTS.items():
        if diy and case.startswith("Back Recovery"):
            lines.append(
                f"{case} vs do-it-yourself: database growth"
                f" {values['db_bytes'] / diy['db_bytes']:.2f}x,"
                f" state rows {values['state_rows'] / diy['state_rows']:.2f}x"
                f" (besides the minute sensors' rows"
                f" {other(values) / max(other(diy), 1):.2f}x),"
                f" day CPU {values['day_cpu_ms'] / diy['day_cpu_ms']:.2f}x"
            )
    return lines


def other(values: dict[str, Any]) -> int:
    """Return the state rows besides the minute sensor's."""
    return int(values["state_rows"] - values["minute_sensor_rows"])


def test_minute_reads_do_not_grow_with_the_history() -> None:
    """The model's reads behind the minute tick, with 1 and 1000 sessions stored (µs per tick)."""
    midnight = T0.replace(hour=8)
    reads = {}
    for count in (1, 1000):
        log = TherapyLog()
        log.restore(stored_history(count)["data"])
        assert len(log.sessions) == count
        times = []
        for _ in range(5):
            begin = loop_cpu()
            for _ in range(2000):
                log.last_end_of(Modality.ICE)
                log.last_end_of(Modality.HEAT)
                log.next_allowed()
                log.skin_resting(T0)
                log.started_since(midnight)
            times.append((loop_cpu() - begin) / 2000)
        reads[count] = min(times) * 1e6
    RESULTS["Model reads per tick"] = {
        "1_session_us": round(reads[1], 2),
        "1000_sessions_us": round(reads[1000], 2),
    }
    assert reads[1] > 0


def test_exercise_list_and_adherence_over_a_year() -> None:
    """Today's to-do items and the 7-day adherence for 10 exercises over a year of logs (target < 5 ms).

    As the programme computes them on a change (``engine/exercises.py``);
    the responses with a year of morning pain beside.
    """
    tz = dt_util.get_default_time_zone()
    today = date(2026, 11, 25)
    first = today - timedelta(days=365)
    exercises = [
        Exercise(
            exercise_id=f"ex{number}",
            name=f"Exercise {number}",
            sets=3,
            reps=10,
            times_per_day=1 + number % 3,
            days=frozenset(range(7)) if number % 2 else frozenset({0, 2, 4}),
        )
        for number in range(10)
    ]
    diary = ExerciseDiary()
    for back in range(366):
        day = first + timedelta(days=back)
        for exercise in exercises:
            for slot in range(1, exercise.times_per_day + 1):
                if exercise.due_on(day, Phase.REHABILITATION) and (back + slot) % 4:
                    diary.add(
                        ExerciseLog(
                            exercise_id=exercise.exercise_id,
                            done_at=datetime.combine(day, datetime.min.time(), tz)
                            + timedelta(hours=6 + 4 * slot),
                            day=day,
                            target=exercise.target,
                            slot=slot,
                            pain_during=(back + slot) % 6,
                        )
                    )
    pain = [
        PainEntry(
            back % 7,
            datetime.combine(first + timedelta(days=back), datetime.min.time(), tz)
            + timedelta(hours=8),
        )
        for back in range(366)
    ]

    def rehabilitation(_day: date) -> Phase:
        return Phase.REHABILITATION

    def items_and_adherence() -> int | None:
        items = [
            (occurrence, diary.done(occurrence))
            for occurrence in due_occurrences(exercises, today, Phase.REHABILITATION)
        ]
        assert items
        return diary.adherence(exercises, today, rehabilitation)

    list_times, response_times = [], []
    for _ in range(200):
        begin = time.process_time()
        adherence = items_and_adherence()
        list_times.append(time.process_time() - begin)
        begin = time.process_time()
        responses = [diary.response(exercise, pain, tz) for exercise in exercises]
        response_times.append(time.process_time() - begin)
    assert adherence is not None
    assert len(responses) == len(exercises)
    RESULTS["Exercises, 10 over a year"] = {
        "logs": len(diary),
        "todo_and_adherence_us": round(statistics.median(list_times) * 1e6),
        "responses_us": round(statistics.median(response_times) * 1e6),
        "target_us": 5000,
    }
