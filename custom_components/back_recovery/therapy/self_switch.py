"""A plug that keeps switching itself on (contract rule 16), as rules.

Nothing here imports Home Assistant; the caller passes ``now``. A plug with a
countdown that toggles, a power-on behaviour or a bridge that replays a
command switches itself on again and again. Each time it is switched off at
once (rules 1, 2, 7: the engine does that whatever this says); this part
decides what the person and the bus are told, so that it stays bounded:

- the first and second time within ``SELF_SWITCH_WINDOW`` are refused starts
  like any other (``session_blocked`` each time);
- from the third time within it, the plug *keeps switching itself on*: the
  alarm (the repair issue ``heating_pad_switches_itself_on`` and the urgent
  reminder) goes once, and ``session_blocked`` fires at most once per
  ``ANNOUNCE_SPACING``;
- the alarm is over once ``QUIET_TIME`` passes without one; the next time
  then counts from one again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

SELF_SWITCH_TIMES: Final = 3
"""How many times within ``SELF_SWITCH_WINDOW`` make a plug that keeps switching itself on."""
SELF_SWITCH_WINDOW: Final = timedelta(minutes=10)
ANNOUNCE_SPACING: Final = timedelta(minutes=1)
"""While the plug keeps switching itself on, ``session_blocked`` fires at most once per this."""
QUIET_TIME: Final = timedelta(minutes=30)
"""The alarm stands until this passes without the plug switching itself on."""


class SwitchCause(StrEnum):
    """Who switched the plug on, as ``session_blocked`` says it (``cause``)."""

    PLUG = "plug"
    """No context of Home Assistant's: the plug itself (or its own button)."""
    PERSON = "person"
    """A person, through Home Assistant (the context has a user)."""
    AUTOMATION = "automation"
    """An automation or a script (the context has a parent)."""


@dataclass(frozen=True, slots=True)
class SelfSwitchVerdict:
    """What one self-switch means: ``announce`` it (``session_blocked``), raise the ``alarm`` (once)."""

    announce: bool
    alarm: bool


@dataclass
class SelfSwitchWatch:
    """The times one plug switched itself on and was switched off again (rule 16).

    ``times``: those within ``SELF_SWITCH_WINDOW`` of the last one, oldest
    first. ``announced``: when ``session_blocked`` last fired for one.
    ``alarmed``: the alarm stands (from the third time until ``quiet_until``).
    A wall clock stepped back makes ``now`` earlier than a time seen: the
    times after ``now`` are forgotten, and the alarm stands on until
    ``QUIET_TIME`` after ``now``'s reading (it ends later, never sooner).
    """

    times: list[datetime] = field(default_factory=list)
    announced: datetime | None = None
    alarmed: bool = False

    def switched_itself_on(self, now: datetime) -> SelfSwitchVerdict:
        """Count the plug switched on by itself at ``now`` (and switched off); say what to tell."""
        self.times = [t for t in self.times if now - SELF_SWITCH_WINDOW < t <= now]
        self.times.append(now)
        alarm = not self.alarmed and len(self.times) >= SELF_SWITCH_TIMES
        self.alarmed = self.alarmed or alarm
        announced = self.announced
        announce = (
            not self.alarmed
            or announced is None
            or not announced <= now < announced + ANNOUNCE_SPACING
        )
        if announce:
            self.announced = now
        return SelfSwitchVerdict(announce, alarm)

    @property
    def quiet_until(self) -> datetime | None:
        """When the alarm is over if the plug does not switch itself on before; ``None`` without one."""
        if not self.alarmed or not self.times:
            return None
        return self.times[-1] + QUIET_TIME

    def quiet(self, now: datetime) -> bool:
        """Return whether an alarm that stood is over at ``now`` (once); start counting afresh then."""
        until = self.quiet_until
        if until is None or now < until:
            return False
        self.times, self.announced, self.alarmed = [], None, False
        return True

    def resume(self, now: datetime) -> None:
        """Let an alarm found standing (from before a reload) stand until ``QUIET_TIME`` after ``now``."""
        self.times, self.alarmed = [now], True
