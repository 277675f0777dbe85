"""The plug's own auto-off as a backstop: what to set it to (contract rule 15).

Before every heat start the plug's auto-off (a number in seconds, minutes or
hours) is set to the session's minutes plus ``BACKSTOP_MARGIN_MINUTES``, so
a Home Assistant that dies mid-session still leaves the pad off by then. This
module only computes: the value in the number's unit, rounded up to its step,
within its range, and whether a value read back holds it. No Home Assistant.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
import math
from typing import Final

BACKSTOP_MARGIN_MINUTES: Final = 2
"""Minutes the backstop gives beyond the session's planned end (rule 15)."""

SECONDS_PER_UNIT: Final = {"s": 1, "min": 60, "h": 3600}
"""The units an auto-off may have, by Home Assistant's unit text, in seconds."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoOffRange:
    """What an auto-off number accepts: its unit, range and step (as its state says)."""

    unit: str | None
    """``s``, ``min`` or ``h``; anything else cannot hold a backstop."""
    minimum: float
    maximum: float
    step: float


def backstop_value(session_minutes: int, number: AutoOffRange) -> float | None:
    """Return the auto-off to set for a session of ``session_minutes`` (in ``number.unit``).

    ``session_minutes`` plus the margin, in the number's unit, rounded up to
    a multiple of its step and at least its minimum (rounding makes the
    switch-off later, never earlier than the session's end). ``None``
    when the number cannot hold it: a unit that is no time (``s``, ``min``,
    ``h``), a step that is not positive, or a maximum below the value.
    """
    seconds = SECONDS_PER_UNIT.get(number.unit or "")
    if seconds is None or number.step <= 0:
        return None
    needed = Fraction((session_minutes + BACKSTOP_MARGIN_MINUTES) * 60, seconds)
    step = Fraction(str(number.step))
    value = math.ceil(needed / step) * step
    value = max(value, Fraction(str(number.minimum)))
    if value > Fraction(str(number.maximum)):
        return None
    return int(value) if value.denominator == 1 else float(value)


def backstop_holds(read: float, value: float, step: float) -> bool:
    """Return whether the auto-off ``read`` back holds ``value`` set (rule 15).

    Within half the number's ``step`` (a device may round what it stores);
    a timer in hours with step 1 that reads 1.9 h for 1 h set does not hold:
    it would leave the pad on long after session minutes + 2.
    """
    return abs(read - value) <= step / 2
