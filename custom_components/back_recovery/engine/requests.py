"""What a person asks of a recovery: start, stop, record; the engine's requests.

Each request asks the rules (``therapy``) and hands what they decide to the
engine's one apply path (``core.RecoveryEngine._async_apply``); nothing here
writes anything else. The class is a part of ``RecoveryEngine``: it is kept
in its own module so the engine's lifecycle and apply path stay short.
"""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from datetime import datetime
import math
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, ISSUE_PLUG_AUTO_OFF_NOT_SET
from ..errors import refusal_error
from ..issues import async_clear_issue, async_raise_issue
from ..options import RecoveryOptions
from ..plug_entity import plug_placeholders
from ..therapy import (
    NOTHING,
    Modality,
    Outcome,
    PainEntry,
    PainLog,
    PainRefusedError,
    Phase,
    PhaseTracker,
    Refusal,
    TherapyLog,
    TherapyRefusedError,
    TherapySession,
)
from .backstop import PlugBackstop
from .plug import CONFIRM_SECONDS
from .state import RefusedStart

if TYPE_CHECKING:
    from .deadlines import DeadlineWatch
    from .events import RecoveryEvents
    from .plug import HeatingPadPlug
    from .reminders import Reminders


class RecoveryRequests:
    """The person's requests to one recovery (switch, buttons, actions, voice)."""

    hass: HomeAssistant
    entry: ConfigEntry
    options: RecoveryOptions
    plug_entity_id: str | None
    _log: TherapyLog
    _phases: PhaseTracker
    _pain: PainLog
    _plug: HeatingPadPlug | None
    _watch: DeadlineWatch
    _events: RecoveryEvents
    _off_waiters: list[asyncio.Future[None]]
    _heat_starting: asyncio.Future[bool] | None = None
    _last_refusal: RefusedStart | None

    @abstractmethod
    async def _async_apply(
        self, outcome: Outcome, plan_saved: bool = False, save: bool = False
    ) -> None:
        """Carry out what the rules decided (the engine's one apply path)."""

    @abstractmethod
    async def _async_save(self) -> bool:
        """Write the history; return whether it was written."""

    @abstractmethod
    def _publish(self, minute: bool = False) -> None:
        """Show the recovery as it stands."""

    def _note_refusal(self, reason: str, allowed_at: datetime | None) -> None:
        """Remember a refused or undone heat start; the heating pad shows it."""
        self._last_refusal = RefusedStart(reason, self._watch.now(), allowed_at)

    def sessions_between(self, start: datetime, end: datetime) -> list[TherapySession]:
        """Return the sessions that share time with ``start``..``end``, oldest first (binary search)."""
        return self._log.between(start, end)

    @property
    def reminders(self) -> Reminders:
        """Where a part of the recovery sends what it has to tell (the morning check-in)."""
        return self._events.reminders

    def pain_entries(self) -> tuple[PainEntry, ...]:
        """Return the pain diary's entries, oldest first (an immutable copy: the clinician report)."""
        return self._pain.diary.entries

    def sessions_dropped_before(self) -> datetime | None:
        """Return the oldest kept session's start once older ones were dropped (``SessionHistory``)."""
        return self._log.dropped_before

    def _plug_on(self) -> bool | None:
        """Whether the plug reports on now; ``None`` when unreachable or none is set."""
        return self._plug.is_on if self._plug is not None else None

    @abstractmethod
    def _plug_state(self, is_on: bool) -> Outcome:
        """Ask the rules what the plug seen on or off means now."""

    @abstractmethod
    def _new_day(self) -> Outcome:
        """Ask the rules what today means."""

    async def async_start_session(
        self, modality: Modality, minutes: int | None = None
    ) -> None:
        """Start an ice or heat session of ``minutes`` (default the session length).

        A start the rules refuse (running session, rest gap, plug unreachable)
        fires ``session_blocked`` first and raises ``ServiceValidationError``;
        while a switch-off is owed (heat may be on the skin) the refusal is
        ``HomeAssistantError`` ``heating_pad_not_responding``. Heat counts
        only once the plug confirms ``on`` (rule 11), and only with its
        planned end stored (rule 3); otherwise ``HomeAssistantError``
        (``heating_pad_not_responding``, ``plan_not_saved``,
        ``heat_start_stopped``) is raised and no session is recorded; so is
        a start whose backstop cannot be set (``plug_auto_off_not_set``,
        rule 15).
        """
        if modality is Modality.HEAT and self._plug is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_heating_pad"
            )
        reachable = modality is Modality.ICE or self._plug_on() is not None
        try:
            outcome = self._log.request_start(
                modality,
                self._watch.now(),
                minutes,
                reachable,
                rest_floor=self._watch.rest_floor(),
            )
        except TherapyRefusedError as err:
            await self._async_apply(self._log.blocked_outcome(err))
            if err.reason is Refusal.HEATING_PAD_NOT_RESPONDING:
                raise self._not_responding() from err
            raise refusal_error(err, self.plug_entity_id) from err
        if not outcome.switch_on:
            await self._async_apply(outcome)
            return
        try:
            await self._async_heat_on()
        except HomeAssistantError as err:
            self._note_refusal(err.translation_key or "", None)
            self._publish()
            raise

    async def async_turn_on_pad(self) -> None:
        """Turn the heating pad on: a heat start, or nothing while its own heat session runs.

        Only a session the plug confirmed is its own (contract: ``turn_on``
        while its own heat session runs changes nothing). A start still
        waiting for the plug decides this call too: confirmed, nothing more
        happens; not confirmed, ``heating_pad_not_responding`` is raised.
        """
        if (starting := self._heat_starting) is not None:
            if not await asyncio.shield(starting):
                raise self._not_responding()
            return
        running = self._log.running
        if running is not None and running.modality is Modality.HEAT:
            return
        await self.async_start_session(Modality.HEAT)

    async def _async_heat_on(self) -> None:
        """Switch the plug on as ``_async_confirm_heat`` says; others may wait for the result."""
        self._heat_starting = starting = self.hass.loop.create_future()
        started = False
        try:
            await self._async_confirm_heat()
            started = True
        finally:
            self._heat_starting = None
            starting.set_result(started)

    async def _async_confirm_heat(self) -> None:
        """Store the plan, set the backstop, then switch the plug on and wait for it (rules 11, 15, 18).

        The start is a session only once the plug confirms ``on`` and no stop
        came meanwhile; otherwise nothing is recorded, a switch-off is owed
        until the plug is seen off, and ``HomeAssistantError`` is raised.
        A plan that cannot be stored or a backstop that cannot be set
        refuses the start before the plug is asked.
        """
        assert self._plug is not None
        assert self._log.starting is not None
        self._watch.arm()
        if not await self._async_save():
            self._log.forget_start()
            await self._async_save()
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="plan_not_saved"
            )
        if (failed := await self._async_set_backstop(self._log.starting)) is not None:
            self._log.forget_start()
            await self._async_save()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=ISSUE_PLUG_AUTO_OFF_NOT_SET,
                translation_placeholders=self._backstop_placeholders(failed),
            )
        # A stop while the backstop was set: the plug is not asked at all.
        confirmed = not self._log.start_stopped and await self._plug.async_turn_on()
        stopped = self._log.start_stopped
        outcome = self._log.settle_start(confirmed)
        await self._async_apply(outcome, plan_saved=True, save=outcome.started is None)
        if outcome.started is not None:
            return
        if stopped:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="heat_start_stopped"
            )
        raise self._not_responding()

    async def _async_set_backstop(self, session: TherapySession) -> str | None:
        """Set the plug's auto-off to the session's minutes plus 2 (rule 15).

        Return ``None`` when it holds (or there is nothing to set: no
        ``plug_auto_off``), else the entity id that did not take or hold its
        value (the auto-off number or its enabling switch). The repair issue
        ``plug_auto_off_not_set`` (a warning) is raised when it cannot be set
        and cleared by a start that sets it.
        """
        entry_id = self.entry.entry_id
        if (number := self.options.plug_auto_off) is None:
            async_clear_issue(self.hass, ISSUE_PLUG_AUTO_OFF_NOT_SET, entry_id)
            return None
        backstop = PlugBackstop(self.hass, number, self.options.plug_auto_off_switch)
        length = session.planned_end - session.started
        if await backstop.async_set(math.ceil(length.total_seconds() / 60)):
            async_clear_issue(self.hass, ISSUE_PLUG_AUTO_OFF_NOT_SET, entry_id)
            return None
        async_raise_issue(
            self.hass,
            ISSUE_PLUG_AUTO_OFF_NOT_SET,
            entry_id,
            {"name": self.entry.title, **self._backstop_placeholders(backstop.failed)},
            severity=ir.IssueSeverity.WARNING,
        )
        return backstop.failed

    def _backstop_placeholders(self, entity_id: str) -> dict[str, str]:
        """Name what failed in a message: ``entity_id`` and ``auto_off``, its name as people see it.

        ``entity_id`` is the auto-off number or its enabling switch, whichever
        did not take or hold its value.
        """
        state = self.hass.states.get(entity_id) if entity_id else None
        return {
            "entity_id": entity_id,
            "auto_off": state.name if state is not None else entity_id,
        }

    def _not_responding(self) -> HomeAssistantError:
        """Return the error of a plug that did not confirm ``on`` or ``off`` (rules 10, 11)."""
        assert self._plug is not None
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="heating_pad_not_responding",
            translation_placeholders=plug_placeholders(self.hass, self._plug.entity_id),
        )

    async def async_stop_session(self) -> None:
        """End the running session; with none running nothing happens.

        Raises ``HomeAssistantError`` ``heating_pad_not_responding`` when the
        plug has not confirmed ``off`` within a few seconds (the switch-off
        goes on meanwhile).
        """
        await self._async_apply(self._log.request_stop(self._watch.now()))
        await self._async_switched_off()

    async def async_turn_off_pad(self) -> None:
        """Turn the heating pad off: end heat, or just switch the plug off (raises as a stop)."""
        await self._async_apply(self._log.turn_off_pad(self._watch.now()))
        await self._async_switched_off()

    async def _async_switched_off(self) -> None:
        """Wait up to ``CONFIRM_SECONDS`` for a switch-off owed; raise if the plug has not confirmed it."""
        if self._plug is None or not self._log.switch_off_owed:
            return
        waiter: asyncio.Future[None] = self.hass.loop.create_future()
        self._off_waiters.append(waiter)
        try:
            async with asyncio.timeout(CONFIRM_SECONDS):
                await waiter  # the plug reported off (the engine's plug report)
        except TimeoutError:
            pass
        finally:
            self._off_waiters.remove(waiter)
        if self._log.switch_off_owed:
            raise self._not_responding()

    async def async_log_session(
        self, modality: Modality, minutes: int, ended_at: datetime | None
    ) -> None:
        """Record a session of ``minutes`` done without the integration, ended at ``ended_at`` (UTC, default now).

        Raises ``ServiceValidationError`` when the rules refuse it.
        """
        now = self._watch.now()
        try:
            self._log.log(modality, minutes, ended_at or now, now)
        except TherapyRefusedError as err:
            raise refusal_error(err, self.plug_entity_id) from err
        await self._async_apply(NOTHING, save=True)

    async def async_set_phase(self, phase: Phase) -> None:
        """``phase`` starts today; later phases follow with their lengths (rule 8: stored)."""
        self._phases.rebase(phase, dt_util.now().date())
        await self._async_apply(self._new_day(), save=True)

    async def async_log_pain(
        self, level: int, recorded_at: datetime | None = None, note: str | None = None
    ) -> PainEntry:
        """Record pain ``level`` (0 to 10) at ``recorded_at`` (aware; default now) with ``note``.

        Raises ``ServiceValidationError`` (``recorded_at_in_future``,
        ``recorded_before_injury``: contract "Pain diary and review") and
        records nothing then.
        """
        now = self._watch.now()
        try:
            outcome = self._pain.log(
                level,
                recorded_at or now,
                now=now,
                today=dt_util.now().date(),
                tz=dt_util.get_default_time_zone(),
                note=note,
            )
        except PainRefusedError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key=err.reason.value
            ) from err
        await self._async_apply(Outcome(pain=outcome))
        assert outcome.entry is not None
        return outcome.entry
