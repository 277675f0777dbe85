"""The brace's sensor: which entities may say the brace is worn, the form's field, and what a state says.

Contract "Brace": optional ``brace_sensor``, a ``binary_sensor`` that is on
while the brace is worn, or a temperature ``sensor`` in the brace, worn above
30 °C (``therapy.worn_from_temperature``). Without one, the ``brace_worn``
switch says it. A state that is unavailable, unknown, not a number or in no
temperature unit says nothing (``None``): that time is never counted as worn.

The options form: the frontend leaves a cleared optional field out of what
it sends, and a caller may submit any subset of the options. So the brace's
two fields are read together, and both are suggested in the form rather than
given a default (a default would fill in the hours of every submission): a
submission with ``brace_hours_per_day`` and without ``brace_sensor`` (or
with it empty) means no sensor; one with neither keeps both as they are. The
frontend always sends the hours it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    Platform,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, State, split_entity_id
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    EntityWithDeviceFilterSelectorConfig,
)
from homeassistant.util.unit_conversion import TemperatureConverter

from .const import CONF_BRACE_HOURS_PER_DAY, CONF_BRACE_SENSOR
from .plug_entity import resolve_entity
from .therapy import worn_from_temperature


class BraceSensorSelector(EntitySelector):
    """The options form's picker of the brace's sensor; an empty value (``None``, ``""``) means none."""

    def __init__(self) -> None:
        """Offer binary sensors and temperature sensors."""
        super().__init__(
            EntitySelectorConfig(
                filter=[
                    EntityWithDeviceFilterSelectorConfig(domain=Platform.BINARY_SENSOR),
                    EntityWithDeviceFilterSelectorConfig(
                        domain=Platform.SENSOR,
                        device_class=SensorDeviceClass.TEMPERATURE,
                    ),
                ]
            )
        )

    def __call__(self, data: Any) -> Any:
        """Return ``None`` for an empty value, else the entity as Home Assistant's selector checks it."""
        if data is None or data == "":
            return None
        return super().__call__(data)


def validate_brace_input(
    hass: HomeAssistant, user_input: Mapping[str, Any], values: dict[str, Any]
) -> dict[str, str]:
    """Put the submitted brace sensor into ``values``; return field → error key.

    The two brace fields are read together (see the module). Errors:
    ``entity_not_found``, ``brace_sensor_invalid`` (neither a binary sensor
    nor a temperature sensor).
    """
    if (
        CONF_BRACE_SENSOR not in user_input
        and CONF_BRACE_HOURS_PER_DAY not in user_input
    ):
        return {}
    if not (chosen := user_input.get(CONF_BRACE_SENSOR)):
        values[CONF_BRACE_SENSOR] = None
        return {}
    if (entity_id := resolve_entity(hass, str(chosen))) is None:
        return {CONF_BRACE_SENSOR: "entity_not_found"}
    if not _may_say_worn(hass, entity_id):
        return {CONF_BRACE_SENSOR: "brace_sensor_invalid"}
    values[CONF_BRACE_SENSOR] = entity_id
    return {}


def _may_say_worn(hass: HomeAssistant, entity_id: str) -> bool:
    """Return whether ``entity_id`` is a binary sensor, or a sensor of device class temperature."""
    domain = split_entity_id(entity_id)[0]
    if domain == Platform.BINARY_SENSOR:
        return True
    if domain != Platform.SENSOR:
        return False
    state = hass.states.get(entity_id)
    if state is not None and state.attributes.get(ATTR_DEVICE_CLASS) == "temperature":
        return True
    entry = er.async_get(hass).async_get(entity_id)
    return entry is not None and (
        (entry.device_class or entry.original_device_class) == "temperature"
    )


def brace_worn_in(state: State | None) -> bool | None:
    """Return what a brace sensor's ``state`` says: worn, not worn, or ``None`` (unknown).

    A binary sensor: ``on`` worn, ``off`` not. A temperature sensor: worn
    above 30 °C, read in its unit (°C when it names none; °F and K are
    converted).
    """
    if state is None:
        return None
    if state.domain == Platform.BINARY_SENSOR:
        return {STATE_ON: True, STATE_OFF: False}.get(state.state)
    try:
        value = float(state.state)
    except ValueError:
        return None
    unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) or UnitOfTemperature.CELSIUS
    if unit not in TemperatureConverter.VALID_UNITS:
        return None
    return worn_from_temperature(
        TemperatureConverter.convert(value, unit, UnitOfTemperature.CELSIUS)
    )
