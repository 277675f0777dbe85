"""Rules 3, 4, 8, 9 (and 12 after a restart): what survives a restart, a crash, a stop, an unload.

Rule 3: the planned end survives a restart or a crash, heat starts only with
its planned end stored, and a history that cannot be read is an unknown one
(a plug found on goes off). Rule 4: Home Assistant stopping during heat
switches the plug off first. Rule 8: the history, the phase schedule and a
set phase survive restarts; the stored history's versions, bad data and cap.
Rule 9: unloading, disabling or removing during heat switches the plug off
first; new options wait for the next session. Rule 12 after a restart: the
clock steps that follow a restart cannot lengthen heat or shorten the rest.
A crash is a second Home Assistant (``other_home_assistant``) whose storage
the test's own ``hass`` then starts from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import copy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    CONF_SESSION_MINUTES,
    DOMAIN,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
    RecoveryEvent,
)
from custom_components.back_recovery.engine.store import RecoveryStore
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_CALL_SERVICE, STATE_OFF, STATE_ON
from homeassistant.core import CoreState, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError

from ..helpers.clock import T0, advance
from ..helpers.ha import (
    ENTRY_ID,
    INJURY_DATE,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    PHASE,
    PLUG,
    SESSION_ACTIVE,
    SESSION_ENDS,
    SESSIONS_TODAY,
    SKIN_REST,
    START_ICE_SESSION,
    action,
    add_entry,
    assert_no_session,
    config_entries_disabler,
    entity_state,
    press,
)
from ..helpers.plug import (
    PLUG_ONLINE,
    PLUG_POWER,
    plug_power,
    set_input_boolean,
    start_heat,
)
from ..helpers.restart import crash, other_home_assistant
from ..helpers.storage import STORAGE_KEY, stored, stored_session

RECOVERED = f"{STORAGE_KEY}.recovered"


UNREADABLE = [
    pytest.param(stored({"sessions": [{"modality": "lava"}]}), id="bad-session"),
    pytest.param(stored({"sessions": "lots"}), id="sessions-not-a-list"),
    pytest.param(stored(["not", "a", "dict"]), id="data-not-a-dict"),
    pytest.param(stored({"sessions": [], "plug_must_be_off": "maybe"}), id="bad-flag"),
    pytest.param(
        stored({"sessions": [stored_session(T0 - timedelta(hours=5))]}, version=2),
        id="newer-version",
    ),
    pytest.param({"key": STORAGE_KEY, "data": {}}, id="no-version"),
]


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set up ``entry``; it must load whatever the storage holds."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


def record_order(hass: HomeAssistant) -> list[str]:
    """Record plug switch calls and session events in the order they happen."""
    order: list[str] = []

    @callback
    def on_call(event: Event) -> None:
        if event.data["domain"] == "switch":
            order.append(f"switch.{event.data['service']}")

    @callback
    def on_ended(event: Event) -> None:
        order.append(f"ended:{event.data['reason']}")

    hass.bus.async_listen(EVENT_CALL_SERVICE, on_call)
    hass.bus.async_listen(RecoveryEvent.SESSION_ENDED, on_ended)
    return order


def _stored_heat(started: datetime, ended: bool) -> dict[str, Any]:
    """Return a stored history with one 20-minute heat session from ``started``."""
    return stored(
        {
            "sessions": [
                stored_session(started, minutes=20, ended=ended, modality="heat")
            ],
            "plug_must_be_off": False,
        }
    )


# Rule 3: the planned end survives a restart or a crash


async def test_rule_3_planned_end_survives_a_crash(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """After a crash mid-session the plug still goes off at the planned end."""
    snapshots: list[Any] = []

    @callback
    def crash_when_plug_on(event: Event) -> None:
        # The crash: what was stored when the plug went on is all that survives.
        if event.data["entity_id"] == PLUG and event.data["new_state"].state == "on":
            snapshots.append(copy.deepcopy(hass_storage.get(STORAGE_KEY)))

    async with other_home_assistant(hass_storage) as crashed:
        await add_entry(crashed)
        crashed.bus.async_listen("state_changed", crash_when_plug_on)
        await start_heat(crashed, "action")
        assert entity_state(crashed, PLUG) == STATE_ON
    assert len(snapshots) == 1
    assert snapshots[0] is not None
    hass_storage[STORAGE_KEY] = snapshots[0]

    await advance(hass, freezer, timedelta(minutes=7))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await add_entry(hass)

    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert started == []
    await advance(hass, freezer, timedelta(minutes=12, seconds=59))
    assert entity_state(hass, PLUG) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]


async def test_rule_3_planned_end_passed_during_downtime_switches_off_at_once(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """Starting again after the planned end switches the plug off at once."""
    async with crash(hass_storage) as crashed:
        await start_heat(crashed, "switch")

    await advance(hass, freezer, timedelta(minutes=45))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await add_entry(hass)

    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert blocked == []
    # The rest gap counts from now: the plug ran until it was switched off.
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T11:45:00+00:00"


async def test_rule_3_planned_end_survives_an_entry_setup_from_storage(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    plug: str,
) -> None:
    """A stored running ice session keeps its planned end when the entry starts again."""
    await add_entry(hass)
    await press(hass, START_ICE_SESSION)
    await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await advance(hass, freezer, timedelta(minutes=20))
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:20:00+00:00"


@pytest.mark.usefixtures("init_integration")
async def test_running_session_saved_at_its_start(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A started session is in storage at once, with its planned end."""
    await action(hass, "start_session", modality="ice")
    sessions = hass_storage[STORAGE_KEY]["data"]["sessions"]
    assert sessions == [
        {
            "modality": "ice",
            "started": "2026-11-25T09:00:00+00:00",
            "planned_end": "2026-11-25T09:20:00+00:00",
            "ended": None,
            "end_reason": None,
        }
    ]


