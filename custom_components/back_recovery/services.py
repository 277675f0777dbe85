"""The actions: start, stop and log sessions, set the phase."""

from __future__ import annotations

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDED_AT,
    ATTR_MINUTES,
    ATTR_MODALITY,
    ATTR_PHASE,
    DOMAIN,
    Service,
)
from .data import BackRecoveryConfigEntry
from .engine import RecoveryEngine
from .session import Modality

ENTRY_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})

START_SESSION_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_MODALITY): vol.In([m.value for m in Modality]),
        vol.Optional(ATTR_MINUTES): vol.Coerce(int),
    }
)
SET_PHASE_SCHEMA = ENTRY_SCHEMA.extend({vol.Required(ATTR_PHASE): cv.string})
LOG_SESSION_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_MODALITY): vol.In([m.value for m in Modality]),
        vol.Required(ATTR_MINUTES): vol.Coerce(int),
        vol.Optional(ATTR_ENDED_AT): cv.datetime,
    }
)


def _engine(call: ServiceCall) -> RecoveryEngine:
    """Return the engine of the entry the call names, or raise a translated refusal."""
    entry_id: str = call.data[ATTR_CONFIG_ENTRY_ID]
    entry: BackRecoveryConfigEntry | None = call.hass.config_entries.async_get_entry(
        entry_id
    )
    if (
        entry is None
        or entry.domain != DOMAIN
        or entry.state is not ConfigEntryState.LOADED
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={ATTR_CONFIG_ENTRY_ID: entry_id},
        )
    return entry.runtime_data.engine


async def _async_start_session(call: ServiceCall) -> None:
    await _engine(call).async_start_session(
        Modality(call.data[ATTR_MODALITY]), call.data.get(ATTR_MINUTES)
    )


async def _async_stop_session(call: ServiceCall) -> None:
    await _engine(call).async_stop_session()


async def _async_set_phase(call: ServiceCall) -> None:
    await _engine(call).async_set_phase(call.data[ATTR_PHASE])


async def _async_log_session(call: ServiceCall) -> None:
    ended_at = call.data.get(ATTR_ENDED_AT)
    if ended_at is not None:
        ended_at = dt_util.as_utc(
            ended_at
            if ended_at.tzinfo
            else ended_at.replace(tzinfo=dt_util.get_default_time_zone())
        )
    await _engine(call).async_log_session(
        Modality(call.data[ATTR_MODALITY]), call.data[ATTR_MINUTES], ended_at
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
    for service, handler, schema in (
        (Service.START_SESSION, _async_start_session, START_SESSION_SCHEMA),
        (Service.STOP_SESSION, _async_stop_session, ENTRY_SCHEMA),
        (Service.SET_PHASE, _async_set_phase, SET_PHASE_SCHEMA),
        (Service.LOG_SESSION, _async_log_session, LOG_SESSION_SCHEMA),
    ):
        hass.services.async_register(DOMAIN, service, handler, schema=schema)
