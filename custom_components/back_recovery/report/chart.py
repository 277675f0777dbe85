"""The pain chart as inline SVG, drawn by the server: daily means, 7-day average, baseline, review.

Nothing here imports Home Assistant. The chart is drawn for paper: black,
grey and shapes only (a printer without colour loses nothing), 182 mm wide
(the width A4 and Letter both print with 14 mm margins). A page shows about
one point per 2 mm, so at most ``MAX_CHART_POINTS`` points are drawn: a
longer period is drawn in buckets of whole days (a bucket's point is the
mean of its days' means, its average the 7-day average on its last day with
one, and it shows the review signal if any of its days did).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
import math

from ..therapy import PAIN_LEVEL_MAX, PAIN_LEVEL_MIN
from .model import DayPain, ReportModel

MAX_CHART_POINTS = 92
"""The most points a chart draws: a year (365 days) is drawn in 4-day buckets."""

WIDTH = 640
HEIGHT = 284
LEFT = 34
RIGHT = WIDTH - 8
TOP = 30
BOTTOM = 222
LEGEND_Y = 256
LEGEND_LINE = 16
"""A legend too wide for one line goes on a second (a longer language)."""


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One drawn step of the chart: a day or a bucket of days."""

    first: date
    last: date
    mean: float | None
    average: float | None
    review: bool


def thin(
    days: Sequence[DayPain], max_points: int = MAX_CHART_POINTS
) -> list[ChartPoint]:
    """Return the chart's steps: one per day, or buckets of whole days when there are too many."""
    if not days:
        return []
    size = math.ceil(len(days) / max_points)
    points = []
    for index in range(0, len(days), size):
        bucket = days[index : index + size]
        means = [day.mean for day in bucket if day.mean is not None]
        averages = [day.average for day in bucket if day.average is not None]
        points.append(
            ChartPoint(
                bucket[0].day,
                bucket[-1].day,
                sum(means) / len(means) if means else None,
                averages[-1] if averages else None,
                any(day.review for day in bucket),
            )
        )
    return points


def _y(level: float) -> float:
    span = PAIN_LEVEL_MAX - PAIN_LEVEL_MIN
    return round(BOTTOM - (level - PAIN_LEVEL_MIN) / span * (BOTTOM - TOP), 1)


def _runs(xs: Iterable[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Split a line at its gaps (days without a 7-day average)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in xs:
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, _y(value)))
    return [run for run in runs if run]


def pain_chart(model: ReportModel, texts: Mapping[str, str]) -> str:
    """Return the pain chart of ``model`` as an ``<svg>`` element (all text escaped)."""
    points = thin(model.pain)
    step = (RIGHT - LEFT) / max(len(points), 1)
    xs = [round(LEFT + (index + 0.5) * step, 1) for index in range(len(points))]
    out = [
        (
            f'<svg class="pain-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(texts.get("report_chart", "Pain"))}" '
            'xmlns="http://www.w3.org/2000/svg" font-size="10" font-family="sans-serif">'
        ),
        (
            '<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4" '
            'stroke="#000" stroke-width="1.2"/></pattern></defs>'
        ),
    ]
    for level in range(PAIN_LEVEL_MIN, PAIN_LEVEL_MAX + 1, 2):
        y = _y(level)
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" '
            'stroke="#bbb" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{y + 3}" text-anchor="end">{level}</text>'
        )
    if model.baseline is not None and model.expected is not None:
        top, bottom = _y(model.baseline), _y(model.expected)
        out.append(
            f'<rect class="baseline-band" x="{LEFT}" y="{top}" width="{RIGHT - LEFT}" '
            f'height="{round(bottom - top, 1)}" fill="#e4e4e4"/>'
            f'<line class="baseline" x1="{LEFT}" y1="{top}" x2="{RIGHT}" y2="{top}" '
            'stroke="#000" stroke-width="1" stroke-dasharray="6 3" '
            f'data-level="{model.baseline:.2f}"/>'
        )
    for x, point in zip(xs, points, strict=True):
        if point.review:
            out.append(
                f'<rect class="review" x="{round(x - step / 2, 1)}" y="{TOP - 16}" '
                f'width="{round(step, 1)}" height="10" fill="url(#hatch)" stroke="#000" '
                'stroke-width="0.3"/>'
            )
    for run in _runs(zip(xs, (p.average for p in points), strict=True)):
        coords = " ".join(f"{x},{y}" for x, y in run)
        out.append(
            f'<polyline class="average" points="{coords}" fill="none" stroke="#000" '
            'stroke-width="2"/>'
        )
    for x, point in zip(xs, points, strict=True):
        if point.mean is not None:
            out.append(
                f'<circle class="pain-point" cx="{x}" cy="{_y(point.mean)}" r="2.4" '
                'fill="#fff" stroke="#000" stroke-width="1"/>'
            )
    out.extend(_axis(xs, points, texts.get("report_date_format", "%Y-%m-%d")))
    out.extend(_legend(texts, model.baseline is not None))
    out.append("</svg>")
    return "".join(out)


def _axis(
    xs: Sequence[float], points: Sequence[ChartPoint], date_format: str
) -> list[str]:
    """Six dates along the bottom, in the page's date format (``report_date_format``)."""
    if not points:
        return []
    every = max(1, math.ceil(len(points) / 6))
    return [
        f'<text x="{xs[index]}" y="{BOTTOM + 14}" text-anchor="middle">'
        f"{escape(points[index].first.strftime(date_format))}</text>"
        for index in range(0, len(points), every)
    ]


def _legend(texts: Mapping[str, str], baseline: bool) -> list[str]:
    """Return the legend: each mark with its meaning, in the person's language."""
    items = [
        (
            '<circle cx="{x}" cy="{y}" r="2.4" fill="#fff" stroke="#000"/>',
            "report_chart_daily",
        ),
        (
            '<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#000" stroke-width="2"/>',
            "report_chart_average",
        ),
    ]
    if baseline:
        items.append(
            (
                (
                    '<rect x="{x0}" y="{y0}" width="16" height="8" fill="#e4e4e4"/>'
                    '<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#000" stroke-dasharray="4 2"/>'
                ),
                "report_chart_baseline",
            )
        )
    items.append(
        (
            '<rect x="{x0}" y="{y0}" width="16" height="8" fill="url(#hatch)" stroke="#000" stroke-width="0.3"/>',
            "report_chart_review",
        )
    )
    out = []
    x: float = LEFT
    y = LEGEND_Y
    for mark, key in items:
        label = texts.get(key, key)
        width = 34 + 5.8 * len(label)
        if x > LEFT and x + width > WIDTH:
            x, y = LEFT, y + LEGEND_LINE
        out.append(
            mark.format(x=x + 8, y=y - 3, x0=x, x1=x + 16, y0=y - 7)
            + f'<text x="{x + 21}" y="{y}">{escape(label)}</text>'
        )
        x += width
    return out
