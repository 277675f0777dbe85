"""The actions of the activities the doctor cleared: ``record_clearance`` and ``withdraw_clearance``.

Contract "Activities and return to activity". ``activity`` is one of
``high_impact``, ``contact_sports``, ``heavy_lifting`` or ``own_activity``;
with ``own_activity``, ``name`` is one of the person's own activities as the
options list them (any case). The rules' refusals are translated
``ServiceValidationError``s (``engine/activities.py``); an unknown activity
reaches the rules (the schema takes any text) so that its refusal names the
activities to choose from. Both actions may return the activity as it
stands (``status``, ``cleared_on``, ``by``).
"""

from __future__ import annotations

from collections.abc import Callable
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
    ATTR_ACTIVITY,
    ATTR_ACTIVITY_NAME,
    ATTR_CLEARED_BY,
    ATTR_CLEARED_ON,
    ATTR_CONFIG_ENTRY_ID,
    DOMAIN,
    Service,
)
from .engine import RecoveryEngine
from .therapy import BY_MAX_LENGTH, OWN_NAME_MAX_LENGTH, ActivityState

_ACTIVITY_FIELDS: dict[Any, Any] = {
    vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
    vol.Required(ATTR_ACTIVITY): cv.string,
    vol.Optional(ATTR_ACTIVITY_NAME): vol.All(
        cv.string, vol.Length(max=OWN_NAME_MAX_LENGTH)
    ),
}
WITHDRAW_CLEARANCE_SCHEMA = vol.Schema(_ACTIVITY_FIELDS)
RECORD_CLEARANCE_SCHEMA = WITHDRAW_CLEARANCE_SCHEMA.extend(
    {
        vol.Optional(ATTR_CLEARED_ON): cv.date,
        vol.Required(ATTR_CLEARED_BY): vol.All(
            cv.string, vol.Length(max=BY_MAX_LENGTH)
        ),
    }
)
"""``by`` over 100 characters is refused by the schema; an empty one by the rules."""


def activity_data(state: ActivityState) -> dict[str, Any]:
    """Return an activity as it stands: ``activity``, ``name``, ``status``, ``cleared_on``, ``by``."""
    clearance = state.clearance
    return {
        ATTR_ACTIVITY: state.ref.activity.value,
        ATTR_ACTIVITY_NAME: state.ref.name,
        "status": state.status.value,
        ATTR_CLEARED_ON: clearance.on.isoformat() if clearance else None,
        ATTR_CLEARED_BY: clearance.by if clearance else None,
    }


@callback
def async_setup_activity_actions(
    hass: HomeAssistant, engine_of: Callable[[ServiceCall], RecoveryEngine]
) -> None:
    """Register the two actions; ``engine_of`` finds the engine a call names (or refuses)."""

    async def record_clearance(call: ServiceCall) -> ServiceResponse:
        state = await engine_of(call).records.activities.async_record_clearance(
            call.data[ATTR_ACTIVITY],
            call.data.get(ATTR_ACTIVITY_NAME),
            call.data.get(ATTR_CLEARED_ON),
            call.data[ATTR_CLEARED_BY],
        )
        return activity_data(state) if call.return_response else None

    async def withdraw_clearance(call: ServiceCall) -> ServiceResponse:
        state = await engine_of(call).records.activities.async_withdraw_clearance(
            call.data[ATTR_ACTIVITY], call.data.get(ATTR_ACTIVITY_NAME)
        )
        return activity_data(state) if call.return_response else None

    for action, handler, schema in (
        (Service.RECORD_CLEARANCE, record_clearance, RECORD_CLEARANCE_SCHEMA),
        (Service.WITHDRAW_CLEARANCE, withdraw_clearance, WITHDRAW_CLEARANCE_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN,
            action,
            handler,
            schema=schema,
            supports_response=SupportsResponse.OPTIONAL,
        )
