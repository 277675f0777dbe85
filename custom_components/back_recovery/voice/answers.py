"""What a recovery's state says, read from the engine's snapshot: one source for voice and language models.

``last_heat_answer`` and ``next_heat_answer`` answer the two questions ("how
long since my last heat session", "when can I use the heating pad again") in
a sentence: the question intents (``voice/questions.py``) and their tools
(``voice/tools.py``) say the same. ``status`` is one recovery as it stands,
for the language models' status tool.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType

from ..engine import RecoveryState
from ..texts import (
    Texts,
    clock_hours,
    duration_text,
    guidance_text,
    moment_text,
    phase_text,
)
from ..therapy import Modality, round_for_display


def local_iso(moment: datetime | None) -> str | None:
    """Say a moment as local ISO time with its offset, or ``None``."""
    return dt_util.as_local(moment).isoformat() if moment is not None else None


# The two questions.


def last_heat_answer(
    texts: Texts, recovery: RecoveryState, hours: int | None = None
) -> str:
    """Answer "how long since my last heat session"; times on a clock of ``hours``.

    ``hours`` (12 or 24) defaults to the clock of the language of ``texts``.
    """
    running = recovery.running
    if running is not None and running.modality is Modality.HEAT:
        return texts["voice_last_heat_running"].format(
            ends_at=moment_text(
                running.planned_end, texts, hours=hours or clock_hours(texts)
            )
        )
    if (ended := recovery.last_end_of(Modality.HEAT)) is None:
        return texts["voice_last_heat_none"]
    minutes = int((dt_util.utcnow() - ended).total_seconds() // 60)
    if minutes < 1:
        return texts["voice_last_heat_just_now"]
    return texts["voice_last_heat_ago"].format(ago=duration_text(minutes, texts))


def next_heat_answer(
    texts: Texts, recovery: RecoveryState, hours: int | None = None
) -> str:
    """Answer "when can I use the heating pad again"; times on a clock of ``hours``.

    ``hours`` (12 or 24) defaults to the clock of the language of ``texts``.
    """
    hours = hours or clock_hours(texts)
    if (running := recovery.running) is not None:
        key = (
            "voice_next_heat_running_heat"
            if running.modality is Modality.HEAT
            else "voice_next_heat_running_ice"
        )
        return texts[key].format(
            ends_at=moment_text(running.planned_end, texts, hours=hours),
            allowed_at=moment_text(
                recovery.next_allowed_after_running or running.planned_end,
                texts,
                hours=hours,
            ),
        )
    allowed = recovery.next_session_allowed
    if allowed is not None and allowed > dt_util.utcnow():
        return texts["voice_next_heat_rest"].format(
            allowed_at=moment_text(allowed, texts, hours=hours)
        )
    if recovery.recommended_therapy is Modality.ICE:
        return texts["voice_next_heat_now_ice_recommended"]
    return texts["voice_next_heat_now"]


def time_since_text(texts: Texts, moment: datetime | None) -> str | None:
    """Say how long ago ``moment`` was ("12 minutes ago"), from the timestamp; ``None`` without one."""
    if moment is None:
        return None
    minutes = int((dt_util.utcnow() - moment).total_seconds() // 60)
    if minutes < 1:
        return texts["voice_time_just_now"]
    return texts["voice_time_ago"].format(ago=duration_text(minutes, texts))


# The status for a language model.


def status(recovery: RecoveryState, texts: Texts) -> JsonObjectType:
    """Return one recovery as it stands; local times with their offset.

    Read from the engine's snapshot only (the engine's truth, not the state machine). The
    pain diary's note is health data that the model does not need: left out.
    """
    running = recovery.running
    allowed = recovery.next_session_allowed
    pain = recovery.pain
    latest = pain.latest
    return {
        "now": local_iso(dt_util.utcnow()),
        "phase": recovery.phase.value,
        "phase_name": phase_text(recovery.phase, texts),
        "guidance": guidance_text(recovery.phase, texts),
        "days_since_injury": recovery.days_since_injury,
        "recommended_therapy": recovery.recommended_therapy.value,
        "session_running": running is not None,
        "session": (
            {
                "modality": running.modality.value,
                "started_at": local_iso(running.started),
                "ends_at": local_iso(running.planned_end),
            }
            if running is not None
            else None
        ),
        "skin_rest": recovery.skin_resting,
        "next_session_allowed": local_iso(allowed),
        "next_session_allowed_now": running is None
        and (allowed is None or allowed <= dt_util.utcnow()),
        "sessions_today": recovery.sessions_today,
        "latest_pain": (
            {"level": latest.level, "recorded_at": local_iso(latest.recorded_at)}
            if latest is not None
            else None
        ),
        "pain_average_7d": round_for_display(pain.average_7d),
        "pain_trend": pain.trend.value,
        "review_recommended": pain.review.recommended,
    }
