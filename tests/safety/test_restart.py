"""Tests of the stored history: versions, bad data, the cap, and what is kept.

Also the safety rules storage carries: nothing is lost across restarts
(rule 8), and heat starts only with its planned end stored (rule 3).
"""

from __future__ import annotations

import copy
from datetime import timedelta
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
    DOMAIN,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
    RecoveryEvent,
)
from custom_components.back_recovery.engine.store import RecoveryStore
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.util.file import WriteError

from ..helpers.clock import T0, advance
from ..helpers.ha import (
    ENTRY_ID,
    LAST_SESSION_END,
    PHASE,
    SESSION_ACTIVE,
    SESSION_ENDS,
    SESSIONS_TODAY,
    action,
    add_entry,
    assert_no_session,
    entity_state,
    start_heat,
)
from ..helpers.plug import PLUG, PLUG_POWER, plug_power, set_input_boolean
from ..helpers.storage import STORAGE_KEY, stored, stored_session

RECOVERED = f"{STORAGE_KEY}.recovered"


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set up ``entry``; it must load whatever the storage holds."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


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


async def test_unreadable_storage_switches_a_plug_found_on_off(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    plug: str,
) -> None:
    """Without a readable history a plug found on is switched off, no session starts."""
    hass_storage[STORAGE_KEY] = stored({"sessions": [{"started": "never"}]})
    await hass.services.async_call(
        "input_boolean", "turn_on", {"entity_id": PLUG_POWER}, blocking=True
    )
    await hass.async_block_till_done()
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    await setup_entry(hass, mock_config_entry)
    assert entity_state(hass, PLUG_POWER) == STATE_OFF
    assert started == []
    assert entity_state(hass, SESSION_ACTIVE) == STATE_OFF


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


# Rule 8


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


# Rule 3: a plan that cannot be saved is not started; corrupt storage is an unknown history


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
