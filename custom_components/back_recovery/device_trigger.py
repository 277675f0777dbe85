"""Device triggers: build automations on a recovery without typing event names."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.device_automation.exceptions import (
    InvalidDeviceAutomationConfig,
)
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import (
    CONF_DEVICE_ID,
    CONF_DOMAIN,
    CONF_EVENT_DATA,
    CONF_PLATFORM,
    CONF_TYPE,
)
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .const import (
    ATTR_ABOVE,
    ATTR_ACTIVITY,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_LEVEL,
    ATTR_MEDICATION,
    ATTR_REASON,
    ATTR_TO_PHASE,
    DOMAIN,
    RecoveryEvent,
)
from .texts import activity_text, async_load_texts, phase_text
from .therapy import PAIN_LEVEL_MAX, PAIN_LEVEL_MIN, Activity, DoseWarning, Phase

# Each trigger waits for one event; its type is the event's name without the
# domain (contract: "Device triggers").
TRIGGER_EVENTS: dict[str, RecoveryEvent] = {
    event.short_name: event
    for event in (
        RecoveryEvent.PHASE_CHANGED,
        RecoveryEvent.SESSION_STARTED,
        RecoveryEvent.SESSION_ENDED,
        RecoveryEvent.SESSION_BLOCKED,
        RecoveryEvent.SKIN_REST_OVER,
        RecoveryEvent.PAIN_LOGGED,
        RecoveryEvent.REVIEW_RECOMMENDED,
        RecoveryEvent.DOSE_LOGGED,
        RecoveryEvent.MEDICATION_WARNING,
        RecoveryEvent.EXERCISE_LOGGED,
        RecoveryEvent.EXERCISE_PAIN,
        RecoveryEvent.ACTIVITY_CLEARED,
        RecoveryEvent.CLEARANCE_WITHDRAWN,
    )
}
PHASE_CHANGED: str = RecoveryEvent.PHASE_CHANGED.short_name
PAIN_LOGGED: str = RecoveryEvent.PAIN_LOGGED.short_name
MEDICATION_TRIGGERS: tuple[str, ...] = (
    RecoveryEvent.DOSE_LOGGED.short_name,
    RecoveryEvent.MEDICATION_WARNING.short_name,
)
"""A medicine's own device offers these only, for that medicine; the recovery's for any."""
MEDICATION_WARNING: str = RecoveryEvent.MEDICATION_WARNING.short_name
REASON_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[warning.value for warning in DoseWarning],
        mode=SelectSelectorMode.DROPDOWN,
        translation_key="dose_warning",
    )
)
ACTIVITY_TRIGGERS: frozenset[str] = frozenset(
    {
        RecoveryEvent.ACTIVITY_CLEARED.short_name,
        RecoveryEvent.CLEARANCE_WITHDRAWN.short_name,
    }
)
"""The triggers that may name an ``activity`` (contract "Activities and return to activity")."""

ABOVE = vol.All(vol.Coerce(float), vol.Range(min=PAIN_LEVEL_MIN, max=PAIN_LEVEL_MAX))
"""``pain_logged``'s optional ``above``: it fires only for a level above it."""
ABOVE_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=PAIN_LEVEL_MIN, max=PAIN_LEVEL_MAX, step=1, mode=NumberSelectorMode.SLIDER
    )
)

PHASE_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[phase.value for phase in Phase],
        mode=SelectSelectorMode.DROPDOWN,
        translation_key="phase",
    )
)

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(list(TRIGGER_EVENTS)),
        vol.Optional(ATTR_TO_PHASE): PHASE_SELECTOR,
        vol.Optional(ATTR_ABOVE): ABOVE,
        vol.Optional(ATTR_REASON): vol.In([warning.value for warning in DoseWarning]),
        vol.Optional(ATTR_ACTIVITY): vol.In([activity.value for activity in Activity]),
    }
)


def _entry_id(hass: HomeAssistant, device_id: str) -> str:
    """Return the recovery's entry id of a device; refuse other devices, translated.

    A device belongs to one config entry, ``config_entry_id`` (the set
    ``config_entries`` is deprecated since 2026.10 and logs a warning).
    """
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise InvalidDeviceAutomationConfig(
            translation_domain=DOMAIN,
            translation_key="device_not_found",
            translation_placeholders={"device_id": device_id},
        )
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise InvalidDeviceAutomationConfig(
            translation_domain=DOMAIN,
            translation_key="device_not_a_recovery",
            translation_placeholders={"device_id": device_id},
        )
    return entry.entry_id


