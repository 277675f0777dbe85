"""Tests for the events of the contract and the reminders that go with them (engine/events.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest.mock import Mock

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.back_recovery.const import (
    CONF_REMIND_PHASE_CHANGE,
    CONF_REMIND_REST_OVER,
    CONF_REMIND_REVIEW,
    CONF_REMIND_SESSION_END,
    DOMAIN,
    RecoveryEvent,
)
from custom_components.back_recovery.engine.events import RecoveryEvents
from custom_components.back_recovery.engine.reminders import Reminders
from custom_components.back_recovery.options import RecoveryOptions
from custom_components.back_recovery.therapy.log import Blocked
from custom_components.back_recovery.therapy.pain import PainEntry
from custom_components.back_recovery.therapy.pain_review import PainReview
from custom_components.back_recovery.therapy.phases import Phase
from custom_components.back_recovery.therapy.session import (
    EndReason,
    Modality,
    Refusal,
    TherapySession,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .helpers.clock import advance
from .helpers.ha import ENTRY_ID, PLUG
from .helpers.plug import PLUG_POWER, set_input_boolean, start_heat

START = datetime.fromisoformat("2026-11-25T09:00:00+00:00")
HEAT = TherapySession(Modality.HEAT, START, START + timedelta(minutes=20))
ALLOWED_AT = START + timedelta(minutes=140)
REMINDERS = {
    CONF_REMIND_SESSION_END: ["session_started_heat", "session_completed_heat"],
    CONF_REMIND_REST_OVER: ["rest_over"],
    CONF_REMIND_PHASE_CHANGE: ["phase_changed"],
    CONF_REMIND_REVIEW: ["review_recommended"],
}
"""The reminders each option governs."""


def _events(
    hass: HomeAssistant, reminders: Reminders, options: RecoveryOptions
) -> RecoveryEvents:
    """Return the events of the test entry, its reminders replaced by ``reminders``."""
    reminders.options = options
    return RecoveryEvents(
        hass, MockConfigEntry(domain=DOMAIN, entry_id=ENTRY_ID), reminders
    )


@pytest.mark.usefixtures("init_integration")
async def test_events_carry_entry_id_and_plain_strings(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Every session event names the entry and carries plain strings."""
    started = async_capture_events(hass, RecoveryEvent.SESSION_STARTED)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    blocked = async_capture_events(hass, RecoveryEvent.SESSION_BLOCKED)
    await start_heat(hass, "switch")
    await advance(hass, freezer, timedelta(minutes=20))
    await set_input_boolean(hass, PLUG_POWER, on=True)
    for event in (*started, *ended, *blocked):
        assert event.data["config_entry_id"] == ENTRY_ID
        assert all(type(value) is str for value in event.data.values()), event.data
    assert len(started) == len(ended) == len(blocked) == 1
    assert dt_util.parse_datetime(started[0].data["ends_at"]) == datetime.fromisoformat(
        "2026-11-25T09:20:00+00:00"
    )


def _everything(events: RecoveryEvents) -> None:
    """Fire every event of a day: heat, its end, a refusal, the rest over, a phase change."""
    events.session_started(HEAT)
    events.session_ending(HEAT, 2)
    events.session_ended(HEAT.finish(HEAT.planned_end, EndReason.COMPLETED), ALLOWED_AT)
    events.session_blocked(Blocked(Modality.HEAT, ALLOWED_AT, Refusal.REST_GAP_ACTIVE))
    events.skin_rest_over()
    events.phase_changed(Phase.REST, Phase.REHABILITATION)
    events.pain_logged(PainEntry(6, START))
    events.review_recommended(
        PainReview(by_baseline=True, by_worsening=False, baseline=5.0, average=5.0)
    )


def _fired(hass: HomeAssistant) -> list[list[Any]]:
    """Capture every event of the catalogue, in one list per event type."""
    return [async_capture_events(hass, event) for event in RecoveryEvent]


