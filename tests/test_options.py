"""Tests for the typed options: defaults, ranges, reading, storing, what they produce."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from datetime import date, time, timedelta
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.back_recovery import const
from custom_components.back_recovery.const import (
    CONF_ANNOUNCE_SATELLITES,
    CONF_BRACE_SENSOR,
    CONF_NOTIFY_ENTITIES,
    CONF_OWN_ACTIVITIES,
    CONF_POWER_SENSOR,
    CONF_POWER_THRESHOLD,
    CONF_QUIET_END,
    CONF_QUIET_START,
    CONF_REMIND_PHASE_CHANGE,
    CONF_REST_GAP_MINUTES,
    CONF_SESSION_MINUTES,
    DOMAIN,
)
from custom_components.back_recovery.options import (
    BACKSTOP_OPTIONS,
    CHECK_IN_OPTIONS,
    DEFAULT_OPTIONS,
    ENTITY_OPTIONS,
    NUMBER_OPTIONS,
    SWITCH_OPTIONS,
    TIME_OPTIONS,
    NumberOption,
    RecoveryOptions,
)
from custom_components.back_recovery.therapy.phases import Phase, PhaseSchedule
from custom_components.back_recovery.therapy.session import TherapySettings

from .helpers.ha import INJURY_DATE

# contract.md, options flow, step init: every option with its default.
CONTRACT_DEFAULTS: dict[str, Any] = {
    "session_minutes": 20,
    "rest_gap_minutes": 120,
    "ice_days": 1,
    "rest_weeks": 6,
    "rehabilitation_weeks": 6,
    "return_weeks": 12,
    "notify_entities": [],
    "announce_satellites": [],
    "remind_session_end": True,
    "remind_rest_over": True,
    "remind_phase_change": True,
    "remind_review": True,
    "remind_before_end_minutes": 2,
    "quiet_start": "00:00:00",
    "quiet_end": "00:00:00",
    "heat_hours_start": "00:00:00",
    "heat_hours_end": "00:00:00",
    # Rule 14: no power sensor (stored as no key), a threshold of 10 W.
    "power_threshold": 10,
    "brace_hours_per_day": 0,
    "own_activities": [],
}

# contract.md: the allowed range of every whole-number option.
CONTRACT_RANGES: dict[str, tuple[int, int]] = {
    "session_minutes": (1, 20),
    "rest_gap_minutes": (120, 1440),
    "ice_days": (0, 7),
    "rest_weeks": (1, 52),
    "rehabilitation_weeks": (1, 52),
    "return_weeks": (1, 52),
    "remind_before_end_minutes": (0, 10),
    "power_threshold": (1, 200),
    "brace_hours_per_day": (0, 23),
}


def test_defaults_are_the_contracts() -> None:
    """An entry with no options stored has the contract's defaults."""
    assert RecoveryOptions().as_dict() == CONTRACT_DEFAULTS
    assert RecoveryOptions.from_mapping({}) == RecoveryOptions()
    assert DEFAULT_OPTIONS == CONTRACT_DEFAULTS


def test_ranges_are_the_contracts() -> None:
    """Every whole-number option has the contract's range, its default inside it."""
    assert {
        key: (number.minimum, number.maximum) for key, number in NUMBER_OPTIONS.items()
    } == CONTRACT_RANGES
    for key, number in NUMBER_OPTIONS.items():
        assert number.minimum <= number.default <= number.maximum, key
        assert number.default == CONTRACT_DEFAULTS[key]


def test_fields_are_the_option_keys() -> None:
    """The fields are the options' keys, each in exactly one kind, all named in const."""
    names = [field.name for field in fields(RecoveryOptions)]
    kinds = [
        *NUMBER_OPTIONS,
        *ENTITY_OPTIONS,
        *SWITCH_OPTIONS,
        *TIME_OPTIONS,
        *BACKSTOP_OPTIONS,
        CONF_POWER_SENSOR,
        CONF_BRACE_SENSOR,
        *CHECK_IN_OPTIONS,
        CONF_OWN_ACTIVITIES,
    ]
    assert sorted(names) == sorted(kinds)
    assert len(set(kinds)) == len(kinds)
    conf_values = {
        value for name, value in vars(const).items() if name.startswith("CONF_")
    }
    assert set(names) <= conf_values


def test_rule_15_backstop_stored_only_when_set() -> None:
    """The auto-off and its switch are none by default and stored only when set."""
    assert RecoveryOptions().plug_auto_off is None
    assert not set(BACKSTOP_OPTIONS) & set(DEFAULT_OPTIONS)
    options = RecoveryOptions.from_mapping(
        {"plug_auto_off": "number.plug_auto_off", "plug_auto_off_switch": ""}
    )
    assert options.plug_auto_off == "number.plug_auto_off"
    assert options.plug_auto_off_switch is None
    stored = options.as_dict()
    assert stored["plug_auto_off"] == "number.plug_auto_off"
    assert "plug_auto_off_switch" not in stored
    assert RecoveryOptions.from_mapping(stored) == options


def test_rule_14_power_sensor_is_stored_only_when_set() -> None:
    """A power sensor is read and stored by entity id; none is no key at all."""
    options = RecoveryOptions.from_mapping(
        {CONF_POWER_SENSOR: "sensor.plug_power", CONF_POWER_THRESHOLD: 25.0}
    )

    assert options.power_sensor == "sensor.plug_power"
    assert options.power_threshold == 25
    assert options.as_dict()[CONF_POWER_SENSOR] == "sensor.plug_power"
    for empty in (None, ""):
        cleared = RecoveryOptions.from_mapping({CONF_POWER_SENSOR: empty})
        assert cleared.power_sensor is None
        assert CONF_POWER_SENSOR not in cleared.as_dict()


