"""What a person asks of a recovery: start, stop, record; the engine's requests.

Each request asks the rules (``therapy``) and hands what they decide to the
engine's one apply path (``core.RecoveryEngine._async_apply``); nothing here
writes anything else. The class is a part of ``RecoveryEngine``: it is kept
in its own module so the engine's lifecycle and apply path stay short.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..errors import refusal_error
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
    TherapyLog,
    TherapyRefusedError,
)

if TYPE_CHECKING:
    from .deadlines import DeadlineWatch
    from .plug import HeatingPadPlug


class RecoveryRequests:
    """The person's requests to one recovery (switch, buttons, actions, voice)."""

    hass: HomeAssistant
    plug_entity_id: str | None
    _log: TherapyLog
    _phases: PhaseTracker
    _pain: PainLog
    _plug: HeatingPadPlug | None
    _watch: DeadlineWatch

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

    @abstractmethod
    def _note_refusal(self, reason: str, allowed_at: datetime | None) -> None:
        """Remember a refused heat start."""

    @abstractmethod
    def _plug_on(self) -> bool | None:
        """Whether the plug reports on now."""

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
        fires ``session_blocked`` first and raises ``ServiceValidationError``.
        Heat counts only once the plug confirms ``on`` (rule 11), and only
        with its planned end stored (rule 3); otherwise ``HomeAssistantError``
        (``heating_pad_not_responding``, ``plan_not_saved``) is raised and no
        session is recorded.
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
            raise refusal_error(err, self.plug_entity_id) from err
        if outcome.switch_on:
            try:
                await self._async_heat_on(outcome)
            except HomeAssistantError as err:
                self._note_refusal(err.translation_key or "", None)
                self._publish()
                raise
        await self._async_apply(outcome, plan_saved=outcome.switch_on)

    async def _async_heat_on(self, outcome: Outcome) -> None:
        """Store the plan, then switch the plug on and wait for it to confirm.

        Raises ``HomeAssistantError`` (the session is forgotten) when the plan
        cannot be stored or the plug does not confirm ``on`` in time.
        """
        started = outcome.started
        assert started is not None and self._plug is not None
        self._watch.arm()
        if not await self._async_save():
            self._log.discard(started)
            await self._async_save()
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="plan_not_saved"
            )
        if await self._plug.async_turn_on():
            return
        self._log.discard(started)
        if not self._plug_on():
            # Told it did not start, the person expects the pad off: a plug
            # that answers late must not heat on its own.
            await self._plug.async_cancel_on()
        await self._async_apply(NOTHING, save=True)
        if self._plug_on():
            # On after all, but too late or with an error: a start from
            # outside, timed like any other (rule 1).
            await self._async_apply(self._plug_state(True))
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="heating_pad_not_responding",
            translation_placeholders=plug_placeholders(self.hass, self._plug.entity_id),
        )

    async def async_stop_session(self) -> None:
        """End the running session; with none running nothing happens."""
        await self._async_apply(self._log.request_stop(self._watch.now()))

    async def async_turn_off_pad(self) -> None:
        """Turn the heating pad off: end heat, or just switch the plug off."""
        await self._async_apply(self._log.turn_off_pad(self._watch.now()))

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
