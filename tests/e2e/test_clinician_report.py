"""The clinician report from the dashboard, printed to PDF by Chromium (issue 25).

A person with three weeks of pain entries follows the pain diary's link on
the Back Recovery dashboard to the action page, where ``create_report`` is
chosen; picks the recovery, writes the question, performs the action and
opens the link it answers with in a browser that is not logged in (a phone,
the clinic's computer). The page shows the question, the chart and the
numbers; Chromium prints it to an A4 PDF whose text holds the numbers and
whose first page holds the chart's vector marks. Screenshots go to
tests/e2e/artifacts/ (``40-`` to ``43-*.png``; ``43-report-printed.png`` is
docs/images/clinician-report-printed.png).
"""

from __future__ import annotations

import importlib
from io import BytesIO
import re
from typing import Any

import pytest

from .instance import (
    ARTIFACTS,
    DASHBOARD,
    HomeAssistantInstance,
    add_recovery,
    playwright_api,
    shot,
)
from .navigation import open_page
from .test_pain import log_pain

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

QUESTION = "May I start running again?"
SIGNED = re.compile(r"/api/back_recovery/report/\w+\?[^\s\"']*authSig=[\w.\-]+")


def pdf_text_and_marks(pdf: bytes) -> tuple[str, int]:
    """Return a PDF's text and how many curves and lines its first page draws (pdfminer)."""
    # Imported by name: pdfminer.six is in requirements_e2e.txt only, and mypy
    # runs before scripts/test installs it (as playwright_api() does for Playwright).
    high_level: Any = importlib.import_module("pdfminer.high_level")
    layout: Any = importlib.import_module("pdfminer.layout")
    extract_pages, extract_text = high_level.extract_pages, high_level.extract_text
    LTCurve, LTFigure = layout.LTCurve, layout.LTFigure  # noqa: N806

    def marks(items: Any) -> int:
        count = 0
        for item in items:
            if isinstance(item, LTFigure):
                count += marks(item)
            elif isinstance(item, LTCurve):
                count += 1
        return count

    first = next(iter(extract_pages(BytesIO(pdf), maxpages=1)))
    return extract_text(BytesIO(pdf)), marks(first)


def test_report_from_the_dashboard_prints_to_pdf(
    page: Any, browser: Any, home_assistant: HomeAssistantInstance
) -> None:
    """Dashboard link, action page, the signed link without a login, printed: chart and numbers."""
    pytest.importorskip("pdfminer")
    expect = playwright_api().expect
    entry_id = add_recovery(home_assistant, days_ago=21)
    for days_ago in range(21):
        log_pain(
            home_assistant, entry_id, 7 - days_ago // 7 if days_ago else 4, days_ago
        )

    open_page(page, home_assistant.url + DASHBOARD)
    link = page.get_by_role("link", name="create a report")
    link.scroll_into_view_if_needed()
    shot(page, "40-dashboard-report-link")
    link.click()
    page.wait_for_url(re.compile(r"/config/tools/action\?service=back_recovery"))

    field = page.locator("ha-config-entry-picker").first
    expect(field).to_be_visible()
    field.click()
    field.locator("input").first.fill("Back")
    field.locator("ha-combo-box-item").filter(has_text="Back recovery").first.click()
    # An optional field is switched on by its checkbox, then filled.
    question = page.locator("ha-settings-row").filter(has_text="What you want answered")
    question.locator("ha-checkbox").first.click()
    question.locator("textarea").first.fill(QUESTION)
    shot(page, "41-create-report")
    page.get_by_role("button", name="Perform action").click()
    answer = page.get_by_text(SIGNED).first
    answer.wait_for()
    match = SIGNED.search(answer.inner_text())
    assert match is not None
    path = match.group(0)

    # Opened without a login: a new browser context has no stored tokens.
    context = browser.new_context(viewport={"width": 840, "height": 1190})
    try:
        report = context.new_page()
        response = open_page(report, home_assistant.url + path)
        assert response is not None and response.status == 200
        report.get_by_text(QUESTION).wait_for()
        assert report.locator("svg.pain-chart circle.pain-point").count() == 21
        assert report.locator("svg.pain-chart line.baseline").count() == 1
        shot(report, "42-report")
        report.emulate_media(media="print")
        report.screenshot(path=ARTIFACTS / "43-report-printed.png")
        pdf = report.pdf(format="A4")
    finally:
        context.close()
    (ARTIFACTS / "43-report.pdf").write_bytes(pdf)

    text, marks = pdf_text_and_marks(pdf)
    assert QUESTION in text
    assert "Recovery report: Back recovery" in text
    # The numbers: the baseline (5 in the diary's first week) and the
    # 7-day average at the end (six days of 7 and today's 4).
    assert "Baseline (" in text
    assert "5.0" in text
    assert "6.6" in text
    assert "Day 21 since the injury" in text
    # 21 points, the average's line, the grid and the baseline: vector marks.
    assert marks >= 21
