"""The heat and its plug: a start the plug has not confirmed, a switch-off it owes.

Nothing here imports Home Assistant. ``HeatState`` is the part of the rules'
state (``log.TherapyLog``) that follows the plug (rules 10, 11 and the
contract's "The truth while the pad heats"); the rules that read it are
``log.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .history import SessionHistory
from .outcome import NOTHING, Outcome
from .plug_rest import PlugRest
from .session import EndReason, Modality, TherapySession


@dataclass(kw_only=True)
class HeatState(SessionHistory):
    """What the plug owes and what waits for it.

    ``plug_must_be_off`` remembers a switch-off that the plug has not confirmed
    yet (rule 10): it is stored, the plug seen on is switched off at once, and
    only the plug seen off clears it.

    ``carried`` is the rest a removed recovery left on this plug or this
    person (``plug_rest.PlugRest``): this recovery's rest gap continues from
    its end (``carry``, on every load).

    ``heat_off_at`` is when a plug that owed a switch-off (it ignored one, was
    unreachable, or was switched on during the rest) finally reported ``off``:
    the skin was heated until then, so the rest gap counts from then too.

    A heat start is a state machine with the plug (rule 11): ``starting`` is
    the requested session until the plug confirms ``on`` (``settle_start``);
    only then is it recorded. ``start_stopped``: a stop came meanwhile.

    A heat session the rules end stays open until the plug confirms ``off``
    (contract: "The truth while the pad heats"): ``ending`` is why it ends,
    ``running`` is ``None`` meanwhile (its deadline has passed) and
    ``heating`` is the session; ``plug_confirmed_off`` finishes it then.
    """

    plug_must_be_off: bool = False
    heat_off_at: datetime | None = None
    ending: EndReason | None = None
    starting: TherapySession | None = None
    start_stopped: bool = False
    carried: PlugRest | None = None

    @property
    def running(self) -> TherapySession | None:
        """The session that runs to its planned end (not one that waits for the plug's off)."""
        return None if self.ending is not None else self.open

    @property
    def heating(self) -> TherapySession | None:
        """The heat session the rules ended whose switch-off the plug has not confirmed."""
        return self.open if self.ending is not None else None

    @property
    def switch_off_owed(self) -> bool:
        """Whether heat may be on the skin: the plug has not confirmed a switch-off."""
        return self.plug_must_be_off or self.heating is not None

    @property
    def rest_start(self) -> datetime | None:
        """When the skin's rest began: the last end, a stuck plug's later off, or a removed recovery's end on the plug."""
        carried = self.carried.ended if self.carried is not None else None
        ends = [end for end in (self.last_end, carried) if end is not None]
        if not ends:
            return None
        start = max(ends)
        if self.heat_off_at is not None and self.heat_off_at > start:
            return self.heat_off_at
        return start

    @property
    def rest_carried(self) -> bool:
        """Whether the skin's rest counts from a removed recovery's end (``carried``), not an own one."""
        start = self.rest_start
        return (
            self.carried is not None
            and start == self.carried.ended
            and (self.last_end is None or self.last_end < start)
        )

    def carry(self, rest: PlugRest | None) -> bool:
        """Carry ``rest``, a removed recovery's, when it ends later than the one carried.

        Return whether ``carried`` changed (then it is to be stored: rule 8).
        """
        if rest is None or (
            self.carried is not None and self.carried.ended >= rest.ended
        ):
            return False
        self.carried = rest
        return True

    def settle_start(self, confirmed: bool) -> Outcome:
        """Decide the heat start: the plug confirmed ``on`` (``confirmed``) or did not (rule 11).

        Confirmed and not stopped meanwhile, the session is recorded and
        starts. Otherwise nothing is recorded and no rest gap begins, but the
        command may have reached the relay: a switch-off is owed until the
        plug is seen off.
        """
        session, stopped = self.starting, self.start_stopped
        self.starting, self.start_stopped = None, False
        if session is None:
            return NOTHING
        if confirmed and not stopped:
            self._append(session)
            return Outcome(started=session)
        self.plug_must_be_off = True
        return Outcome(switch_off=True)

    def forget_start(self) -> None:
        """Forget a heat start whose plan could not be stored; the plug was not asked."""
        self.starting, self.start_stopped = None, False

    def _stop_start(self) -> Outcome:
        """Stop a start the plug is confirming: it will not count; switch off."""
        self.start_stopped = True
        self.plug_must_be_off = True
        return Outcome(switch_off=True)

    def plug_confirmed_off(self, now: datetime) -> TherapySession | None:
        """Owe no switch-off any more: the plug reports ``off`` (rule 10).

        Heat the rules ended is over now: the session ends ``now`` with the
        reason it was ended for, and the rest gap counts from now. Return it.
        """
        self.plug_must_be_off = False
        reason, self.ending = self.ending, None
        if reason is None or self.open is None:
            return None
        return self._finish_running(now, reason)

    def stuck_plug_off(self, now: datetime) -> None:
        """Count the rest gap from ``now``: a plug that did not switch off when told is off.

        The skin was heated until then: the rest gap counts from ``now`` too.
        """
        if self.heat_off_at is None or now > self.heat_off_at:
            self.heat_off_at = now

    # Stopping: the person, the deadline, Home Assistant.

    def request_stop(self, now: datetime) -> Outcome:
        """End the running session; with none running nothing happens (contract: actions).

        A switch-off still owed (rule 10) is sent again; a heat start the plug
        has not confirmed yet is stopped (it will not count).
        """
        if self.starting is not None:
            return self._stop_start()
        if self.running is None:
            return Outcome(switch_off=True) if self.plug_must_be_off else NOTHING
        return self._end(now, EndReason.STOPPED)

    def turn_off_pad(self, now: datetime) -> Outcome:
        """Switch the heating pad off: heat ends; otherwise the plug just goes off."""
        if self.starting is not None:
            return self._stop_start()
        running = self.running
        if running is not None and running.modality is Modality.HEAT:
            return self._end(now, EndReason.STOPPED)
        self.plug_must_be_off = True
        return Outcome(switch_off=True)

    def _end(self, now: datetime, reason: EndReason, plug_off: bool = False) -> Outcome:
        """End the running session; heat always ends with a switch-off (rule 12).

        The switch-off is sent whatever the plug last reported: a plug that
        reports ``off`` while its relay is on is switched off all the same.
        Heat is over only when the plug confirms ``off`` (``plug_confirmed_off``);
        until then the session stays open, ``ending``. ``plug_off``: the plug
        was seen off already, heat ended ``now``.
        """
        running = self.running
        assert running is not None
        if running.modality is Modality.ICE:
            return Outcome(ended=self._finish_running(now, reason))
        self.plug_must_be_off = True
        if plug_off:
            return Outcome(switch_off=True, ended=self._finish_running(now, reason))
        self.ending = reason
        return Outcome(switch_off=True)

    def halt_heat(self, now: datetime, reason: EndReason) -> Outcome:
        """Home Assistant stops or the entry unloads: a heat session ends now (a start is stopped)."""
        if self.starting is not None:
            return self._stop_start()
        running = self.running
        if running is None or running.modality is not Modality.HEAT:
            return NOTHING
        return self._end(now, reason)
