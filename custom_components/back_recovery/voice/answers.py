"""What a recovery's state says, read from the engine's snapshot: one source for voice and language models.

``last_heat_answer`` and ``next_heat_answer`` answer the two questions ("how
long since my last heat session", "when can I use the heating pad again") in
a sentence: the question intents (``voice/questions.py``) and their tools
(``voice/tools.py``) say the same. ``status`` is one recovery as it stands,
for the language models' status tool.

While a switch-off is owed, heat may be on the skin, and every answer says
so rather than what the rules planned (contract: "The truth while the pad
heats"): ``heat_in_doubt``, ``pad_may_heat`` and ``heat_warning`` are what
the answers about the heating pad (``voice/turn_on.py``,
``voice/get_state.py``) and the tools read.

``activity_answer`` answers "may I run yet?" from the clearances the person
recorded, never from the phase (contract "Activities and return to
activity"): "not recorded as cleared by your doctor", or "cleared by Dr.
Lee on 3 March"; ``activities_status`` is the same for the status tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType

from ..const import DOMAIN
from ..engine import RecoveryState
from ..texts import (
    Texts,
    activity_text,
    clock_hours,
    date_text,
    duration_text,
    guidance_text,
    moment_text,
    phase_text,
)
from ..therapy import ActivityState, Modality, Refusal, round_for_display, same_name

NOT_SWITCHED_OFF: Final = "voice_heating_pad_not_switched_off"
"""The answer to a switch-off the plug has not confirmed: "I could not switch it off: unplug the heating pad"."""


def local_iso(moment: datetime | None) -> str | None:
    """Say a moment as local ISO time with its offset, or ``None``."""
    return dt_util.as_local(moment).isoformat() if moment is not None else None


# The heating pad as it really is.


def heat_in_doubt(recovery: RecoveryState) -> bool:
    """Whether heat may be on the skin though no running session says so, or the plug cannot tell.

    A switch-off is owed (the plug has not confirmed ``off``: contract, "The
    truth while the pad heats"), or a heat session runs and the plug cannot
    be reached or reports ``unknown`` (``plug_on`` is ``None``).
    """
    running = recovery.running
    heat_runs = running is not None and running.modality is Modality.HEAT
    return recovery.switch_off_owed or (heat_runs and recovery.plug_on is None)


def pad_may_heat(recovery: RecoveryState) -> bool:
    """Whether the heating pad may heat though its plug does not report ``on`` (a plug that does says so itself)."""
    return recovery.plug_on is not True and heat_in_doubt(recovery)


def heat_warning(texts: Texts, recovery: RecoveryState) -> str | None:
    """Say that the pad may still heat and to unplug it; ``None`` when heat is not in doubt."""
    return texts["voice_heating_pad_may_heat"] if heat_in_doubt(recovery) else None


def plug_did_not_confirm(err: HomeAssistantError) -> bool:
    """Whether ``err`` is the plug's ``heating_pad_not_responding`` (it did not confirm off or on).

    Raised by a stop or the heating pad's Off when the plug has not confirmed
    ``off`` within the confirmation time (contract: "The truth while the pad
    heats"): the answer is then ``voice_heating_pad_not_switched_off``.
    """
    return (
        err.translation_domain == DOMAIN
        and err.translation_key == Refusal.HEATING_PAD_NOT_RESPONDING.value
    )


# The two questions.


def last_heat_answer(
    texts: Texts, recovery: RecoveryState, hours: int | None = None
) -> str:
    """Answer "how long since my last heat session"; times on a clock of ``hours``.

    ``hours`` (12 or 24) defaults to the clock of the language of ``texts``.
    While a switch-off is owed the last heat has not ended: the answer says
    so, not when the rules ended it.
    """
    running = recovery.running
    if running is not None and running.modality is Modality.HEAT:
        return texts["voice_last_heat_running"].format(
            ends_at=moment_text(
                running.planned_end, texts, hours=hours or clock_hours(texts)
            )
        )
    if recovery.switch_off_owed:
        # The rules ended heat, the plug has not confirmed it: it has not ended.
        return texts["voice_last_heat_switch_off_owed"]
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
    While a switch-off is owed the skin does not rest yet: the answer says
    to unplug the pad, not a moment. When the heat hours allow heat only
    later than a session is allowed (rule 19), the answer says so
    (``voice_next_heat_heat_hours``, which the ice question's texts add to
    their own answer).
    """
    hours = hours or clock_hours(texts)
    if recovery.switch_off_owed:
        # The rest gap starts when the plug confirms off: no moment to say yet.
        return texts["voice_next_heat_switch_off_owed"]
    answer, allowed = _next_session_answer(texts, recovery, hours)
    heat_at = recovery.heat_allowed_at
    if heat_at is None or heat_at <= (allowed or dt_util.utcnow()):
        return answer
    return texts["voice_next_heat_heat_hours"].format(
        answer=answer, heat_allowed_at=moment_text(heat_at, texts, hours=hours)
    )


def _next_session_answer(
    texts: Texts, recovery: RecoveryState, hours: int
) -> tuple[str, datetime | None]:
    """Say when the next session is allowed, and that moment (``None``: now)."""
    if (running := recovery.running) is not None:
        key = (
            "voice_next_heat_running_heat"
            if running.modality is Modality.HEAT
            else "voice_next_heat_running_ice"
        )
        after = recovery.next_allowed_after_running or running.planned_end
        return texts[key].format(
            ends_at=moment_text(running.planned_end, texts, hours=hours),
            allowed_at=moment_text(after, texts, hours=hours),
        ), after
    allowed = recovery.next_session_allowed
    if allowed is not None and allowed > dt_util.utcnow():
        return texts["voice_next_heat_rest"].format(
            allowed_at=moment_text(allowed, texts, hours=hours)
        ), allowed
    if recovery.recommended_therapy is Modality.ICE:
        return texts["voice_next_heat_now_ice_recommended"], None
    return texts["voice_next_heat_now"], None


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
    While a switch-off is owed the session still counts as running (heat may
    be on the skin), no session is allowed now, and ``heating_pad_warning``
    says to unplug the pad (contract: "The truth while the pad heats").
    ``heat_allowed_at``: when heat may start, if later than now (a session
    runs, the skin rests, or the heat hours: rule 19).
    """
    running = recovery.running or recovery.heating
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
        "session_running": recovery.session_active,
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
        "next_session_allowed_now": not recovery.session_active
        and (allowed is None or allowed <= dt_util.utcnow()),
        "heating_pad_may_heat": heat_in_doubt(recovery),
        "heating_pad_warning": heat_warning(texts, recovery),
        "heat_allowed_at": local_iso(recovery.heat_allowed_at),
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


# The activities the doctor cleared.


def _said_activity(state: ActivityState, texts: Texts) -> str:
    """Say an activity at the start of a sentence: ``Running and jumping``, ``Cycling``."""
    said = activity_text(state.ref.activity.value, state.ref.name, texts)
    return said[:1].upper() + said[1:]


def _never_cleared(state: ActivityState) -> bool:
    """Whether ``state`` has no clearance and none withdrawn: the guidance's advice is said for it."""
    return state.clearance is None and state.cleared_before is None


def _activity_sentence(texts: Texts, state: ActivityState, today: date) -> str:
    """Say one activity's clearance, or that none is recorded, without the guidance's advice."""
    activity = _said_activity(state, texts)
    if (clearance := state.clearance) is not None:
        return texts["voice_activity_cleared"].format(
            activity=activity,
            by=clearance.by,
            date=date_text(clearance.on, texts, today),
        )
    withdrawal, before = state.withdrawal, state.cleared_before
    if withdrawal is not None and before is not None:
        return texts["voice_activity_withdrawn"].format(
            activity=activity,
            by=before.by,
            date=date_text(before.on, texts, today),
            withdrawn_on=date_text(withdrawal.on, texts, today),
        )
    return texts["voice_activity_not_cleared"].format(activity=activity)


def one_activity_answer(texts: Texts, state: ActivityState, today: date) -> str:
    """Say whether one activity is recorded as cleared: by whom and on which day, in words.

    Read from the recorded clearances only: no phase clears anything. Never
    cleared, the guidance's advice follows: "The guidance says to avoid it
    until your doctor permits it again."
    """
    said = _activity_sentence(texts, state, today)
    if _never_cleared(state):
        return f"{said} {texts['voice_activity_avoid']}"
    return said


def find_activity(
    states: Sequence[ActivityState], asked: str | None
) -> list[ActivityState] | None:
    """Return the activities ``asked`` names: every one for ``None``; ``None`` when none matches.

    ``asked``: ``high_impact``, ``contact_sports``, ``heavy_lifting``, or the
    name of one of the person's own activities (any case).
    """
    if not asked:
        return list(states)
    found = [
        state
        for state in states
        if state.ref.activity.value == asked
        or (state.ref.name is not None and same_name(state.ref.name, asked))
    ]
    return found or None


def activity_answer(
    texts: Texts, states: Sequence[ActivityState], asked: str | None, today: date
) -> str:
    """Answer "may I run yet?" (``asked`` ``high_impact``), or for every activity without ``asked``.

    An activity not known is said so, with the activities to ask about. For
    several activities the guidance's advice is said once, at the end, if
    one of them was never cleared ("The guidance says to avoid each activity
    not cleared until your doctor permits it again").
    """
    found = find_activity(states, asked)
    if found is None:
        return texts["voice_activity_unknown"].format(
            activity=asked,
            activities=", ".join(
                activity_text(s.ref.activity.value, s.ref.name, texts) for s in states
            ),
        )
    if len(found) == 1:
        return one_activity_answer(texts, found[0], today)
    said = [_activity_sentence(texts, state, today) for state in found]
    if any(_never_cleared(state) for state in found):
        said.append(texts["voice_activities_avoid"])
    return " ".join(said)


def activities_status(
    texts: Texts, states: Sequence[ActivityState], today: date
) -> list[JsonObjectType]:
    """Return each activity for the status tool: its clearance, or that none is recorded, and the sentence."""
    said: list[JsonObjectType] = []
    for state in states:
        clearance, withdrawal = state.clearance, state.withdrawal
        said.append(
            {
                "activity": state.ref.activity.value,
                "name": state.ref.name,
                "status": state.status.value,
                "cleared_on": clearance.on.isoformat() if clearance else None,
                "cleared_by": clearance.by if clearance else None,
                "withdrawn_on": withdrawal.on.isoformat() if withdrawal else None,
                "answer": one_activity_answer(texts, state, today),
            }
        )
    return said
