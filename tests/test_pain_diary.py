"""Tests for the pain diary through Home Assistant: the action, the slider, the sensors, the review.

The rules themselves are tested on plain data in therapy/test_pain.py and
therapy/test_pain_review.py; here each rule goes through the state machine
(contract "Pain diary and review").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
from syrupy.assertion import SnapshotAssertion
import voluptuous as vol

from custom_components.back_recovery.const import (
    DOMAIN,
    STORAGE_MINOR_VERSION,
    RecoveryEvent,
)
from custom_components.back_recovery.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.back_recovery.engine.reminders import Reminders
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .helpers.clock import T0, advance, local, move_to
from .helpers.ha import (
    ENTRY_ID,
    INJURY_DATE,
    REVIEW_ISSUE,
    add_entry,
    entity_state,
    log_pain,
    pain_entities,
    turn_review_on,
)
from .helpers.storage import STORAGE_KEY, stored, stored_session

pytestmark = pytest.mark.usefixtures("plug")


@pytest.fixture
async def entities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> dict[str, str]:
    """Set up the test entry; return its pain entities by key."""
    return pain_entities(hass)


def states(hass: HomeAssistant, entities: dict[str, str]) -> dict[str, str]:
    """Return the state of each pain entity by key."""
    return {key: entity_state(hass, entity_id) for key, entity_id in entities.items()}


async def test_nothing_logged_yet(
    hass: HomeAssistant, entities: dict[str, str]
) -> None:
    """Before the first entry the level is unknown, the trend lacks data, no review."""
    assert states(hass, entities) == {
        "pain": "unknown",
        "pain_level": "unknown",
        "pain_average_7d": "unknown",
        "pain_trend": "insufficient_data",
        "review_recommended": "off",
    }


async def test_log_pain_shows_the_level_and_fires_pain_logged(
    hass: HomeAssistant, entities: dict[str, str]
) -> None:
    """log_pain shows the level on the slider and the sensor, then fires pain_logged."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)
    await log_pain(hass, 4, note="after the walk")
    assert entity_state(hass, entities["pain"]) == "4"
    level = hass.states.get(entities["pain_level"])
    assert level is not None
    assert level.state == "4"
    assert level.attributes["recorded_at"] == T0.isoformat()
    assert [event.data for event in logged] == [
        {"config_entry_id": ENTRY_ID, "level": 4, "recorded_at": T0.isoformat()}
    ]


async def test_latest_entry_is_the_latest_recorded_at(
    hass: HomeAssistant, entities: dict[str, str]
) -> None:
    """A back-dated entry does not replace the latest level."""
    await log_pain(hass, 6)
    await log_pain(hass, 2, T0 - timedelta(hours=3))
    assert entity_state(hass, entities["pain_level"]) == "6"


async def test_slider_logs_an_entry_also_when_unchanged(
    hass: HomeAssistant, entities: dict[str, str]
) -> None:
    """Setting the pain slider logs an entry now, each time, even at the same value."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)
    for _ in range(2):
        await hass.services.async_call(
            "number",
            "set_value",
            {"entity_id": entities["pain"], "value": 3},
            blocking=True,
        )
        await hass.async_block_till_done()
    assert [event.data["level"] for event in logged] == [3, 3]
    assert entity_state(hass, entities["pain_level"]) == "3"


@pytest.mark.parametrize(
    ("recorded_at", "key"),
    [
        (T0 + timedelta(seconds=1), "recorded_at_in_future"),
        (local(INJURY_DATE - timedelta(days=1), 23, 59), "recorded_before_injury"),
    ],
)
async def test_log_pain_refusals(
    hass: HomeAssistant,
    entities: dict[str, str],
    recorded_at: Any,
    key: str,
) -> None:
    """A moment in the future or before the injury date is refused, translated; nothing is logged."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)
    with pytest.raises(ServiceValidationError) as err:
        await log_pain(hass, 5, recorded_at)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert logged == []
    assert entity_state(hass, entities["pain_level"]) == "unknown"


async def test_local_midnight_of_the_injury_date_is_allowed(
    hass: HomeAssistant, entities: dict[str, str]
) -> None:
    """An entry at local midnight of the injury date is recorded."""
    await log_pain(hass, 7, local(INJURY_DATE, 0, 0))
    assert entity_state(hass, entities["pain_level"]) == "7"


@pytest.mark.parametrize(
    "data",
    [
        {"level": 11},
        {"level": -1},
        {"level": 4.5},
        {"level": 4, "note": "x" * 201},
    ],
)
async def test_log_pain_schema_refuses(
    hass: HomeAssistant, entities: dict[str, str], data: dict[str, Any]
) -> None:
    """A level outside 0–10 (or not whole) or a note over 200 characters is refused by the schema."""
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "log_pain", {"config_entry_id": ENTRY_ID, **data}, blocking=True
        )
    assert entity_state(hass, entities["pain_level"]) == "unknown"


