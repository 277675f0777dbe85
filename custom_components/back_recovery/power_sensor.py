"""The heating pad's power sensor: which sensor, the one suggested, what it reads (rule 14).

A plug's state can lie: a relay that stuck on, a plug that echoes ``off``
optimistically the moment it is told, a state frozen at ``off``. What the pad
draws cannot. With a power sensor (option ``power_sensor``, a ``sensor`` of
device class ``power``), the pad's reading is the plug's report, except that
a draw above ``power_threshold`` watts counts as ``on`` whatever the plug
reports:

- a switch-off is confirmed only by the plug reporting ``off`` with no draw
  above the threshold; a plug that reports ``off`` while it draws has not
  switched off (rule 10: retries, ``heating_pad_not_responding``, the alarm);
- a draw during the rest gap or outside a session is the plug seen on (rules
  1, 2): undone during the rest, a session from outside otherwise;
- a draw at or below the threshold never counts as ``off`` by itself: a pad's
  own thermostat switches its element off and on while the relay stays on;
- a sensor that is unavailable, unknown or not a number of a power unit is
  ignored (the plug's report alone counts), and diagnostics say so.

The rules (``therapy/``) never see the sensor: ``engine/plug.py``'s
``HeatingPadPlug`` reads the pad through ``PowerDraw.pad_on`` and follows the
plug and the sensor through ``PowerDraw.async_track``, so a draw is simply the
plug seen on. Readings in other power units (``kW``, ``mW``, ...) are
converted to watts. The flows pick the sensor with ``PowerSensorSelector``,
check it with ``validate_power_sensor`` and suggest the plug's device's own
(``suggested_power_sensor``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    EVENT_STATE_CHANGED,
    Platform,
    UnitOfPower,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
    split_entity_id,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    EntityWithDeviceFilterSelectorConfig,
)
from homeassistant.util.unit_conversion import PowerConverter

from .const import CONF_POWER_SENSOR, CONF_POWER_THRESHOLD
from .options import POWER_THRESHOLD, RecoveryOptions
from .plug_entity import on_off, one_on_plug_device, resolve_entity

type StateChanged = Event[EventStateChangedData]
"""A change of the plug's or the sensor's state."""
type OnChange = Callable[[bool | None, bool | None, StateChanged], None]
"""Told the pad's reading before and after a change of the plug or the sensor, and the change."""


def watts(state: State | None) -> float | None:
    """Return a power sensor's reading in watts; ``None`` when it cannot be read.

    Unavailable, unknown, not a number, or in a unit that is not one of
    power: ``None`` (ignored). A reading without a unit is taken as watts.
    """
    if state is None:
        return None
    try:
        value = float(state.state)
    except ValueError:
        return None
    unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) or UnitOfPower.WATT
    if unit not in PowerConverter.VALID_UNITS:
        return None
    return PowerConverter.convert(value, unit, UnitOfPower.WATT)


