"""Tests for the recovery phases in Home Assistant: midnights, options, set_phase, storage."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import date, datetime, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_ICE_DAYS,
    CONF_REHABILITATION_WEEKS,
    CONF_REST_WEEKS,
    CONF_RETURN_WEEKS,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.engine.core import RecoveryEngine
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from custom_components.back_recovery.therapy.phases import Phase, PhaseSchedule
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .helpers.clock import local_midnight, move_to
from .helpers.ha import (
    DAYS_SINCE_INJURY,
    PHASE,
    RECOMMENDED_THERAPY,
    SECOND_ENTRY_ID,
    action,
    add_entry,
    entity_state,
)
from .helpers.storage import STORAGE_KEY, stored

TODAY = date(2026, 11, 25)  # the local date of the frozen clock in US/Pacific
NON_DEFAULT = {
    CONF_REST_WEEKS: 2,
    CONF_REHABILITATION_WEEKS: 4,
    CONF_RETURN_WEEKS: 8,
    CONF_ICE_DAYS: 3,
}


@pytest.fixture
def midnight_timers() -> Generator[list[datetime]]:
    """Record each moment the engine's midnight timer is set for."""
    targets: list[datetime] = []
    track: Callable[..., CALLBACK_TYPE] = async_track_point_in_utc_time

    def record(hass: HomeAssistant, job: HassJob[..., Any], when: datetime) -> Any:
        if job.name == "back_recovery midnight":
            targets.append(when)
        return track(hass, job, when)

    with patch(
        "custom_components.back_recovery.engine.clocks.async_track_point_in_utc_time",
        record,
    ):
        yield targets


def _engine(entry: MockConfigEntry) -> RecoveryEngine:
    engine: RecoveryEngine = entry.runtime_data.engine
    return engine


def _attr(hass: HomeAssistant, name: str) -> Any:
    state = hass.states.get(PHASE)
    assert state is not None
    return state.attributes[name]


def _changes(events: list[Event[dict[str, Any]]]) -> list[tuple[str, str]]:
    return [(e.data["from_phase"], e.data["to_phase"]) for e in events]


@pytest.mark.parametrize("options", [{}, NON_DEFAULT], ids=["default", "non_default"])
async def test_walk_through_the_whole_schedule(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, options: dict[str, int]
) -> None:
    """Every local midnight moves the sensors on; each phase change fires exactly once."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    entry = await add_entry(hass, options, injury_date=TODAY, plug=None)
    lengths: dict[str, Any] = {
        key: options.get(conf, DEFAULT_OPTIONS[conf])
        for key, conf in (
            ("rest_weeks", CONF_REST_WEEKS),
            ("rehabilitation_weeks", CONF_REHABILITATION_WEEKS),
            ("return_weeks", CONF_RETURN_WEEKS),
            ("ice_days", CONF_ICE_DAYS),
        )
    }
    expected = PhaseSchedule(TODAY, **lengths)
    recovered = expected.starts()[Phase.RECOVERED]
    fired_on: list[date] = []
    day = TODAY
    while day <= recovered + timedelta(days=2):
        if day > TODAY:
            await move_to(hass, freezer, local_midnight(day))
        fired_on.extend(day for _ in range(len(events) - len(fired_on)))
        assert (
            entity_state(hass, PHASE),
            entity_state(hass, RECOMMENDED_THERAPY),
            entity_state(hass, DAYS_SINCE_INJURY),
        ) == (
            expected.phase_on(day).value,
            expected.recommended_therapy(day).value,
            str((day - TODAY).days),
        ), day
        day += timedelta(days=1)

    assert _changes(events) == [
        ("rest", "rehabilitation"),
        ("rehabilitation", "return_to_activity"),
        ("return_to_activity", "recovered"),
    ]
    starts = expected.starts()
    assert fired_on == [
        starts[Phase.REHABILITATION],
        starts[Phase.RETURN_TO_ACTIVITY],
        starts[Phase.RECOVERED],
    ]
    assert all(e.data["config_entry_id"] == entry.entry_id for e in events)


async def test_default_walk_dates(hass: HomeAssistant) -> None:
    """With the defaults, an injury today ends rest on 6 January and recovers on 12 May."""
    await add_entry(hass, injury_date=TODAY, plug=None)
    assert _attr(hass, "phase_started") == "2026-11-25"
    assert _attr(hass, "next_phase") == "rehabilitation"
    assert _attr(hass, "next_phase_starts") == "2027-01-06"
    assert PhaseSchedule(TODAY).starts()[Phase.RECOVERED] == date(2027, 5, 12)


async def test_one_timer_and_no_polling(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Between midnights nothing is written: one timer waits for the next local midnight.

    At midnight only what changed is written (issue 14): the days since the
    injury, not the phase, which stays ``rest``.
    """
    entry = await add_entry(hass, injury_date=TODAY, plug=None)
    engine = _engine(entry)
    assert engine.state.as_diagnostics()["timers"] == ["midnight"]
    assert engine.state.as_diagnostics()["minute_tick"] is False

    def last_reported(entity_id: str) -> datetime:
        state = hass.states.get(entity_id)
        assert state is not None
        return state.last_reported

    reported = last_reported(PHASE)
    assert last_reported(DAYS_SINCE_INJURY) == reported
    for hour in range(1, 15):
        await move_to(
            hass, freezer, dt_util.utcnow() + timedelta(hours=1, minutes=hour)
        )
        assert last_reported(PHASE) == reported
        assert last_reported(DAYS_SINCE_INJURY) == reported
    await move_to(hass, freezer, local_midnight(TODAY + timedelta(days=1)))
    assert last_reported(DAYS_SINCE_INJURY) > reported
    assert entity_state(hass, DAYS_SINCE_INJURY) == "1"
    assert last_reported(PHASE) == reported
    assert engine.state.as_diagnostics()["timers"] == ["midnight"]


