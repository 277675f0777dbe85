"""Timers and the two clocks the rules are measured on.

The wall clock says what time it is (``dt_util.utcnow``, UTC); it can step
when the host's time is corrected. The monotonic clock (the event loop's
``time()``, in seconds) never steps, but means nothing across a restart.
While Home Assistant runs, heat and the rest gap are measured on both and the
safer reading wins (contract rule 12).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_at, async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

_LOGGER = logging.getLogger(__name__)

STEP_TOLERANCE: Final = timedelta(minutes=1)
"""Clocks that disagree by more than this have stepped: a warning is logged."""


class Clocks:
    """The wall clock and the monotonic clock, and the conversion between them."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Anchor both clocks now."""
        self._loop = hass.loop
        self._anchor = (dt_util.utcnow(), self._loop.time())

    def monotonic(self) -> float:
        """Return the monotonic clock, in seconds."""
        return self._loop.time()

    def wall(self) -> datetime:
        """Return the wall clock (UTC); a step beyond a minute is logged as a warning."""
        wall, mono = dt_util.utcnow(), self._loop.time()
        anchor_wall, anchor_mono = self._anchor
        expected = anchor_wall + timedelta(seconds=mono - anchor_mono)
        if abs(wall - expected) > STEP_TOLERANCE:
            _LOGGER.warning(
                "The wall clock stepped: it reads %s, the monotonic clock says %s "
                "(%+.0f s); heat and the rest gap keep the safer of the two readings",
                wall.isoformat(),
                expected.isoformat(),
                (wall - expected).total_seconds(),
            )
            self._anchor = (wall, mono)
        return wall

    def monotonic_of(self, moment: datetime) -> float:
        """Say a wall-clock moment on the monotonic clock, as the clocks read now."""
        return self._loop.time() + (moment - dt_util.utcnow()).total_seconds()

    def wall_of(self, monotonic: float) -> datetime:
        """Say a monotonic reading on the wall clock, as the clocks read now."""
        return dt_util.utcnow() + timedelta(seconds=monotonic - self._loop.time())


class Timers:
    """Named one-shot timers; setting one replaces it, a fired one is forgotten.

    A timer runs either to a wall-clock moment (``at``) or to a monotonic
    reading (``at_monotonic``), whichever the rule needs. Setting a timer to
    the moment it is already set for changes nothing.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Hold no timer yet."""
        self._hass = hass
        self._unsubs: dict[str, CALLBACK_TYPE] = {}
        self._whens: dict[str, datetime | float] = {}

    @property
    def names(self) -> list[str]:
        """The names of the timers that are set, sorted."""
        return sorted(self._unsubs)

    def at(
        self, name: str, when: datetime | None, action: Callable[[datetime], None]
    ) -> None:
        """Call ``action(when)`` when the wall clock reaches ``when`` (``None`` cancels)."""
        if self._set(name, when) and when is not None:
            self._unsubs[name] = async_track_point_in_utc_time(
                self._hass, self._job(name, lambda: action(when)), when
            )

    def at_monotonic(
        self, name: str, when: float | None, action: Callable[[], None]
    ) -> None:
        """Call ``action()`` when the monotonic clock reaches ``when`` (``None`` cancels)."""
        if self._set(name, when) and when is not None:
            self._unsubs[name] = async_call_at(
                self._hass, self._job(name, action), when
            )

    def _set(self, name: str, when: datetime | float | None) -> bool:
        """Replace the timer ``name``; return whether one must be scheduled for ``when``.

        ``None`` cancels it; the moment it is already set for changes nothing.
        """
        if when is not None and self._whens.get(name) == when:
            return False
        self.cancel(name)
        if when is None:
            return False
        self._whens[name] = when
        return True

    def _job(self, name: str, action: Callable[[], None]) -> HassJob[[datetime], None]:
        @callback
        def fire(_now: datetime) -> None:
            self._forget(name)
            action()

        return HassJob(fire, f"back_recovery {name}")

    def _forget(self, name: str) -> None:
        self._unsubs.pop(name, None)
        self._whens.pop(name, None)

    def cancel(self, name: str) -> None:
        """Cancel the timer ``name`` if it is set."""
        self._whens.pop(name, None)
        if (unsub := self._unsubs.pop(name, None)) is not None:
            unsub()

    def cancel_all(self) -> None:
        """Cancel every timer."""
        for name in list(self._unsubs):
            self.cancel(name)