# Rule 3: a plan that cannot be saved is not started; an unreadable history is an unknown one


@pytest.mark.usefixtures("init_integration")
async def test_rule_3_heat_refused_when_its_planned_end_cannot_be_stored(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With storage failing, heat is refused (plug off) and a repair issue stands."""
    storage_issue = f"storage_not_writable_{ENTRY_ID}"
    with patch(
        "homeassistant.helpers.storage.Store._async_write_data",
        side_effect=WriteError("No space left on device"),
    ):
        with pytest.raises(HomeAssistantError) as info:
            await start_heat(hass, "switch")
        assert info.value.translation_key == "plan_not_saved"
        await hass.async_block_till_done()
        assert plug_power(hass) == STATE_OFF
        assert_no_session(hass)
        assert issue_registry.async_get_issue(DOMAIN, storage_issue) is not None
        # Ice needs no plan to be safe: it runs, and the issue stays.
        await action(hass, "start_session", modality="ice")
        assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
        await action(hass, "stop_session")
    assert "No space left on device" in caplog.text
    await action(
        hass, "log_session", modality="ice", minutes=5, ended_at="2026-11-25 00:00:00"
    )
    assert issue_registry.async_get_issue(DOMAIN, storage_issue) is None


@pytest.mark.parametrize(
    "content",
    ["this is not json", '{"version": 1, "minor_version": 1, "da'],
)
async def test_rule_3_corrupt_storage_is_an_unknown_history(
    hass: HomeAssistant, plug: str, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Home Assistant moves a corrupt file aside; a plug found on is then switched off."""
    path = Path(hass.config.path(".storage", STORAGE_KEY))
    path.parent.mkdir(exist_ok=True)
    path.write_text(content)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    # Read through Home Assistant's real loading code, not the harness's dict.
    with patch.object(Store, "_async_load", Store._async_load_data):
        await add_entry(hass)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    assert "Unrecoverable error decoding storage" in caplog.text
    assert not path.exists()
    assert list(path.parent.glob(f"{STORAGE_KEY}.corrupt.*"))


async def test_unreadable_storage_switches_a_plug_found_on_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    plug: str,
) -> None:
    """Without a readable history a plug found on is switched off, no session starts."""
    hass_storage[STORAGE_KEY] = stored({"sessions": [{"started": "never"}]})
    await set_input_boolean(hass, PLUG_POWER, on=True)
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await setup_entry(hass, mock_config_entry)
    assert entity_state(hass, PLUG_POWER) == STATE_OFF
    assert started == []
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