@pytest.mark.parametrize(
    ("time_zone", "utc_of_midnight"),
    [
        # 09:00 UTC is 23:00 on 25 November at UTC+14: midnight comes at 10:00 UTC.
        ("Pacific/Kiritimati", datetime(2026, 11, 25, 10, 0, tzinfo=dt_util.UTC)),
        # 09:00 UTC is 22:00 on 24 November at UTC-11: midnight comes at 11:00 UTC.
        ("Pacific/Pago_Pago", datetime(2026, 11, 25, 11, 0, tzinfo=dt_util.UTC)),
        # UTC+13:45 in summer: midnight comes at 10:15 UTC.
        ("Pacific/Chatham", datetime(2026, 11, 25, 10, 15, tzinfo=dt_util.UTC)),
    ],
)
async def test_phase_changes_at_local_midnight_far_from_utc(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    midnight_timers: list[datetime],
    time_zone: str,
    utc_of_midnight: datetime,
) -> None:
    """The phase changes at local midnight, not at midnight UTC."""
    await hass.config.async_set_time_zone(time_zone)
    new_day = dt_util.as_local(utc_of_midnight).date()
    assert dt_util.as_local(utc_of_midnight).hour == 0
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=new_day - timedelta(weeks=6), plug=None)
    assert entity_state(hass, PHASE) == "rest"
    assert _attr(hass, "next_phase_starts") == new_day.isoformat()
    assert midnight_timers == [utc_of_midnight]

    await move_to(hass, freezer, utc_of_midnight - timedelta(seconds=1))
    assert entity_state(hass, PHASE) == "rest"
    assert events == []
    await move_to(hass, freezer, utc_of_midnight)
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert entity_state(hass, DAYS_SINCE_INJURY) == "42"
    assert _changes(events) == [("rest", "rehabilitation")]


@pytest.mark.parametrize(
    ("boundary_utc", "day_hours"),
    [
        # 1 November 2026 lasts 25 hours: 2 November starts at 08:00 UTC.
        (datetime(2026, 11, 2, 8, 0, tzinfo=dt_util.UTC), 25),
        # 14 March 2027 lasts 23 hours: 15 March starts at 07:00 UTC.
        (datetime(2027, 3, 15, 7, 0, tzinfo=dt_util.UTC), 23),
    ],
    ids=["25_hour_day", "23_hour_day"],
)
async def test_phase_changes_at_midnight_after_a_dst_change(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    midnight_timers: list[datetime],
    boundary_utc: datetime,
    day_hours: int,
) -> None:
    """After a 25-hour or a 23-hour day the phase still changes at local midnight."""
    boundary = dt_util.as_local(boundary_utc).date()
    # Start at midday the day before the daylight-saving change.
    freezer.move_to(boundary_utc - timedelta(hours=36))
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(
        hass, {CONF_REST_WEEKS: 1}, injury_date=boundary - timedelta(weeks=1), plug=None
    )
    assert local_midnight(boundary) == boundary_utc
    # The DST day itself begins at its midnight too.
    dst_day = local_midnight(boundary - timedelta(days=1))
    assert midnight_timers == [dst_day]
    await move_to(hass, freezer, dst_day)
    assert entity_state(hass, DAYS_SINCE_INJURY) == "6"
    # The one timer now points at the next local midnight, 25 or 23 hours on.
    assert midnight_timers == [dst_day, boundary_utc]
    assert boundary_utc - dst_day == timedelta(hours=day_hours)
    # 24 hours after that midnight is still the DST day (25 h) or already past it (23 h).
    await move_to(hass, freezer, boundary_utc - timedelta(seconds=1))
    assert entity_state(hass, PHASE) == "rest"
    assert entity_state(hass, DAYS_SINCE_INJURY) == "6"
    await move_to(hass, freezer, boundary_utc)
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert entity_state(hass, DAYS_SINCE_INJURY) == "7"
    await move_to(hass, freezer, boundary_utc + timedelta(hours=25))
    assert entity_state(hass, DAYS_SINCE_INJURY) == "8"
    assert _changes(events) == [("rest", "rehabilitation")]


