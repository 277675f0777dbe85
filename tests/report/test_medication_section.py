"""The clinician report's medication section (report/medication.py), as plain data.

Doses per local day against the limits the person entered; a period without
a dose has no section; a removed medicine (no limits any more) is left out.
"""

from __future__ import annotations

from datetime import date, timedelta

from custom_components.back_recovery.report import (
    ReportRequest,
    medication_section,
    report_period,
)
from custom_components.back_recovery.therapy import (
    LimitsFrom,
    MedicationLog,
    Medicine,
    MedicineKind,
)

from ..helpers.clock import BERLIN, at

TODAY = date(2026, 11, 25)
TEXTS = {"report_date_format": "%d.%m.%Y"}


def _log() -> MedicationLog:
    log = MedicationLog()
    log.set_medicines(
        [
            Medicine(
                id="ibu",
                name="Ibuprofen",
                kind=MedicineKind.NSAID,
                min_hours_between=6,
                max_doses_per_24h=3,
                limits_from=LimitsFrom.PRESCRIBER,
            ),
            Medicine(
                id="para",
                name="Paracetamol",
                kind=MedicineKind.PARACETAMOL,
                min_hours_between=4,
                max_doses_per_24h=4,
                limits_from=LimitsFrom.LABEL,
            ),
        ]
    )
    return log


def test_doses_per_local_day_and_those_outside_the_limits() -> None:
    """Two days; a dose too soon counts outside; the lines name the limits as entered."""
    period = report_period(
        ReportRequest(days=7), TODAY - timedelta(days=30), TODAY, BERLIN
    )
    log = _log()
    for hour in (8, 10):
        log.record("ibu", at(TODAY - timedelta(days=1), hour), at(TODAY, 12))
    log.record("para", at(TODAY, 9), at(TODAY, 12))
    texts = {
        **TEXTS,
        "report_medication_limits": "{name} {hours} {most} {source}",
        "report_limits_from_prescriber": "Rx",
    }
    section = medication_section(log, period, texts)
    assert section is not None and section.table is not None
    assert section.lines == ("Ibuprofen 6 3 Rx", "Paracetamol 4 4 label")
    assert section.table.rows == (
        ("24.11.2026", "Ibuprofen", "2", "2"),
        ("25.11.2026", "Paracetamol", "1", "0"),
    )
    assert [row.kind for row in section.rows].count("dose") == 3
    # Each Ibuprofen dose: too soon, and one below the 3 a day (judged with both).
    assert [row.detail for row in section.rows if row.kind == "medication_warning"] == [
        "too_soon",
        "one_before_limit",
        "too_soon",
        "one_before_limit",
    ]


def test_no_dose_in_the_period_no_section_and_a_removed_medicine_is_left_out() -> None:
    """Without doses in the period, or only of a removed medicine, there is no section."""
    period = report_period(
        ReportRequest(days=7), TODAY - timedelta(days=30), TODAY, BERLIN
    )
    log = _log()
    assert medication_section(log, period, TEXTS) is None
    log.record("para", at(TODAY - timedelta(days=20), 9), at(TODAY, 12))
    assert medication_section(log, period, TEXTS) is None
    log.record("ibu", at(TODAY, 9), at(TODAY, 12))
    log.set_medicines([m for m in log.medicines.values() if m.id != "ibu"])
    assert medication_section(log, period, TEXTS) is None
