"""Fixtures for Back Recovery tests: the clock, the entry, the plug, the platforms, the listeners, the asker.

Fixtures only: the helpers the tests and these fixtures share are in
``tests/helpers/`` (the simulated plug, the clocks, storage, Home Assistant,
Assist, a restart).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import AsyncMock, PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Import the integration before the ``hass`` fixture: the repository's
# custom_components must win over the harness's own test package.
from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    DOMAIN,
    PLATFORMS,
)
from custom_components.back_recovery.engine.state import StateHub
from custom_components.back_recovery.options import DEFAULT_OPTIONS
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.setup import async_setup_component

from .helpers.assist import ASKERS_CLOCKS, Asker, set_profile
from .helpers.clock import T0, wall_clock_stepper
from .helpers.ha import ENTRY_ID, INJURY_DATE, PLUG
from .helpers.plug import SECOND_PLUG, setup_plug
from .helpers.targets import RecordingNotify

# pytest-homeassistant-custom-component sets SQLAlchemy's engine logger to INFO
# when it loads: every statement of a test's recorder (the benchmark's SQLite
# file) is logged, and the recorder thread's lines reach scripts/test's output
# outside pytest's capture. Warnings and errors still show.
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


class _Collected(logging.Handler):
    """Keeps the records it is given."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_deprecation_reported() -> Generator[None]:
    """Fail the test after which Home Assistant reported a deprecated use by this integration.

    Home Assistant says it through ``homeassistant.helpers.frame`` (``report_usage``)
    as a logged warning, not a Python warning; Python's own DeprecationWarning
    from the integration's modules is an error through pyproject's filterwarnings.
    """
    collected = _Collected()
    frame_logger = logging.getLogger("homeassistant.helpers.frame")
    frame_logger.addHandler(collected)
    yield
    frame_logger.removeHandler(collected)
    ours = [r.getMessage() for r in collected.records if DOMAIN in r.getMessage()]
    if ours:
        pytest.fail(f"Home Assistant reported a deprecated use: {ours}")


@pytest.fixture(autouse=True)
def frozen_clock(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Freeze time at ``T0`` before ``hass`` exists, so it tears down in frozen time too."""
    freezer.move_to(T0)
    return freezer


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    frozen_clock: FrozenDateTimeFactory, enable_custom_integrations: None
) -> None:
    """Load the integration from this repository."""


@pytest.fixture
def entry_data() -> dict[str, Any]:
    """Return the config entry's data: a recovery with a heating-pad plug."""
    return {
        CONF_NAME: "Back recovery",
        CONF_INJURY_DATE: INJURY_DATE.isoformat(),
        CONF_HEATING_PAD: PLUG,
    }


@pytest.fixture
def extra_options() -> dict[str, Any]:
    """Return options a test changes over its module's (none unless it says so)."""
    return {}


@pytest.fixture
def phone() -> RecordingNotify:
    """Return the notify entity reminders go to (set up by ``helpers.targets.setup_targets``)."""
    return RecordingNotify("Phone")


@pytest.fixture
def entry_options() -> dict[str, Any]:
    """Return the config entry's options."""
    return dict(DEFAULT_OPTIONS)


@pytest.fixture
def mock_config_entry(
    entry_data: dict[str, Any], entry_options: dict[str, Any]
) -> MockConfigEntry:
    """Return a Back Recovery config entry."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry_data[CONF_NAME],
        data=entry_data,
        options=entry_options,
        entry_id=ENTRY_ID,
    )


@pytest.fixture
async def plug(hass: HomeAssistant) -> str:
    """Set up a simulated smart plug: a template switch over input_booleans."""
    await setup_plug(hass)
    return PLUG


@pytest.fixture
async def second_plug(hass: HomeAssistant, plug: str) -> str:
    """Set up a second plug: an optimistic template switch, switched off."""
    entry = MockConfigEntry(
        domain="template",
        title="Second plug",
        options={"name": "Second plug", "template_type": "switch"},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": SECOND_PLUG}, blocking=True
    )
    await hass.async_block_till_done()
    return SECOND_PLUG


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, plug: str, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the integration with the plug."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def hub() -> StateHub:
    """Return a hub of listeners of its own: how a recovery tells its entities of a change."""
    return StateHub("Back recovery")


@pytest.fixture
def platforms() -> list[Platform]:
    """Return the platforms ``init_platforms`` sets up: a platform's tests narrow them."""
    return list(PLATFORMS)


@pytest.fixture
async def init_platforms(
    hass: HomeAssistant,
    plug: str,
    mock_config_entry: MockConfigEntry,
    platforms: list[Platform],
) -> AsyncGenerator[MockConfigEntry]:
    """Set up the integration with the plug and only ``platforms``; unload it the same way."""
    with patch("custom_components.back_recovery.PLATFORMS", platforms):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        assert mock_config_entry.state is ConfigEntryState.LOADED
        yield mock_config_entry
        await hass.config_entries.async_unload(mock_config_entry.entry_id)
        await hass.async_block_till_done()


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Keep snapshots in ``snapshots/`` beside each test module (syrupy's own fixture wins over the harness's)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Register every entity enabled, also those disabled by default (Home Assistant core's fixture of this name)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def german(hass: HomeAssistant) -> None:
    """Run Home Assistant in German (before the recovery names its entities)."""
    hass.config.language = "de"


@pytest.fixture
async def mock_setup_entry(hass: HomeAssistant) -> AsyncGenerator[AsyncMock]:
    """Skip entry setup in flow tests, and unload those entries without the engine."""
    with (
        patch(
            "custom_components.back_recovery.async_setup_entry", return_value=True
        ) as mock,
        patch("custom_components.back_recovery.async_unload_entry", return_value=True),
    ):
        yield mock
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture(params=ASKERS_CLOCKS)
async def asker(
    hass: HomeAssistant, hass_admin_user: MockUser, request: pytest.FixtureRequest
) -> Asker:
    """Each kind of asker of ``ASKERS_CLOCKS``, their profile saved."""
    language, locale, hours = request.param
    await set_profile(hass, hass_admin_user.id, locale)
    return Asker(language, Context(user_id=hass_admin_user.id), hours)


@pytest.fixture
def step_wall_clock(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> Generator[Callable[[timedelta], Awaitable[None]]]:
    """Return a function that steps the wall clock alone (NTP, a VM resumed)."""
    with wall_clock_stepper(hass, freezer) as step:
        yield step


@pytest.fixture
async def shown(hass: HomeAssistant) -> dict[str, str]:
    """Return the persistent notifications that stand, by id: their messages."""
    assert await async_setup_component(hass, "persistent_notification", {})
    messages: dict[str, str] = {}

    @callback
    def updated(
        kind: persistent_notification.UpdateType,
        notifications: dict[str, persistent_notification.Notification],
    ) -> None:
        for notification_id, notification in notifications.items():
            if kind is persistent_notification.UpdateType.REMOVED:
                messages.pop(notification_id, None)
            else:
                messages[notification_id] = notification["message"]

    persistent_notification.async_register_callback(hass, updated)
    return messages
