"""The plug's auto-off in the flows: its fields, its checks, its suggestion (contract rule 15).

``plug_auto_off`` (a ``number`` of the plug's device counting ``s``, ``min``
or ``h``) and ``plug_auto_off_switch`` (the ``switch`` that enables it) are
offered in the config flow, reconfigure and options, and stored with the
options. Setting them before a heat start is ``engine/backstop.py``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, Platform
from homeassistant.core import HomeAssistant, callback, split_entity_id
from homeassistant.helpers import entity_registry as er

from .const import CONF_PLUG_AUTO_OFF
from .options import BACKSTOP_OPTIONS
from .plug_entity import PlugRefusedError, one_on_plug_device, resolve_entity
from .therapy import SECONDS_PER_UNIT

TIME_UNITS: Final = frozenset(SECONDS_PER_UNIT)
"""The units an auto-off may count in."""


def backstop_suggestions(
    hass: HomeAssistant, values: Mapping[str, Any], pad: str | None
) -> dict[str, str | None]:
    """Return the form's suggested auto-off and switch: as in ``values``, by field.

    Without an auto-off in ``values``, the plug ``pad``'s device's one number
    that counts time is suggested.
    """
    suggested = {key: values.get(key) or None for key in BACKSTOP_OPTIONS}
    if suggested[CONF_PLUG_AUTO_OFF] is None:
        suggested[CONF_PLUG_AUTO_OFF] = suggested_auto_off(hass, pad)
    return suggested


def validate_backstop(
    hass: HomeAssistant, values: dict[str, Any], errors: dict[str, str]
) -> None:
    """Check the auto-off and its switch in ``values``; put each error key on its field.

    An entity given by registry id is replaced by its entity id in ``values``.
    """
    for key, domain in BACKSTOP_OPTIONS.items():
        if value := values.get(key):
            try:
                values[key] = validate_auto_off(hass, value, domain)
            except PlugRefusedError as err:
                errors[key] = err.reason


def backstop_options(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the auto-off and its switch set in ``values``, as the options store them."""
    return {key: values[key] for key in BACKSTOP_OPTIONS if values.get(key)}


def with_backstop(
    options: Mapping[str, Any], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``options`` with the auto-off and its switch as ``values`` has them (absent: none)."""
    kept = {key: value for key, value in options.items() if key not in BACKSTOP_OPTIONS}
    return kept | backstop_options(values)


def validate_auto_off(hass: HomeAssistant, entity_id_or_uuid: str, domain: str) -> str:
    """Return the entity id of an auto-off (``number``) or its enabling switch (``switch``).

    Raises ``PlugRefusedError``: ``entity_not_found``; ``plug_auto_off_unit``
    (not a number, or one whose unit is known and is not ``s``, ``min`` or
    ``h``); ``plug_auto_off_switch_invalid`` (not a switch).
    """
    if (entity_id := resolve_entity(hass, entity_id_or_uuid)) is None:
        raise PlugRefusedError("entity_not_found")
    number = domain == Platform.NUMBER
    if split_entity_id(entity_id)[0] != domain:
        raise PlugRefusedError(
            "plug_auto_off_unit" if number else "plug_auto_off_switch_invalid"
        )
    if (
        number
        and (unit := _unit(hass, entity_id)) is not None
        and unit not in TIME_UNITS
    ):
        raise PlugRefusedError("plug_auto_off_unit")
    return entity_id


def _unit(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return the unit of ``entity_id``: its state's, else its registry entry's."""
    if (state := hass.states.get(entity_id)) is not None:
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        return str(unit) if unit is not None else None
    entry = er.async_get(hass).async_get(entity_id)
    return entry.unit_of_measurement if entry is not None else None


@callback
def suggested_auto_off(hass: HomeAssistant, pad: str | None) -> str | None:
    """Return the one ``number`` of the plug ``pad``'s device that counts time.

    ``None`` without a plug on a device, or with no or several such numbers.
    """
    return one_on_plug_device(
        hass,
        pad,
        lambda other: (
            other.domain == Platform.NUMBER
            and _unit(hass, other.entity_id) in TIME_UNITS
        ),
    )
