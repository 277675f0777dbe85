"""The recovery's timers: a session's planned end, the heads-up, the rest gap's end, midnight.

The planned end is watched on both clocks (``timers.Clocks``): a timer on the
wall clock, one on the monotonic clock, and every ``CLOCK_WATCH_SECONDS`` a
comparison of the two; whichever says "due" first ends the session (contract
rule 12). The end of the rest gap is pinned on the monotonic clock too, so a
wall clock that steps forward does not shorten the skin's rest.

Midnight is local midnight in Home Assistant's time zone: a change of time
zone in the settings (``EVENT_CORE_CONFIG_UPDATE``) is reported like a
midnight, so the day, the phase and the midnight timer follow the new zone at
once, as the texts follow a change of language.

The watch decides nothing and writes nothing but its timers: whatever comes
due is reported to the engine through one typed channel, ``on_due`` (a
``Due``), and the engine asks the rules (``therapy.TherapyLog.deadline``) and
carries out what they decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from homeassistant.const import EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_utc_time_change
from homeassistant.util import dt as dt_util

from ..therapy import TherapyLog, TherapySession
from .clocks import Clocks, Timers

CLOCK_WATCH_SECONDS: Final = 10.0
"""While a session runs, the clocks are compared this often, in seconds (rule 12)."""


@dataclass(frozen=True, slots=True)
class DeadlineDue:
    """The running session may have reached its planned end at ``now``.

    ``due``: the monotonic clock has reached the planned end, whatever the
    wall clock reads (rule 12); otherwise only the rules' comparison of
    ``now`` with the planned end can end the session (the wall clock alone).
    ``watch``: the regular comparison of the clocks asks; when nothing is due,
    only the comparison is set again (``watch_clocks``), every other timer
    stays as it is.
    """

    now: datetime
    due: bool = False
    watch: bool = False


@dataclass(frozen=True, slots=True)
class HeadsUp:
    """The running session ends in ``minutes`` whole minutes."""

    session: TherapySession
    minutes: int


@dataclass(frozen=True, slots=True)
class RestOver:
    """The rest gap has ended on both clocks."""


@dataclass(frozen=True, slots=True)
class MinuteTick:
    """A minute passed while the time since the last session counts."""


@dataclass(frozen=True, slots=True)
class Midnight:
    """A new local day may have begun: local midnight came, or the time zone changed.

    The heat hours opening or closing (rule 19) are reported the same way: the
    engine reads the day again and shows the recovery as it stands then.
    """


type Due = DeadlineDue | HeadsUp | RestOver | MinuteTick | Midnight
"""What the watch reports to the engine."""


class DeadlineWatch:
    """The planned end on both clocks, the heads-up, the rest gap's end, ticks, midnight.

    Reads ``log``; reports each moment that comes due to ``on_due``.
    ``heads_up_minutes`` (the engine sets it from the options) is how long
    before the planned end the heads-up comes; 0 sends none.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        log: TherapyLog,
        on_due: Callable[[Due], None],
        heads_up_minutes: int = 0,
    ) -> None:
        """Set nothing yet; ``arm`` sets what the log needs."""
        self._hass = hass
        self._log = log
        self._on_due = on_due
        self.heads_up_minutes = heads_up_minutes
        self.clocks = Clocks(hass)
        self.timers = Timers(hass)
        # The running session's start and its planned end on the monotonic
        # clock; the start of the skin's rest and its monotonic reading (rule 12).
        self._deadline_monotonic: tuple[datetime, float] | None = None
        self._rest_start_monotonic: tuple[datetime, float] | None = None
        # The end of an unknown history's possible rest gap, on the monotonic clock.
        self._unknown_until_monotonic: tuple[datetime, float] | None = None
        self._minute_unsub: CALLBACK_TYPE | None = None
        self._time_zone_unsub: CALLBACK_TYPE | None = None
        self._stopped = False

    def now(self) -> datetime:
        """Return the current moment on the wall clock (UTC)."""
        return self.clocks.wall()

    def rest_floor(self) -> datetime | None:
        """Return the end of the rest gap on the monotonic clock, in the wall clock's reading now.

        A pure read (rule 12): ``None`` until ``arm`` has pinned a rest start.
        """
        if self._rest_start_monotonic is None:
            return None
        gap = self._log.settings.rest_gap_minutes * 60
        return self.clocks.wall_of(self._rest_start_monotonic[1] + gap)

    def unknown_floor(self) -> datetime | None:
        """Return the end of an unknown history's possible rest gap on the monotonic clock.

        In the wall clock's reading now, like ``rest_floor``; ``None`` while
        the history is known or before ``arm`` pinned it.
        """
        if self._unknown_until_monotonic is None:
            return None
        return self.clocks.wall_of(self._unknown_until_monotonic[1])

    def arm(self) -> None:
        """Pin the planned end and the rest's start on the monotonic clock, then set every timer.

        The one call that makes both clocks watch what the log says (rule 12):
        the engine calls it in the same turn of the loop as every change it
        applies, and when the entry loads (from the stored wall-clock moments,
        read then). A moment already pinned stays pinned; a stopped watch
        sets nothing.
        """
        if self._stopped:
            return
        self._pin()
        self._set_timers()

    def _pin(self) -> None:
        running = self._log.running
        if running is None:
            self._deadline_monotonic = None
        elif self._deadline_monotonic is None or (
            self._deadline_monotonic[0] != running.started
        ):
            self._deadline_monotonic = (
                running.started,
                self.clocks.monotonic_of(running.planned_end),
            )
        rest_start = self._log.rest_start
        if rest_start is None:
            self._rest_start_monotonic = None
        elif self._rest_start_monotonic is None or (
            self._rest_start_monotonic[0] != rest_start
        ):
            self._rest_start_monotonic = (
                rest_start,
                self.clocks.monotonic_of(rest_start),
            )
        unknown_until = self._log.history_unknown_until
        if unknown_until is None:
            self._unknown_until_monotonic = None
        elif self._unknown_until_monotonic is None or (
            self._unknown_until_monotonic[0] != unknown_until
        ):
            self._unknown_until_monotonic = (
                unknown_until,
                self.clocks.monotonic_of(unknown_until),
            )

    @property
    def minute_tick(self) -> bool:
        """Whether the minute tick runs."""
        return self._minute_unsub is not None

    def _set_timers(self) -> None:
        """Set the timers the log needs now."""
        running = self._log.running
        now = self.now()
        self.timers.at(
            "deadline", running.planned_end if running else None, self._on_deadline
        )
        self.timers.at_monotonic(
            "deadline_monotonic",
            self._deadline_monotonic[1]
            if running and self._deadline_monotonic
            else None,
            self._on_monotonic_deadline,
        )
        if running is None:
            self.timers.cancel("clock_watch")
        elif "clock_watch" not in self.timers.names:
            self.watch_clocks()
        heads_up = None
        minutes = self.heads_up_minutes
        if running is not None and minutes > 0:
            heads_up = running.planned_end - timedelta(minutes=minutes)
            if heads_up <= now or heads_up <= running.started:
                heads_up = None
        self.timers.at("heads_up", heads_up, self._on_heads_up_due)
        rest_over = (
            self._log.next_allowed(self.rest_floor()) if running is None else None
        )
        if rest_over is not None and rest_over <= now:
            rest_over = None
        self.timers.at("rest_over", rest_over, self._on_rest_over_due)
        # Only the time since the last session changes by the minute (0 while
        # a session runs).
        self._set_minute_tick(running is None and self._log.last_end is not None)
        # The heat hours open or close (rule 19): shown like a new day.
        self.timers.at(
            "heat_hours",
            self._log.settings.heat_hours.next_change(now),
            self._on_midnight_due,
        )
        tomorrow = dt_util.now().date() + timedelta(days=1)
        self.timers.at(
            "midnight", dt_util.start_of_local_day(tomorrow), self._on_midnight_due
        )
        self._follow_time_zone()

    def stop(self) -> None:
        """Cancel every timer; none is set again (Home Assistant stops or the entry unloads)."""
        self._stopped = True
        self.timers.cancel_all()
        self._set_minute_tick(False)
        if self._time_zone_unsub is not None:
            self._time_zone_unsub()
            self._time_zone_unsub = None

    def _follow_time_zone(self) -> None:
        """Report a change of Home Assistant's time zone as a midnight (once listening).

        The midnight timer was set in the old zone: the engine asks the rules
        what today is in the new one, and arming again sets the timer to the
        new zone's midnight. Other changes of the settings are ignored.
        """
        if self._time_zone_unsub is not None:
            return
        said_in = self._hass.config.time_zone

        @callback
        def _config_updated(_event: Event) -> None:
            nonlocal said_in
            if self._stopped or self._hass.config.time_zone == said_in:
                return
            said_in = self._hass.config.time_zone
            self._on_due(Midnight())

        self._time_zone_unsub = self._hass.bus.async_listen(
            EVENT_CORE_CONFIG_UPDATE, _config_updated
        )

    def _set_minute_tick(self, wanted: bool) -> None:
        if wanted and self._minute_unsub is None:
            self._minute_unsub = async_track_utc_time_change(
                self._hass, self._on_minute_tick, second=0
            )
        elif not wanted and self._minute_unsub is not None:
            self._minute_unsub()
            self._minute_unsub = None

    @callback
    def _on_minute_tick(self, _now: datetime) -> None:
        self._on_due(MinuteTick())

    @callback
    def _on_midnight_due(self, _moment: datetime) -> None:
        self._on_due(Midnight())

    @callback
    def _on_deadline(self, planned_end: datetime) -> None:
        """End the session at its planned end on the wall clock, in this very turn.

        The timer passes the moment it was set for: the deadline has come even
        if the clock reads a hair earlier.
        """
        self._on_due(
            DeadlineDue(max(self.now(), planned_end), due=self._monotonic_passed())
        )

    @callback
    def _on_monotonic_deadline(self) -> None:
        """End the session at its planned end on the monotonic clock, whatever the wall says."""
        self._on_due(DeadlineDue(self.now(), due=True))

    def _monotonic_passed(self) -> bool:
        """Whether the monotonic clock has reached the running session's planned end."""
        pinned = self._deadline_monotonic
        return pinned is not None and self.clocks.monotonic() >= pinned[1]

    def watch_clocks(self) -> None:
        """Compare the clocks again in ``CLOCK_WATCH_SECONDS`` while a session runs."""
        self.timers.at_monotonic(
            "clock_watch",
            self.clocks.monotonic() + CLOCK_WATCH_SECONDS,
            self._on_clock_watch,
        )

    @callback
    def _on_clock_watch(self) -> None:
        """Compare the clocks: a start now in the future or a passed end ends the session."""
        if self._log.running is not None and not self._stopped:
            self._on_due(
                DeadlineDue(self.now(), due=self._monotonic_passed(), watch=True)
            )

    @callback
    def _on_heads_up_due(self, _moment: datetime) -> None:
        if (running := self._log.running) is None:
            return
        left = (running.planned_end - self.now()).total_seconds() / 60
        self._on_due(HeadsUp(running, max(1, round(left))))

    @callback
    def _on_rest_over_due(self, _moment: datetime) -> None:
        if self._log.skin_resting(self.now(), self.rest_floor()):
            # The wall clock stepped forward: the monotonic clock's rest goes on.
            self.arm()
            return
        self._on_due(RestOver())
