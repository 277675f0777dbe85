"""Config, reconfigure and options flows."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.selector import (
    BooleanSelector,
    DateSelector,
    EntitySelector,
    EntitySelectorConfig,
    TextSelector,
)
from homeassistant.util import dt as dt_util

from .auto_off import (
    backstop_options,
    backstop_suggestions,
    validate_backstop,
    with_backstop,
)
from .brace_sensor import validate_brace_input
from .const import (
    CONF_BRACE_HOURS_PER_DAY,
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_MORNING_CHECK_IN,
    CONF_NAME,
    CONF_POWER_SENSOR,
    CONF_POWER_THRESHOLD,
    DEFAULT_NAME,
    DOMAIN,
    EARLIEST_INJURY_DATE,
)
from .options import (
    BACKSTOP_OPTIONS,
    ENTITY_OPTIONS,
    NUMBER_OPTIONS,
    POWER_THRESHOLD,
    SWITCH_OPTIONS,
    TIME_OPTIONS,
    RecoveryOptions,
    submitted_check_in,
)
from .plug_entity import (
    PlugRefusedError,
    async_hide_plug,
    plug_selector,
    resolve_entity,
    validate_plug,
)
from .power_sensor import (
    PowerSensorSelector,
    power_options,
    suggested_power_sensor,
    validate_power_input,
)
from .selectors import (
    ClockTimeSelector,
    RangedNumberSelector,
    SubmittedSchema,
    brace_fields,
    check_in_fields,
    form_placeholders,
    own_activities_fields,
)
from .subentry_flows import SUBENTRY_FLOWS


def _user_schema(hass: HomeAssistant, values: Mapping[str, Any]) -> vol.Schema:
    """Return the form of the user and reconfigure steps, filled with ``values``.

    The power sensor (rule 14) is suggested from ``values``, else the plug's
    device's one power sensor.
    """
    pad = values.get(CONF_HEATING_PAD)
    sensor = values.get(CONF_POWER_SENSOR) or suggested_power_sensor(hass, pad)
    return vol.Schema(
        {
            vol.Required(
                CONF_NAME, default=values.get(CONF_NAME, DEFAULT_NAME)
            ): TextSelector(),
            vol.Required(
                CONF_INJURY_DATE,
                default=values.get(CONF_INJURY_DATE, dt_util.now().date().isoformat()),
            ): DateSelector(),
            vol.Optional(
                CONF_HEATING_PAD,
                description={"suggested_value": pad} if pad else None,
            ): plug_selector(hass),
            **_backstop_fields(hass, values, pad),
            vol.Optional(
                CONF_POWER_SENSOR,
                description={"suggested_value": sensor} if sensor else None,
            ): PowerSensorSelector(),
            vol.Optional(
                CONF_POWER_THRESHOLD,
                default=values.get(CONF_POWER_THRESHOLD, POWER_THRESHOLD.default),
            ): RangedNumberSelector(CONF_POWER_THRESHOLD, POWER_THRESHOLD),
        }
    )


def _backstop_fields(
    hass: HomeAssistant, values: Mapping[str, Any], pad: str | None
) -> dict[Any, Any]:
    """Return the optional auto-off and its switch (rule 15), suggested as ``backstop_suggestions`` says."""
    suggested = backstop_suggestions(hass, values, pad)
    return {
        vol.Optional(
            key,
            description={"suggested_value": suggested[key]} if suggested[key] else None,
        ): EntitySelector(EntitySelectorConfig(domain=domain))
        for key, domain in BACKSTOP_OPTIONS.items()
    }


def _validate_user_input(
    hass: HomeAssistant, user_input: dict[str, Any], entry_id: str | None
) -> dict[str, str]:
    """Check the user step as the contract says; return field → error key.

    A heating pad given by its entity registry id is replaced by its entity id
    in ``user_input``.
    """
    errors: dict[str, str] = {}
    try:
        injury = date.fromisoformat(str(user_input[CONF_INJURY_DATE]))
    except ValueError:
        errors[CONF_INJURY_DATE] = "injury_date_invalid"
    else:
        if injury > dt_util.now().date():
            errors[CONF_INJURY_DATE] = "injury_date_in_future"
        elif injury < EARLIEST_INJURY_DATE:
            errors[CONF_INJURY_DATE] = "injury_date_invalid"
    if pad := user_input.get(CONF_HEATING_PAD):
        try:
            user_input[CONF_HEATING_PAD] = validate_plug(hass, pad, entry_id)
        except PlugRefusedError as err:
            errors[CONF_HEATING_PAD] = err.reason
    if not str(user_input.get(CONF_NAME, "")).strip():
        errors[CONF_NAME] = "name_empty"
    validate_backstop(hass, user_input, errors)
    errors.update(validate_power_input(hass, user_input))
    return errors


def _entry_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    data = {
        CONF_NAME: str(user_input[CONF_NAME]).strip(),
        CONF_INJURY_DATE: str(user_input[CONF_INJURY_DATE]),
    }
    if pad := user_input.get(CONF_HEATING_PAD):
        data[CONF_HEATING_PAD] = pad
    return data


def _same_person(
    hass: HomeAssistant, data: Mapping[str, Any], entry_id: str | None
) -> bool:
    """Return whether another entry has the same name (any case) and injury date."""
    name = str(data[CONF_NAME]).casefold()
    return any(
        str(entry.data.get(CONF_NAME, "")).casefold() == name
        and entry.data.get(CONF_INJURY_DATE) == data[CONF_INJURY_DATE]
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.entry_id != entry_id
    )


class BackRecoveryConfigFlow(ConfigFlow, domain=DOMAIN):
    """One entry per person in recovery.

    A second entry for the same person (the same name and injury date) is
    aborted with ``already_configured``; a plug another entry controls is
    refused on its field with ``heating_pad_in_use``.
    """

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> BackRecoveryOptionsFlow:
        """Return the options flow: session limits, phase lengths, reminders."""
        return BackRecoveryOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Return the parts of a recovery added from the integration page (contract "The rest of the recovery")."""
        return dict(SUBENTRY_FLOWS)

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name, injury date and (optionally) the plug under the heating pad."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _validate_user_input(self.hass, user_input, None)
            if not errors:
                data = _entry_data(user_input)
                if _same_person(self.hass, data, None):
                    return self.async_abort(reason="already_configured")
                async_hide_plug(self.hass, data.get(CONF_HEATING_PAD), None)
                return self.async_create_entry(
                    title=data[CONF_NAME],
                    data=data,
                    options=power_options(
                        user_input,
                        RecoveryOptions().as_dict() | backstop_options(user_input),
                    ),
                )
        return self.async_show_form(
            step_id="user",
            data_schema=_user_schema(self.hass, user_input or {}),
            errors=errors,
            description_placeholders=form_placeholders(),
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the same fields under the same checks; the entry reloads with them.

        The entry's update listener reloads it when the data or the title
        changed; an unchanged entry is not reloaded, so a running session
        goes on.
        """
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _validate_user_input(self.hass, user_input, entry.entry_id)
            if not errors:
                data = _entry_data(user_input)
                if _same_person(self.hass, data, entry.entry_id):
                    return self.async_abort(reason="already_configured")
                async_hide_plug(
                    self.hass,
                    data.get(CONF_HEATING_PAD),
                    entry.data.get(CONF_HEATING_PAD),
                )
                return self.async_update_and_abort(
                    entry,
                    title=data[CONF_NAME],
                    data=data,
                    options=power_options(
                        user_input, with_backstop(entry.options, user_input)
                    ),
                )
        current = RecoveryOptions.from_entry(entry)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_user_schema(
                self.hass,
                user_input
                or {
                    **backstop_options(entry.options),
                    **entry.data,
                    CONF_POWER_SENSOR: current.power_sensor,
                    CONF_POWER_THRESHOLD: current.power_threshold,
                },
            ),
            errors=errors,
            description_placeholders=form_placeholders(),
        )


def _options_schema(options: RecoveryOptions, sensor: str | None) -> vol.Schema:
    """Return the options form; every field defaults to its value in ``options``.

    The power sensor (rule 14) is suggested, not defaulted: ``sensor``, the
    current one or the plug's device's own.
    """
    current = options.as_dict()
    fields: dict[Any, Any] = {
        vol.Optional(key, default=current[key]): RangedNumberSelector(key, number)
        for key, number in NUMBER_OPTIONS.items()
        if key != CONF_BRACE_HOURS_PER_DAY
    }
    fields[
        vol.Optional(
            CONF_POWER_SENSOR,
            description={"suggested_value": sensor} if sensor else None,
        )
    ] = PowerSensorSelector()
    for key, domain in ENTITY_OPTIONS.items():
        fields[vol.Optional(key, default=current[key])] = EntitySelector(
            EntitySelectorConfig(domain=domain, multiple=True)
        )
    for key in SWITCH_OPTIONS:
        fields[vol.Optional(key, default=current[key])] = BooleanSelector()
    for key in TIME_OPTIONS:
        fields[vol.Optional(key, default=current[key])] = ClockTimeSelector()
    fields.update(check_in_fields(current))
    return vol.Schema(fields | brace_fields(options) | own_activities_fields(current))


def _validate_options(
    hass: HomeAssistant,
    current: RecoveryOptions,
    user_input: Mapping[str, Any],
    submitted: Collection[str],
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return ``user_input`` over ``current`` as stored, and field → error key.

    Number selectors hand over floats; a fraction is refused, never rounded;
    a value outside its range never gets here (``RangedNumberSelector``
    refuses it on its field, never clamped). Entities given by
    registry id are stored by entity id; times as ``HH:MM:SS``.
    """
    errors: dict[str, str] = {}
    values = {**current.as_dict(), **user_input}
    for key, number in NUMBER_OPTIONS.items():
        try:
            values[key] = number.whole(values[key])
        except ValueError:
            errors[key] = "not_whole_number"
    for key in ENTITY_OPTIONS:
        resolved = [resolve_entity(hass, item) for item in values[key]]
        entity_ids = [entity_id for entity_id in resolved if entity_id is not None]
        if len(entity_ids) != len(resolved):
            errors[key] = "entity_not_found"
        else:
            values[key] = list(dict.fromkeys(entity_ids))
    for key in TIME_OPTIONS:
        values[key] = cv.time(values[key])
    values[CONF_MORNING_CHECK_IN] = submitted_check_in(
        submitted, user_input, current.morning_check_in
    )
    validate_backstop(hass, values, errors)
    if CONF_POWER_SENSOR in user_input:
        # Left out: kept; empty: none (rule 14).
        errors.update(validate_power_input(hass, values))
    errors.update(validate_brace_input(hass, user_input, values))
    if errors:
        return values, errors
    return RecoveryOptions.from_mapping(values).as_dict(), errors


class BackRecoveryOptionsFlow(OptionsFlow):
    """Every option defaults to its current value; a caller may submit any subset.

    Saving the options does not reload the entry: the update listener hands
    them to the engine, and a running session goes on.
    """

    _form: SubmittedSchema | None = None
    """The form shown last: it tells which fields a submission named."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Session limits, phase lengths and reminders."""
        current = RecoveryOptions.from_entry(self.config_entry)
        sensor = current.power_sensor or suggested_power_sensor(
            self.hass, self.config_entry.data.get(CONF_HEATING_PAD)
        )
        errors: dict[str, str] = {}
        if user_input is not None:
            submitted = self._form.submitted if self._form else frozenset(user_input)
            options, errors = _validate_options(
                self.hass, current, user_input, submitted
            )
            if not errors:
                return self.async_create_entry(data=options)
        self._form = SubmittedSchema(
            self.add_suggested_values_to_schema(
                _options_schema(current, sensor).extend(
                    _backstop_fields(
                        self.hass,
                        current.as_dict(),
                        self.config_entry.data.get(CONF_HEATING_PAD),
                    )
                ),
                user_input or {},
            ).schema
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self._form,
            errors=errors,
            description_placeholders=form_placeholders(),
        )
