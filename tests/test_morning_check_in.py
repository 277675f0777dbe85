"""The morning check-in: at the chosen time a message, and each satellite asks for the back's pain.

Contract "Exercises": option ``morning_check_in`` (a time, default off); "How
is your back this morning, from 0 to 10?" through
``assist_satellite.ask_question``; an answer logs pain, no answer logs
nothing (issue 23: nor does nonsense, and the question is not asked again
that morning). The satellites are the test integration's
(``helpers/targets.py``): the question is matched by Home Assistant's own
``ask_question`` against the answers the recovery gives.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from datetime import date, time
import logging
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)
import voluptuous as vol

from custom_components.back_recovery.const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_MORNING_CHECK_IN,
    CONF_NOTIFY_ENTITIES,
    CONF_QUIET_END,
    CONF_QUIET_START,
    RecoveryEvent,
)
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import HomeAssistantError

from .helpers.clock import local, move_to
from .helpers.ha import ENTRY_ID, entity_state, pain_entities
from .helpers.targets import (
    RecordingNotify,
    RecordingSatellite,
    Reply,
    setup_targets,
    targets_allowed,
)

PHONE = "notify.phone"
KITCHEN = "assist_satellite.kitchen"
BEDROOM = "assist_satellite.bedroom"
TODAY = date(2026, 11, 25)
"""The tests' day: the clock starts at 01:00 local time (``T0``)."""
CHECK_IN = time(7, 30)
QUESTION = "How is your back this morning, from 0 to 10?"
QUESTION_DE = "Wie geht es deinem Rücken heute Morgen, von 0 bis 10?"
MESSAGE = "How is your back this morning, from 0 to 10? Log it on the Pain slider."


@pytest.fixture
def replies() -> list[Reply]:
    """Return what the person says to the kitchen's questions (a test says what)."""
    return ["six"]


@pytest.fixture
def kitchen(replies: list[Reply]) -> RecordingSatellite:
    """Return the satellite in the kitchen, which hears ``replies``."""
    return RecordingSatellite("Kitchen", replies)


@pytest.fixture
def bedroom() -> RecordingSatellite:
    """Return a second satellite, which hears nothing."""
    return RecordingSatellite("Bedroom", [None])


@pytest.fixture
def satellites(
    kitchen: RecordingSatellite, request: pytest.FixtureRequest
) -> Sequence[RecordingSatellite]:
    """Return the kitchen, and the bedroom too for the test that asks on both."""
    if "bedroom" in request.fixturenames:
        return [kitchen, request.getfixturevalue("bedroom")]
    return [kitchen]


@pytest.fixture
def entry_options(
    entry_options: dict[str, Any],
    satellites: Sequence[RecordingSatellite],
    extra_options: dict[str, Any],
) -> dict[str, Any]:
    """Check in at 07:30; write to the phone and ask on the satellites."""
    return {
        **entry_options,
        CONF_NOTIFY_ENTITIES: [PHONE],
        CONF_ANNOUNCE_SATELLITES: [
            f"assist_satellite.{satellite.name}".lower() for satellite in satellites
        ],
        CONF_MORNING_CHECK_IN: CHECK_IN.isoformat(),
        **extra_options,
    }


@pytest.fixture
async def recovery(
    hass: HomeAssistant,
    *,
    tmp_path: Path,
    phone: RecordingNotify,
    satellites: Sequence[RecordingSatellite],
    plug: str,
    mock_config_entry: MockConfigEntry,
) -> AsyncGenerator[MockConfigEntry]:
    """Set up the phone and satellites first, then the recovery."""
    with targets_allowed(tmp_path):
        await setup_targets(hass, [phone], satellites)
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        yield mock_config_entry


async def _at(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hour: int,
    minute: int = 0,
    day: date = TODAY,
) -> None:
    """Move to a local time and let the check-in (and what it logs) finish."""
    await move_to(hass, freezer, local(day, hour, minute))
    await hass.async_block_till_done(wait_background_tasks=True)


def _pain_level(hass: HomeAssistant) -> str:
    return entity_state(hass, pain_entities(hass)["pain_level"])


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the recovery's ERROR lines (the test voice's missing ffmpeg is not the recovery's)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith("custom_components")
    ]


