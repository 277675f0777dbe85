"""Pain medication against the limits the person entered (contract "Pain medication").

No Home Assistant: moments are aware datetimes (stored and compared in UTC),
and ``now`` is an argument. Back Recovery never prescribes, doses or advises:
each medicine's ``min_hours_between`` and ``max_doses_per_24h`` are the
numbers the person entered from the label or the prescription, and every
rule here only compares the recorded doses with them. A dose is never
refused: it is recorded, and what it means against those limits comes back
as warnings.

The rules:

- ``too_soon``: another dose of the same medicine less than
  ``min_hours_between`` before or after it (a back-dated dose is judged
  against the doses on both sides of it);
- the rolling 24 hours are real elapsed time (24 hours of UTC, never a
  calendar day: a dose at 23:59 still counts the next day at 23:58, and a day
  with a daylight-saving change has 23 or 25 hours of clock time but the
  window is still 24 real hours); a dose counts in the window ``(t - 24 h, t]``;
- ``daily_limit_reached``: some rolling 24 hours that hold the dose hold
  ``max_doses_per_24h`` doses or more (the fourth of four allowed doses
  reaches the limit; it is still ``within_limits``, a fifth is not and is
  *over* it: ``DoseOutcome.most_doses_24h`` above ``max_doses_per_24h``);
- ``one_before_limit``: the most doses in such 24 hours is one below the limit;
- ``same_kind_overlap``: a dose of another medicine the person marked as an
  NSAID less than the longer of the two medicines' intervals from a dose of an
  NSAID;
- ``next_dose_allowed``: the first moment a new dose would give none of
  ``too_soon``, ``daily_limit_reached`` (over the limit) or
  ``same_kind_overlap``; ``None`` when that is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from .medication_names import adopted_ids

MIN_HOURS_BETWEEN_RANGE: Final = (1, 24)
"""The allowed ``min_hours_between`` (hours, contract): entered, never suggested."""
MAX_DOSES_PER_24H_RANGE: Final = (1, 12)
"""The allowed ``max_doses_per_24h`` (doses, contract): entered, never suggested."""
SUPPLY_MAX: Final = 1000
"""The most doses left one medicine's supply may say (a sanity bound of ours)."""
WINDOW: Final = timedelta(hours=24)
"""The rolling window of ``max_doses_per_24h``: 24 hours of real elapsed time."""
MAX_STORED_DOSES: Final = 5000
"""The most doses kept (of all medicines); the oldest go first."""


class MedicineKind(StrEnum):
    """What the person says a medicine is (only ``nsaid`` changes a rule)."""

    NSAID = "nsaid"
    PARACETAMOL = "paracetamol"
    OPIOID = "opioid"
    OTHER = "other"


class LimitsFrom(StrEnum):
    """Where the person read the limits: the package's label or the prescriber."""

    LABEL = "label"
    PRESCRIBER = "prescriber"


class DoseWarning(StrEnum):
    """What a dose means against the entered limits (the event's ``reason``)."""

    TOO_SOON = "too_soon"
    DAILY_LIMIT_REACHED = "daily_limit_reached"
    ONE_BEFORE_LIMIT = "one_before_limit"
    SAME_KIND_OVERLAP = "same_kind_overlap"


def _utc(moment: datetime) -> datetime:
    """Return the aware ``moment`` in UTC; raise ``ValueError`` for a naive one."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment needs a time zone")
    return moment.astimezone(UTC)


def _in_range(name: str, value: int, bounds: tuple[int, int]) -> None:
    """Raise ``ValueError`` unless ``value`` is a whole number within ``bounds``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number")
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"{name} must be {bounds[0]} to {bounds[1]}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Medicine:
    """A medicine and the limits the person entered for it.

    ``supply`` is the doses left as the person counted them at
    ``supply_counted_at`` (UTC); doses taken from that moment on are
    subtracted. Raises ``ValueError`` (``TypeError``) for limits outside the
    contract's ranges: there are no defaults.
    """

    id: str
    name: str
    kind: MedicineKind
    min_hours_between: int
    max_doses_per_24h: int
    limits_from: LimitsFrom
    supply: int | None = None
    supply_counted_at: datetime | None = None

    def __post_init__(self) -> None:
        """Check the limits and the supply."""
        _in_range("min_hours_between", self.min_hours_between, MIN_HOURS_BETWEEN_RANGE)
        _in_range("max_doses_per_24h", self.max_doses_per_24h, MAX_DOSES_PER_24H_RANGE)
        if self.supply is not None:
            _in_range("supply", self.supply, (0, SUPPLY_MAX))
        if self.supply_counted_at is not None:
            object.__setattr__(self, "supply_counted_at", _utc(self.supply_counted_at))

    @property
    def interval(self) -> timedelta:
        """The entered least time between two doses."""
        return timedelta(hours=self.min_hours_between)


@dataclass(frozen=True, slots=True)
class Dose:
    """One dose: which medicine (its id) and when it was taken (UTC)."""

    medicine_id: str
    taken_at: datetime

    def __post_init__(self) -> None:
        """Keep the moment in UTC; raise ``ValueError`` for a naive one."""
        object.__setattr__(self, "taken_at", _utc(self.taken_at))


