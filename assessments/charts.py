"""Charts drawn on the server as SVG: section bars and a radar per framework.

No script and no inline style: colours are SVG presentation attributes (so the PDF renderer
draws them too) and classes that static/css/results.css may refine. Each chart is an image
with a title and a description that states every value, so it reads without the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.scoring.results import FrameworkResult, SectionResult

WIDTH = 680
BAR_ROW = 30
BAR_LABEL_WIDTH = 300
BAR_VALUE_WIDTH = 60
RADAR_SIZE = 360
RADAR_RADIUS = 130
RINGS = (25, 50, 75, 100)
LABEL_CHARS = 40
INK = "#212529"
MUTED = "#6c757d"
GRID = "#ced4da"
FILL = "#0d6efd"


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _score_text(score: float | None) -> str:
    return "not scored yet" if score is None else f"{score:g}%"


def _description(framework: FrameworkResult, sections: Sequence[SectionResult]) -> str:
    values = "; ".join(f"{s.title}: {_score_text(s.score)}" for s in sections)
    return f"{framework.name}, score by section. {values}."


def _open(chart_id: str, width: int, height: int, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def section_bars(framework: FrameworkResult, chart_id: str) -> SafeString:
    """One horizontal bar per scored section, 0-100."""
    sections = framework.scored_sections
    height = max(1, len(sections)) * BAR_ROW + 10
    track = WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    parts = _open(
        chart_id,
        WIDTH,
        height,
        f"Section scores, {framework.name}",
        _description(framework, sections),
        "chart-bars",
    )
    for row, section in enumerate(sections):
        y = 5 + row * BAR_ROW
        score = section.score
        length = 0.0 if score is None else track * score / 100
        parts += [
            f'<text x="{BAR_LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end" fill="{INK}">'
            f"{escape(_shorten(section.title))}</text>",
            f'<rect class="bar-track" x="{BAR_LABEL_WIDTH}" y="{y + 6}" width="{track}" '
            f'height="16" fill="#e9ecef"/>',
            f'<rect class="bar" x="{BAR_LABEL_WIDTH}" y="{y + 6}" width="{length:.1f}" '
            f'height="16" fill="{FILL}"/>',
            f'<text x="{WIDTH - BAR_VALUE_WIDTH + 6}" y="{y + 19}" '
            f'fill="{INK if score is not None else MUTED}">'
            f"{'—' if score is None else escape(f'{score:g}')}</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _point(index: int, count: int, fraction: float, centre: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    radius = RADAR_RADIUS * fraction
    return centre + radius * math.cos(angle), centre + radius * math.sin(angle)


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def radar(framework: FrameworkResult, chart_id: str) -> SafeString:
    """A radar of the scored sections, numbered clockwise from the top as the table lists them."""
    sections = framework.scored_sections
    count = max(1, len(sections))
    centre = RADAR_SIZE / 2
    parts = _open(
        chart_id,
        RADAR_SIZE,
        RADAR_SIZE,
        f"Radar of section scores, {framework.name}",
        _description(framework, sections),
        "chart-radar",
    )
    for ring in RINGS:
        ring_points = [_point(i, count, ring / 100, centre) for i in range(count)]
        parts.append(
            f'<polygon class="radar-ring" points="{_polygon(ring_points)}" fill="none" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for i, section in enumerate(sections):
        x, y = _point(i, count, 1.0, centre)
        lx, ly = _point(i, count, 1.13, centre)
        parts += [
            f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>',
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="middle" fill="{INK}">'
            f"<title>{escape(section.title)}</title>{i + 1}</text>",
        ]
    values = [(s.score or 0) / 100 for s in sections]
    shape = [_point(i, count, v, centre) for i, v in enumerate(values)]
    if shape:
        parts.append(
            f'<polygon class="radar-shape" points="{_polygon(shape)}" fill="{FILL}" '
            f'fill-opacity="0.25" stroke="{FILL}" stroke-width="2"/>'
        )
    for (x, y), section in zip(shape, sections, strict=True):
        hollow = section.score is None
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" stroke="{FILL}" '
            f'fill="{"#fff" if hollow else FILL}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
