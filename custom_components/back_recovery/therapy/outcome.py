"""What the rules decide, as values: an ``Outcome`` and a ``Blocked`` start.

Nothing here imports Home Assistant. The engine carries each outcome out in
one order (the plug, storage, what the entities show, the events).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .pain_log import PainOutcome
from .phases import Phase
from .self_switch import SwitchCause
from .session import Modality, Refusal, TherapySession


@dataclass(frozen=True, slots=True)
class Blocked:
    """A start that was refused or undone, and why.

    ``cause``: who switched the plug on, for a plug seen on (rule 16);
    ``None`` for a request refused and a plug found on at a (re)start.
    """

    modality: Modality
    allowed_at: datetime
    reason: Refusal
    cause: SwitchCause | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What must happen after an event: the engine carries it out in this order.

    ``switch_on`` is the start's own business: the engine switches the plug on
    and waits for it to confirm before the start counts (rule 11; the
    requested session is ``TherapyLog.starting`` until ``settle_start``). A
    heat session ends (``ended``) only when the plug confirms ``off``. ``pain``
    is what a diary entry or a new day means (``pain_log.PainLog``);
    ``phase_change`` the old and new phase, once per change
    (``phases.PhaseTracker``); ``rest_over`` says the rest gap has ended.
    """

    switch_off: bool = False
    switch_on: bool = False
    ended: TherapySession | None = None
    started: TherapySession | None = None
    blocked: Blocked | None = None
    pain: PainOutcome | None = None
    phase_change: tuple[Phase, Phase] | None = None
    rest_over: bool = False

    def caused_by(self, cause: SwitchCause | None) -> Outcome:
        """Return this outcome with its refused start said to be ``cause``'s (rule 16)."""
        if self.blocked is None or cause is None:
            return self
        return replace(self, blocked=replace(self.blocked, cause=cause))


NOTHING = Outcome()
