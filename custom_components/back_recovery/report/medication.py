"""Pain medication in the clinician report: doses per day against the limits the person entered.

Pure, like the rest of ``report/``: the medication part
(``engine/medication.py``) hands its log and the texts over on the event
loop and gets an immutable ``SectionData``. Only the medicines configured
now are shown, each with the limits the person entered and where they come
from; per local day and medicine the doses and how many of them were outside
those limits (too soon, over the daily limit, an NSAID overlap). CSV: one
``dose`` row per dose (``detail`` the medicine's name) and one
``medication_warning`` row per warning (``detail`` the reason). Back Recovery
judges nothing else: no drug, dose or interaction advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..therapy import MedicationLog
from .sections import ReportPeriod, ReportRow, SectionData, SectionTable

COLUMNS = (
    "report_day",
    "report_medicine",
    "report_doses",
    "report_doses_outside_limits",
)


def medication_section(
    log: MedicationLog, period: ReportPeriod, texts: Mapping[str, str]
) -> SectionData | None:
    """Return the medication section of ``period``; ``None`` without a dose in it."""
    doses = [
        dose
        for dose in log.doses
        if dose.medicine_id in log.medicines and period.holds(dose.taken_at)
    ]
    if not doses:
        return None
    per_day: dict[tuple[date, str], list[int]] = {}
    rows: list[ReportRow] = []
    for dose in doses:
        medicine = log.medicines[dose.medicine_id]
        warnings, within = log.judge(dose)
        counts = per_day.setdefault(
            (dose.taken_at.astimezone(period.tz).date(), medicine.name), [0, 0]
        )
        counts[0] += 1
        counts[1] += 0 if within else 1
        rows.append(
            ReportRow(
                "dose", dose.taken_at, value="1", unit="dose", detail=medicine.name
            )
        )
        rows.extend(
            ReportRow("medication_warning", dose.taken_at, detail=warning.value)
            for warning in warnings
        )
    taken = {dose.medicine_id for dose in doses}
    limits = texts.get("report_medication_limits", "{name}: {hours} h, {most} / 24 h")
    lines = tuple(
        limits.format(
            name=medicine.name,
            hours=medicine.min_hours_between,
            most=medicine.max_doses_per_24h,
            source=texts.get(
                f"report_limits_from_{medicine.limits_from.value}",
                medicine.limits_from.value,
            ),
        )
        for medicine in sorted(log.medicines.values(), key=lambda m: m.name)
        if medicine.id in taken
    )
    date_format = texts.get("report_date_format", "%Y-%m-%d")
    table = SectionTable(
        COLUMNS,
        tuple(
            (day.strftime(date_format), name, str(count), str(outside))
            for (day, name), (count, outside) in sorted(per_day.items())
        ),
    )
    return SectionData(
        key="medication",
        title="report_medication",
        lines=lines,
        table=table,
        rows=tuple(rows),
    )
