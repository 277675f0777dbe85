"""The rest gap a removed recovery leaves behind on its plug and its person (rules 2, 6, 7, 8, 12).

Nothing here imports Home Assistant. A recovery that is removed takes its
history with it; the skin it heated or cooled still needs its rest. What is
left behind is only when the last session ended and of what (``PlugRest``),
kept in a ``PlugRestBook`` under its plug and under its person
(``RestKeys``), for no longer than the longest rest gap the options allow.
The person is kept as a hash of the name and the injury date
(``person_key``), never the name itself. A recovery of that plug, or of that
person, continues the rest gap from that end (``HeatState.carried``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import hashlib
from typing import TYPE_CHECKING, Any

from .session import Modality, stored_moment

if TYPE_CHECKING:
    from .heat import HeatState


@dataclass(frozen=True, slots=True)
class PlugRest:
    """When the last session on a plug ended (aware), and of what: nothing more."""

    ended: datetime
    modality: Modality

    def as_dict(self) -> dict[str, str]:
        """Serialize to JSON-safe values."""
        return {"ended": self.ended.isoformat(), "modality": self.modality.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlugRest:
        """Deserialize; raises ``KeyError``/``ValueError``/``TypeError`` on bad data."""
        return cls(stored_moment(data["ended"]), Modality(data["modality"]))


def rest_left_behind(log: HeatState, now: datetime) -> PlugRest | None:
    """Return where the skin's rest starts when the recovery is removed at ``now``; ``None`` without a session.

    The rest counts from the last end (or a stuck plug's later off, or a rest
    carried over itself). Heat that may still be on the skin (a switch-off
    the plug has not confirmed, or heat still open) rests from ``now``, the
    removal; an ice session still open from its planned end, when its deadline
    would have ended it (nobody stopped it).
    """
    if (open_session := log.open) is not None:
        if open_session.modality is Modality.ICE and not log.plug_must_be_off:
            return PlugRest(open_session.planned_end, Modality.ICE)
        return PlugRest(now, Modality.HEAT)
    if log.plug_must_be_off:
        return PlugRest(now, Modality.HEAT)
    if (start := log.rest_start) is None:
        return None
    carried = log.carried
    if carried is not None and carried.ended == start:
        return carried
    if log.heat_off_at == start:
        return PlugRest(start, Modality.HEAT)
    heat_end = log.last_end_of(Modality.HEAT)
    modality = Modality.HEAT if heat_end == start else Modality.ICE
    return PlugRest(start, modality)


@dataclass(frozen=True, slots=True)
class PlugKeys:
    """What names one plug: its entity id, and its registry's ``platform:unique_id`` when it has one.

    The unique id stays when the person renames the entity id; the entity id
    matches a plug without a unique id. A device id is not used: the outlets
    of one power strip share it.
    """

    entity_id: str
    unique_id: str | None = None

    def match(self, other: PlugKeys) -> bool:
        """Whether ``other`` names the same plug (either key equal)."""
        return self.entity_id == other.entity_id or (
            self.unique_id is not None and self.unique_id == other.unique_id
        )


def person_key(name: str, injury_date: str) -> str:
    """Return the key of one person's skin: sha256 (hex) of ``casefolded name|injury date``.

    The same person as the config flow's ``_same_person`` (the name in any
    case, the same injury date ``YYYY-MM-DD``); the name itself is not kept.
    """
    text = f"{name.strip().casefold()}|{injury_date}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class RestKeys:
    """Whose rest it is: the plug (``None`` without one) and the person (``person_key``)."""

    plug: PlugKeys | None = None
    person: str | None = None

    def match(self, other: RestKeys) -> bool:
        """Whether ``other`` names the same plug or the same person."""
        same_plug = (
            self.plug is not None
            and other.plug is not None
            and self.plug.match(other.plug)
        )
        return same_plug or (self.person is not None and self.person == other.person)


@dataclass(frozen=True, slots=True)
class PlugRestBook:
    """The rest each removed recovery left, under its plug and its person.

    ``keep`` is the longest rest gap the options allow: an end older than that
    can no longer shorten any rest gap and is dropped. One record per set of
    keys (the later end kept); records of other keys stay, so a rest is
    never lost by a later removal that shares only one key.
    """

    rests: tuple[tuple[RestKeys, PlugRest], ...] = ()

    def recall(self, keys: RestKeys, now: datetime, keep: timedelta) -> PlugRest | None:
        """Return the latest end left on the plug or the person ``keys`` that can still matter at ``now``."""
        found = [rest for key, rest in self.pruned(now, keep).rests if key.match(keys)]
        return max(found, key=lambda rest: rest.ended, default=None)

    def remember(
        self, keys: RestKeys, rest: PlugRest, now: datetime, keep: timedelta
    ) -> PlugRestBook:
        """Return the book with ``rest`` under ``keys`` (a later end kept), old ends dropped."""
        same = [old for key, old in self.rests if key == keys]
        rest = max([rest, *same], key=lambda known: known.ended)
        others = tuple((key, old) for key, old in self.rests if key != keys)
        return PlugRestBook((*others, (keys, rest))).pruned(now, keep)

    def pruned(self, now: datetime, keep: timedelta) -> PlugRestBook:
        """Return the book without the ends more than ``keep`` before ``now``."""
        return PlugRestBook(
            tuple((key, rest) for key, rest in self.rests if rest.ended + keep > now)
        )

    def as_dict(self) -> dict[str, Any]:
        """Serialize to JSON-safe values: the plug's keys, the person's hash, the end and the modality."""
        return {
            "rests": [
                {
                    "entity_id": key.plug.entity_id if key.plug else None,
                    "unique_id": key.plug.unique_id if key.plug else None,
                    "person": key.person,
                    **rest.as_dict(),
                }
                for key, rest in self.rests
            ]
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlugRestBook:
        """Deserialize (also the first form, ``plugs``); a malformed record is skipped."""
        rests: list[tuple[RestKeys, PlugRest]] = []
        for name in ("rests", "plugs"):
            raw = data.get(name, [])
            for item in raw if isinstance(raw, list) else []:
                try:
                    rests.append((_keys_from(item), PlugRest.from_dict(item)))
                except KeyError, TypeError, ValueError, AttributeError:
                    continue
        return cls(tuple(rests))


def _keys_from(item: Mapping[str, Any]) -> RestKeys:
    """Read one record's keys; raises ``ValueError`` when it names neither plug nor person."""
    entity_id, unique, person = (
        item.get("entity_id"),
        item.get("unique_id"),
        item.get("person"),
    )
    plug = (
        PlugKeys(str(entity_id), str(unique) if unique else None) if entity_id else None
    )
    keys = RestKeys(plug, str(person) if person else None)
    if keys.plug is None and keys.person is None:
        raise ValueError("a record without keys")
    return keys
