"""The parts of a recovery the person records beside the therapy (contract "The rest of the recovery").

The rehabilitation programme, pain medication, the brace and the activities
cleared by the doctor: each is a part with a pure model in ``therapy/`` and
stored under its own key of the history's ``records`` (storage minor version
3). The engine owns them as it owns the sessions: ``RecoveryRecords`` is the
one place a part's change is saved (once) and shown (a new snapshot for
every listener), so the engine stays the only writer. Every part is optional
and absent until the person adds it; a part that cannot be read starts empty
and its stored form is kept beside, under ``<key>.unreadable``, never lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date
import logging
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .activities import ActivityClearances
    from .brace import BraceRecord
    from .exercises import ExerciseProgramme
    from .medication import MedicationRecord

_LOGGER = logging.getLogger(__name__)

RECORDS_KEY = "records"
"""The stored history's key for all parts (added in storage minor version 3)."""


class RecordPart(Protocol):
    """One recorded part: its stored key, how it is read and written."""

    key: str
    """Its key under the stored ``records``."""

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take the stored form; raise ``KeyError``, ``TypeError`` or ``ValueError`` if malformed.

        A malformed item may be skipped (and logged) instead, as the pain diary does.
        """

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form."""

    def new_day(self, today: date) -> None:
        """Take in that a new local day began (midnight, a load, new options)."""


class RecoveryRecords:
    """The recorded parts of one recovery; their changes are saved and shown here."""

    brace: BraceRecord | None = None
    """The brace (``engine/brace.py``), added when the entry is set up."""
    exercises: ExerciseProgramme | None = None
    """The rehabilitation programme (``engine/exercises.py``), once set up."""
    medication: MedicationRecord
    """Pain medication (``medication.py``), attached by ``__init__.py`` before the load."""
    activities: ActivityClearances
    """The activities the doctor cleared (given at setup: ``engine/activities.py``)."""

    def __init__(
        self,
        title: str,
        save: Callable[[], Awaitable[bool]],
        publish: Callable[[], None],
    ) -> None:
        """Hold no part yet; ``add`` gives each part its place."""
        self._title = title
        self._save = save
        self._publish = publish
        self._parts: list[RecordPart] = []
        self._unreadable: dict[str, Any] = {}

    def add[PartT: RecordPart](self, part: PartT) -> PartT:
        """Own ``part`` from now on: restored, saved and given new days with the rest."""
        self._parts.append(part)
        return part

    @property
    def parts(self) -> tuple[RecordPart, ...]:
        """The parts in the order they were added (the clinician report asks each for its section)."""
        return tuple(self._parts)

    def restore(self, data: Mapping[str, Any]) -> None:
        """Give each part its stored form; a part that cannot be read starts empty.

        The unreadable form is kept and written back beside (``<key>.unreadable``).
        """
        stored = data.get(RECORDS_KEY)
        if not isinstance(stored, Mapping):
            stored = {}
        self._unreadable = {
            key: value for key, value in stored.items() if key.endswith(".unreadable")
        }
        for part in self._parts:
            if (raw := stored.get(part.key)) is None:
                continue
            try:
                part.restore(_mapping(part.key, raw))
            except (KeyError, TypeError, ValueError, AttributeError) as err:
                _LOGGER.error(
                    "Stored %s of %s cannot be read (%s); it starts empty and the "
                    "stored form is kept",
                    part.key,
                    self._title,
                    err,
                )
                self._unreadable[f"{part.key}.unreadable"] = raw

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form of every part (and of any that could not be read).

        A part with nothing to store (an empty form) is left out: absent until added.
        """
        stored = {part.key: part.as_dict() for part in self._parts}
        return {
            RECORDS_KEY: {
                **self._unreadable,
                **{key: value for key, value in stored.items() if value},
            }
        }

    def new_day(self, today: date) -> None:
        """Tell each part a new local day began."""
        for part in self._parts:
            part.new_day(today)

    async def async_changed(self) -> bool:
        """Save the history once after a part changed, then show the new state.

        Returns whether the history was written (a failed write raises the
        ``storage_not_writable`` repair issue, as for sessions).
        """
        written = await self._save()
        self._publish()
        return written


def _mapping(key: str, raw: Any) -> Mapping[str, Any]:
    """Return ``raw`` as a stored part; raise ``TypeError`` for anything else."""
    if not isinstance(raw, Mapping):
        raise TypeError(f"{key} is not a mapping")
    return raw
