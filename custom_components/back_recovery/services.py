"""The actions: start, stop and log sessions, set the phase, log pain (clearances: ``activity_actions.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util import dt as dt_util

from .activity_actions import async_setup_activity_actions
from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENDED_AT,
    ATTR_LEVEL,
    ATTR_MINUTES,
    ATTR_MODALITY,
    ATTR_NOTE,
    ATTR_PHASE,
    ATTR_RECORDED_AT,
    DOMAIN,
    Service,
)
from .data import BackRecoveryConfigEntry
from .engine import RecoveryEngine
from .errors import async_said_to
from .therapy import NOTE_MAX_LENGTH, PAIN_LEVEL_MAX, PAIN_LEVEL_MIN, Modality, Phase


def _phase(value: Any) -> Phase:
    """Return the phase named ``value``.

    Raises the translated ``unknown_phase`` refusal (a ``ServiceValidationError``
    naming the four phases) for any other value.
    """
    try:
        return Phase(value)
    except ValueError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_phase",
            translation_placeholders={"phase": str(value), "phases": ", ".join(Phase)},
        ) from err


def _as_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a moment without a time zone is local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(moment)


def _whole(value: float) -> int:
    """Return a whole number as an ``int``; a fraction is refused (``vol.Invalid``), never rounded."""
    if not float(value).is_integer():
        raise vol.Invalid("not a whole number")
    return int(value)


MODALITY = vol.All(vol.In([modality.value for modality in Modality]), Modality)

ENTRY_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})
START_SESSION_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_MODALITY): MODALITY,
        vol.Optional(ATTR_MINUTES): vol.Coerce(int),
    }
)
SET_PHASE_SCHEMA = ENTRY_SCHEMA.extend({vol.Required(ATTR_PHASE): _phase})
LOG_SESSION_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_MODALITY): MODALITY,
        vol.Required(ATTR_MINUTES): vol.Coerce(int),
        vol.Optional(ATTR_ENDED_AT): vol.All(cv.datetime, _as_utc),
    }
)

LOG_PAIN_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_LEVEL): vol.All(
            vol.Coerce(float),
            _whole,
            vol.Range(min=PAIN_LEVEL_MIN, max=PAIN_LEVEL_MAX),
        ),
        vol.Optional(ATTR_RECORDED_AT): vol.All(cv.datetime, _as_utc),
        vol.Optional(ATTR_NOTE): vol.All(cv.string, vol.Length(max=NOTE_MAX_LENGTH)),
    }
)
"""Contract "Pain diary and review": a level outside 0 to 10 or a note over
200 characters is refused by the schema."""


def _engine(call: ServiceCall) -> RecoveryEngine:
    """Return the engine of the entry the call names.

    Raises ``ServiceValidationError`` with our ``entry_not_loaded`` (contract.md)
    for an entry that does not exist, is another integration's or is not
    loaded, in place of Home Assistant's own three keys.
    """
    entry_id: str = call.data[ATTR_CONFIG_ENTRY_ID]
    try:
        entry: BackRecoveryConfigEntry = service.async_get_config_entry(
            call.hass, DOMAIN, entry_id
        )
    except ServiceValidationError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={ATTR_CONFIG_ENTRY_ID: entry_id},
        ) from err
    return entry.runtime_data.engine


async def _async_start_session(call: ServiceCall) -> None:
    async with async_said_to(call.hass, call.context.user_id):
        await _engine(call).async_start_session(
            call.data[ATTR_MODALITY], call.data.get(ATTR_MINUTES)
        )


async def _async_stop_session(call: ServiceCall) -> None:
    await _engine(call).async_stop_session()


async def _async_set_phase(call: ServiceCall) -> None:
    await _engine(call).async_set_phase(call.data[ATTR_PHASE])


async def _async_log_session(call: ServiceCall) -> None:
    await _engine(call).async_log_session(
        call.data[ATTR_MODALITY], call.data[ATTR_MINUTES], call.data.get(ATTR_ENDED_AT)
    )


async def _async_log_pain(call: ServiceCall) -> None:
    await _engine(call).async_log_pain(
        call.data[ATTR_LEVEL], call.data.get(ATTR_RECORDED_AT), call.data.get(ATTR_NOTE)
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions."""
    for action, handler, schema in (
        (Service.START_SESSION, _async_start_session, START_SESSION_SCHEMA),
        (Service.STOP_SESSION, _async_stop_session, ENTRY_SCHEMA),
        (Service.SET_PHASE, _async_set_phase, SET_PHASE_SCHEMA),
        (Service.LOG_SESSION, _async_log_session, LOG_SESSION_SCHEMA),
        (Service.LOG_PAIN, _async_log_pain, LOG_PAIN_SCHEMA),
    ):
        hass.services.async_register(DOMAIN, action, handler, schema=schema)
    async_setup_activity_actions(hass, _engine)
