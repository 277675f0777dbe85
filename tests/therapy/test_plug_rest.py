"""Tests of the rest a removed recovery leaves on its plug and its person (therapy/plug_rest.py; rules 2, 7, 12)."""

from __future__ import annotations

from datetime import timedelta
import hashlib

import pytest

from custom_components.back_recovery.therapy.log import TherapyLog
from custom_components.back_recovery.therapy.plug_rest import (
    PlugKeys,
    PlugRest,
    PlugRestBook,
    RestKeys,
    person_key,
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
PAD = PlugKeys("switch.pad", "tplink:abc")
PLUG = RestKeys(PAD)
ALEX = person_key("Alex", "2026-11-20")


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
    other = RestKeys(PlugKeys("switch.other", "tplink:xyz"))
    book = book.remember(other, PlugRest(T0, Modality.ICE), T0, DAY)
    renamed = RestKeys(PlugKeys("switch.renamed", "tplink:abc"))
    assert book.recall(renamed, T0, DAY) == PlugRest(T0, Modality.HEAT)
    assert book.recall(RestKeys(PlugKeys("switch.none")), T0, DAY) is None
    assert len(book.rests) == 2
    assert book.pruned(T0 + DAY, DAY).rests == ()
    assert PlugRestBook.from_dict(book.as_dict()) == book


def test_rule_2_the_book_recalls_by_plug_or_by_person() -> None:
    """The same person on another plug, or on none, finds the rest; another person on another plug does not."""
    heat = PlugRest(T0, Modality.HEAT)
    book = PlugRestBook().remember(RestKeys(PAD, ALEX), heat, T0, DAY)
    assert book.recall(RestKeys(None, ALEX), T0, DAY) == heat
    assert book.recall(RestKeys(PlugKeys("switch.other"), ALEX), T0, DAY) == heat
    assert book.recall(RestKeys(PAD, person_key("Anna", "2026-11-20")), T0, DAY) == heat
    assert book.recall(RestKeys(), T0, DAY) is None
    others = (person_key("Anna", "2026-11-20"), person_key("Alex", "2026-11-21"))
    for other in others:
        assert book.recall(RestKeys(PlugKeys("switch.other"), other), T0, DAY) is None
        assert book.recall(RestKeys(None, other), T0, DAY) is None
    # An ice-only recovery's rest is kept under the person alone.
    ice = PlugRest(T0 + minutes(5), Modality.ICE)
    book = book.remember(RestKeys(None, ALEX), ice, T0, DAY)
    assert book.recall(RestKeys(None, ALEX), T0, DAY) == ice
    assert PlugRestBook.from_dict(book.as_dict()) == book


def test_rule_2_a_later_removal_sharing_one_key_loses_no_rest() -> None:
    """Each set of keys keeps its own end: a later, earlier end on the plug leaves the person's later end."""
    anna = person_key("Anna", "2026-11-20")
    book = PlugRestBook().remember(
        RestKeys(PAD, ALEX), PlugRest(T0, Modality.HEAT), T0, DAY
    )
    book = book.remember(
        RestKeys(PAD, anna), PlugRest(T0 - minutes(30), Modality.ICE), T0, DAY
    )
    # Alex on another plug still finds his own end; the plug finds the later one.
    alex_elsewhere = RestKeys(PlugKeys("switch.other"), ALEX)
    assert book.recall(alex_elsewhere, T0, DAY) == PlugRest(T0, Modality.HEAT)
    assert book.recall(RestKeys(None, anna), T0, DAY) == PlugRest(
        T0 - minutes(30), Modality.ICE
    )
    assert book.recall(PLUG, T0, DAY) == PlugRest(T0, Modality.HEAT)


def test_rule_8_the_person_is_kept_as_a_hash_of_the_name_and_injury_date() -> None:
    """The sha256 of the casefolded name and the date: any case is the same person; the name is not stored."""
    expected = hashlib.sha256(b"alex|2026-11-20").hexdigest()
    assert person_key("Alex", "2026-11-20") == expected
    assert person_key("ALEX", "2026-11-20") == expected
    assert person_key("Alex", "2026-11-21") != expected
    book = PlugRestBook().remember(
        RestKeys(None, ALEX), PlugRest(T0, Modality.ICE), T0, DAY
    )
    assert book.as_dict() == {
        "rests": [
            {
                "entity_id": None,
                "unique_id": None,
                "person": expected,
                "ended": T0.isoformat(),
                "modality": "ice",
            }
        ]
    }
    assert "alex" not in str(book.as_dict()).casefold()


def test_rule_8_a_malformed_record_is_skipped() -> None:
    """A record that cannot be read is left out; the others count (also in the first form, ``plugs``)."""
    book = PlugRestBook.from_dict(
        {
            "plugs": [
                {"entity_id": "switch.pad", "ended": "yesterday", "modality": "heat"},
                {"entity_id": "switch.pad", "ended": T0.isoformat(), "modality": "ice"},
            ],
            "rests": [
                {"entity_id": None, "ended": T0.isoformat(), "modality": "heat"},
                {"person": ALEX, "ended": "soon", "modality": "heat"},
            ],
        }
    )
    assert len(book.rests) == 1
    assert book.recall(RestKeys(PlugKeys("switch.pad")), T0, DAY) == PlugRest(
        T0, Modality.ICE
    )


def test_rule_2_a_later_rest_is_carried_on_every_load_an_earlier_one_not() -> None:
    """``carry`` keeps the later of the carried rests; the rest comes from it only while no own end is later."""
    log = TherapyLog()
    assert not log.carry(None)
    assert log.carry(PlugRest(T0, Modality.HEAT))
    assert not log.carry(PlugRest(T0 - minutes(1), Modality.ICE))
    assert not log.carry(PlugRest(T0, Modality.ICE))
    assert log.carried == PlugRest(T0, Modality.HEAT)
    assert log.rest_carried
    assert log.carry(PlugRest(T0 + minutes(5), Modality.ICE))
    assert log.next_allowed() == T0 + minutes(125)
    # Its own later end decides (restored with the carried rest, as stored).
    own = TherapyLog()
    own.restore(
        {
            "sessions": [
                TherapySession(
                    Modality.ICE,
                    T0,
                    T0 + minutes(10),
                    T0 + minutes(10),
                    EndReason.COMPLETED,
                ).as_dict()
            ],
            "carried_rest": PlugRest(T0 + minutes(5), Modality.ICE).as_dict(),
        }
    )
    assert own.carried == PlugRest(T0 + minutes(5), Modality.ICE)
    assert not own.rest_carried
    assert own.next_allowed() == T0 + minutes(130)