# Rule 4: Home Assistant stopping during heat switches the plug off first


async def test_rule_4_home_assistant_stop_switches_plug_off_first(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant stopping during heat switches the plug off, then ends 'shutdown'."""
    async with other_home_assistant(hass_storage, stop=False) as other:
        await add_entry(other)
        await start_heat(other, "switch")
        order = record_order(other)
        await other.async_stop()
        assert plug_power(other) == STATE_OFF
        assert order == ["switch.turn_off", "ended:shutdown"]
    stored = hass_storage[STORAGE_KEY]["data"]["sessions"]
    assert [s["end_reason"] for s in stored] == ["shutdown"]


# Rule 8: the history survives restarts; unreadable data is kept, never overwritten


@pytest.mark.usefixtures("init_integration")
async def test_rule_8_history_survives_restarts(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    """Sessions and a set phase are stored and come back after a reload."""
    await action(hass, "log_session", modality="ice", minutes=15)
    await advance(hass, freezer, timedelta(hours=3))
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await action(hass, "set_phase", phase="rehabilitation")
    stored = hass_storage[STORAGE_KEY]["data"]
    assert [s["modality"] for s in stored["sessions"]] == ["ice", "heat"]

    await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T12:20:00+00:00"
    assert entity_state(hass, SESSIONS_TODAY) == "2"
    assert entity_state(hass, PHASE) == "rehabilitation"
    assert len(hass_storage[STORAGE_KEY]["data"]["sessions"]) == 2


@pytest.mark.usefixtures("plug")
@pytest.mark.parametrize("data", UNREADABLE)
async def test_unreadable_storage_starts_empty_and_keeps_the_file(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    data: dict[str, Any],
) -> None:
    """Unreadable data is logged, left untouched, and the history starts empty."""
    hass_storage[STORAGE_KEY] = copy.deepcopy(data)
    await setup_entry(hass, mock_config_entry)
    assert "cannot be read" in caplog.text
    assert entity_state(hass, LAST_SESSION_END) == "unknown"

    await action(hass, "start_session", modality="ice")
    assert hass_storage[STORAGE_KEY] == data
    assert hass_storage[RECOVERED]["data"]["sessions"][0]["modality"] == "ice"


@pytest.mark.usefixtures("plug")
async def test_recovered_history_read_on_next_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After unreadable data, the new history survives a restart."""
    hass_storage[STORAGE_KEY] = stored(
        {"sessions": [], "phase": "no-such-phase"}, version=9
    )
    await setup_entry(hass, mock_config_entry)
    await action(hass, "start_session", modality="ice")
    freezer.tick(timedelta(minutes=5))
    await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert hass_storage[STORAGE_KEY]["version"] == 9


@pytest.mark.usefixtures("plug")
async def test_recovered_file_unreadable_too_is_moved_aside(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the recovered file cannot be read either, it is kept under a new name."""
    hass_storage[STORAGE_KEY] = stored({"sessions": 1})
    hass_storage[RECOVERED] = stored({"sessions": 2})
    with patch("custom_components.back_recovery.engine.store.os.replace") as replace:
        await setup_entry(hass, mock_config_entry)
    assert replace.call_count == 1
    source, target = replace.call_args.args
    assert source.endswith(RECOVERED)
    assert target.startswith(f"{source}.unreadable.")
    assert "cannot be read either" in caplog.text


@pytest.mark.usefixtures("plug")
async def test_moving_aside_fails_without_crashing(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A file that cannot be moved is logged; setup goes on."""
    hass_storage[STORAGE_KEY] = stored({"sessions": 1})
    hass_storage[RECOVERED] = stored({"sessions": 2})
    with patch(
        "custom_components.back_recovery.engine.store.os.replace",
        side_effect=OSError("ro"),
    ):
        await setup_entry(hass, mock_config_entry)
    assert "Could not keep" in caplog.text


@pytest.mark.usefixtures("plug")
async def test_older_minor_version_loads(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
) -> None:
    """Data of an older minor version goes through the migration hook and loads."""
    hass_storage[STORAGE_KEY] = stored(
        {"sessions": [stored_session(T0 - timedelta(hours=5))]}, minor_version=0
    )
    await setup_entry(hass, mock_config_entry)
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T04:15:00+00:00"


async def test_only_the_write_back_of_a_migration_is_skipped(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Rule 8: a migration Home Assistant did not write back never costs a later save."""
    store = RecoveryStore(
        hass, STORAGE_VERSION, STORAGE_KEY, minor_version=STORAGE_MINOR_VERSION
    )
    # A migration that ends without Home Assistant's write-back.
    await store._async_migrate_func(1, 1, {"sessions": []})
    assert await store.async_load() is None
    await store.async_save({"sessions": [], "plug_must_be_off": True})
    await hass.async_block_till_done()
    assert hass_storage[STORAGE_KEY]["data"]["plug_must_be_off"] is True


@pytest.mark.usefixtures("plug")
async def test_history_capped_at_1000_sessions(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
) -> None:
    """At most the newest 1000 sessions are kept."""
    first = T0 - timedelta(hours=3 * 1000)
    hass_storage[STORAGE_KEY] = stored(
        {
            "sessions": [
                stored_session(first + timedelta(hours=3 * i)) for i in range(1000)
            ]
        }
    )
    await setup_entry(hass, mock_config_entry)
    await action(hass, "start_session", modality="heat")
    assert entity_state(hass, PLUG) == STATE_ON
    sessions = hass_storage[STORAGE_KEY]["data"]["sessions"]
    assert len(sessions) == 1000
    assert sessions[0]["started"] == (first + timedelta(hours=3)).isoformat()
    assert sessions[-1]["modality"] == "heat"


# Rule 9: unloading during heat switches the plug off first; options wait for the next session


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["reload", "disable", "remove"])
async def test_rule_9_unload_during_heat_switches_plug_off_first(
    hass: HomeAssistant, how: str
) -> None:
    """Reloading, disabling or removing the entry during heat switches off first."""
    await start_heat(hass, "action")
    order = record_order(hass)
    events = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    if how == "reload":
        await hass.config_entries.async_reload(ENTRY_ID)
    elif how == "disable":
        await hass.config_entries.async_set_disabled_by(
            ENTRY_ID, config_entries_disabler()
        )
    else:
        await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    assert plug_power(hass) == STATE_OFF
    assert order[:2] == ["switch.turn_off", "ended:unloaded"]
    assert events[0].data == {
        "config_entry_id": ENTRY_ID,
        "modality": "heat",
        "reason": "unloaded",
        "heat_off_at": dt_util.utcnow().isoformat(),
    }
    if how == "reload":
        assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF
        assert entity_state(hass, SKIN_REST) == STATE_ON


@pytest.mark.usefixtures("init_integration")
async def test_rule_9_options_change_keeps_running_session(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """New options apply to the next session; the running one keeps its end."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=10))
    hass.config_entries.async_update_entry(
        init_integration,
        options={**init_integration.options, CONF_SESSION_MINUTES: 5},
    )
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:20:00+00:00"
    assert ended == []
    await advance(hass, freezer, timedelta(minutes=10))
    assert entity_state(hass, PLUG) == STATE_OFF
    await advance(hass, freezer, timedelta(hours=2))
    await start_heat(hass, "switch")
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T11:25:00+00:00"


# Rule 12 after a restart: "while Home Assistant runs" starts when the entry loads


@pytest.mark.usefixtures("plug")
async def test_rule_12_restart_then_wall_clock_stepped_back_cannot_lengthen_heat(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """Heat 15 minutes, a crash, a restart, the wall clock 14 minutes back: off 5 real minutes later."""
    hass_storage[STORAGE_KEY] = _stored_heat(T0 - timedelta(minutes=15), ended=False)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await add_entry(hass)
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    await step_wall_clock(-timedelta(minutes=14))
    await advance(hass, freezer, timedelta(minutes=4, seconds=50))
    assert plug_power(hass) == STATE_ON
    await advance(hass, freezer, timedelta(seconds=10))
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


@pytest.mark.usefixtures("plug")
async def test_rule_12_restart_then_wall_clock_stepped_forward_cannot_shorten_the_rest_gap(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """The last session ended 30 minutes before a restart; the wall clock jumps 100 minutes: heat is still refused."""
    hass_storage[STORAGE_KEY] = _stored_heat(T0 - timedelta(minutes=50), ended=True)
    await add_entry(hass)
    assert entity_state(hass, SKIN_REST) == STATE_ON
    await step_wall_clock(timedelta(minutes=100))
    with pytest.raises(ServiceValidationError) as info:
        await start_heat(hass, "action")
    assert info.value.translation_key == "rest_gap_active"
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert entity_state(hass, SKIN_REST) == STATE_ON
    # 90 real minutes of rest were left at the restart.
    await advance(hass, freezer, timedelta(minutes=89))
    with pytest.raises(ServiceValidationError):
        await start_heat(hass, "action")
    await advance(hass, freezer, timedelta(minutes=1))
    await start_heat(hass, "action")
    assert plug_power(hass) == STATE_ON


# Rules 2 and 8 with an unknown history: a plug that reports late starts no session (issue 20, item 11)


async def load_over_unknown_history(
    hass: HomeAssistant, hass_storage: dict[str, Any], history: str
) -> None:
    """Load the entry over an unreadable history, the plug offline with its relay on.

    ``history``: ``garbage`` (a file that is no JSON: Home Assistant moves it
    aside) or ``sessions-not-a-list`` (JSON whose sessions cannot be read).
    The plug was switched on at its button while Home Assistant was stopped.
    """
    await set_input_boolean(hass, PLUG_POWER, on=True)
    await set_input_boolean(hass, PLUG_ONLINE, on=False)
    if history == "garbage":
        path = Path(hass.config.path(".storage", STORAGE_KEY))
        path.parent.mkdir(exist_ok=True)
        path.write_text("\x00\x17garbage{{")
        # Read through Home Assistant's real loading code, not the harness's dict.
        with patch.object(Store, "_async_load", Store._async_load_data):
            await add_entry(hass)
    else:
        hass_storage[STORAGE_KEY] = stored({"sessions": "lots"})
        await add_entry(hass)
    assert entity_state(hass, PLUG) == "unavailable"


async def plug_reports_late(hass: HomeAssistant) -> None:
    """Bring the plug back as an MQTT plug starts: ``unavailable``, ``unknown``, then ``on``."""
    hass.states.async_set(PLUG, "unknown")
    await hass.async_block_till_done()
    await set_input_boolean(hass, PLUG_ONLINE, on=True)


@pytest.mark.usefixtures("plug")
@pytest.mark.parametrize("history", ["garbage", "sessions-not-a-list"])
async def test_rule_8_corrupt_storage_then_a_plug_that_reports_late_is_switched_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    history: str,
) -> None:
    """The plug reports ``on`` 1 s after the load: switched off, blocked, no session recorded."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await load_over_unknown_history(hass, hass_storage, history)
    await advance(hass, freezer, timedelta(seconds=1))
    await plug_reports_late(hass)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    assert [(e.data["modality"], e.data["allowed_at"]) for e in blocked] == [
        ("heat", "2026-11-25T11:00:00+00:00")
    ]
    assert_no_session(hass)


@pytest.mark.usefixtures("plug")
async def test_rule_2_unknown_history_refuses_outside_starts_for_a_whole_rest_gap(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every outside ``on`` may be inside the lost rest gap until a whole one has passed since the load."""
    await load_over_unknown_history(hass, hass_storage, "sessions-not-a-list")
    await plug_reports_late(hass)
    assert plug_power(hass) == STATE_OFF
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await advance(hass, freezer, timedelta(minutes=119, seconds=59))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert started == []
    await advance(hass, freezer, timedelta(seconds=1))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert [e.data["modality"] for e in started] == ["heat"]
    await advance(hass, freezer, timedelta(minutes=20))
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("plug")
@pytest.mark.parametrize("how", ["action", "switch"])
async def test_rule_2_unknown_history_lets_a_persons_start_through(
    hass: HomeAssistant, hass_storage: dict[str, Any], how: str
) -> None:
    """A person's start on purpose (the action, the switch) heats at once."""
    hass_storage[STORAGE_KEY] = stored({"sessions": "lots"})
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await add_entry(hass)
    await start_heat(hass, how)
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert blocked == []


@pytest.mark.usefixtures("plug")
async def test_rule_12_unknown_history_rest_kept_on_the_monotonic_clock(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    step_wall_clock: Callable[[timedelta], Awaitable[None]],
) -> None:
    """The wall clock steps 3 hours forward after the load: an outside ``on`` is still refused."""
    await load_over_unknown_history(hass, hass_storage, "sessions-not-a-list")
    await set_input_boolean(hass, PLUG_POWER, on=False)
    await set_input_boolean(hass, PLUG_ONLINE, on=True)
    await step_wall_clock(timedelta(hours=3))
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_OFF
    assert [e.data["allowed_at"] for e in blocked] == ["2026-11-25T14:00:00+00:00"]
    await advance(hass, freezer, timedelta(minutes=120))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    assert plug_power(hass) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


# Rule 18: enforcement does not wait for start-up to finish


@pytest.mark.usefixtures("plug")
async def test_rule_18_planned_end_passed_while_down_is_enforced_while_home_assistant_starts(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
) -> None:
    """The entry loads while Home Assistant is still starting: the plug goes off during setup."""
    hass_storage[STORAGE_KEY] = _stored_heat(T0 - timedelta(minutes=45), ended=False)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    hass.set_state(CoreState.starting)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Back recovery",
        data={
            CONF_NAME: "Back recovery",
            CONF_INJURY_DATE: INJURY_DATE.isoformat(),
            CONF_HEATING_PAD: PLUG,
        },
        options=DEFAULT_OPTIONS,
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    # Only the setup itself runs: nothing after it, no EVENT_HOMEASSISTANT_STARTED.
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert hass.state is CoreState.starting
    assert plug_power(hass) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["completed"]
    assert hass_storage[STORAGE_KEY]["data"]["sessions"][0]["ended"] is not None


@pytest.mark.usefixtures("plug")
async def test_rule_18_a_plug_that_appears_while_home_assistant_starts_is_switched_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
) -> None:
    """The plug's integration loads after the recovery: its first ``on`` is switched off at once."""
    hass_storage[STORAGE_KEY] = _stored_heat(T0 - timedelta(minutes=45), ended=False)
    await set_input_boolean(hass, PLUG_POWER, on=True)
    plug_state = hass.states.get(PLUG)
    assert plug_state is not None
    hass.states.async_remove(PLUG)
    hass.set_state(CoreState.starting)
    await add_entry(hass)
    assert plug_power(hass) == STATE_ON
    # The plug's integration has loaded: the plug shows up, on.
    hass.states.async_set(PLUG, STATE_ON, plug_state.attributes)
    await hass.async_block_till_done()
    assert hass.state is CoreState.starting
    assert plug_power(hass) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("how", ["action", "switch"])
async def test_rule_18_a_start_is_stored_before_the_plug_is_asked_to_switch_on(
    hass: HomeAssistant, hass_storage: dict[str, Any], how: str
) -> None:
    """When the plug's ``turn_on`` is called, the running session and its planned end are stored."""
    stored_then: list[Any] = []

    @callback
    def on_call(event: Event) -> None:
        data = event.data
        if (data["domain"], data["service"]) == ("switch", "turn_on") and data[
            "service_data"
        ].get("entity_id") in (PLUG, [PLUG]):
            stored_then.append(copy.deepcopy(hass_storage[STORAGE_KEY]["data"]))

    hass.bus.async_listen(EVENT_CALL_SERVICE, on_call)
    await start_heat(hass, how)
    assert plug_power(hass) == STATE_ON
    assert len(stored_then) == 1
    assert stored_then[0]["sessions"] == [
        {
            "modality": "heat",
            "started": "2026-11-25T09:00:00+00:00",
            "planned_end": "2026-11-25T09:20:00+00:00",
            "ended": None,
            "end_reason": None,
        }
    ]