@dataclass(frozen=True, slots=True)
class Supply:
    """The doses left; ``low`` at one day or less at the entered daily limit."""

    left: int
    low: bool

    @property
    def empty(self) -> bool:
        """Whether no dose is left."""
        return self.left == 0


@dataclass(frozen=True, slots=True, kw_only=True)
class MedicineStatus:
    """One medicine at ``now``: what its sensors show."""

    medicine: Medicine
    doses_24h: int
    """Doses taken in the 24 hours up to now."""
    last_taken: datetime | None
    next_dose_allowed: datetime | None
    """When a dose is next allowed by the entered limits; ``None`` when now."""
    waiting_for: DoseWarning | None
    """Which limit sets ``next_dose_allowed`` (``daily_limit_reached`` for the daily one)."""
    supply: Supply | None
    next_change: datetime | None
    """The next moment this status changes by time alone (a dose leaves the window, a wait ends)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DoseOutcome:
    """What a recorded dose means: its warnings, and the medicine's status after it."""

    dose: Dose
    warnings: tuple[DoseWarning, ...]
    within_limits: bool
    """False when the dose is outside the entered limits (too soon, over the daily limit, an NSAID overlap)."""
    status: MedicineStatus
    supply_became_low: bool = False
    most_doses_24h: int = 1
    """The most doses of this medicine in any rolling 24 hours that hold this dose (it counted)."""