async def test_phase_starts_on_a_leap_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Rest ends at the midnight that begins 29 February; the day counts."""
    freezer.move_to(datetime(2028, 2, 28, 20, 0, tzinfo=dt_util.UTC))
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=date(2028, 1, 18), plug=None)
    assert entity_state(hass, PHASE) == "rest"
    assert _attr(hass, "next_phase_starts") == "2028-02-29"
    await move_to(hass, freezer, local_midnight(date(2028, 2, 29)))
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert entity_state(hass, DAYS_SINCE_INJURY) == "42"
    await move_to(hass, freezer, local_midnight(date(2028, 3, 1)))
    assert entity_state(hass, DAYS_SINCE_INJURY) == "43"
    assert _changes(events) == [("rest", "rehabilitation")]


@pytest.mark.parametrize(
    ("injury", "expected"),
    [
        (TODAY, ("rest", "0", "ice", "2026-11-25", "rehabilitation", "2027-01-06")),
        (
            TODAY - timedelta(days=1),
            ("rest", "1", "ice", "2026-11-24", "rehabilitation", "2027-01-05"),
        ),
        (
            TODAY - timedelta(days=2),
            ("rest", "2", "heat", "2026-11-23", "rehabilitation", "2027-01-04"),
        ),
        (
            TODAY - timedelta(days=41),
            ("rest", "41", "heat", "2026-10-15", "rehabilitation", "2026-11-26"),
        ),
        (
            TODAY - timedelta(days=42),
            (
                "rehabilitation",
                "42",
                "heat",
                "2026-11-25",
                "return_to_activity",
                "2027-01-06",
            ),
        ),
        (
            TODAY - timedelta(days=168),
            ("recovered", "168", "heat", "2026-11-25", None, None),
        ),
        (date(2019, 6, 1), ("recovered", "2734", "heat", "2019-11-16", None, None)),
    ],
    ids=[
        "today",
        "yesterday",
        "two_days_ago",
        "day_before_boundary",
        "on_boundary",
        "recovered_today",
        "years_ago",
    ],
)
async def test_sensors_for_an_injury_date(
    hass: HomeAssistant, injury: date, expected: tuple[str | None, ...]
) -> None:
    """The phase, its dates, the day count and the therapy fit the injury date."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=injury, plug=None)
    assert (
        entity_state(hass, PHASE),
        entity_state(hass, DAYS_SINCE_INJURY),
        entity_state(hass, RECOMMENDED_THERAPY),
        _attr(hass, "phase_started"),
        _attr(hass, "next_phase"),
        _attr(hass, "next_phase_starts"),
    ) == expected
    assert events == []


