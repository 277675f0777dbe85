"""Driving the pure rules (therapy/) as the engine does: a heat start the plug confirms, its off."""

from __future__ import annotations

from datetime import datetime

from custom_components.back_recovery.therapy.log import Outcome, TherapyLog
from custom_components.back_recovery.therapy.session import Modality, TherapySession

from .clock import T0


def heat_running(log: TherapyLog, at: datetime = T0) -> TherapySession:
    """Start a heat session at ``at``, the plug confirming it, and return it."""
    assert log.request_start(Modality.HEAT, at).switch_on
    outcome = log.settle_start(confirmed=True)
    assert outcome.started is not None
    return outcome.started


def heat_off(log: TherapyLog, outcome: Outcome, at: datetime) -> TherapySession:
    """Return the heat session ``outcome`` ended, once the plug confirms off at ``at``."""
    assert outcome.switch_off
    assert outcome.ended is None
    assert log.heating is not None
    assert log.plug_must_be_off
    ended = log.plug_confirmed_off(at)
    assert ended is not None
    return ended
