"""Tests of the actions start_session, stop_session and log_session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
)
import voluptuous as vol

from custom_components.back_recovery.const import (
    CONF_HEATING_PAD,
    CONF_SESSION_MINUTES,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.services import (
    LOG_SESSION_SCHEMA,
    SET_PHASE_SCHEMA,
    START_SESSION_SCHEMA,
)
from custom_components.back_recovery.therapy.phases import Phase
from custom_components.back_recovery.therapy.session import Modality
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component

from .helpers.assist import set_profile
from .helpers.clock import advance
from .helpers.files import services_yaml, translations
from .helpers.ha import (
    ENTRY_ID,
    HEATING_PAD,
    LAST_SESSION_END,
    NEXT_SESSION_ALLOWED,
    PHASE,
    PLUG,
    SESSION_ACTIVE,
    SESSION_ENDS,
    SESSIONS_TODAY,
    SKIN_REST,
    TIME_SINCE_LAST_SESSION,
    action,
    entity_state,
)


async def test_actions_registered_without_entries(hass: HomeAssistant) -> None:
    """The actions exist as soon as the integration is set up, before any entry."""
    assert await async_setup_component(hass, DOMAIN, {})
    for service in ("start_session", "stop_session", "log_session", "set_phase"):
        assert hass.services.has_service(DOMAIN, service)


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_start_session_heat_switches_plug_on(hass: HomeAssistant) -> None:
    """start_session with heat switches the plug on and runs the session."""
    await action(hass, "start_session", modality="heat", minutes=7)
    assert entity_state(hass, PLUG) == STATE_ON
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSION_ENDS) == "2026-11-25T09:07:00+00:00"
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "0"


@pytest.mark.usefixtures("init_integration")
async def test_start_session_ice_leaves_plug_alone(hass: HomeAssistant) -> None:
    """start_session with ice runs a session and leaves the plug off."""
    await action(hass, "start_session", modality="ice")
    assert entity_state(hass, PLUG) == STATE_OFF
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON
    assert entity_state(hass, SESSIONS_TODAY) == "1"


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("minutes", [0, 21, -1])
async def test_start_session_minutes_out_of_range(
    hass: HomeAssistant, minutes: int
) -> None:
    """Minutes outside 1..session_minutes are refused, nothing starts, nothing is blocked."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat", minutes=minutes)
    assert info.value.translation_key == "minutes_out_of_range"
    assert info.value.translation_placeholders == {"max_minutes": "20"}
    assert "1 to 20 minutes" in str(info.value)
    assert entity_state(hass, PLUG) == STATE_OFF
    assert blocked == []


@pytest.mark.parametrize("entry_options", [{CONF_SESSION_MINUTES: 10}])
@pytest.mark.usefixtures("init_integration")
async def test_start_session_minutes_above_option_refused(
    hass: HomeAssistant,
) -> None:
    """The configured session_minutes is the maximum an action may ask for."""
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="ice", minutes=11)
    assert info.value.translation_placeholders == {"max_minutes": "10"}
    await action(hass, "start_session", modality="ice", minutes=10)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    "data",
    [
        {"config_entry_id": ENTRY_ID, "modality": "fire"},
        {"config_entry_id": ENTRY_ID},
        {"modality": "heat"},
        {"config_entry_id": ENTRY_ID, "modality": "heat", "minutes": "lots"},
    ],
)
async def test_start_session_bad_input_refused_by_schema(
    hass: HomeAssistant, data: dict[str, Any]
) -> None:
    """An unknown modality, no modality, no entry id or bad minutes fail validation."""
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(DOMAIN, "start_session", data, blocking=True)
    assert entity_state(hass, PLUG) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
