"""Medicines of the test entry: added through the subentry flow, doses through the action.

What a person does: add a medicine with the limits from its label, log a dose
(``back_recovery.log_dose``, its response), read a medicine's entities.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from custom_components.back_recovery.const import DOMAIN, SUBENTRY_MEDICATION
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from .ha import ENTRY_ID


async def add_medicine(
    hass: HomeAssistant,
    name: str = "Ibuprofen",
    *,
    kind: str = "nsaid",
    hours: int = 6,
    most: int = 4,
    supply: int | None = None,
    notify: bool = False,
    entry_id: str = ENTRY_ID,
) -> str:
    """Add a medicine through the subentry flow (limits from the label); return its subentry id."""
    result = await hass.config_entries.subentries.async_init(
        (entry_id, SUBENTRY_MEDICATION), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    user_input: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "min_hours_between": hours,
        "max_doses_per_24h": most,
        "limits_from": "label",
        "notify_warnings": notify,
    }
    if supply is not None:
        user_input["supply"] = supply
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    return next(
        sub.subentry_id
        for sub in entry.subentries.values()
        if sub.subentry_type == SUBENTRY_MEDICATION and sub.title == name
    )


def medicine_entity(
    hass: HomeAssistant, platform: str, subentry_id: str, key: str
) -> str:
    """Return the entity id of a medicine's entity ``key`` (``next_dose_allowed`` …)."""
    entity_id = er.async_get(hass).async_get_entity_id(
        platform, DOMAIN, f"{ENTRY_ID}_{subentry_id}_{key}"
    )
    assert entity_id is not None, key
    return entity_id


async def log_dose(
    hass: HomeAssistant, medication: str, taken_at: datetime | None = None
) -> dict[str, Any]:
    """Call ``back_recovery.log_dose`` for the test entry; return its response."""
    data: dict[str, Any] = {"config_entry_id": ENTRY_ID, "medication": medication}
    if taken_at is not None:
        data["taken_at"] = taken_at.isoformat()
    response = await hass.services.async_call(
        DOMAIN, "log_dose", data, blocking=True, return_response=True
    )
    await hass.async_block_till_done()
    assert response is not None
    return dict(response)
