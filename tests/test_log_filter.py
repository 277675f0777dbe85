"""Tests that a refusal never shows as an ERROR in Home Assistant's log."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from custom_components.back_recovery.const import DOMAIN
from custom_components.back_recovery.log_filter import SERVICE_CALL_LOGGERS
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component

from .helpers.ha import ENTRY_ID, HEATING_PAD, switch
from .helpers.plug import PLUG_FAILS, set_input_boolean

OUR_LOGGER = "custom_components.back_recovery.log_filter"


@pytest.fixture(autouse=True)
def capture_everything(caplog: pytest.LogCaptureFixture) -> None:
    """Capture every level, the websocket API's debug tracebacks included."""
    caplog.set_level(logging.DEBUG)


async def ws_call(hass: HomeAssistant, hass_ws_client: Any, **call: Any) -> Any:
    """Call a service over the websocket API, as the frontend does; return the result."""
    assert await async_setup_component(hass, "websocket_api", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "call_service", **call})
    result = await client.receive_json()
    await hass.async_block_till_done()
    return result


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the records at ERROR or above, and every record with a traceback."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.usefixtures("init_integration")
async def test_refused_toggle_logs_no_error(
    hass: HomeAssistant, hass_ws_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused switch toggle from the frontend: no ERROR, no traceback, one debug line."""
    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    caplog.clear()
    result = await ws_call(
        hass,
        hass_ws_client,
        domain="switch",
        service="turn_on",
        target={"entity_id": HEATING_PAD},
    )
    assert result["error"]["translation_key"] == "rest_gap_active"
    assert errors(caplog) == []
    refused = [r for r in caplog.records if r.name == OUR_LOGGER]
    assert [r.levelno for r in refused] == [logging.DEBUG]
    assert "The skin is resting" in refused[0].getMessage()


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("action", "data", "key"),
    [
        (
            "log_pain",
            {"level": 4, "recorded_at": "2100-01-01T00:00:00"},
            "recorded_at_in_future",
        ),
        ("start_session", {"modality": "heat"}, "rest_gap_active"),
    ],
)
async def test_refused_action_in_developer_tools_logs_no_error(
    hass: HomeAssistant,
    *,
    hass_ws_client: Any,
    caplog: pytest.LogCaptureFixture,
    action: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Developer tools → Actions runs the action as a script: a refusal is no ERROR there either."""
    await switch(hass, HEATING_PAD, on=True)
    await switch(hass, HEATING_PAD, on=False)
    assert await async_setup_component(hass, "websocket_api", {})
    client = await hass_ws_client(hass)
    caplog.clear()
    await client.send_json_auto_id(
        {
            "type": "execute_script",
            "sequence": [
                {
                    "action": f"{DOMAIN}.{action}",
                    "data": {"config_entry_id": ENTRY_ID, **data},
                }
            ],
        }
    )
    result = await client.receive_json()
    await hass.async_block_till_done()
    assert result["error"]["translation_key"] == key
    assert errors(caplog) == []
    # Said again at DEBUG, once for each logger that reported it (script, websocket).
    assert {r.levelno for r in caplog.records if r.name == OUR_LOGGER} == {
        logging.DEBUG
    }


@pytest.mark.usefixtures("init_integration")
async def test_unconfirmed_start_logs_a_warning(
    hass: HomeAssistant, hass_ws_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A plug that fails turn_on (rule 11) is a warning, not an ERROR with a traceback."""
    await set_input_boolean(hass, PLUG_FAILS, on=True)
    caplog.clear()
    result = await ws_call(
        hass,
        hass_ws_client,
        domain="switch",
        service="turn_on",
        target={"entity_id": HEATING_PAD},
    )
    assert result["error"]["translation_key"] == "heating_pad_not_responding"
    # The simulated plug's own script logs its failure; nothing else does.
    assert [
        r
        for r in errors(caplog)
        if not r.name.startswith("homeassistant.helpers.script")
    ] == []
    assert [r.levelno for r in caplog.records if r.name == OUR_LOGGER] == [
        logging.WARNING
    ]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("error", "level"),
    [
        (ServiceValidationError("Not like this"), logging.ERROR),
        (
            ServiceValidationError(
                translation_domain="other", translation_key="rest_gap_active"
            ),
            logging.ERROR,
        ),
        (HomeAssistantError("Broken"), logging.ERROR),
    ],
)
async def test_other_integrations_errors_stay_errors(
    hass: HomeAssistant,
    hass_ws_client: Any,
    caplog: pytest.LogCaptureFixture,
    error: HomeAssistantError,
    level: int,
) -> None:
    """Another integration's errors are still logged at ERROR."""

    async def fail(call: ServiceCall) -> None:
        raise error

    hass.services.async_register("other", "fail", fail)
    caplog.clear()
    result = await ws_call(hass, hass_ws_client, domain="other", service="fail")
    assert not result["success"]
    assert [r.levelno for r in caplog.records if r.levelno >= logging.ERROR] == [level]
    assert not [r for r in caplog.records if r.name == OUR_LOGGER]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize("logger", SERVICE_CALL_LOGGERS)
async def test_filter_on_each_service_call_logger(
    caplog: pytest.LogCaptureFixture, logger: str
) -> None:
    """Our error logged as Home Assistant's APIs log it is taken out; a line about it is kept."""
    err = HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="plan_not_saved",
    )
    try:
        raise err
    except HomeAssistantError as caught:
        logging.getLogger(logger).error(
            "Error during service call to %s.%s: %s", "switch", "turn_on", caught
        )
        logging.getLogger(logger).error("Something else went wrong")
    assert [(r.name, r.levelno) for r in caplog.records] == [
        (OUR_LOGGER, logging.WARNING),
        (logger, logging.ERROR),
    ]
