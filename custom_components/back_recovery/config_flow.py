"""Config, reconfigure and options flows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback, split_entity_id
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.selector import (
    BooleanSelector,
    DateSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TimeSelector,
)
from homeassistant.util import dt as dt_util

from .const import (
    BOOL_OPTIONS,
    CONF_ANNOUNCE_SATELLITES,
    CONF_HEATING_PAD,
    CONF_INJURY_DATE,
    CONF_NAME,
    CONF_NOTIFY_ENTITIES,
    CONF_QUIET_END,
    CONF_QUIET_START,
    DEFAULT_NAME,
    DEFAULT_OPTIONS,
    DOMAIN,
    EARLIEST_INJURY_DATE,
    INT_OPTIONS,
)

ENTITY_OPTIONS: dict[str, str] = {
    CONF_NOTIFY_ENTITIES: "notify",
    CONF_ANNOUNCE_SATELLITES: "assist_satellite",
}


def _own_switches(hass: HomeAssistant) -> list[str]:
    """Return the integration's own heating-pad switches: never a plug to wrap."""
    return [
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.domain == Platform.SWITCH
    ]


def user_schema(hass: HomeAssistant, values: Mapping[str, Any]) -> vol.Schema:
    """Return the form of the user and reconfigure steps, filled with ``values``."""
    pad = values.get(CONF_HEATING_PAD)
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
            ): EntitySelector(
                EntitySelectorConfig(
                    domain=Platform.SWITCH, exclude_entities=_own_switches(hass)
                )
            ),
        }
    )


def _resolve(hass: HomeAssistant, entity_id_or_uuid: str) -> str | None:
    """Return the entity id of an existing entity (given by id or registry id)."""
    registry = er.async_get(hass)
    if (entity_id := er.async_resolve_entity_id(registry, entity_id_or_uuid)) is None:
        return None
    if hass.states.get(entity_id) is None and registry.async_get(entity_id) is None:
        return None
    return entity_id


def validate_user_input(
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
        if (entity_id := _resolve(hass, pad)) is None:
            errors[CONF_HEATING_PAD] = "entity_not_found"
        elif split_entity_id(entity_id)[0] != Platform.SWITCH or (
            entity_id in _own_switches(hass)
        ):
            errors[CONF_HEATING_PAD] = "heating_pad_invalid"
        elif any(
            entry.data.get(CONF_HEATING_PAD) == entity_id
            for entry in hass.config_entries.async_entries(DOMAIN)
            if entry.entry_id != entry_id
        ):
            errors[CONF_HEATING_PAD] = "heating_pad_in_use"
        else:
            user_input[CONF_HEATING_PAD] = entity_id
    if not str(user_input.get(CONF_NAME, "")).strip():
        errors[CONF_NAME] = "name_empty"
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


@callback
def async_hide_plug(hass: HomeAssistant, new: str | None, old: str | None) -> None:
    """Hide the wrapped plug, like switch_as_x, and show the one given up again."""
    registry = er.async_get(hass)
    if old and old != new and (entry := registry.async_get(old)):
        if entry.hidden_by is er.RegistryEntryHider.INTEGRATION:
            registry.async_update_entity(old, hidden_by=None)
    if new and (entry := registry.async_get(new)) and entry.hidden_by is None:
        registry.async_update_entity(new, hidden_by=er.RegistryEntryHider.INTEGRATION)


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

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name, injury date and (optionally) the plug under the heating pad."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_user_input(self.hass, user_input, None)
            if not errors:
                data = _entry_data(user_input)
                if _same_person(self.hass, data, None):
                    return self.async_abort(reason="already_configured")
                async_hide_plug(self.hass, data.get(CONF_HEATING_PAD), None)
                return self.async_create_entry(
                    title=data[CONF_NAME], data=data, options=dict(DEFAULT_OPTIONS)
                )
        return self.async_show_form(
            step_id="user",
            data_schema=user_schema(self.hass, user_input or {}),
            errors=errors,
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
            errors = validate_user_input(self.hass, user_input, entry.entry_id)
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
                    entry, title=data[CONF_NAME], data=data
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=user_schema(self.hass, user_input or entry.data),
            errors=errors,
        )


def _options_schema(options: Mapping[str, Any]) -> vol.Schema:
    current = {**DEFAULT_OPTIONS, **options}
    fields: dict[Any, Any] = {
        vol.Optional(key, default=current[key]): NumberSelector(
            NumberSelectorConfig(min=low, max=high, step=1, mode=NumberSelectorMode.BOX)
        )
        for key, (_, low, high) in INT_OPTIONS.items()
    }
    for key, domain in ENTITY_OPTIONS.items():
        fields[vol.Optional(key, default=list(current[key]))] = EntitySelector(
            EntitySelectorConfig(domain=domain, multiple=True)
        )
    for key in BOOL_OPTIONS:
        fields[vol.Optional(key, default=current[key])] = BooleanSelector()
    for key in (CONF_QUIET_START, CONF_QUIET_END):
        fields[vol.Optional(key, default=current[key])] = TimeSelector()
    return vol.Schema(fields)


def _validate_options(
    hass: HomeAssistant, options: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the options as stored (ints, entity ids, HH:MM:SS) and field → error key.

    Number selectors hand over floats; a fraction is refused, never rounded.
    """
    errors: dict[str, str] = {}
    result = dict(options)
    for key in INT_OPTIONS:
        value = float(options[key])
        if not value.is_integer():
            errors[key] = "not_whole_number"
        else:
            result[key] = int(value)
    for key in ENTITY_OPTIONS:
        resolved = [_resolve(hass, item) for item in options[key]]
        entity_ids = [entity_id for entity_id in resolved if entity_id is not None]
        if len(entity_ids) != len(resolved):
            errors[key] = "entity_not_found"
        else:
            result[key] = list(dict.fromkeys(entity_ids))
    for key in (CONF_QUIET_START, CONF_QUIET_END):
        result[key] = cv.time(options[key]).isoformat()
    return result, errors


class BackRecoveryOptionsFlow(OptionsFlow):
    """Every option defaults to its current value; a caller may submit any subset.

    Saving the options does not reload the entry: the update listener hands
    them to the engine, and a running session goes on.
    """

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Session limits, phase lengths and reminders."""
        errors: dict[str, str] = {}
        if user_input is not None:
            options, errors = _validate_options(
                self.hass,
                {**DEFAULT_OPTIONS, **self.config_entry.options, **user_input},
            )
            if not errors:
                return self.async_create_entry(data=options)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                _options_schema(self.config_entry.options), user_input or {}
            ),
            errors=errors,
        )
