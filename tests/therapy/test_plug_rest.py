"""Tests of the rest a removed recovery leaves on its plug (therapy/plug_rest.py; rules 2, 7, 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.back_recovery.therapy.log import TherapyLog
from custom_components.back_recovery.therapy.plug_rest import (
    PlugKeys,
    PlugRest,
    PlugRestBook,
    rest_left_behind,
)
from custom_components.back_recovery.therapy.session import (
    EndReason,
    Modality,
    Refusal,
    TherapyRefusedError,
    TherapySession,
)

from ..helpers.clock import T0, minutes

DAY = timedelta(minutes=1440)
PLUG = PlugKeys("switch.pad", "tplink:abc")


def test_rule_2_a_carried_rest_refuses_a_start_until_its_gap_ends() -> None:
    """A new log with a removed recovery's end refuses a start until end + rest gap."""
    log = TherapyLog(carried=PlugRest(T0, Modality.HEAT))
    assert log.next_allowed() == T0 + minutes(120)
    assert log.skin_resting(T0 + minutes(119))
    with pytest.raises(TherapyRefusedError) as info:
        log.request_start(Modality.ICE, T0 + minutes(60))
    assert info.value.reason is Refusal.REST_GAP_ACTIVE
    assert info.value.allowed_at == T0 + minutes(120)
    assert not log.skin_resting(T0 + minutes(120))


def test_rule_8_a_carried_rest_is_stored_with_the_history() -> None:
    """The carried rest goes with the log's stored form and comes back; none, no key."""
    log = TherapyLog(carried=PlugRest(T0, Modality.ICE))
    restored = TherapyLog()
    restored.restore(log.as_dict())
    assert restored.carried == PlugRest(T0, Modality.ICE)
    assert "carried_rest" not in TherapyLog().as_dict()


def test_rule_12_left_behind_is_the_last_end_or_the_removal_while_heat_may_be_on() -> (
    None
):
    """The last end and its modality; an owed switch-off or open heat: the removal."""
    now = T0 + minutes(60)
    assert rest_left_behind(TherapyLog(), now) is None
    log = TherapyLog()
    ended = T0 + minutes(10)
    log.restore(
        {
            "sessions": [
                TherapySession(
                    Modality.HEAT, T0, T0 + minutes(20), ended, EndReason.STOPPED
                ).as_dict()
            ]
        }
    )
    assert rest_left_behind(log, now) == PlugRest(ended, Modality.HEAT)
    log.plug_must_be_off = True
    assert rest_left_behind(log, now) == PlugRest(now, Modality.HEAT)
    ice = TherapyLog()
    ice.restore(
        {"sessions": [TherapySession(Modality.ICE, T0, T0 + minutes(15)).as_dict()]}
    )
    # Removed while ice runs: the rest counts from its planned end, not before it.
    assert rest_left_behind(ice, T0 + minutes(5)) == PlugRest(
        T0 + minutes(15), Modality.ICE
    )
    assert rest_left_behind(ice, now) == PlugRest(T0 + minutes(15), Modality.ICE)


def test_rule_2_the_book_keeps_the_latest_end_per_plug_for_a_day() -> None:
    """A later end wins; another plug is apart; the unique id matches a renamed entity id."""
    book = PlugRestBook().remember(PLUG, PlugRest(T0, Modality.HEAT), T0, DAY)
    book = book.remember(PLUG, PlugRest(T0 - minutes(5), Modality.ICE), T0, DAY)
    other = PlugKeys("switch.other", "tplink:xyz")
    book = book.remember(other, PlugRest(T0, Modality.ICE), T0, DAY)
    renamed = PlugKeys("switch.renamed", "tplink:abc")
    assert book.recall(renamed, T0, DAY) == PlugRest(T0, Modality.HEAT)
    assert book.recall(PlugKeys("switch.none"), T0, DAY) is None
    assert len(book.rests) == 2
    assert book.pruned(T0 + DAY, DAY).rests == ()
    assert PlugRestBook.from_dict(book.as_dict()) == book


def test_rule_8_a_malformed_record_is_skipped() -> None:
    """A record that cannot be read is left out; the others count."""
    book = PlugRestBook.from_dict(
        {
            "plugs": [
                {"entity_id": "switch.pad", "ended": "yesterday", "modality": "heat"},
                {"entity_id": "switch.pad", "ended": T0.isoformat(), "modality": "ice"},
            ]
        }
    )
    assert book.recall(PlugKeys("switch.pad"), T0, DAY) == PlugRest(T0, Modality.ICE)
