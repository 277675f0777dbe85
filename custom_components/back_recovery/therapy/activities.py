"""Activities and the return to activity: what the doctor cleared, as the person recorded it.

Nothing here imports Home Assistant. The rules are the contract's section
"Activities and return to activity", from the guidance: "avoid high-impact
exercise … contact sports … heavy furniture until the doctor permits you to
do so again". The guidance's three activities (``high_impact``: running and
jumping; ``contact_sports``; ``heavy_lifting``) and the person's own
(``own_activity``, each named in the options) are each ``avoid`` until the
person records a clearance: the day it was given (``cleared_on``) and who gave
it (``by``, e.g. "Dr. Lee"). A withdrawal puts it back to ``avoid``. Every
clearance and withdrawal is kept in the order it was recorded; the latest
recorded for an activity counts, whatever day it names.

Back Recovery never clears anything by itself: nothing here reads the
recovery's phase, the days since the injury or the pain diary, so no phase
(not even ``recovered``) changes what an activity shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Final

from .names import name_key, same_name


class Activity(StrEnum):
    """The kinds of activity: the guidance's three and the person's own."""

    HIGH_IMPACT = "high_impact"
    """Running and jumping."""
    CONTACT_SPORTS = "contact_sports"
    HEAVY_LIFTING = "heavy_lifting"
    """Heavy furniture and other heavy loads."""
    OWN_ACTIVITY = "own_activity"
    """One the person named (option ``own_activities``)."""


GUIDANCE_ACTIVITIES: Final = (
    Activity.HIGH_IMPACT,
    Activity.CONTACT_SPORTS,
    Activity.HEAVY_LIFTING,
)
"""The activities the guidance names, in the order shown."""

GUIDANCE_NAMES: Final = frozenset(
    name_key(name)
    for name in (
        # English (translations ``common.activity_<activity>``)
        "running and jumping",
        "contact sports",
        "heavy lifting",
        # German
        "Laufen und Springen",
        "Kontaktsport",
        "schweres Heben",
    )
)
"""The guidance's activities as every shipped language names them, case aside.

An own activity may not take one of these names: it would show a second
sensor of that name and be answered twice. Kept equal to the translations by
``tests/packaging/test_translations.py``.
"""

BY_MAX_LENGTH: Final = 100
"""The longest ``by`` (who cleared it), in characters."""
OWN_NAME_MAX_LENGTH: Final = 50
"""The longest name of an own activity, in characters."""
MAX_OWN_ACTIVITIES: Final = 20
"""How many own activities a recovery may name."""
MAX_CLEARANCE_ENTRIES: Final = 1000
"""How many clearances and withdrawals are kept (the oldest go first)."""


class ActivityStatus(StrEnum):
    """What an activity shows: ``avoid`` until a clearance is recorded."""

    AVOID = "avoid"
    CLEARED = "cleared"


class ClearanceKind(StrEnum):
    """A recorded entry: a clearance or its withdrawal."""

    CLEARED = "cleared"
    WITHDRAWN = "withdrawn"


class ActivityRefusal(StrEnum):
    """Why a clearance was refused; each is a translation key."""

    UNKNOWN_ACTIVITY = "unknown_activity"
    """Not one of the guidance's activities, nor an own activity named in the options."""
    ACTIVITY_NAME_REQUIRED = "activity_name_required"
    """``own_activity`` without the ``name`` of one of the person's activities."""
    CLEARED_ON_IN_FUTURE = "cleared_on_in_future"
    CLEARED_BEFORE_INJURY = "cleared_before_injury"
    CLEARED_BY_REQUIRED = "cleared_by_required"
    """``by`` empty: a clearance names who gave it."""


class ActivityRefusedError(Exception):
    """A clearance or withdrawal the rules do not allow; nothing was recorded."""

    def __init__(self, reason: ActivityRefusal) -> None:
        """Remember why."""
        super().__init__(reason.value)
        self.reason = reason


def is_guidance_name(name: str) -> bool:
    """Whether ``name`` is one of the guidance's activities in a shipped language (case and spaces aside)."""
    return name_key(name) in GUIDANCE_NAMES