def _medicine_id(hass: HomeAssistant, device_id: str) -> str | None:
    """Return the medicine (subentry id) whose own device ``device_id`` is; ``None`` for the recovery's."""
    device = dr.async_get(hass).async_get(device_id)
    entry = (
        hass.config_entries.async_get_entry(device.config_entry_id) if device else None
    )
    if device is None or entry is None:
        return None
    return next(
        (ident for domain, ident in device.identifiers if ident in entry.subentries),
        None,
    )


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """List the triggers every Back Recovery device offers."""
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger_type,
        }
        for trigger_type in TRIGGER_EVENTS
        if _medicine_id(hass, device_id) is None or trigger_type in MEDICATION_TRIGGERS
    ]


async def async_get_trigger_capabilities(
    hass: HomeAssistant, config: ConfigType
) -> dict[str, vol.Schema]:
    """Let phase changed name the phase, pain logged a level to exceed, a medication warning its reason, a clearance its activity."""
    if config[CONF_TYPE] == PAIN_LOGGED:
        return {"extra_fields": vol.Schema({vol.Optional(ATTR_ABOVE): ABOVE_SELECTOR})}
    if config[CONF_TYPE] in ACTIVITY_TRIGGERS:
        return {
            "extra_fields": vol.Schema(
                {vol.Optional(ATTR_ACTIVITY): await _async_labelled_activities(hass)}
            )
        }
    if config[CONF_TYPE] == MEDICATION_WARNING:
        return {
            "extra_fields": vol.Schema({vol.Optional(ATTR_REASON): REASON_SELECTOR})
        }
    if config[CONF_TYPE] != PHASE_CHANGED:
        return {}
    return {
        "extra_fields": vol.Schema(
            {vol.Optional(ATTR_TO_PHASE): await _async_labelled_phases(hass)}
        )
    }


async def _async_labelled_phases(hass: HomeAssistant) -> SelectSelector:
    """Return the phase choice with each phase's name in Home Assistant's language.

    The automation editor of 2026.10 does not translate a device trigger's
    select options by their ``translation_key`` (its form gets no
    ``localizeValue``), so the options carry their labels; a frontend that
    does translate them finds the same texts under ``selector.phase``.
    """
    texts = await async_load_texts(hass)
    return SelectSelector(
        SelectSelectorConfig(
            options=[
                SelectOptionDict(value=phase.value, label=phase_text(phase, texts))
                for phase in Phase
            ],
            mode=SelectSelectorMode.DROPDOWN,
            translation_key="phase",
        )
    )


async def _async_labelled_activities(hass: HomeAssistant) -> SelectSelector:
    """Return the activity choice, labelled in Home Assistant's language (as the phases are)."""
    texts = await async_load_texts(hass)
    return SelectSelector(
        SelectSelectorConfig(
            options=[
                SelectOptionDict(
                    value=activity.value, label=said[:1].upper() + said[1:]
                )
                for activity in Activity
                if (said := activity_text(activity.value, None, texts))
            ],
            mode=SelectSelectorMode.DROPDOWN,
            translation_key="activity",
        )
    )


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen for the event behind the trigger, for this device's entry only.

    ``pain_logged`` with ``above`` runs its action only for a level above it.
    """
    event_data: dict[str, str] = {
        ATTR_CONFIG_ENTRY_ID: _entry_id(hass, config[CONF_DEVICE_ID])
    }
    if config[CONF_TYPE] == PHASE_CHANGED and (to_phase := config.get(ATTR_TO_PHASE)):
        event_data[ATTR_TO_PHASE] = to_phase
    if config[CONF_TYPE] in MEDICATION_TRIGGERS:
        # On a medicine's own device: that medicine only (and one reason if given).
        if (medicine := _medicine_id(hass, config[CONF_DEVICE_ID])) is not None:
            event_data[ATTR_MEDICATION] = medicine
        if config[CONF_TYPE] == MEDICATION_WARNING and (
            reason := config.get(ATTR_REASON)
        ):
            event_data[ATTR_REASON] = reason
    if config[CONF_TYPE] in ACTIVITY_TRIGGERS and (
        activity := config.get(ATTR_ACTIVITY)
    ):
        event_data[ATTR_ACTIVITY] = activity
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            event_trigger.CONF_EVENT_TYPE: TRIGGER_EVENTS[config[CONF_TYPE]],
            CONF_EVENT_DATA: event_data,
        }
    )
    if (
        config[CONF_TYPE] == PAIN_LOGGED
        and (above := config.get(ATTR_ABOVE)) is not None
    ):
        action = _above(action, above)
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )


def _above(action: TriggerActionType, above: float) -> TriggerActionType:
    """Return ``action`` run only for a ``pain_logged`` event with a level above ``above``."""

    async def filtered(
        run_variables: dict[str, Any], context: Context | None = None
    ) -> None:
        level = run_variables["trigger"]["event"].data.get(ATTR_LEVEL)
        if not isinstance(level, int) or level <= above:
            return
        if (result := action(run_variables, context)) is not None:
            await result

    return filtered