async def test_average_of_daily_means_and_back_dating_into_the_previous_week(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entities: dict[str, str]
) -> None:
    """The average is the mean of daily means; entries back-dated a week earlier make the trend."""
    await move_to(hass, freezer, T0 + timedelta(days=14))
    today = dt_util.now().date()
    # Two entries today (2 and 4: a day of 3), one on each of the two days before.
    await log_pain(hass, 2, local(today, 0, 10))
    await log_pain(hass, 4)
    await log_pain(hass, 5, local(today - timedelta(days=1)))
    await log_pain(hass, 7, local(today - timedelta(days=2)))
    assert entity_state(hass, entities["pain_average_7d"]) == "5.0"
    assert entity_state(hass, entities["pain_trend"]) == "insufficient_data"
    # The previous week (7 to 13 days ago), back-dated: 7 on three days.
    for offset in (7, 8, 9):
        await log_pain(hass, 7, local(today - timedelta(days=offset)))
    assert entity_state(hass, entities["pain_trend"]) == "improving"
    average = hass.states.get(entities["pain_average_7d"])
    assert average is not None
    assert average.attributes["previous_average_7d"] == 7.0


async def test_local_midnight_moves_the_window(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entities: dict[str, str]
) -> None:
    """At local midnight the oldest day leaves the window, without any entry logged."""
    today = dt_util.now().date()
    for offset in range(3):
        await log_pain(hass, 3, local(today - timedelta(days=offset), 0, 30))
    assert entity_state(hass, entities["pain_average_7d"]) == "3.0"
    # The oldest of the three days (today - 2) leaves at midnight starting today + 5.
    midnight = dt_util.start_of_local_day(today + timedelta(days=5))
    await move_to(hass, freezer, midnight - timedelta(seconds=1))
    assert entity_state(hass, entities["pain_average_7d"]) == "3.0"
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, entities["pain_average_7d"]) == "unknown"


async def test_a_daylight_saving_day_holds_its_own_entries(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entities: dict[str, str]
) -> None:
    """On the 23-hour day of spring forward, the day and its midnight are local ones."""
    dst_day = date(2027, 3, 14)  # US/Pacific springs forward at 02:00
    await move_to(hass, freezer, local(dst_day, 23, 45))
    for offset in (6, 5):
        await log_pain(hass, 2, local(dst_day - timedelta(days=offset)))
    await log_pain(hass, 6, local(dst_day, 0, 30))  # still standard time
    await log_pain(hass, 8, local(dst_day, 23, 30))  # daylight time
    # Days 2, 2 and 7 (the mean of 6 and 8, both on the short day).
    assert entity_state(hass, entities["pain_average_7d"]) == "3.7"
    # The next local midnight is 07:00 UTC (daylight time), not 08:00.
    await move_to(hass, freezer, local(dst_day + timedelta(days=1), 0, 0))
    assert dt_util.utcnow().hour == 7
    assert entity_state(hass, entities["pain_average_7d"]) == "unknown"


async def test_review_turns_on_with_event_issue_and_reminder(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    entities: dict[str, str],
) -> None:
    """No fall below the baseline after day 42: on, once, with its event, warning and reminder."""
    recommended = async_capture_events(hass, RecoveryEvent.REVIEW_RECOMMENDED)
    with patch.object(Reminders, "send") as send:
        await turn_review_on(hass, freezer)
        await log_pain(hass, 5)
    assert entity_state(hass, entities["review_recommended"]) == "on"
    assert [event.data for event in recommended] == [
        {"config_entry_id": ENTRY_ID, "baseline": 5.0, "average": 5.0}
    ]
    review_sends = [c for c in send.call_args_list if c.args[0] == "review_recommended"]
    assert len(review_sends) == 1
    issue = issue_registry.async_get_issue(DOMAIN, REVIEW_ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_key == "pain_not_improving"
    review = hass.states.get(entities["review_recommended"])
    assert review is not None
    assert review.attributes["reason"] == "baseline"


async def test_review_goes_off_when_pain_falls_and_the_issue_with_it(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    entities: dict[str, str],
) -> None:
    """A fall of 2 points below the baseline turns the review off and clears the issue."""
    await turn_review_on(hass, freezer)
    for _ in range(6):
        await log_pain(hass, 0)
    # Days 5, 5 and the mean of 5 and six zeros: 3.7, not yet 2 points below 5.
    assert entity_state(hass, entities["review_recommended"]) == "on"
    await log_pain(hass, 0, local(dt_util.now().date() - timedelta(days=1), 13))
    await log_pain(hass, 0, local(dt_util.now().date() - timedelta(days=2), 13))
    assert entity_state(hass, entities["review_recommended"]) == "off"
    assert issue_registry.async_get_issue(DOMAIN, REVIEW_ISSUE) is None


async def test_review_not_announced_again_at_start_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    init_integration: MockConfigEntry,
) -> None:
    """A review already on when the entry starts again fires nothing; its issue stands."""
    await turn_review_on(hass, freezer)
    recommended = async_capture_events(hass, RecoveryEvent.REVIEW_RECOMMENDED)
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, pain_entities(hass)["review_recommended"]) == "on"
    assert recommended == []
    assert issue_registry.async_get_issue(DOMAIN, REVIEW_ISSUE) is not None


