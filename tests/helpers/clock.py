"""The tests' clocks: the frozen moment, moving both clocks, stepping the wall clock alone.

``freezer`` (freezegun) moves the wall clock and the event loop's monotonic
clock together; ``advance`` and ``move_to`` do that and run what became due,
``wall_clock_stepper`` moves the wall clock alone (NTP, a VM resumed), and
``waited`` runs a request that waits for the plug while time passes.
Moments: ``T0``, ``INJURY``, local days in Home Assistant's time zone, and ``at`` in a
zone of its own for the plain diaries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, tzinfo
import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
"""The moment the tests' clock is frozen at (conftest's ``frozen_clock``): 01:00 in US/Pacific."""

INJURY = date(2026, 3, 2)
"""The injury date of the plain-data tests (diaries, phase schedules): a Monday."""

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def real_seconds() -> float:
    """Return a monotonic clock in seconds that freezegun leaves alone (for measurements)."""
    return clock.clock_gettime(clock.CLOCK_MONOTONIC)


def minutes(count: float) -> timedelta:
    """Return ``count`` minutes."""
    return timedelta(minutes=count)


def days(count: int) -> timedelta:
    """Return ``count`` days."""
    return timedelta(days=count)


def at(day: date, hour: int = 12, minute: int = 0, tz: tzinfo = BERLIN) -> datetime:
    """Return a local moment on ``day`` in ``tz`` (Berlin unless told)."""
    return datetime.combine(day, time(hour, minute), tz)


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """Return a moment on a local day (Home Assistant's time zone)."""
    return at(day, hour, minute, dt_util.get_default_time_zone())


def local_midnight(day: date) -> datetime:
    """Return the start of a local date (Home Assistant's time zone), an aware datetime."""
    return dt_util.start_of_local_day(day)


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    delta: timedelta,
    *,
    wait_background_tasks: bool = False,
) -> None:
    """Move both clocks on by ``delta`` and run what is due.

    ``wait_background_tasks`` also waits for background tasks (reminders in flight).
    """
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=wait_background_tasks)


async def move_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime
) -> None:
    """Move both clocks to ``moment`` and run what became due."""
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def waited[T](
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    request: Coroutine[Any, Any, T],
    seconds: int = 5,
) -> asyncio.Task[T]:
    """Run a request that may wait for the plug while ``seconds`` pass; return its task, done.

    The plug's confirmation is awaited on the event loop's clock (5 seconds,
    ``CONFIRM_SECONDS``): both clocks move on in steps of 0.1 s meanwhile.
    The task's ``result()`` is the request's, its ``exception()`` what it raised.
    """
    task = asyncio.get_running_loop().create_task(request)
    # A switch's request waits in a task Home Assistant tracks: time passes
    # without waiting for the tracked tasks until it is done.
    for _ in range(seconds * 10):
        freezer.tick(timedelta(seconds=0.1))
        async_fire_time_changed(hass)
        for _ in range(5):
            await asyncio.sleep(0)
    await hass.async_block_till_done()
    assert task.done()
    return task


@contextmanager
def wall_clock_stepper(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> Iterator[Callable[[timedelta], Awaitable[None]]]:
    """Give a function that steps the wall clock alone (NTP, a VM resumed).

    ``freezer`` moves the wall clock and the event loop's monotonic clock
    together; the loop's ``time`` is given an offset so that it runs on
    unchanged while the wall clock steps. The loop's own clock is back on leaving.
    """
    loop = hass.loop
    real_time = loop.time
    offset = 0.0

    def monotonic() -> float:
        return real_time() + offset

    async def step(delta: timedelta) -> None:
        nonlocal offset
        offset -= delta.total_seconds()
        freezer.move_to(dt_util.utcnow() + delta)
        await hass.async_block_till_done()

    loop.time = monotonic  # type: ignore[method-assign]
    try:
        yield step
    finally:
        del loop.time