@pytest.mark.parametrize(
    ("weeks", "boundaries"),
    [
        (1, [date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 16)]),
        (52, [date(2027, 11, 24), date(2028, 11, 22), date(2029, 11, 21)]),
    ],
    ids=["minimum", "maximum"],
)
async def test_lengths_at_the_limits(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    weeks: int,
    boundaries: list[date],
) -> None:
    """Phase lengths of 1 and 52 weeks change the phase on the right midnights, once each."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(
        hass,
        {
            CONF_REST_WEEKS: weeks,
            CONF_REHABILITATION_WEEKS: weeks,
            CONF_RETURN_WEEKS: weeks,
        },
        injury_date=TODAY,
        plug=None,
    )
    assert _attr(hass, "next_phase_starts") == boundaries[0].isoformat()
    phases = [phase.value for phase in Phase]
    for index, boundary in enumerate(boundaries):
        await move_to(hass, freezer, local_midnight(boundary) - timedelta(seconds=1))
        assert entity_state(hass, PHASE) == phases[index]
        await move_to(hass, freezer, local_midnight(boundary))
        assert entity_state(hass, PHASE) == phases[index + 1]
        assert len(events) == index + 1
    assert _changes(events) == list(zip(phases, phases[1:], strict=False))


@pytest.mark.parametrize(("ice_days", "heat_from"), [(0, 1), (7, 8)])
async def test_ice_days_at_the_limits(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, ice_days: int, heat_from: int
) -> None:
    """Ice on the injury date and ``ice_days`` days after it, then heat at local midnight."""
    await add_entry(hass, {CONF_ICE_DAYS: ice_days}, injury_date=TODAY, plug=None)
    await move_to(hass, freezer, local_midnight(TODAY + timedelta(days=heat_from - 1)))
    assert entity_state(hass, RECOMMENDED_THERAPY) == "ice"
    await move_to(hass, freezer, local_midnight(TODAY + timedelta(days=heat_from)))
    assert entity_state(hass, RECOMMENDED_THERAPY) == "heat"


async def test_options_change_recomputes_at_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Shorter rest moves the phase on at once, fires once and survives a reload."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    entry = await add_entry(hass, injury_date=TODAY - timedelta(weeks=3), plug=None)
    assert entity_state(hass, PHASE) == "rest"

    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_REST_WEEKS: 2}
    )
    await hass.async_block_till_done()
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert _attr(hass, "phase_started") == "2026-11-18"
    assert _changes(events) == [("rest", "rehabilitation")]

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert len(events) == 1


async def test_options_change_without_phase_change_fires_nothing(
    hass: HomeAssistant,
) -> None:
    """Longer return to activity moves the next dates but not today's phase: no event."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    entry = await add_entry(hass, injury_date=TODAY - timedelta(weeks=13), plug=None)
    assert entity_state(hass, PHASE) == "return_to_activity"
    assert _attr(hass, "next_phase_starts") == "2027-02-10"
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_RETURN_WEEKS: 20}
    )
    await hass.async_block_till_done()
    assert entity_state(hass, PHASE) == "return_to_activity"
    assert _attr(hass, "next_phase_starts") == "2027-04-07"
    assert events == []


async def test_ice_days_option_changes_the_therapy_at_once(
    hass: HomeAssistant,
) -> None:
    """More ice days turn the recommended therapy back to ice without a reload."""
    entry = await add_entry(hass, injury_date=TODAY - timedelta(days=3), plug=None)
    assert entity_state(hass, RECOMMENDED_THERAPY) == "heat"
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_ICE_DAYS: 5}
    )
    await hass.async_block_till_done()
    assert entity_state(hass, RECOMMENDED_THERAPY) == "ice"