def test_morning_check_in_is_off_by_default_and_stored_only_when_set() -> None:
    """The morning check-in (a local time) is off by default; off is no key at all."""
    assert RecoveryOptions().morning_check_in is None
    assert "morning_check_in" not in DEFAULT_OPTIONS
    options = RecoveryOptions.from_mapping({"morning_check_in": "07:30:00"})
    assert options.morning_check_in == time(7, 30)
    assert options.as_dict()["morning_check_in"] == "07:30:00"
    assert RecoveryOptions.from_mapping(options.as_dict()) == options
    for empty in (None, ""):
        cleared = RecoveryOptions.from_mapping({"morning_check_in": empty})
        assert cleared.morning_check_in is None
        assert "morning_check_in" not in cleared.as_dict()


def test_a_stored_value_wins() -> None:
    """A stored value wins over the default; the others keep theirs."""
    options = RecoveryOptions.from_mapping(
        {CONF_SESSION_MINUTES: 15, CONF_REMIND_PHASE_CHANGE: False}
    )

    assert options.session_minutes == 15
    assert options.remind_phase_change is False
    assert options == RecoveryOptions(session_minutes=15, remind_phase_change=False)


def test_from_entry_reads_the_entrys_options() -> None:
    """from_entry reads the entry's options, defaults filling the gaps."""
    entry = MockConfigEntry(domain=DOMAIN, options={CONF_REST_GAP_MINUTES: 180})

    assert RecoveryOptions.from_entry(entry) == RecoveryOptions(rest_gap_minutes=180)


def test_stored_values_become_typed() -> None:
    """Stored numbers become ints, entity lists tuples, times of day times."""
    options = RecoveryOptions.from_mapping(
        {
            CONF_SESSION_MINUTES: 15.0,
            CONF_NOTIFY_ENTITIES: ["notify.phone"],
            CONF_ANNOUNCE_SATELLITES: ["assist_satellite.kitchen"],
            CONF_QUIET_START: "22:30:00",
            CONF_QUIET_END: time(7, 5),
            "not_an_option": "ignored",
        }
    )

    assert type(options.session_minutes) is int
    assert options.session_minutes == 15
    assert options.notify_entities == ("notify.phone",)
    assert options.announce_satellites == ("assist_satellite.kitchen",)
    assert options.quiet_start == time(22, 30)
    assert options.quiet_end == time(7, 5)


def test_as_dict_is_the_stored_form() -> None:
    """as_dict stores lists and HH:MM:SS, and reads back to the same options."""
    options = RecoveryOptions(
        notify_entities=("notify.phone",),
        quiet_start=time(22, 30),
        quiet_end=time(7, 0),
    )

    stored = options.as_dict()

    assert stored[CONF_NOTIFY_ENTITIES] == ["notify.phone"]
    assert stored[CONF_QUIET_START] == "22:30:00"
    assert stored[CONF_QUIET_END] == "07:00:00"
    assert RecoveryOptions.from_mapping(stored) == options


def test_options_are_frozen() -> None:
    """Options cannot change in place: new options are a new object."""
    options = RecoveryOptions()
    with pytest.raises(FrozenInstanceError):
        options.session_minutes = 5  # type: ignore[misc]


@pytest.mark.parametrize(("value", "whole"), [(15.0, 15), (15, 15), (0.0, 0)])
def test_whole_number_from_a_form(value: float, whole: int) -> None:
    """A form's whole number becomes an int."""
    result = NumberOption(default=1, minimum=0, maximum=20).whole(value)
    assert result == whole
    assert type(result) is int


def test_fraction_is_refused_not_rounded() -> None:
    """A number with a fraction is refused, never rounded."""
    with pytest.raises(ValueError, match="not a whole number"):
        NumberOption(default=1, minimum=0, maximum=20).whole(20.5)


def test_therapy_settings() -> None:
    """The session settings are the session length and the rest gap, in minutes."""
    options = RecoveryOptions(session_minutes=12, rest_gap_minutes=240)

    assert options.therapy_settings() == TherapySettings(
        session_minutes=12, rest_gap_minutes=240
    )


def test_phase_schedule_counts_from_the_injury_date() -> None:
    """Without an anchor the phases count from the injury date with the options' lengths."""
    options = RecoveryOptions(
        rest_weeks=4, rehabilitation_weeks=8, return_weeks=10, ice_days=3
    )

    assert options.phase_schedule(INJURY_DATE) == PhaseSchedule(
        injury_date=INJURY_DATE,
        rest_weeks=4,
        rehabilitation_weeks=8,
        return_weeks=10,
        ice_days=3,
        anchor_phase=Phase.REST,
        anchor_date=None,
    )


def test_phase_schedule_keeps_the_anchor() -> None:
    """New options keep the set_phase anchor of the schedule they replace."""
    anchored = (
        RecoveryOptions()
        .phase_schedule(INJURY_DATE)
        .rebased(Phase.REHABILITATION, date(2026, 12, 1))
    )

    schedule = RecoveryOptions(return_weeks=20).phase_schedule(INJURY_DATE, anchored)

    assert schedule.anchor_phase is Phase.REHABILITATION
    assert schedule.anchor_date == date(2026, 12, 1)
    assert schedule.return_weeks == 20
    assert schedule.starts()[Phase.REHABILITATION] == date(2026, 12, 1)
    assert schedule.starts()[Phase.RECOVERED] == date(2026, 12, 1) + timedelta(
        weeks=6 + 20
    )
