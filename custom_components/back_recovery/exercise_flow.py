"""The subentry flow of an exercise: add, edit (reconfigure), removed from the integration page.

Contract "Exercises (the rehabilitation programme)": the person enters what
the physical therapist prescribed; the form checks the contract's fields
and ranges (``therapy.Exercise`` says each error's key) and never suggests
an exercise, an amount or a progression of its own. The prescribed fields
without a default in the contract (``PRESCRIBED``: kind, sets, times per
day) are empty on a new exercise and refused when left empty
(``<field>_needed``): Home Assistant's frontend fills a required number
with its minimum and a required choice with its first option, so they are
optional in the schema and checked here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

import voluptuous as vol

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)

from .const import SUBENTRY_EXERCISE
from .therapy import (
    OWN_NAME_MAX_LENGTH,
    WEEKDAYS,
    Exercise,
    ExerciseError,
    ExerciseKind,
    PainRule,
    Phase,
    name_key,
)

_PHASES: Final = [phase.value for phase in Phase]
_DEFAULT_PHASES: Final = [Phase.REHABILITATION.value, Phase.RETURN_TO_ACTIVITY.value]

PRESCRIBED: Final = ("kind", "sets", "times_per_day")
"""The fields the person must enter (no default of ours); left empty, each is ``<field>_needed``."""

_FIELD_OF_ERROR: Final[Mapping[str, str]] = {
    **{f"{key}_needed": key for key in PRESCRIBED},
    "name_empty": "name",
    "name_in_use": "name",
    "name_too_long": "name",
    "sets_out_of_range": "sets",
    "reps_or_hold": "base",
    "reps_out_of_range": "reps",
    "hold_seconds_out_of_range": "hold_seconds",
    "times_per_day_out_of_range": "times_per_day",
    "no_day": "days",
    "no_phase": "phases",
    "max_pain_during_needed": "max_pain_during",
    "max_pain_during_out_of_range": "max_pain_during",
    "max_pain_during_only_monitoring": "max_pain_during",
}
NAME_MAX_LENGTH: Final = OWN_NAME_MAX_LENGTH
"""An exercise's name has at most this many characters (as an own activity's)."""


def _number(low: int, high: int, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(
        min=low, max=high, step=1, mode=NumberSelectorMode.BOX
    )
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _select(options: list[str], key: str, *, multiple: bool = False) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=options,
            translation_key=key,
            multiple=multiple,
            mode=SelectSelectorMode.LIST if multiple else SelectSelectorMode.DROPDOWN,
        )
    )


def _entered(
    key: str, values: Mapping[str, Any], *, required: bool = False
) -> vol.Marker:
    """Return a field that shows the entered value without making it a default.

    No field of the therapist's has a default of ours; when editing, the
    value entered is shown (suggested) and an optional one may be cleared.
    A therapist's field is optional so the frontend leaves it empty on a new
    exercise (a required one it fills with its minimum or first option);
    ``exercise_data`` refuses a ``PRESCRIBED`` one left empty.
    """
    value = values.get(key)
    marker = vol.Required if required else vol.Optional
    return marker(
        key, description={"suggested_value": value} if value is not None else None
    )


def exercise_schema(values: Mapping[str, Any]) -> vol.Schema:
    """Return the exercise form, filled with ``values`` (the subentry's data and title when editing)."""
    return vol.Schema(
        {
            _entered("name", values, required=True): TextSelector(),
            _entered("kind", values): _select(
                [kind.value for kind in ExerciseKind], "kind"
            ),
            _entered("sets", values): _number(1, 10),
            _entered("reps", values): _number(1, 100),
            _entered("hold_seconds", values): _number(1, 600, "s"),
            vol.Required(
                "per_side", default=values.get("per_side", False)
            ): BooleanSelector(),
            _entered("times_per_day", values): _number(1, 3),
            vol.Required("days", default=list(values.get("days", WEEKDAYS))): _select(
                list(WEEKDAYS), "days", multiple=True
            ),
            vol.Required(
                "phases", default=list(values.get("phases", _DEFAULT_PHASES))
            ): _select(_PHASES, "phase", multiple=True),
            _entered("instructions", values): TextSelector(
                TextSelectorConfig(multiline=True)
            ),
            vol.Required(
                "pain_rule", default=values.get("pain_rule", PainRule.NO_INCREASE.value)
            ): _select([rule.value for rule in PainRule], "pain_rule"),
            _entered("max_pain_during", values): _number(0, 10),
            _entered("progression_note", values): TextSelector(
                TextSelectorConfig(multiline=True)
            ),
        }
    )


def exercise_data(
    user_input: Mapping[str, Any], taken: Collection[str] = ()
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the subentry's data from the form and the errors (field → translation key).

    Numbers are kept whole; an empty optional text is left out. A field of
    ``PRESCRIBED`` left empty is ``<field>_needed`` (all of them at once,
    before any other check). ``taken``: the names (titles) of the
    recovery's other exercises as ``therapy.name_key`` compares them (a
    name among them, case and spaces aside, is ``name_in_use``:
    ``log_exercise`` finds an exercise by its name). A name longer than
    ``NAME_MAX_LENGTH`` characters is
    ``name_too_long``; ``max_pain_during`` with a rule other than
    ``monitoring`` is ``max_pain_during_only_monitoring``.
    """
    data: dict[str, Any] = {}
    for key, value in user_input.items():
        if value is None or value == "":
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        data[key] = value.strip() if isinstance(value, str) else value
    if needed := {key: f"{key}_needed" for key in PRESCRIBED if key not in data}:
        return data, needed
    name = data.get("name")
    if isinstance(name, str) and len(name) > NAME_MAX_LENGTH:
        return data, {"name": "name_too_long"}
    if isinstance(name, str) and name_key(name) in taken:
        return data, {"name": "name_in_use"}
    if "max_pain_during" in data and data.get("pain_rule") != PainRule.MONITORING:
        return data, {"max_pain_during": "max_pain_during_only_monitoring"}
    try:
        Exercise.from_config("new", data)
    except ExerciseError as err:
        return data, {_FIELD_OF_ERROR.get(err.reason, "base"): err.reason}
    except ValueError:
        return data, {"base": "invalid_exercise"}
    return data, {}


class ExerciseSubentryFlow(ConfigSubentryFlow):
    """Add or edit one prescribed exercise."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add an exercise; its name is the subentry's title (and its device's name)."""
        return await self._async_form("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit an exercise as the therapist changed it; the log stays.

        The name shown is the subentry's title: Home Assistant's *Rename*
        changes only the title.
        """
        subentry = self._get_reconfigure_subentry()
        return await self._async_form(
            "reconfigure", user_input, {**subentry.data, "name": subentry.title}
        )

    def _names_taken(self, step: str) -> set[str]:
        """Return the names (titles) of the recovery's other exercises as ``name_key`` compares them."""
        own = None if step == "user" else self._get_reconfigure_subentry().subentry_id
        return {
            name_key(sub.title)
            for sub in self._get_entry().subentries.values()
            if sub.subentry_type == SUBENTRY_EXERCISE and sub.subentry_id != own
        }

    async def _async_form(
        self, step: str, user_input: dict[str, Any] | None, current: Mapping[str, Any]
    ) -> SubentryFlowResult:
        values: Mapping[str, Any] = current
        errors: dict[str, str] = {}
        if user_input is not None:
            data, errors = exercise_data(user_input, self._names_taken(step))
            if not errors:
                if step == "user":
                    return self.async_create_entry(title=data["name"], data=data)
                return self.async_update_and_abort(
                    self._get_entry(),
                    self._get_reconfigure_subentry(),
                    title=data["name"],
                    data=data,
                )
            values = user_input
        return self.async_show_form(
            step_id=step, data_schema=exercise_schema(values), errors=errors
        )
