"""The medicine subentry flow (contract "Pain medication"): add or edit a medicine and its limits.

Both limits are required and have no default: they are the numbers the
person reads on the label or gets from the prescriber, and Back Recovery
never suggests one. Neither does it choose the kind or where the limits
come from. These fields (``ENTERED``) are optional in the schema, so Home
Assistant's frontend shows them empty on a new medicine (a required number
it fills with its minimum, a required choice with its first option), and a
submission without one is refused on its field (``<field>_needed``). A
medicine is removed with Home Assistant's own "Delete"
of the subentry (its entities and device go with it; its doses stay in the
record). Saving never reloads the recovery (``subentries.py``).

``supply`` is the doses left as the person counts them now: the moment is
stored beside it (``supply_counted_at``) and doses taken from then on are
subtracted. Editing a medicine shows the doses left now, so saving it
unchanged changes nothing, and a refill is entered as the new count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
from homeassistant.util import dt as dt_util

from .const import (
    CONF_KIND,
    CONF_LIMITS_FROM,
    CONF_MAX_DOSES_PER_24H,
    CONF_MIN_HOURS_BETWEEN,
    CONF_NAME,
    CONF_NOTIFY_WARNINGS,
    CONF_SUPPLY,
    CONF_SUPPLY_COUNTED_AT,
    SUBENTRY_MEDICATION,
)
from .therapy import (
    MAX_DOSES_PER_24H_RANGE,
    MIN_HOURS_BETWEEN_RANGE,
    SUPPLY_MAX,
    LimitsFrom,
    MedicineKind,
    same_name,
)

RANGES: Final[Mapping[str, tuple[int, int]]] = {
    CONF_MIN_HOURS_BETWEEN: MIN_HOURS_BETWEEN_RANGE,
    CONF_MAX_DOSES_PER_24H: MAX_DOSES_PER_24H_RANGE,
    CONF_SUPPLY: (0, SUPPLY_MAX),
}
"""The whole numbers of the form and their ranges, both ends included."""

ENTERED: Final = (
    CONF_KIND,
    CONF_MIN_HOURS_BETWEEN,
    CONF_MAX_DOSES_PER_24H,
    CONF_LIMITS_FROM,
)
"""The fields the person must enter, with no default; left empty, each is ``<field>_needed``."""


class _LimitSelector(NumberSelector):
    """A whole-number box that refuses a value outside its range with a translated key.

    The key is ``<field>_too_small`` or ``<field>_too_large``; the range is
    in the form's description placeholders (``<field>_min``, ``<field>_max``).
    """

    def __init__(self, key: str) -> None:
        """Offer the range of ``key`` in steps of 1."""
        low, high = RANGES[key]
        super().__init__(
            NumberSelectorConfig(min=low, max=high, step=1, mode=NumberSelectorMode.BOX)
        )
        self._key = key

    def __call__(self, data: Any) -> float:
        """Return the number; refuse one outside the range (never clamped)."""
        value: float = vol.Coerce(float)(data)
        low, high = RANGES[self._key]
        if value < low:
            raise vol.Invalid(f"{self._key}_too_small")
        if value > high:
            raise vol.Invalid(f"{self._key}_too_large")
        return value


def _select(options: list[str], key: str) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=options, translation_key=key, mode=SelectSelectorMode.DROPDOWN
        )
    )


def _schema() -> vol.Schema:
    """Return the form: no limit, kind or source has a default (Back Recovery never suggests one).

    They are optional so the frontend leaves them empty; ``_validate``
    refuses a submission without one.
    """
    return vol.Schema(
        {
            vol.Required(CONF_NAME): TextSelector(),
            vol.Optional(CONF_KIND): _select(list(MedicineKind), "medicine_kind"),
            vol.Optional(CONF_MIN_HOURS_BETWEEN): _LimitSelector(
                CONF_MIN_HOURS_BETWEEN
            ),
            vol.Optional(CONF_MAX_DOSES_PER_24H): _LimitSelector(
                CONF_MAX_DOSES_PER_24H
            ),
            vol.Optional(CONF_LIMITS_FROM): _select(list(LimitsFrom), "limits_from"),
            vol.Optional(CONF_SUPPLY): _LimitSelector(CONF_SUPPLY),
            vol.Optional(CONF_NOTIFY_WARNINGS, default=False): BooleanSelector(),
        }
    )


def _placeholders() -> dict[str, str]:
    """Return each number's limits as texts (``min_hours_between_min`` …)."""
    return {
        f"{key}_{end}": str(value)
        for key, (low, high) in RANGES.items()
        for end, value in (("min", low), ("max", high))
    }


def _validate(
    entry: ConfigEntry, user_input: Mapping[str, Any], own_id: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the subentry's data and field → error key.

    The keys: ``<field>_needed`` (a field of ``ENTERED`` left empty),
    ``not_whole_number``, ``name_empty``, ``name_in_use``.
    """
    errors: dict[str, str] = {
        key: f"{key}_needed" for key in ENTERED if user_input.get(key) in (None, "")
    }
    data: dict[str, Any] = {
        CONF_NAME: str(user_input[CONF_NAME]).strip(),
        CONF_NOTIFY_WARNINGS: bool(user_input.get(CONF_NOTIFY_WARNINGS, False)),
    }
    if CONF_KIND not in errors:
        data[CONF_KIND] = MedicineKind(user_input[CONF_KIND]).value
    if CONF_LIMITS_FROM not in errors:
        data[CONF_LIMITS_FROM] = LimitsFrom(user_input[CONF_LIMITS_FROM]).value
    for key in RANGES:
        if (value := user_input.get(key)) is None:
            continue
        if not float(value).is_integer():
            errors[key] = "not_whole_number"
        else:
            data[key] = int(value)
    if CONF_SUPPLY in data:
        data[CONF_SUPPLY_COUNTED_AT] = dt_util.utcnow().isoformat()
    if not data[CONF_NAME]:
        errors[CONF_NAME] = "name_empty"
    elif any(
        sub.subentry_type == SUBENTRY_MEDICATION
        and sub.subentry_id != own_id
        and same_name(sub.title, data[CONF_NAME])
        for sub in entry.subentries.values()
    ):
        errors[CONF_NAME] = "name_in_use"
    return data, errors


class MedicationSubentryFlow(ConfigSubentryFlow):
    """Add or edit one medicine of a recovery."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Name, kind and the limits from the label or the prescription."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = _validate(self._get_entry(), user_input, None)
            if not errors:
                return self.async_create_entry(title=data[CONF_NAME], data=data)
        return self._form("user", user_input or {}, errors)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit the same fields, each at its current value (the name: the title; the supply: the doses left now)."""
        entry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = _validate(entry, user_input, subentry.subentry_id)
            if not errors:
                return self.async_update_and_abort(
                    entry, subentry, title=data[CONF_NAME], data=data
                )
        current = {**subentry.data, CONF_NAME: subentry.title}
        current.pop(CONF_SUPPLY_COUNTED_AT, None)
        if CONF_SUPPLY in current and entry.state is ConfigEntryState.LOADED:
            left = entry.runtime_data.engine.records.medication.supply_left(
                subentry.subentry_id
            )
            if left is not None:
                current[CONF_SUPPLY] = left
        return self._form("reconfigure", user_input or current, errors)

    def _form(
        self, step_id: str, values: Mapping[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(_schema(), values),
            errors=errors,
            description_placeholders=_placeholders(),
        )
