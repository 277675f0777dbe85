"""The flows' own selectors (part of the setup, beside config_flow.py): whole numbers with translated range errors, times to the minute.

Used by the config, reconfigure and options flows (``config_flow.py``);
the limits come from ``options.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import probatio
import voluptuous as vol

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TimeSelector,
    TimeSelectorConfig,
    make_selector_config_schema,
)

from .brace_sensor import BraceSensorSelector
from .const import CONF_BRACE_HOURS_PER_DAY, CONF_BRACE_SENSOR, CONF_OWN_ACTIVITIES
from .options import (
    BRACE_HOURS_PER_DAY,
    CHECK_IN_OPTIONS,
    NUMBER_OPTIONS,
    NumberOption,
    RecoveryOptions,
    own_activities_error,
)


class RangedNumberSelector(NumberSelector):
    """A whole-number box whose out-of-range error is translated and names the limit.

    Home Assistant's number selector refuses with "Value 30.0 is too large":
    in English, with a decimal, without the limit. This one refuses with the
    error key ``<option>_too_small`` or ``<option>_too_large``, which the
    frontend shows as the options flow's text for it, the limits filled in
    from the form's description placeholders (``form_placeholders``). A whole
    number is handed over as an ``int``; a fraction as it is (the step
    refuses it with ``not_whole_number``).
    """

    def __init__(self, key: str, number: NumberOption) -> None:
        """Offer ``number``'s range for the option ``key``, in steps of 1."""
        super().__init__(
            NumberSelectorConfig(
                min=number.minimum,
                max=number.maximum,
                step=1,
                mode=NumberSelectorMode.BOX,
            )
        )
        self._key = key
        self._number = number

    def __call__(self, data: Any) -> float:
        """Return the number (an ``int`` when whole); refuse one outside the range."""
        value: float = vol.Coerce(float)(data)
        if (miss := self._number.out_of_range(value)) is not None:
            raise vol.Invalid(f"{self._key}_{miss}")
        return int(value) if value.is_integer() else value


class _ClockTimeSelectorConfig(TimeSelectorConfig, total=False):
    no_second: bool


class ClockTimeSelector(TimeSelector):
    """A time of day to the minute: the frontend hides the seconds (``no_second``).

    Home Assistant's time selector (2026.10) does not accept ``no_second`` in
    its configuration, though its frontend honours it. The value is stored as
    ``HH:MM:SS`` all the same.
    """

    CONFIG_SCHEMA = make_selector_config_schema({vol.Optional("no_second"): bool})

    def __init__(self) -> None:
        """Show hours and minutes only."""
        super().__init__(_ClockTimeSelectorConfig(no_second=True))


def check_in_fields(current: Mapping[str, Any]) -> dict[Any, ClockTimeSelector]:
    """Return the morning check-in's field, its time in ``current`` (stored options) suggested.

    Suggested, not defaulted, so a cleared field is off
    (``options.submitted_check_in``).
    """
    return {
        vol.Optional(
            key,
            description={"suggested_value": current[key]} if current.get(key) else None,
        ): ClockTimeSelector()
        for key in CHECK_IN_OPTIONS
    }


class SubmittedSchema(probatio.Schema):
    """A form's schema that remembers the fields a submission named, before its defaults fill the rest.

    Home Assistant validates a submission with the schema of the form shown
    last, which fills in every default: only here can a flow still tell a
    field left out from one sent.
    """

    submitted: frozenset[str] = frozenset()
    """The fields the last submission named."""

    def __call__(self, data: Any, **kwargs: Any) -> Any:
        """Note the submitted fields, then validate as the schema does."""
        self.submitted = (
            frozenset(str(key) for key in data)
            if isinstance(data, Mapping)
            else frozenset()
        )
        return super().__call__(data, **kwargs)


def form_placeholders() -> dict[str, str]:
    """Return the limits of every number, ``<option>_min`` and ``<option>_max``, as texts."""
    placeholders: dict[str, str] = {}
    for key, number in NUMBER_OPTIONS.items():
        placeholders[f"{key}_min"] = str(number.minimum)
        placeholders[f"{key}_max"] = str(number.maximum)
    return placeholders


def brace_fields(options: RecoveryOptions) -> dict[Any, Any]:
    """Return the brace's hours and sensor, both suggested, not defaulted.

    Left out, both are kept; the hours without a sensor clear it (the
    frontend leaves a cleared sensor out; ``brace_sensor.validate_brace_input``).
    """
    sensor = options.brace_sensor
    return {
        vol.Optional(
            CONF_BRACE_HOURS_PER_DAY,
            description={"suggested_value": options.brace_hours_per_day},
        ): RangedNumberSelector(CONF_BRACE_HOURS_PER_DAY, BRACE_HOURS_PER_DAY),
        vol.Optional(
            CONF_BRACE_SENSOR,
            description={"suggested_value": sensor} if sensor else None,
        ): BraceSensorSelector(),
    }


class OwnActivitiesSelector(TextSelector):
    """The person's own activities, one name each; too long a name, too many or a guidance name are refused.

    Refused with the error key ``own_activity_too_long`` (a name over 50
    characters), ``too_many_own_activities`` (over 20) or
    ``own_activity_guidance_name`` (a guidance activity's name in English or
    German, case aside) on its field, never cut (contract "Activities and
    return to activity").
    """

    def __init__(self) -> None:
        """Offer a list of names."""
        super().__init__(TextSelectorConfig(multiple=True))

    def __call__(self, data: Any) -> Any:
        """Return the names as given; refuse them as the options cannot keep them."""
        names = super().__call__(data)
        if (error := own_activities_error(names)) is not None:
            raise vol.Invalid(error)
        return names


def own_activities_fields(current: Mapping[str, Any]) -> dict[Any, Any]:
    """Return the own activities' field, defaulting to the names stored in ``current``."""
    return {
        vol.Optional(
            CONF_OWN_ACTIVITIES, default=current[CONF_OWN_ACTIVITIES]
        ): OwnActivitiesSelector()
    }
