"""What the clinician report is made of: its period, its CSV rows, and the sections parts add.

Nothing here imports Home Assistant. This is the report's extension point
(contract "The clinician report"): a recorded part of the recovery
(``engine/records.py``: exercises, medicines, the brace, activities) adds its
section by implementing ``ReportSection``. The report asks each part on the
event loop for a ``SectionData`` of the period, an immutable copy of what it
shows; the rendering runs later, off the loop, and never calls the part
again. A part without data in the period returns ``None``, and its section is
left out (never shown empty).

Every text a part gives is plain text: the renderer escapes it. Titles and
column headings are keys of the ``common`` translations (``report_*``), so
the page is in the person's language; a key without a text is shown as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """The local dates a report covers, ``first`` to ``last`` (both included).

    ``start`` is local midnight of ``first`` and ``end`` local midnight after
    ``last`` (aware); ``tz`` is Home Assistant's time zone. ``include_notes``:
    the person asked for their notes (free text, health data) in the report.
    """

    first: date
    last: date
    start: datetime
    end: datetime
    tz: tzinfo
    include_notes: bool = False

    @property
    def days(self) -> int:
        """How many local dates the period has."""
        return (self.last - self.first).days + 1

    def holds(self, moment: datetime) -> bool:
        """Whether the aware ``moment`` lies in the period."""
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One event of the CSV: one row, its ``kind`` first.

    ``start`` and ``end`` are aware (written in ISO 8601 with the local
    offset); ``value`` and ``unit`` a number and what it counts; ``detail`` a
    word a program can read (an end reason, a phase); ``note`` the person's
    own text, only with ``include_notes``.
    """

    kind: str
    start: datetime
    end: datetime | None = None
    value: str = ""
    unit: str = ""
    detail: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class SectionTable:
    """A table of a section: heading keys and rows of plain-text cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class SectionData:
    """What one part shows in one period: a title, lines, a table, its CSV rows.

    ``title`` is a text key (``report_exercises``); ``lines`` are sentences
    in the person's language (the part says them with ``texts.py``).
    """

    key: str
    title: str
    lines: tuple[str, ...] = ()
    table: SectionTable | None = None
    rows: tuple[ReportRow, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show (the section is then left out)."""
        return not (self.lines or (self.table and self.table.rows) or self.rows)


@runtime_checkable
class ReportSection(Protocol):
    """A recorded part that adds a section to the clinician report."""

    def report_section(self, period: ReportPeriod) -> SectionData | None:
        """Return what the part shows for ``period``; ``None`` without data.

        Called on the event loop: copy what the period needs and return at
        once (no I/O, nothing rendered). The data must not change later.
        """


def present(sections: Sequence[SectionData | None]) -> tuple[SectionData, ...]:
    """Return the sections that have something to show, in the order given."""
    return tuple(
        section for section in sections if section is not None and not section.empty
    )