async def test_set_phase_recomputes_and_persists(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """set_phase starts the phase today, fires once, and survives a reload."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    entry = await add_entry(hass, injury_date=TODAY - timedelta(days=10), plug=None)
    await action(hass, "set_phase", phase="rehabilitation")
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert _attr(hass, "phase_started") == "2026-11-25"
    assert _attr(hass, "next_phase_starts") == "2027-01-06"
    assert _changes(events) == [("rest", "rehabilitation")]

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert _attr(hass, "phase_started") == "2026-11-25"
    assert len(events) == 1

    # The rebased schedule goes on at its own midnights after the reload.
    await move_to(hass, freezer, local_midnight(date(2027, 1, 6)))
    assert entity_state(hass, PHASE) == "return_to_activity"
    assert _changes(events)[1:] == [("rehabilitation", "return_to_activity")]


async def test_set_phase_to_the_current_phase_fires_nothing(
    hass: HomeAssistant,
) -> None:
    """Setting the phase it already is restarts it today without an event."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=TODAY - timedelta(days=10), plug=None)
    await action(hass, "set_phase", phase="rest")
    assert entity_state(hass, PHASE) == "rest"
    assert _attr(hass, "phase_started") == "2026-11-25"
    assert _attr(hass, "next_phase_starts") == "2027-01-06"
    assert events == []


async def test_set_phase_recovered_and_back_to_rest(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Recovered, then back to rest the next day: two events and a fresh schedule."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=TODAY - timedelta(days=20), plug=None)
    await action(hass, "set_phase", phase="recovered")
    assert entity_state(hass, PHASE) == "recovered"
    assert _attr(hass, "next_phase") is None
    assert _attr(hass, "next_phase_starts") is None

    await move_to(hass, freezer, local_midnight(TODAY + timedelta(days=1)))
    assert entity_state(hass, PHASE) == "recovered"
    await action(hass, "set_phase", phase="rest")
    assert entity_state(hass, PHASE) == "rest"
    assert _attr(hass, "phase_started") == "2026-11-26"
    assert _attr(hass, "next_phase_starts") == "2027-01-07"
    assert _changes(events) == [("rest", "recovered"), ("recovered", "rest")]


async def test_set_phase_unknown_is_refused_and_the_schedule_stays(
    hass: HomeAssistant,
) -> None:
    """An unknown phase is refused with a translated error; the schedule stays intact."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    entry = await add_entry(hass, injury_date=TODAY - timedelta(days=10), plug=None)
    engine = _engine(entry)
    before = engine.state.schedule
    with pytest.raises(ServiceValidationError) as err:
        await action(hass, "set_phase", phase="healed")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "unknown_phase"
    assert err.value.translation_placeholders == {
        "phase": "healed",
        "phases": "rest, rehabilitation, return_to_activity, recovered",
    }
    assert str(err.value) == (
        "There is no recovery phase called healed. Choose one of: "
        "rest, rehabilitation, return_to_activity, recovered"
    )
    assert engine.state.schedule is before
    assert entity_state(hass, PHASE) == "rest"
    assert events == []


async def test_set_phase_action_refuses_unknown_phase(hass: HomeAssistant) -> None:
    """The set_phase action refuses an unknown phase with the translated error."""
    entry = await add_entry(hass, injury_date=TODAY - timedelta(days=10), plug=None)
    before = _engine(entry).state.schedule
    with pytest.raises(ServiceValidationError, match="no recovery phase called healed"):
        await action(hass, "set_phase", phase="healed")
    assert _engine(entry).state.schedule is before


async def test_change_while_stopped_fires_once_on_start(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A boundary passed while the entry was not loaded fires once when it loads again."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    entry = await add_entry(hass, injury_date=TODAY - timedelta(days=41), plug=None)
    assert entity_state(hass, PHASE) == "rest"
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()

    freezer.move_to(local_midnight(TODAY + timedelta(days=3)))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert _changes(events) == [("rest", "rehabilitation")]

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(events) == 1


async def test_phase_is_stored_at_the_first_start(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """The phase is stored at once, so a crash before any change still knows it."""
    await add_entry(hass, injury_date=TODAY - timedelta(days=41), plug=None)
    await hass.async_block_till_done()
    stored = hass_storage[STORAGE_KEY]["data"]
    assert stored["phase"] == "rest"
    assert stored["phase_anchor"] is None


async def test_set_phase_is_stored_at_once(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A set_phase anchor is in storage right after the action, before any unload."""
    await add_entry(hass, injury_date=TODAY - timedelta(days=10), plug=None)
    await action(hass, "set_phase", phase="return_to_activity")
    stored = hass_storage[STORAGE_KEY]["data"]
    assert stored["phase"] == "return_to_activity"
    assert stored["phase_anchor"] == {
        "phase": "return_to_activity",
        "date": "2026-11-25",
    }


async def test_malformed_stored_phase_keeps_the_sessions(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A malformed stored phase is skipped; the session history is not lost."""
    hass_storage[STORAGE_KEY] = stored(
        {
            "sessions": [
                {
                    "modality": "ice",
                    "started": "2026-11-25T06:00:00+00:00",
                    "planned_end": "2026-11-25T06:15:00+00:00",
                    "ended": "2026-11-25T06:15:00+00:00",
                    "end_reason": "completed",
                }
            ],
            "phase_anchor": {"phase": "healed", "date": "2026-11-20"},
            "phase": "rest",
        }
    )
    entry = await add_entry(hass, injury_date=TODAY - timedelta(weeks=7), plug=None)
    assert entry.state is ConfigEntryState.LOADED
    session_day = datetime.fromisoformat("2026-11-25T00:00:00+00:00")
    assert (
        len(
            _engine(entry).sessions_between(
                session_day, session_day + timedelta(days=1)
            )
        )
        == 1
    )
    assert _engine(entry).state.schedule.anchor_date is None
    assert entity_state(hass, PHASE) == "rehabilitation"


async def test_two_entries_stay_independent(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two recoveries keep their own schedules, set_phase and events."""
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    first = await add_entry(hass, injury_date=TODAY - timedelta(days=41), plug=None)
    second = await add_entry(
        hass,
        {CONF_REST_WEEKS: 2},
        injury_date=TODAY - timedelta(days=13),
        plug=None,
        entry_id=SECOND_ENTRY_ID,
        name="Second recovery",
    )
    other = "sensor.second_recovery_recovery_phase"
    assert entity_state(hass, PHASE) == "rest"
    assert entity_state(hass, other) == "rest"

    await action(
        hass, "set_phase", config_entry_id=second.entry_id, phase="return_to_activity"
    )
    assert entity_state(hass, other) == "return_to_activity"
    assert entity_state(hass, PHASE) == "rest"

    await move_to(hass, freezer, local_midnight(TODAY + timedelta(days=1)))
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert entity_state(hass, other) == "return_to_activity"
    assert [(e.data["config_entry_id"], e.data["to_phase"]) for e in events] == [
        (second.entry_id, "return_to_activity"),
        (first.entry_id, "rehabilitation"),
    ]
    assert _engine(first).state.schedule.anchor_date is None


# The phase timers follow a change of time zone (issue 20, item 9)

EVE_OF_DAY_42 = datetime(2026, 11, 25, 20, 0, tzinfo=dt_util.UTC)
"""12:00 on 25 November in US/Pacific; 23:00 in Moscow, 09:00 on 26 November in Auckland."""
INJURY_42_DAYS_BEFORE_26TH = date(2026, 11, 26) - timedelta(weeks=6)


async def test_time_zone_corrected_an_hour_before_midnight_moves_the_midnight(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    midnight_timers: list[datetime],
) -> None:
    """The zone corrected in the settings at 23:00 Moscow time: the phase changes at Moscow's midnight.

    Not 11 hours later, at US/Pacific's midnight, where the timer was set.
    """
    freezer.move_to(EVE_OF_DAY_42)
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=INJURY_42_DAYS_BEFORE_26TH, plug=None)
    pacific_midnight = datetime(2026, 11, 26, 8, 0, tzinfo=dt_util.UTC)
    assert midnight_timers == [pacific_midnight]
    assert entity_state(hass, DAYS_SINCE_INJURY) == "41"

    await hass.config.async_update(time_zone="Europe/Moscow")
    await hass.async_block_till_done()
    moscow_midnight = datetime(2026, 11, 25, 21, 0, tzinfo=dt_util.UTC)
    assert midnight_timers[-1] == moscow_midnight
    assert entity_state(hass, DAYS_SINCE_INJURY) == "41"
    assert entity_state(hass, PHASE) == "rest"
    assert _attr(hass, "next_phase_starts") == "2026-11-26"

    await move_to(hass, freezer, moscow_midnight - timedelta(seconds=1))
    assert entity_state(hass, PHASE) == "rest"
    assert events == []
    await move_to(hass, freezer, moscow_midnight)
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert entity_state(hass, DAYS_SINCE_INJURY) == "42"
    assert _changes(events) == [("rest", "rehabilitation")]
    # The old zone's midnight brings nothing more.
    await move_to(hass, freezer, pacific_midnight)
    assert _changes(events) == [("rest", "rehabilitation")]
    assert entity_state(hass, DAYS_SINCE_INJURY) == "42"


async def test_time_zone_already_past_midnight_changes_the_day_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    midnight_timers: list[datetime],
) -> None:
    """A zone in which it is already the next day: the day count and the phase move on at once."""
    freezer.move_to(EVE_OF_DAY_42)
    events = async_capture_events(hass, RecoveryEvent.PHASE_CHANGED)
    await add_entry(hass, injury_date=INJURY_42_DAYS_BEFORE_26TH, plug=None)
    assert entity_state(hass, PHASE) == "rest"

    await hass.config.async_update(time_zone="Pacific/Auckland")
    await hass.async_block_till_done()
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert entity_state(hass, DAYS_SINCE_INJURY) == "42"
    assert _changes(events) == [("rest", "rehabilitation")]
    # The next midnight is Auckland's: 00:00 on 27 November is 11:00 UTC on the 26th.
    assert midnight_timers[-1] == datetime(2026, 11, 26, 11, 0, tzinfo=dt_util.UTC)
    await move_to(hass, freezer, datetime(2026, 11, 26, 11, 0, tzinfo=dt_util.UTC))
    assert entity_state(hass, DAYS_SINCE_INJURY) == "43"
    assert len(events) == 1