@dataclass
class MedicationLog:
    """The medicines (from the person's settings) and every dose, sorted by when taken."""

    medicines: dict[str, Medicine] = field(default_factory=dict)
    doses: list[Dose] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    """The last name of each medicine id with doses, removed ones too (stored)."""

    def set_medicines(self, medicines: Iterable[Medicine]) -> None:
        """Take the medicines as configured now; a removed one's doses are kept.

        They count for a medicine of the same name added later
        (``medication_names``: what counts is the name).
        """
        self.medicines = {medicine.id: medicine for medicine in medicines}
        self._adopt()

    def _adopt(self) -> None:
        """Give removed medicines' doses to the current one of their name; forget unused names."""
        current = {medicine.id: medicine.name for medicine in self.medicines.values()}
        moved = adopted_ids(self.names, current)
        self.doses = [
            Dose(moved.get(d.medicine_id, d.medicine_id), d.taken_at)
            for d in self.doses
        ]
        used = {dose.medicine_id for dose in self.doses}
        self.names = {k: v for k, v in self.names.items() if k in used} | current

    def record(
        self, medicine_id: str, taken_at: datetime, now: datetime
    ) -> DoseOutcome:
        """Record a dose and say what it means; never refuse it for the limits.

        Raises ``KeyError`` for an unknown medicine and ``ValueError`` for a
        dose in the future (after ``now``) or a naive moment.
        """
        medicine = self.medicines[medicine_id]
        dose = Dose(medicine_id, taken_at)
        if dose.taken_at > _utc(now):
            raise ValueError("a dose cannot be taken in the future")
        supply_before = self.status(medicine_id, now).supply
        self.doses.append(dose)
        self.doses.sort(key=lambda item: item.taken_at)
        del self.doses[:-MAX_STORED_DOSES]
        warnings, within = self._judge(medicine, dose)
        status = self.status(medicine_id, now)
        became_low = (
            status.supply is not None
            and status.supply.low
            and not (supply_before is not None and supply_before.low)
        )
        return DoseOutcome(
            dose=dose,
            warnings=warnings,
            within_limits=within,
            status=status,
            supply_became_low=became_low,
            most_doses_24h=self._most_in_24h(medicine, dose),
        )

    def judge(self, dose: Dose) -> tuple[tuple[DoseWarning, ...], bool]:
        """Return what a recorded ``dose`` means now (with the doses around it); ``KeyError`` if its medicine is gone."""
        return self._judge(self.medicines[dose.medicine_id], dose)

    def _judge(
        self, medicine: Medicine, dose: Dose
    ) -> tuple[tuple[DoseWarning, ...], bool]:
        """Return the warnings of the recorded ``dose`` and whether it is within the limits."""
        others = list(self._taken(medicine.id))
        others.remove(dose)
        warnings: list[DoseWarning] = []
        within = True
        if any(abs(o.taken_at - dose.taken_at) < medicine.interval for o in others):
            warnings.append(DoseWarning.TOO_SOON)
            within = False
        most = self._most_in_24h(medicine, dose)
        if most >= medicine.max_doses_per_24h:
            warnings.append(DoseWarning.DAILY_LIMIT_REACHED)
            within = within and most == medicine.max_doses_per_24h
        elif most == medicine.max_doses_per_24h - 1:
            warnings.append(DoseWarning.ONE_BEFORE_LIMIT)
        if any(
            abs(o.taken_at - dose.taken_at) < gap
            for o, gap in self._other_nsaid_doses(medicine)
        ):
            warnings.append(DoseWarning.SAME_KIND_OVERLAP)
            within = False
        return tuple(warnings), within

    def _most_in_24h(self, medicine: Medicine, dose: Dose) -> int:
        """Return the most doses of ``medicine`` in any rolling 24 hours that hold ``dose``."""
        own = self._taken(medicine.id)
        ends = [dose.taken_at] + [
            o.taken_at
            for o in own
            if dose.taken_at <= o.taken_at < dose.taken_at + WINDOW
        ]
        return max(_count_in_window(own, end) for end in ends)

    def _taken(self, medicine_id: str, until: datetime | None = None) -> list[Dose]:
        """Return the doses of one medicine (taken at or before ``until``), oldest first."""
        return [
            dose
            for dose in self.doses
            if dose.medicine_id == medicine_id
            and (until is None or dose.taken_at <= until)
        ]

    def _other_nsaid_doses(self, medicine: Medicine) -> list[tuple[Dose, timedelta]]:
        """Return the doses of the other NSAIDs with the longer of the two intervals."""
        if medicine.kind is not MedicineKind.NSAID:
            return []
        gaps = {
            other.id: max(medicine.interval, other.interval)
            for other in self.medicines.values()
            if other.kind is MedicineKind.NSAID and other.id != medicine.id
        }
        return [
            (dose, gaps[dose.medicine_id])
            for dose in self.doses
            if dose.medicine_id in gaps
        ]

    def status(self, medicine_id: str, now: datetime) -> MedicineStatus:
        """Return what one medicine's sensors show at ``now``; ``KeyError`` if unknown."""
        medicine = self.medicines[medicine_id]
        now = _utc(now)
        taken = self._taken(medicine_id, now)
        window = [dose for dose in taken if dose.taken_at > now - WINDOW]
        waits: list[tuple[datetime, DoseWarning]] = []
        if taken:
            waits.append((taken[-1].taken_at + medicine.interval, DoseWarning.TOO_SOON))
        if (over := len(window) - medicine.max_doses_per_24h) >= 0:
            waits.append(
                (window[over].taken_at + WINDOW, DoseWarning.DAILY_LIMIT_REACHED)
            )
        waits.extend(
            (dose.taken_at + gap, DoseWarning.SAME_KIND_OVERLAP)
            for dose, gap in self._other_nsaid_doses(medicine)
            if dose.taken_at <= now
        )
        # On a tie the daily limit is named: it lasts, the interval does not.
        wait = max(
            waits, key=lambda item: (item[0], _TIE_ORDER.index(item[1])), default=None
        )
        allowed, reason = wait if wait is not None and wait[0] > now else (None, None)
        changes = [moment for moment in (allowed,) if moment is not None]
        if window:
            changes.append(window[0].taken_at + WINDOW)
        return MedicineStatus(
            medicine=medicine,
            doses_24h=len(window),
            last_taken=taken[-1].taken_at if taken else None,
            next_dose_allowed=allowed,
            waiting_for=reason,
            supply=self._supply(medicine, taken),
            next_change=min(changes, default=None),
        )

    @staticmethod
    def _supply(medicine: Medicine, taken: list[Dose]) -> Supply | None:
        """Return the doses left of ``medicine``; ``None`` without an entered supply."""
        if medicine.supply is None:
            return None
        since = medicine.supply_counted_at
        used = sum(1 for dose in taken if since is None or dose.taken_at >= since)
        left = max(0, medicine.supply - used)
        return Supply(left=left, low=left <= medicine.max_doses_per_24h)

    def statuses(self, now: datetime) -> dict[str, MedicineStatus]:
        """Return every configured medicine's status at ``now``, by id."""
        return {
            medicine_id: self.status(medicine_id, now) for medicine_id in self.medicines
        }

    # Storage: the doses only (the medicines are the person's settings).

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored doses; raise ``KeyError``, ``TypeError`` or ``ValueError`` if malformed."""
        doses = [
            Dose(str(item["medication"]), datetime.fromisoformat(item["taken_at"]))
            for item in data["doses"]
        ]
        doses.sort(key=lambda item: item.taken_at)
        self.doses = doses[-MAX_STORED_DOSES:]
        self.names = {str(k): str(v) for k, v in dict(data.get("names") or {}).items()}
        self._adopt()

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form: the doses, oldest first, and their medicines' names."""
        used = {dose.medicine_id for dose in self.doses}
        return {
            "doses": [
                {"medication": dose.medicine_id, "taken_at": dose.taken_at.isoformat()}
                for dose in self.doses
            ],
            "names": {k: v for k, v in self.names.items() if k in used},
        }


_TIE_ORDER: Final = (
    DoseWarning.TOO_SOON,
    DoseWarning.SAME_KIND_OVERLAP,
    DoseWarning.DAILY_LIMIT_REACHED,
)


def _count_in_window(doses: Iterable[Dose], end: datetime) -> int:
    """Return how many of ``doses`` fall in the 24 hours ``(end - 24 h, end]``."""
    return sum(1 for dose in doses if end - WINDOW < dose.taken_at <= end)
