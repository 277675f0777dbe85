"""The action ``back_recovery.log_exercise`` (contract "Exercises (the rehabilitation programme)")."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv

from .const import (
    ATTR_DONE_AT,
    ATTR_EXERCISE,
    ATTR_NOTE,
    ATTR_PAIN_DURING,
    ATTR_REPS_DONE,
    ATTR_SECONDS_DONE,
    ATTR_SETS_DONE,
    ATTR_SKIP_REASON,
    ATTR_SKIPPED,
    DOMAIN,
    Service,
)
from .services import ENTRY_SCHEMA, _as_utc, _engine, _whole
from .therapy import NOTE_MAX_LENGTH, PAIN_LEVEL_MAX, PAIN_LEVEL_MIN, SkipReason


def _count(low: int, high: int) -> vol.All[Any]:
    return vol.All(vol.Coerce(float), _whole, vol.Range(min=low, max=high))


LOG_EXERCISE_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_EXERCISE): vol.All(cv.string, vol.Length(min=1)),
        vol.Optional(ATTR_DONE_AT): vol.All(cv.datetime, _as_utc),
        vol.Optional(ATTR_SETS_DONE): _count(0, 10),
        vol.Optional(ATTR_REPS_DONE): _count(0, 100),
        vol.Optional(ATTR_SECONDS_DONE): _count(0, 3600),
        vol.Optional(ATTR_PAIN_DURING): _count(PAIN_LEVEL_MIN, PAIN_LEVEL_MAX),
        vol.Optional(ATTR_SKIPPED, default=False): cv.boolean,
        vol.Optional(ATTR_SKIP_REASON): vol.All(
            vol.In([reason.value for reason in SkipReason]), SkipReason
        ),
        vol.Optional(ATTR_NOTE): vol.All(cv.string, vol.Length(max=NOTE_MAX_LENGTH)),
    }
)
"""A pain level outside 0 to 10, a note over 200 characters or an unknown
skip reason is refused by the schema; a skip without its reason, a future
``done_at``, one before the injury date and an unknown exercise by the
programme (translated)."""


async def _async_log_exercise(call: ServiceCall) -> ServiceResponse:
    """Log the session; return what was stored (the target beside what was done)."""
    programme = _engine(call).records.exercises
    assert programme is not None
    data = call.data
    entry = await programme.async_log(
        data[ATTR_EXERCISE],
        done_at=data.get(ATTR_DONE_AT),
        sets_done=data.get(ATTR_SETS_DONE),
        reps_done=data.get(ATTR_REPS_DONE),
        seconds_done=data.get(ATTR_SECONDS_DONE),
        pain_during=data.get(ATTR_PAIN_DURING),
        skipped=data[ATTR_SKIPPED],
        skip_reason=data.get(ATTR_SKIP_REASON),
        note=data.get(ATTR_NOTE),
    )
    if not call.return_response:
        return None
    stored = entry.as_dict()
    stored.pop(ATTR_NOTE)
    return stored


@callback
def async_setup_exercise_services(hass: HomeAssistant) -> None:
    """Register ``log_exercise``."""
    hass.services.async_register(
        DOMAIN,
        Service.LOG_EXERCISE,
        _async_log_exercise,
        schema=LOG_EXERCISE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