class PowerDraw:
    """One entry's power sensor and threshold, as its options say (rule 14)."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Read the sensor and the threshold from the entry's options; follow nothing yet."""
        self._hass = hass
        self._entry = entry
        options = RecoveryOptions.from_entry(entry)
        self.entity_id: str | None = options.power_sensor
        """The power sensor; ``None`` without one."""
        self.threshold = options.power_threshold
        """Watts; a reading above it counts as the pad on."""
        self._plug_entity_id = ""
        self._on_change: OnChange | None = None
        self._unsub_states: CALLBACK_TYPE | None = None
        self._draws = self._readable = False
        self._told: bool | None = None

    def _state(self) -> State | None:
        return self._hass.states.get(self.entity_id) if self.entity_id else None

    def readable(self) -> bool:
        """Return whether the sensor gives a reading now (``False`` without a sensor)."""
        return watts(self._state()) is not None

    def draws(self) -> bool:
        """Return whether the pad draws above the threshold now.

        ``False`` without a sensor or while it cannot be read (ignored).
        """
        reading = watts(self._state())
        return reading is not None and reading > self.threshold

    def pad_on(self, plug_on: bool | None, draws: bool | None = None) -> bool | None:
        """Return the pad's reading: on while it draws (``draws``, else read now), else ``plug_on``.

        ``plug_on`` is the plug's report (``None``: unknown or unreachable).
        """
        if draws is None:
            draws = self.draws()
        return True if draws else plug_on

    @callback
    def async_track(self, plug_entity_id: str, on_change: OnChange) -> CALLBACK_TYPE:
        """Follow the plug and the sensor; tell ``on_change`` the pad's reading around each change.

        Every change of the plug is told; a change of the sensor only when
        its draw crosses the threshold or it becomes readable or unreadable
        (not every watt). New options (another sensor, another threshold)
        are followed at once and told like a reading of the sensor.
        """
        self._plug_entity_id = plug_entity_id
        self._on_change = on_change
        self._draws, self._readable = self.draws(), self.readable()
        self._told = self.pad_on(
            on_off(self._hass.states.get(plug_entity_id)), self._draws
        )
        self._async_subscribe()
        remove_listener = self._entry.add_update_listener(self._async_options_updated)

        @callback
        def stop() -> None:
            remove_listener()
            if self._unsub_states is not None:
                self._unsub_states()
                self._unsub_states = None

        return stop

    @callback
    def _async_subscribe(self) -> None:
        if self._unsub_states is not None:
            self._unsub_states()
        sensor = [self.entity_id] if self.entity_id else []
        self._unsub_states = async_track_state_change_event(
            self._hass, [self._plug_entity_id, *sensor], self._async_event
        )

    @callback
    def _async_event(self, event: StateChanged) -> None:
        """Turn a change of the plug or the sensor into the pad's reading before and after.

        "Before" is the reading told last, not one worked out again from the
        change: the plug and its sensor change together (one relay), in
        either order, and each change must be told against what the other
        already said, or a pad switched on by itself is told as no change
        at all (found by a new user's try-out with rule 16's plug).
        """
        data = event.data
        if data["entity_id"] == self._plug_entity_id:
            self._tell(self.pad_on(on_off(data["new_state"]), self._draws), event)
        else:
            self._async_sensor_read(event)

    @callback
    def _tell(self, new: bool | None, event: StateChanged) -> None:
        """Tell ``on_change`` the pad's reading ``new`` against the one told last."""
        old, self._told = self._told, new
        if self._on_change is not None:
            self._on_change(old, new, event)

    @callback
    def _async_sensor_read(self, event: StateChanged) -> None:
        """Tell a reading of the sensor that crosses the threshold or its readability."""
        draws, readable = self.draws(), self.readable()
        if (draws, readable) == (self._draws, self._readable):
            return
        plug_on = on_off(self._hass.states.get(self._plug_entity_id))
        self._draws, self._readable = draws, readable
        self._tell(self.pad_on(plug_on, draws), event)

    async def _async_options_updated(
        self, hass: HomeAssistant, entry: ConfigEntry
    ) -> None:
        """Follow a new sensor or threshold at once (options apply without a reload)."""
        options = RecoveryOptions.from_entry(entry)
        if (options.power_sensor, options.power_threshold) == (
            self.entity_id,
            self.threshold,
        ):
            return
        resubscribe = options.power_sensor != self.entity_id
        self.entity_id, self.threshold = options.power_sensor, options.power_threshold
        if resubscribe:
            self._async_subscribe()
        state = self._state()
        self._async_sensor_read(
            Event(
                EVENT_STATE_CHANGED,
                EventStateChangedData(
                    entity_id=self.entity_id or self._plug_entity_id,
                    old_state=state,
                    new_state=state,
                ),
            )
        )

    def as_diagnostics(self) -> dict[str, Any]:
        """Return the sensor, the threshold, its last reading and its status (no health data).

        ``status``: ``none`` (no sensor), ``ignored`` (unavailable, unknown or
        not a power reading: the plug's report alone counts), ``drawing``
        (above the threshold: the pad counts as on) or ``not_drawing``.
        """
        state = self._state()
        reading = watts(state)
        if self.entity_id is None:
            status = "none"
        elif reading is None:
            status = "ignored"
        else:
            status = "drawing" if reading > self.threshold else "not_drawing"
        return {
            "power_sensor": self.entity_id,
            "power_threshold_w": self.threshold,
            "status": status,
            "reading_w": reading,
            "state": state.state if state is not None else None,
            "last_reported": state.last_reported.isoformat() if state else None,
        }


