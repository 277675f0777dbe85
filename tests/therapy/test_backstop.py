"""Tests of the backstop's value (therapy/backstop.py): rule 15, the plug's own auto-off.

The session's minutes plus 2, in the auto-off's unit, rounded up to its step,
at least its minimum; none when its maximum cannot hold it.
"""

from __future__ import annotations

import pytest

from custom_components.back_recovery.therapy.backstop import (
    AutoOffRange,
    backstop_holds,
    backstop_value,
)


def _number(
    unit: str | None, minimum: float = 0, maximum: float = 100000, step: float = 1
) -> AutoOffRange:
    return AutoOffRange(unit=unit, minimum=minimum, maximum=maximum, step=step)


@pytest.mark.parametrize(
    ("session", "unit", "step", "expected"),
    [
        (20, "min", 1, 22),
        (20, "s", 1, 1320),
        (10, "min", 1, 12),
        (1, "s", 1, 180),
        (20, "min", 5, 25),
        (20, "s", 60, 1320),
        (20, "s", 100, 1400),
        (20, "h", 1, 1),
        (20, "h", 0.01, 0.37),
        (20, "min", 0.5, 22),
    ],
)
def test_rule_15_backstop_is_the_session_plus_2_minutes_rounded_up(
    session: int, unit: str, step: float, expected: float
) -> None:
    """Minutes plus 2 in the unit, rounded up to the step (never an earlier switch-off)."""
    value = backstop_value(session, _number(unit, step=step))
    assert value == pytest.approx(expected)
    assert value is not None
    seconds = {"s": 1, "min": 60, "h": 3600}[unit]
    assert value * seconds >= (session + 2) * 60


def test_rule_15_backstop_whole_values_are_ints() -> None:
    """A whole value is handed over as an ``int`` (22, not 22.0)."""
    assert isinstance(backstop_value(20, _number("min")), int)


def test_rule_15_backstop_at_least_the_numbers_minimum() -> None:
    """A minimum above the value is the value (the switch-off comes later, never sooner)."""
    assert backstop_value(20, _number("min", minimum=30)) == 30


@pytest.mark.parametrize(
    ("unit", "maximum"), [("min", 21), ("s", 1319), ("h", 0.3), ("min", 0)]
)
def test_rule_15_backstop_refused_when_the_maximum_cannot_hold_it(
    unit: str, maximum: float
) -> None:
    """A maximum below the session plus 2 minutes cannot hold the backstop: none."""
    assert backstop_value(20, _number(unit, maximum=maximum, step=0.01)) is None


@pytest.mark.parametrize("unit", [None, "", "d", "%", "W", "ms"])
def test_rule_15_backstop_needs_a_time_unit(unit: str | None) -> None:
    """Only ``s``, ``min`` and ``h`` count time here: anything else holds no backstop."""
    assert backstop_value(20, _number(unit)) is None


@pytest.mark.parametrize("step", [0, -1])
def test_rule_15_backstop_needs_a_positive_step(step: float) -> None:
    """A step that is not positive holds no backstop."""
    assert backstop_value(20, _number("min", step=step)) is None


@pytest.mark.parametrize(
    ("read", "value", "step", "holds"),
    [
        (22.0, 22, 1, True),
        (22.4, 22, 1, True),
        (22.6, 22, 1, False),
        (1.9, 1, 1, False),
        (21.0, 22, 1, False),
        (23.0, 22, 1, False),
        (0.0, 22, 1, False),
        (1320.0, 1320, 1, True),
        (1380.0, 1320, 60, False),
        (0.37, 0.37, 0.01, True),
    ],
)
def test_rule_15_backstop_read_back_within_half_a_step(
    read: float, value: float, step: float, holds: bool
) -> None:
    """The value read back holds the backstop when it is within half the number's step."""
    assert backstop_holds(read, value, step) is holds