async def test_answer_six_logs_pain_six(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """At the check-in time the phone gets the message, the kitchen asks, "six" logs pain 6."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)

    await _at(hass, freezer, 7, 29)
    assert kitchen.questions == []
    assert phone.inbox.messages == []

    await _at(hass, freezer, 7, 30)
    assert kitchen.questions == [QUESTION]
    assert phone.inbox.messages == [MESSAGE]
    assert kitchen.inbox.messages == []  # asked, never also announced
    assert _pain_level(hass) == "6"
    assert [event.data["level"] for event in logged] == [6]
    assert logged[0].data["config_entry_id"] == ENTRY_ID


@pytest.mark.parametrize("replies", [[None]])
async def test_no_answer_logs_nothing_and_is_not_asked_again_that_morning(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Silence logs nothing and no error; the question comes again the next morning only."""
    await _at(hass, freezer, 7, 30)
    assert kitchen.questions == [QUESTION]
    assert _pain_level(hass) == STATE_UNKNOWN

    await _at(hass, freezer, 11, 59)
    assert kitchen.questions == [QUESTION]
    assert phone.inbox.messages == [MESSAGE]

    kitchen.replies = ["4"]
    await _at(hass, freezer, 7, 30, day=date(2026, 11, 26))
    assert kitchen.questions == [QUESTION, QUESTION]
    assert _pain_level(hass) == "4"
    assert _errors(caplog) == []


@pytest.mark.parametrize(
    "replies",
    [["banana bread"], ["eleven"], ["six and a half"], [""]],
)
async def test_nonsense_logs_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    kitchen: RecordingSatellite,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An answer that is no level from 0 to 10 logs nothing, and no error."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)

    await _at(hass, freezer, 7, 30)
    await _at(hass, freezer, 10, 0)

    assert kitchen.questions == [QUESTION]
    assert logged == []
    assert _pain_level(hass) == STATE_UNKNOWN
    assert _errors(caplog) == []


@pytest.mark.parametrize(
    "replies",
    [[HomeAssistantError("satellite busy")], [RuntimeError("bug")]],
)
async def test_a_failing_satellite_logs_nothing_and_no_error(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A satellite that fails to ask logs nothing, no ERROR line; the message still goes."""
    await _at(hass, freezer, 7, 30)

    assert kitchen.questions == [QUESTION]
    assert phone.inbox.messages == [MESSAGE]
    assert _pain_level(hass) == STATE_UNKNOWN
    assert _errors(caplog) == []


@pytest.mark.parametrize(
    ("replies", "level"),
    [
        (["seven"], "7"),
        (["7"], "7"),
        (["Seven."], "7"),
        (["zero"], "0"),
        (["ten"], "10"),
        (["sieben"], "7"),
        (["null"], "0"),
        (["zehn"], "10"),
    ],
)
async def test_levels_in_words_and_digits(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    level: str,
) -> None:
    """English and German words and digits all name their level (Home Assistant in English)."""
    await _at(hass, freezer, 7, 30)

    assert _pain_level(hass) == level


@pytest.mark.parametrize(
    ("replies", "level"),
    [(["sieben"], "7"), (["sechs"], "6"), (["6"], "6"), (["six"], "6")],
)
async def test_in_german_the_question_is_german_and_german_words_count(
    hass: HomeAssistant,
    *,
    german: None,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    kitchen: RecordingSatellite,
    level: str,
) -> None:
    """With Home Assistant in German the satellite asks in German; "sieben" logs 7."""
    await _at(hass, freezer, 7, 30)

    assert kitchen.questions == [QUESTION_DE]
    assert _pain_level(hass) == level


@pytest.mark.parametrize("replies", [["six"]])
async def test_every_satellite_asks_and_one_answer_logs_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bedroom: RecordingSatellite,
    recovery: MockConfigEntry,
    kitchen: RecordingSatellite,
) -> None:
    """Both satellites ask; the kitchen's "six" is logged once, the bedroom's silence is not."""
    logged = async_capture_events(hass, RecoveryEvent.PAIN_LOGGED)

    await _at(hass, freezer, 7, 30)

    assert kitchen.questions == [QUESTION]
    assert bedroom.questions == [QUESTION]
    assert [event.data["level"] for event in logged] == [6]


@pytest.mark.parametrize(
    "extra_options", [{CONF_QUIET_START: "22:00:00", CONF_QUIET_END: "08:00:00"}]
)
async def test_in_quiet_hours_only_the_message_goes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """A check-in in the quiet hours is not spoken: the message goes, nothing is asked."""
    await _at(hass, freezer, 7, 30)
    await _at(hass, freezer, 8, 30)

    assert phone.inbox.messages == [MESSAGE]
    assert kitchen.questions == []


async def test_off_by_default(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """Without the option nothing is sent or asked, all day."""
    assert CONF_MORNING_CHECK_IN not in DEFAULT_OPTIONS
    hass.config_entries.async_update_entry(
        recovery,
        options={
            key: value
            for key, value in recovery.options.items()
            if key != CONF_MORNING_CHECK_IN
        },
    )
    await hass.async_block_till_done()

    for hour in (7, 12, 23):
        await _at(hass, freezer, hour, 30)

    assert phone.inbox.messages == []
    assert kitchen.questions == []


async def test_a_new_time_applies_without_a_reload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    kitchen: RecordingSatellite,
) -> None:
    """A new check-in time applies at once: the old time asks nothing, the new one asks."""
    hass.config_entries.async_update_entry(
        recovery, options={**recovery.options, CONF_MORNING_CHECK_IN: "08:15:00"}
    )
    await hass.async_block_till_done()

    await _at(hass, freezer, 7, 30)
    assert kitchen.questions == []
    await _at(hass, freezer, 8, 15)
    assert kitchen.questions == [QUESTION]
    assert recovery.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("replies", [[None, "six"]])
async def test_not_asked_twice_the_same_morning_after_a_restart_or_a_new_time(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    kitchen: RecordingSatellite,
) -> None:
    """Asked at 07:30, then reloaded and moved to 09:00: not asked again that day."""
    await _at(hass, freezer, 7, 30)
    assert await hass.config_entries.async_reload(recovery.entry_id)
    await hass.async_block_till_done()
    hass.config_entries.async_update_entry(
        recovery, options={**recovery.options, CONF_MORNING_CHECK_IN: "09:00:00"}
    )
    await hass.async_block_till_done()

    await _at(hass, freezer, 9, 30)
    assert kitchen.questions == [QUESTION]
    await _at(hass, freezer, 9, 0, day=date(2026, 11, 26))
    assert kitchen.questions == [QUESTION, QUESTION]
    assert _pain_level(hass) == "6"


async def test_unload_stops_the_check_in(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    recovery: MockConfigEntry,
    phone: RecordingNotify,
    kitchen: RecordingSatellite,
) -> None:
    """An unloaded recovery checks in no more."""
    assert await hass.config_entries.async_unload(recovery.entry_id)
    await hass.async_block_till_done()

    await _at(hass, freezer, 7, 30)

    assert phone.inbox.messages == []
    assert kitchen.questions == []


# The option in the options flow.


async def _options_form(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ConfigFlowResult:
    return await hass.config_entries.options.async_init(entry.entry_id)


def _whole_form(form: ConfigFlowResult) -> dict[str, Any]:
    """Return what the frontend sends for ``form`` unchanged but a cleared check-in: every default."""
    schema = form["data_schema"]
    assert schema is not None
    return {
        str(key): key.default()
        for key in schema.schema
        if key.default is not vol.UNDEFINED
    }


async def test_options_flow_sets_the_check_in_and_suggests_it(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """A time sets the check-in; the form then suggests it (a suggestion, so it can be cleared)."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options=DEFAULT_OPTIONS)
    form = await _options_form(hass, mock_config_entry)

    result = await hass.config_entries.options.async_configure(
        form["flow_id"], {CONF_MORNING_CHECK_IN: "07:30"}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        **DEFAULT_OPTIONS,
        CONF_MORNING_CHECK_IN: "07:30:00",
    }
    form = await _options_form(hass, mock_config_entry)
    assert form["data_schema"] is not None
    (field,) = [
        key for key in form["data_schema"].schema if key == CONF_MORNING_CHECK_IN
    ]
    assert field.default is vol.UNDEFINED
    assert field.description == {"suggested_value": "07:30:00"}


async def test_options_flow_a_cleared_check_in_is_off_a_subset_keeps_it(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """The frontend leaves a cleared field out of the whole form: off. A caller's subset keeps it."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**DEFAULT_OPTIONS, CONF_MORNING_CHECK_IN: "07:30:00"},
    )

    form = await _options_form(hass, mock_config_entry)
    await hass.config_entries.options.async_configure(
        form["flow_id"], {CONF_QUIET_START: "22:00"}
    )
    assert mock_config_entry.options[CONF_MORNING_CHECK_IN] == "07:30:00"

    form = await _options_form(hass, mock_config_entry)
    result = await hass.config_entries.options.async_configure(
        form["flow_id"], _whole_form(form)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_MORNING_CHECK_IN not in mock_config_entry.options
    assert mock_config_entry.options[CONF_QUIET_START] == "22:00:00"


async def test_options_flow_refuses_a_check_in_that_is_no_time(
    hass: HomeAssistant, mock_setup_entry: AsyncMock, mock_config_entry: MockConfigEntry
) -> None:
    """A check-in at "25:00" is refused by the form; the options stay as they were."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options=DEFAULT_OPTIONS)
    form = await _options_form(hass, mock_config_entry)

    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            form["flow_id"], {CONF_MORNING_CHECK_IN: "25:00"}
        )
    assert mock_config_entry.options == DEFAULT_OPTIONS