@dataclass(frozen=True, slots=True)
class ActivityRef:
    """One activity: a guidance activity, or an own activity and its name."""

    activity: Activity
    name: str | None = None
    """The own activity's name as the options spell it; ``None`` for the guidance's."""

    def __post_init__(self) -> None:
        """Raise ``ValueError`` for an own activity without a name, or a name on another."""
        if (self.activity is Activity.OWN_ACTIVITY) != bool(self.name):
            raise ValueError(f"{self.activity} with name {self.name!r}")

    def matches(self, activity: Activity, name: str | None) -> bool:
        """Whether ``activity`` (and, for an own activity, ``name``) is this one."""
        if activity is not self.activity:
            return False
        return self.name is None or (name is not None and same_name(self.name, name))


@dataclass(frozen=True, slots=True)
class ClearanceEntry:
    """A clearance or a withdrawal, as recorded.

    ``on``: the local date the clearance was given (``cleared_on``) or
    withdrawn; ``by``: who cleared it (a clearance only); ``recorded_at``:
    when it was recorded (aware, kept in UTC).
    """

    activity: Activity
    name: str | None
    kind: ClearanceKind
    on: date
    by: str | None
    recorded_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {
            "activity": self.activity.value,
            "name": self.name,
            "kind": self.kind.value,
            "on": self.on.isoformat(),
            "by": self.by,
            "recorded_at": self.recorded_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClearanceEntry:
        """Read the stored form; raise ``KeyError``, ``TypeError`` or ``ValueError`` if malformed."""
        recorded_at = datetime.fromisoformat(str(data["recorded_at"]))
        if recorded_at.utcoffset() is None:
            raise ValueError("naive recorded_at")
        kind = ClearanceKind(data["kind"])
        by = data.get("by")
        if kind is ClearanceKind.CLEARED and not (isinstance(by, str) and by):
            raise ValueError("a clearance without who gave it")
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            raise TypeError("name is not text")
        activity = Activity(data["activity"])
        ActivityRef(activity, name)  # an own activity has a name, no other does
        return cls(
            activity=activity,
            name=name,
            kind=kind,
            on=date.fromisoformat(str(data["on"])),
            by=by if kind is ClearanceKind.CLEARED else None,
            recorded_at=recorded_at.astimezone(UTC),
        )


@dataclass(frozen=True, slots=True)
class ActivityState:
    """One activity as it stands: the clearance in force, or the withdrawal that ended it."""

    ref: ActivityRef
    latest: ClearanceEntry | None
    """The latest recorded clearance or withdrawal of the activity; ``None``: never cleared."""
    cleared_before: ClearanceEntry | None = None
    """After a withdrawal: the clearance it withdrew (the latest before it)."""

    @property
    def status(self) -> ActivityStatus:
        """``cleared`` while the latest recorded entry is a clearance; ``avoid`` otherwise."""
        latest = self.latest
        if latest is not None and latest.kind is ClearanceKind.CLEARED:
            return ActivityStatus.CLEARED
        return ActivityStatus.AVOID

    @property
    def cleared(self) -> bool:
        """Whether a clearance is in force."""
        return self.status is ActivityStatus.CLEARED

    @property
    def clearance(self) -> ClearanceEntry | None:
        """The clearance in force; ``None`` while the activity is to be avoided."""
        return self.latest if self.cleared else None

    @property
    def withdrawal(self) -> ClearanceEntry | None:
        """The withdrawal that put it back to ``avoid``; ``None`` otherwise."""
        latest = self.latest
        return latest if latest is not None and not self.cleared else None


class ActivityRecord:
    """The activities of one recovery and every clearance and withdrawal recorded for them."""

    def __init__(self, injury_date: date, own: Iterable[str] = ()) -> None:
        """Start with no clearance; ``own``: the names of the person's own activities."""
        self.injury_date = injury_date
        self.own: tuple[str, ...] = tuple(own)
        self.entries: list[ClearanceEntry] = []

    def activities(self) -> tuple[ActivityRef, ...]:
        """Return the guidance's activities, then the person's own, in the options' order."""
        return (
            *(ActivityRef(activity) for activity in GUIDANCE_ACTIVITIES),
            *(ActivityRef(Activity.OWN_ACTIVITY, name) for name in self.own),
        )

    def find(self, activity: str, name: str | None = None) -> ActivityRef:
        """Return the activity called ``activity`` (and ``name``, for ``own_activity``).

        Raises ``ActivityRefusedError``: ``unknown_activity`` for anything but
        the four kinds or an own activity not named in the options;
        ``activity_name_required`` for ``own_activity`` without a name.
        """
        try:
            kind = Activity(activity)
        except ValueError as err:
            raise ActivityRefusedError(ActivityRefusal.UNKNOWN_ACTIVITY) from err
        if kind is Activity.OWN_ACTIVITY and not (name and name.strip()):
            raise ActivityRefusedError(ActivityRefusal.ACTIVITY_NAME_REQUIRED)
        for ref in self.activities():
            if ref.matches(kind, name):
                return ref
        raise ActivityRefusedError(ActivityRefusal.UNKNOWN_ACTIVITY)

    def clear(
        self, ref: ActivityRef, cleared_on: date, by: str, *, today: date, now: datetime
    ) -> ClearanceEntry:
        """Record that ``by`` cleared ``ref`` on ``cleared_on`` (a local date); return the entry.

        ``today`` is the local date of ``now`` (aware). A clearance of an
        activity already cleared is recorded too and counts from now on (the
        latest recorded counts). Raises ``ActivityRefusedError``:
        ``cleared_on_in_future`` (after ``today``), ``cleared_before_injury``
        (before the injury date: it cannot be about this injury) or
        ``cleared_by_required`` (``by`` empty); nothing is recorded then.
        """
        who = by.strip()
        if not who:
            raise ActivityRefusedError(ActivityRefusal.CLEARED_BY_REQUIRED)
        if cleared_on > today:
            raise ActivityRefusedError(ActivityRefusal.CLEARED_ON_IN_FUTURE)
        if cleared_on < self.injury_date:
            raise ActivityRefusedError(ActivityRefusal.CLEARED_BEFORE_INJURY)
        return self._add(
            ClearanceEntry(
                ref.activity,
                ref.name,
                ClearanceKind.CLEARED,
                cleared_on,
                who,
                now.astimezone(UTC),
            )
        )

    def withdraw(
        self, ref: ActivityRef, *, today: date, now: datetime
    ) -> ClearanceEntry | None:
        """Put ``ref`` back to ``avoid`` as of ``today``; return the withdrawal.

        An activity not cleared has nothing to withdraw: nothing is recorded
        and ``None`` returned.
        """
        if not self.state_of(ref).cleared:
            return None
        return self._add(
            ClearanceEntry(
                ref.activity,
                ref.name,
                ClearanceKind.WITHDRAWN,
                today,
                None,
                now.astimezone(UTC),
            )
        )

    def _add(self, entry: ClearanceEntry) -> ClearanceEntry:
        self.entries.append(entry)
        del self.entries[:-MAX_CLEARANCE_ENTRIES]
        return entry

    def history(self, ref: ActivityRef) -> list[ClearanceEntry]:
        """Return the clearances and withdrawals of ``ref``, in the order recorded."""
        return [e for e in self.entries if ref.matches(e.activity, e.name)]

    def state_of(self, ref: ActivityRef) -> ActivityState:
        """Return ``ref`` as it stands: the latest recorded entry counts."""
        history = self.history(ref)
        if not history:
            return ActivityState(ref, None)
        latest = history[-1]
        before = None
        if latest.kind is ClearanceKind.WITHDRAWN:
            before = next(
                (e for e in reversed(history) if e.kind is ClearanceKind.CLEARED), None
            )
        return ActivityState(ref, latest, before)

    def states(self) -> tuple[ActivityState, ...]:
        """Return every activity (the guidance's, then the person's own) as it stands."""
        return tuple(self.state_of(ref) for ref in self.activities())

    def cleared_count(self) -> int:
        """Return how many of the activities are cleared now."""
        return sum(state.cleared for state in self.states())

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored entries; raise ``KeyError``, ``TypeError`` or ``ValueError`` if malformed.

        Entries of an own activity no longer named in the options are kept:
        named again, it shows its history again.
        """
        entries = [ClearanceEntry.from_dict(item) for item in data["entries"]]
        self.entries = entries[-MAX_CLEARANCE_ENTRIES:]

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form: every entry in the order recorded; ``{}`` when none is."""
        if not self.entries:
            return {}
        return {"entries": [entry.as_dict() for entry in self.entries]}

    def as_diagnostics(self) -> dict[str, Any]:
        """Return counts only: no names, no one who cleared anything."""
        return {
            "entries": len(self.entries),
            "own_activities": len(self.own),
            "cleared": {
                state.ref.activity.value: state.cleared
                for state in self.states()
                if state.ref.activity is not Activity.OWN_ACTIVITY
            },
            "own_cleared": sum(
                state.cleared
                for state in self.states()
                if state.ref.activity is Activity.OWN_ACTIVITY
            ),
        }
