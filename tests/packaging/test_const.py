"""Tests for the public names and their id helpers (const.py), as contract.md has them."""

from __future__ import annotations

from custom_components.back_recovery.const import (
    DOMAIN,
    ISSUE_HEATING_PAD_MISSING,
    ISSUE_HEATING_PAD_NOT_RESPONDING,
    ISSUE_HEATING_PAD_UNREACHABLE,
    RecoveryEvent,
    issue_id,
    storage_key,
    unique_id,
)

from ..helpers.ha import (
    ENTRY_ID,
    MISSING_ISSUE,
    NOT_RESPONDING_ISSUE,
    UNREACHABLE_ISSUE,
)
from ..helpers.storage import STORAGE_KEY


def test_issue_ids_start_with_the_key_and_name_the_entry() -> None:
    """A repair issue's id is its key, then the entry id that keeps people apart."""
    assert issue_id(ISSUE_HEATING_PAD_MISSING, ENTRY_ID) == MISSING_ISSUE
    assert issue_id(ISSUE_HEATING_PAD_UNREACHABLE, ENTRY_ID) == UNREACHABLE_ISSUE
    assert issue_id(ISSUE_HEATING_PAD_NOT_RESPONDING, ENTRY_ID) == NOT_RESPONDING_ISSUE
    assert f"heating_pad_missing_{ENTRY_ID}" == MISSING_ISSUE


def test_unique_ids_and_the_storage_key_name_the_entry() -> None:
    """An entity's unique id is the entry id and its key; the storage key the domain and the entry id."""
    assert unique_id(ENTRY_ID, "heating_pad") == f"{ENTRY_ID}_heating_pad"
    assert storage_key(ENTRY_ID) == STORAGE_KEY == f"back_recovery.{ENTRY_ID}"


def test_event_types_and_their_short_names() -> None:
    """Every event type starts with the domain; its short name is a device trigger's type."""
    assert {event.value for event in RecoveryEvent} == {
        "back_recovery_session_started",
        "back_recovery_session_ended",
        "back_recovery_session_blocked",
        "back_recovery_skin_rest_over",
        "back_recovery_phase_changed",
        "back_recovery_heating_pad_not_responding",
        "back_recovery_heating_pad_switching_off",
        "back_recovery_pain_logged",
        "back_recovery_review_recommended",
        "back_recovery_exercise_pain",
        "back_recovery_dose_logged",
        "back_recovery_medication_warning",
        "back_recovery_exercise_logged",
        "back_recovery_activity_cleared",
        "back_recovery_clearance_withdrawn",
    }
    for event in RecoveryEvent:
        assert f"{DOMAIN}_{event.short_name}" == event.value
    assert RecoveryEvent.PHASE_CHANGED.short_name == "phase_changed"
