"""The action ``back_recovery.log_dose`` (contract "Pain medication").

A dose is never refused for the limits: it is recorded and the response
says what it means against the limits the person entered (``warnings``,
``within_limits``, ``next_dose_allowed``, ``doses_24h``, the supply). What
is refused is input that is no dose: an unknown medicine
(``unknown_medication``) or a moment in the future (``taken_at_in_future``).
"""

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
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from .const import ATTR_MEDICATION, ATTR_TAKEN_AT, DOMAIN, Service
from .engine import LoggedDose, RecoveryEngine
from .services import ENTRY_SCHEMA, _as_utc, _engine

LOG_DOSE_SCHEMA = ENTRY_SCHEMA.extend(
    {
        vol.Required(ATTR_MEDICATION): vol.All(cv.string, vol.Length(min=1)),
        vol.Optional(ATTR_TAKEN_AT): vol.All(cv.datetime, _as_utc),
    }
)


async def async_log_dose(
    engine: RecoveryEngine, medication: str, taken_at: Any = None
) -> LoggedDose:
    """Record a dose of ``medication`` (a name or a subentry id) for the recovery of ``engine``.

    Raises ``ServiceValidationError`` ``unknown_medication`` (placeholders
    ``medication`` and ``medications``, the names to choose from),
    ``unknown_medication_none`` (the recovery has no medicine) or
    ``taken_at_in_future``. Shared by the action, the button and the voice.
    """
    part = engine.records.medication
    if (medicine_id := part.find(medication)) is None:
        names = ", ".join(sorted(m.name for m in part.log.medicines.values()))
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_medication"
            if names
            else "unknown_medication_none",
            translation_placeholders={ATTR_MEDICATION: medication}
            | ({"medications": names} if names else {}),
        )
    if taken_at is not None and taken_at > dt_util.utcnow():
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="taken_at_in_future"
        )
    return await part.async_log_dose(medicine_id, taken_at)


async def _async_log_dose(call: ServiceCall) -> ServiceResponse:
    logged = await async_log_dose(
        _engine(call), call.data[ATTR_MEDICATION], call.data.get(ATTR_TAKEN_AT)
    )
    return logged.as_response() if call.return_response else None


@callback
def async_setup_medication_services(hass: HomeAssistant) -> None:
    """Register ``log_dose`` (its response is optional)."""
    hass.services.async_register(
        DOMAIN,
        Service.LOG_DOSE,
        _async_log_dose,
        schema=LOG_DOSE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
