"""The clinician report: one recovery over a period, as a printable page and as CSV.

Pure rendering, no Home Assistant: ``model.py`` (the snapshot and what it
says), ``chart.py`` (the pain chart as SVG), ``html.py`` (the page),
``table.py`` (the CSV), ``sections.py`` (what a recorded part adds: the
``ReportSection`` extension point). Home Assistant serves it from
``report_view.py`` and links it from ``report_service.py``.
"""

from __future__ import annotations

from .chart import MAX_CHART_POINTS, pain_chart, thin
from .html import render_html
from .medication import medication_section
from .model import (
    DEFAULT_DAYS,
    MAX_DAYS,
    MIN_DAYS,
    QUESTION_MAX_LENGTH,
    ReportModel,
    ReportRefusal,
    ReportRefusedError,
    ReportRequest,
    ReportSource,
    build_model,
    report_period,
)
from .sections import ReportPeriod, ReportRow, ReportSection, SectionData, SectionTable
from .table import CSV_COLUMNS, render_csv

__all__ = [
    "medication_section",
    "CSV_COLUMNS",
    "DEFAULT_DAYS",
    "MAX_CHART_POINTS",
    "MAX_DAYS",
    "MIN_DAYS",
    "QUESTION_MAX_LENGTH",
    "ReportModel",
    "ReportPeriod",
    "ReportRefusal",
    "ReportRefusedError",
    "ReportRequest",
    "ReportRow",
    "ReportSection",
    "ReportSource",
    "SectionData",
    "SectionTable",
    "build_model",
    "pain_chart",
    "render_csv",
    "render_html",
    "report_period",
    "thin",
]