async def test_unknown_entry_refused(hass: HomeAssistant) -> None:
    """An entry id that does not exist is refused with entry_not_loaded."""
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(
            DOMAIN,
            "start_session",
            {"config_entry_id": "nope", "modality": "ice"},
            blocking=True,
        )
    assert info.value.translation_key == "entry_not_loaded"
    assert info.value.translation_placeholders == {"config_entry_id": "nope"}
    assert str(info.value) == "No loaded Back Recovery entry has the id nope"


@pytest.mark.usefixtures("init_integration")
async def test_foreign_entry_refused(hass: HomeAssistant) -> None:
    """Another integration's entry id is refused with entry_not_loaded."""
    other = MockConfigEntry(domain="input_boolean", entry_id="OTHER")
    other.add_to_hass(hass)
    for service, data in (
        ("start_session", {"modality": "ice"}),
        ("stop_session", {}),
        ("log_session", {"modality": "ice", "minutes": 5}),
        ("set_phase", {"phase": "rest"}),
    ):
        with pytest.raises(ServiceValidationError) as info:
            await hass.services.async_call(
                DOMAIN, service, {"config_entry_id": "OTHER", **data}, blocking=True
            )
        assert info.value.translation_domain == DOMAIN
        assert info.value.translation_key == "entry_not_loaded"


async def test_unloaded_entry_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An entry that is not loaded is refused with entry_not_loaded."""
    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    for service, data in (
        ("start_session", {"modality": "heat"}),
        ("set_phase", {"phase": "rest"}),
    ):
        with pytest.raises(ServiceValidationError) as info:
            await action(hass, service, **data)
        assert info.value.translation_domain == DOMAIN
        assert info.value.translation_key == "entry_not_loaded"
    assert entity_state(hass, PLUG) == STATE_OFF


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("entry_id", [ENTRY_ID, "nope"])
async def test_set_phase_unknown_phase_refused_by_schema(
    hass: HomeAssistant, entry_id: str
) -> None:
    """An unknown phase fails in the schema, before the entry, naming the four phases."""
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(
            DOMAIN,
            "set_phase",
            {"config_entry_id": entry_id, "phase": "healed"},
            blocking=True,
        )
    assert info.value.translation_domain == DOMAIN
    assert info.value.translation_key == "unknown_phase"
    assert str(info.value) == (
        "There is no recovery phase called healed. Choose one of: "
        "rest, rehabilitation, return_to_activity, recovered"
    )
    assert entity_state(hass, PHASE) == "rest"


@pytest.mark.usefixtures("init_integration")
async def test_schemas_coerce_the_fields(hass: HomeAssistant) -> None:
    """The schemas hand the handlers a Phase, a Modality, int minutes and a UTC end."""
    entry = {"config_entry_id": ENTRY_ID}

    assert SET_PHASE_SCHEMA({**entry, "phase": "rehabilitation"})["phase"] is (
        Phase.REHABILITATION
    )
    start = START_SESSION_SCHEMA({**entry, "modality": "heat", "minutes": "7"})
    assert start["modality"] is Modality.HEAT
    assert start["minutes"] == 7
    logged = LOG_SESSION_SCHEMA(
        {**entry, "modality": "ice", "minutes": 5.0, "ended_at": "2026-11-25T00:30:00"}
    )
    assert logged["modality"] is Modality.ICE
    assert logged["minutes"] == 5
    # Without a time zone, ended_at is local time (US/Pacific in the tests).
    assert logged["ended_at"] == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert logged["ended_at"].tzinfo is UTC
    aware = LOG_SESSION_SCHEMA(
        {**entry, "modality": "ice", "minutes": 5, "ended_at": "2026-11-25T00:30:00Z"}
    )
    assert aware["ended_at"] == datetime(2026, 11, 25, 0, 30, tzinfo=UTC)


@pytest.mark.usefixtures("init_integration")
async def test_start_session_while_running_refused(hass: HomeAssistant) -> None:
    """A start while a session runs is refused with its end, and blocked."""
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await action(hass, "start_session", modality="heat", minutes=15)
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="ice")
    assert info.value.translation_key == "session_running"
    assert info.value.translation_placeholders == {"allowed_at": "1:15 AM"}
    await hass.async_block_till_done()
    assert [(e.data["modality"], e.data["allowed_at"]) for e in blocked] == [
        ("ice", "2026-11-25T09:15:00+00:00")
    ]


@pytest.mark.parametrize(
    "entry_data",
    [{"name": "Back recovery", "injury_date": "2026-11-20"}],
)
@pytest.mark.usefixtures("init_integration")
async def test_heat_without_heating_pad_refused(hass: HomeAssistant) -> None:
    """Heat needs a configured plug; ice works without one."""
    assert CONF_HEATING_PAD not in hass.config_entries.async_get_entry(ENTRY_ID).data  # type: ignore[union-attr]
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat")
    assert info.value.translation_key == "no_heating_pad"
    assert hass.states.get(HEATING_PAD) is None
    await action(hass, "start_session", modality="ice")
    assert entity_state(hass, SESSION_ACTIVE) == STATE_ON


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_stop_session_ends_heat_and_switches_off(hass: HomeAssistant) -> None:
    """stop_session ends heat with reason stopped and switches the plug off."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await action(hass, "start_session", modality="heat")
    await action(hass, "stop_session")
    assert entity_state(hass, PLUG) == STATE_OFF
    assert [e.data["reason"] for e in ended] == ["stopped"]
    assert entity_state(hass, SKIN_REST) == STATE_ON
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "0"


