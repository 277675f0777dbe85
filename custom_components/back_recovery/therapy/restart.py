"""What a (re)start finds: an overdue session, then the plug as it is.

A rule of ``log.TherapyLog`` kept in its own module (the class stays short):
the engine asks it once, when the entry loads, after the history is restored.
"""

from __future__ import annotations

from datetime import datetime

from .log import NOTHING, Outcome, TherapyLog


def reconcile(
    log: TherapyLog,
    now: datetime,
    plug_on: bool | None,
    *,
    has_plug: bool = True,
    history_unknown: bool = False,
    rest_floor: datetime | None = None,
) -> tuple[Outcome, ...]:
    """Decide what a (re)start finds: an overdue session, then the plug as it is.

    Whatever was closed, the plug is judged afterwards (rules 2, 3, 5, 7):
    on with no session allowed, it is switched off. ``plug_on`` is ``None``
    when the plug is unreachable or none is configured. Without a plug
    nothing can be owed to it.

    A history that cannot be read (``history_unknown``) may hide a rest gap
    that runs now: a plug found on owes a switch-off, and a plug switched on
    from outside is refused until a whole rest gap has passed from ``now``
    (``TherapyLog.history_unknown_until``), so a plug that reports late
    (unavailable at load, then ``on``) starts no session. A person's start on
    purpose is not refused.
    """
    if not has_plug:
        log.plug_must_be_off = False
    elif history_unknown:
        log.history_unknown_until = log.settings.rest_gap.allowed_at(now)
        if plug_on:
            log.plug_must_be_off = True
    closed = log.deadline(now, plug_on, at_load=True)
    if closed.switch_off:
        return (closed,)
    if plug_on is not None:
        judged = log.plug_state(now, plug_on, rest_floor)
    elif log.plug_must_be_off:
        judged = Outcome(switch_off=True)
    else:
        judged = NOTHING
    return tuple(o for o in (closed, judged) if o is not NOTHING)
