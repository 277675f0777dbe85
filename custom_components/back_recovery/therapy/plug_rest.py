"""The rest gap a removed recovery leaves behind on its plug (rules 2, 6, 7, 8, 12).

Nothing here imports Home Assistant. A recovery that is removed takes its
history with it; the skin it heated still needs its rest. What is left
behind is only when the last session on the plug ended and of what
(``PlugRest``), kept per plug in a ``PlugRestBook`` for no longer than the
longest rest gap the options allow. A new recovery of that plug continues the
rest gap from that end (``HeatState.carried``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
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


@dataclass(frozen=True, slots=True)
class PlugRestBook:
    """The rest each removed recovery left on its plug, newest end per plug.

    ``keep`` is the longest rest gap the options allow: an end older than that
    can no longer shorten any rest gap and is dropped.
    """

    rests: tuple[tuple[PlugKeys, PlugRest], ...] = ()

    def recall(self, keys: PlugKeys, now: datetime, keep: timedelta) -> PlugRest | None:
        """Return the latest end left on the plug ``keys`` that can still matter at ``now``."""
        found = [
            rest for plug, rest in self.pruned(now, keep).rests if plug.match(keys)
        ]
        return max(found, key=lambda rest: rest.ended, default=None)

    def remember(
        self, keys: PlugKeys, rest: PlugRest, now: datetime, keep: timedelta
    ) -> PlugRestBook:
        """Return the book with ``rest`` for the plug ``keys`` (a later end kept), old ends dropped."""
        if (
            known := self.recall(keys, now, keep)
        ) is not None and known.ended > rest.ended:
            rest = known
        others = tuple((plug, old) for plug, old in self.rests if not plug.match(keys))
        return PlugRestBook((*others, (keys, rest))).pruned(now, keep)

    def pruned(self, now: datetime, keep: timedelta) -> PlugRestBook:
        """Return the book without the ends more than ``keep`` before ``now``."""
        return PlugRestBook(
            tuple((plug, rest) for plug, rest in self.rests if rest.ended + keep > now)
        )

    def as_dict(self) -> dict[str, Any]:
        """Serialize to JSON-safe values: the plug's keys, the end and the modality."""
        return {
            "plugs": [
                {
                    "entity_id": plug.entity_id,
                    "unique_id": plug.unique_id,
                    **rest.as_dict(),
                }
                for plug, rest in self.rests
            ]
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlugRestBook:
        """Deserialize; a malformed record is skipped (the others still count)."""
        rests: list[tuple[PlugKeys, PlugRest]] = []
        raw = data.get("plugs", [])
        for item in raw if isinstance(raw, list) else []:
            try:
                unique = item.get("unique_id")
                keys = PlugKeys(str(item["entity_id"]), str(unique) if unique else None)
                rests.append((keys, PlugRest.from_dict(item)))
            except KeyError, TypeError, ValueError, AttributeError:
                continue
        return cls(tuple(rests))