@pytest.mark.usefixtures("init_integration")
async def test_stop_session_without_session_does_nothing(hass: HomeAssistant) -> None:
    """stop_session with nothing running does nothing and raises nothing."""
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    await action(hass, "stop_session")
    await action(hass, "stop_session")
    await hass.async_block_till_done()
    assert ended == []
    assert entity_state(hass, LAST_SESSION_END) == "unknown"


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_log_session_counts_for_rest_gap_and_sensors(
    hass: HomeAssistant,
) -> None:
    """A logged session sets the last end, the rest gap and today's count."""
    await action(
        hass,
        "log_session",
        modality="ice",
        minutes=15,
        ended_at="2026-11-25T00:30:00",
    )
    # 00:30 local (US/Pacific) is 08:30 UTC.
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T08:30:00+00:00"
    assert entity_state(hass, NEXT_SESSION_ALLOWED) == "2026-11-25T10:30:00+00:00"
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "30"
    assert entity_state(hass, SESSIONS_TODAY) == "1"
    assert entity_state(hass, SKIN_REST) == STATE_ON
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "start_session", modality="heat")
    assert info.value.translation_key == "rest_gap_active"
    assert info.value.translation_placeholders == {"allowed_at": "2:30 AM"}


@pytest.mark.usefixtures("init_integration")
async def test_log_session_defaults_to_now(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without ended_at, the logged session ends now."""
    await action(hass, "log_session", modality="heat", minutes=5)
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T09:00:00+00:00"


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"minutes": 5, "ended_at": "2026-11-25T02:00:00"}, "ended_at_in_future"),
        ({"minutes": 0}, "minutes_out_of_range"),
        ({"minutes": 21}, "minutes_out_of_range"),
        ({"minutes": 10, "ended_at": "2026-11-25T00:05:00"}, "session_overlaps"),
    ],
)
async def test_log_session_refusals(
    hass: HomeAssistant, data: dict[str, Any], key: str
) -> None:
    """Logging refuses the future, bad minutes and overlaps; nothing is recorded."""
    await action(
        hass, "log_session", modality="ice", minutes=10, ended_at="2026-11-25T00:00:00"
    )
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "log_session", modality="ice", **data)
    assert info.value.translation_key == key
    assert entity_state(hass, LAST_SESSION_END) == "2026-11-25T08:00:00+00:00"


@pytest.mark.usefixtures("init_integration")
async def test_log_session_overlapping_running_session_refused(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A logged session may not overlap the one running now."""
    await action(hass, "start_session", modality="ice")
    freezer.tick(timedelta(minutes=3))
    with pytest.raises(ServiceValidationError) as info:
        await action(hass, "log_session", modality="heat", minutes=5)
    assert info.value.translation_key == "session_overlaps"


def test_services_yaml_matches_translations() -> None:
    """Every action and field in services.yaml has a name and description in en.json."""
    services = services_yaml()
    texts = translations()
    assert set(services) == set(texts["services"])
    for service, spec in services.items():
        described = texts["services"][service]
        assert described["name"]
        assert described["description"]
        assert set(spec.get("fields", {})) == set(described.get("fields", {}))
        for field in described.get("fields", {}).values():
            assert field["name"]
            assert field["description"]


def test_refusal_keys_have_messages() -> None:
    """Every refusal the engine raises has a message in en.json."""
    texts = translations()
    for key in (
        "rest_gap_active",
        "no_heating_pad",
        "heating_pad_unavailable",
        "session_running",
        "session_overlaps",
        "ended_at_in_future",
        "minutes_out_of_range",
        "entry_not_loaded",
        "heating_pad_not_responding",
        "plan_not_saved",
    ):
        assert texts["exceptions"][key]["message"]


# The session sensors the actions drive.


@pytest.mark.usefixtures("init_integration")
async def test_sessions_today_resets_at_local_midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """sessions_today counts since local midnight and drops to 0 at the next one."""
    await action(hass, "start_session", modality="ice", minutes=5)
    assert entity_state(hass, SESSIONS_TODAY) == "1"
    # 09:00 UTC is 01:00 in US/Pacific: local midnight is 23 hours away.
    await advance(hass, freezer, timedelta(hours=22, minutes=59, seconds=59))
    assert entity_state(hass, SESSIONS_TODAY) == "1"
    await advance(hass, freezer, timedelta(seconds=1))
    assert entity_state(hass, SESSIONS_TODAY) == "0"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_time_since_last_session_ticks_on_the_minute(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
) -> None:
    """The minutes since the last session update every minute, and only then."""
    engine = init_integration.runtime_data.engine
    assert engine.state.as_diagnostics()["minute_tick"] is False
    await action(hass, "start_session", modality="ice", minutes=1)
    assert engine.state.as_diagnostics()["minute_tick"] is False
    await advance(hass, freezer, timedelta(seconds=60))
    assert engine.state.as_diagnostics()["minute_tick"] is True
    assert entity_state(hass, TIME_SINCE_LAST_SESSION) == "0"
    for minutes in (1, 2, 3):
        await advance(hass, freezer, timedelta(seconds=60))
        assert entity_state(hass, TIME_SINCE_LAST_SESSION) == str(minutes)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("language", "time_format", "said"),
    [
        ("en", None, "3:00 AM"),
        ("de", None, "03:00"),
        ("en", "24", "03:00"),
        ("de", "12", "3:00 AM"),
    ],
)
async def test_refusal_said_on_the_askers_clock(
    hass: HomeAssistant,
    hass_admin_user: MockUser,
    language: str,
    time_format: str | None,
    said: str,
) -> None:
    """A refusal's time follows the person's time format, else the language's clock."""
    hass.config.language = language
    await set_profile(
        hass,
        hass_admin_user.id,
        None
        if time_format is None
        else {"language": language, "time_format": time_format},
    )
    await action(hass, "start_session", modality="ice", minutes=10)
    await action(hass, "stop_session")
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(
            DOMAIN,
            "start_session",
            {"config_entry_id": ENTRY_ID, "modality": "heat"},
            blocking=True,
            context=Context(user_id=hass_admin_user.id),
        )
    assert info.value.translation_key == "rest_gap_active"
    assert info.value.translation_placeholders == {"allowed_at": said}