async def test_no_review_reminder_when_remind_review_is_off(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """With remind_review off the event fires and no reminder is sent."""
    await add_entry(hass, {"remind_review": False})
    recommended = async_capture_events(hass, RecoveryEvent.REVIEW_RECOMMENDED)
    with patch.object(Reminders, "send") as send:
        await turn_review_on(hass, freezer)
    assert len(recommended) == 1
    assert not [c for c in send.call_args_list if c.args[0] == "review_recommended"]


async def test_worsening_for_14_days_recommends_a_review_before_day_42(
    hass: HomeAssistant, entities: dict[str, str], freezer: FrozenDateTimeFactory
) -> None:
    """The trend worsening on each of the last 14 days turns the review on; baseline is null."""
    recommended = async_capture_events(hass, RecoveryEvent.REVIEW_RECOMMENDED)
    first = dt_util.now().date()
    await move_to(hass, freezer, local(first + timedelta(days=26), 20))
    for offset in range(27):
        await log_pain(
            hass, min(10, offset * 3 // 8), local(first + timedelta(days=offset))
        )
    assert (dt_util.now().date() - INJURY_DATE).days < 42
    assert entity_state(hass, entities["pain_trend"]) == "worsening"
    assert entity_state(hass, entities["review_recommended"]) == "on"
    assert len(recommended) == 1
    assert recommended[0].data["baseline"] is None
    review = hass.states.get(entities["review_recommended"])
    assert review is not None
    assert review.attributes["reason"] == "worsening"


async def test_diary_survives_a_restart(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """The entries persist in the history's storage, notes too (rule 8)."""
    await log_pain(hass, 6, note="stairs")
    stored = hass_storage[STORAGE_KEY]
    assert stored["minor_version"] == STORAGE_MINOR_VERSION
    assert stored["data"]["pain"]["entries"] == [
        {"level": 6, "recorded_at": T0.isoformat(), "note": "stairs"}
    ]
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, pain_entities(hass)["pain_level"]) == "6"


async def test_history_of_minor_version_1_migrates(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
) -> None:
    """A history written before the diary loads with an empty diary and is saved in today's version."""
    session = stored_session(T0 - timedelta(hours=5))
    hass_storage[STORAGE_KEY] = stored({"sessions": [session]}, minor_version=1)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, pain_entities(hass)["pain_level"]) == "unknown"
    await log_pain(hass, 2)
    data = hass_storage[STORAGE_KEY]
    assert data["minor_version"] == STORAGE_MINOR_VERSION
    assert data["data"]["sessions"] == [session]
    assert [entry["level"] for entry in data["data"]["pain"]["entries"]] == [2]


async def test_malformed_pain_entry_is_skipped_and_the_rest_loads(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A malformed stored entry is logged and skipped; the other entries and the sessions load."""
    good = {"level": 3, "recorded_at": (T0 - timedelta(hours=1)).isoformat()}
    hass_storage[STORAGE_KEY] = stored(
        {"sessions": [], "pain": {"entries": [{"level": 42}, good]}}, minor_version=2
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert "Stored pain entry of Back recovery is malformed" in caplog.text
    assert entity_state(hass, pain_entities(hass)["pain_level"]) == "3"


async def test_diagnostics_leave_notes_out(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Diagnostics show the count, levels and dates of the diary, never a note."""
    await log_pain(hass, 4, note="private words")
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert "private words" not in repr(diagnostics)
    assert diagnostics["engine"]["pain"]["entries"] == 1
    assert diagnostics["engine"]["pain"]["latest"] == {
        "level": 4,
        "recorded_at": T0.isoformat(),
    }


# A 10-week diary: one entry each evening, through the state machine.

SCENARIOS = {
    "improving": lambda day: max(0, 7 - day // 8),
    "flat": lambda day: 5 + (day % 3 == 0),
    "worsening": lambda day: min(10, 2 + day // 7),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_ten_week_diary(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    scenario: str,
) -> None:
    """Day by day for 10 weeks: the 7-day average, the trend and the review signal."""
    first = dt_util.now().date()
    await add_entry(hass, injury_date=first, plug=None)
    entities = pain_entities(hass)
    table = ["day | level | pain_average_7d | pain_trend | review_recommended"]
    for day in range(70):
        await move_to(hass, freezer, local(first + timedelta(days=day), 20))
        level = SCENARIOS[scenario](day)
        await log_pain(hass, level)
        row = states(hass, entities)
        table.append(
            f"{day:>3} | {level:>2} | {row['pain_average_7d']:>7} | "
            f"{row['pain_trend']:<17} | {row['review_recommended']}"
        )
    assert "\n".join(table) == snapshot