class PowerSensorRefusedError(ValueError):
    """A power sensor the flows refuse; ``reason`` is the form's error key."""

    def __init__(self, reason: str) -> None:
        """Refuse with the error key ``reason``."""
        super().__init__(reason)
        self.reason = reason


class PowerSensorSelector(EntitySelector):
    """The flows' picker of a power sensor; an empty value (``None``, ``""``) means none.

    Home Assistant's entity selector refuses an empty value; the options
    step takes one to remove the sensor (a field left out keeps it).
    """

    def __init__(self) -> None:
        """Offer the sensors of device class power."""
        super().__init__(
            EntitySelectorConfig(
                filter=EntityWithDeviceFilterSelectorConfig(
                    domain=Platform.SENSOR, device_class=SensorDeviceClass.POWER
                )
            )
        )

    def __call__(self, data: Any) -> Any:
        """Return ``None`` for an empty value, else the entity as Home Assistant's selector checks it."""
        if data is None or data == "":
            return None
        return super().__call__(data)


def _measures_power(hass: HomeAssistant, entity_id: str) -> bool:
    """Return whether the sensor ``entity_id`` is of device class power (its state or its registry entry)."""
    if split_entity_id(entity_id)[0] != Platform.SENSOR:
        return False
    state = hass.states.get(entity_id)
    if state is not None and state.attributes.get(ATTR_DEVICE_CLASS) == "power":
        return True
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None:
        return False
    return (entry.device_class or entry.original_device_class) == "power"


def validate_power_sensor(hass: HomeAssistant, entity_id_or_uuid: str) -> str:
    """Return the entity id of the chosen power sensor.

    Raises ``PowerSensorRefusedError``: ``entity_not_found`` (no state, no
    registry entry), ``power_sensor_invalid`` (not a ``sensor`` of device
    class ``power``).
    """
    if (entity_id := resolve_entity(hass, entity_id_or_uuid)) is None:
        raise PowerSensorRefusedError("entity_not_found")
    if not _measures_power(hass, entity_id):
        raise PowerSensorRefusedError("power_sensor_invalid")
    return entity_id


def suggested_power_sensor(hass: HomeAssistant, plug: str | None) -> str | None:
    """Return the plug's device's power sensor when it has exactly one; else ``None``."""
    return one_on_plug_device(
        hass,
        plug,
        lambda sensor: (
            sensor.domain == Platform.SENSOR
            and (sensor.device_class or sensor.original_device_class)
            == SensorDeviceClass.POWER
        ),
    )


def validate_power_input(hass: HomeAssistant, values: dict[str, Any]) -> dict[str, str]:
    """Check the power sensor and threshold in ``values`` (rule 14); return field → error key.

    The sensor is replaced by its entity id, the threshold by an ``int``; an
    empty sensor is ``None`` (none).
    """
    errors: dict[str, str] = {}
    if sensor := values.get(CONF_POWER_SENSOR):
        try:
            values[CONF_POWER_SENSOR] = validate_power_sensor(hass, sensor)
        except PowerSensorRefusedError as err:
            errors[CONF_POWER_SENSOR] = err.reason
    else:
        values[CONF_POWER_SENSOR] = None
    try:
        values[CONF_POWER_THRESHOLD] = POWER_THRESHOLD.whole(
            values.get(CONF_POWER_THRESHOLD, POWER_THRESHOLD.default)
        )
    except ValueError:
        errors[CONF_POWER_THRESHOLD] = "not_whole_number"
    return errors


def power_options(
    user_input: Mapping[str, Any], options: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``options`` with the power sensor and threshold of the user or reconfigure step."""
    return RecoveryOptions.from_mapping(
        {
            **options,
            CONF_POWER_SENSOR: user_input[CONF_POWER_SENSOR],
            CONF_POWER_THRESHOLD: user_input[CONF_POWER_THRESHOLD],
        }
    ).as_dict()