@pytest.mark.parametrize("option", [None, *REMINDERS])
async def test_each_reminder_option_silences_only_its_reminders(
    hass: HomeAssistant, option: str | None
) -> None:
    """An option switched off silences its own reminders; every event still fires."""
    options = RecoveryOptions.from_mapping({option: False} if option else {})
    reminders = Mock(spec=Reminders)
    fired = _fired(hass)
    _everything(_events(hass, reminders, options))
    await hass.async_block_till_done()

    silenced = REMINDERS.get(option or "", [])
    sent = [call.args[0] for call in reminders.send.call_args_list]
    assert sent == [
        key
        for key in (
            "session_started_heat",
            "session_ending_heat",
            "session_completed_heat",
            "rest_over",
            "phase_changed",
            "review_recommended",
        )
        if key not in silenced
    ]
    counts = {
        event_type: len(events)
        for event_type, events in zip(RecoveryEvent, fired, strict=True)
    }
    assert counts == {
        RecoveryEvent.SESSION_STARTED: 1,
        RecoveryEvent.SESSION_ENDED: 1,
        RecoveryEvent.SESSION_BLOCKED: 1,
        RecoveryEvent.SKIN_REST_OVER: 1,
        RecoveryEvent.PHASE_CHANGED: 1,
        RecoveryEvent.HEATING_PAD_NOT_RESPONDING: 0,
        RecoveryEvent.HEATING_PAD_SWITCHING_OFF: 0,
        RecoveryEvent.PAIN_LOGGED: 1,
        RecoveryEvent.REVIEW_RECOMMENDED: 1,
        RecoveryEvent.EXERCISE_PAIN: 0,  # the programme's (engine/exercises.py)
        # Pain medication's events are the medication part's (issue 24).
        RecoveryEvent.DOSE_LOGGED: 0,
        RecoveryEvent.MEDICATION_WARNING: 0,
        RecoveryEvent.EXERCISE_LOGGED: 0,  # the programme's
        # No clearance is recorded here, so none fires (and no reminder goes with one).
        RecoveryEvent.ACTIVITY_CLEARED: 0,
        RecoveryEvent.CLEARANCE_WITHDRAWN: 0,
    }


@pytest.mark.parametrize(
    "reason", [reason for reason in EndReason if reason is not EndReason.COMPLETED]
)
async def test_only_a_completed_session_reminds_of_the_rest_gap(
    hass: HomeAssistant, reason: EndReason
) -> None:
    """A session stopped, switched off outside or cut short fires its event, and no reminder."""
    reminders = Mock(spec=Reminders)
    ended = async_capture_events(hass, RecoveryEvent.SESSION_ENDED)
    events = _events(hass, reminders, RecoveryOptions())
    events.session_ended(HEAT.finish(START + timedelta(minutes=5), reason), ALLOWED_AT)
    await hass.async_block_till_done()
    # Heat ends when the plug confirms off: the event says when (not for a
    # session logged after the fact).
    off = (
        {}
        if reason is EndReason.LOGGED
        else {"heat_off_at": "2026-11-25T09:05:00+00:00"}
    )
    assert [event.data for event in ended] == [
        {"config_entry_id": ENTRY_ID, "modality": "heat", "reason": reason.value, **off}
    ]
    reminders.send.assert_not_called()


@pytest.mark.parametrize(
    ("reachable", "reminder"),
    [(True, "heating_pad_not_responding"), (False, "heating_pad_unreachable")],
)
async def test_a_plug_not_responding_is_urgent_whatever_the_options(
    hass: HomeAssistant, reachable: bool, reminder: str
) -> None:
    """Rules 5, 10: the event fires (saying whether the plug answered) and the urgent reminder goes out, every option off."""
    options = RecoveryOptions.from_mapping(dict.fromkeys(REMINDERS, False))
    reminders = Mock(spec=Reminders)
    fired = async_capture_events(hass, RecoveryEvent.HEATING_PAD_NOT_RESPONDING)
    _events(hass, reminders, options).heating_pad_not_responding(PLUG, reachable)
    await hass.async_block_till_done()
    assert [event.data for event in fired] == [
        {"config_entry_id": ENTRY_ID, "entity_id": PLUG, "reachable": reachable}
    ]
    reminders.send.assert_called_once_with(
        reminder, {"entity_id": PLUG, "plug": PLUG}, urgent=True
    )
