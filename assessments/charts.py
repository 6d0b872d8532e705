"""Charts drawn on the server as SVG: section bars and a radar per framework.

No script and no inline style: colours are SVG presentation attributes (so the PDF renderer
draws them too) and classes that static/css/results.css may refine. Each chart is an image
with a title and a description that states every value, so it reads without the picture.

Charts do not lie: a section with no applicable question is left off and listed as "does not
apply"; a section below the answered threshold is drawn dashed and hollow at its score so far
and labelled "incomplete" (docs/scoring.md, section 3).
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
BAR_VALUE_WIDTH = 80
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


INCOMPLETE = "incomplete"


def charted(framework: FrameworkResult) -> list[tuple[int, SectionResult]]:
    """The scored sections a chart draws, each with its number in the section table."""
    return [(i + 1, s) for i, s in enumerate(framework.scored_sections) if not s.does_not_apply]


def not_applying(framework: FrameworkResult) -> list[SectionResult]:
    """The scored sections no applicable question leaves anything to chart: "does not apply"."""
    return [s for s in framework.scored_sections if s.does_not_apply]


def drawn_value(section: SectionResult) -> float | None:
    """The score, or the score so far of an incomplete section."""
    return section.score if section.complete else section.provisional_score


def _score_text(section: SectionResult) -> str:
    if section.complete:
        return "not scored yet" if section.score is None else f"{section.score:g}%"
    so_far = section.provisional_score
    tail = "" if so_far is None else f", {so_far:g}% so far"
    return f"{INCOMPLETE}, {section.answered} of {section.applicable} answered{tail}"


def _description(framework: FrameworkResult, sections: Sequence[SectionResult]) -> str:
    values = "; ".join(f"{s.title}: {_score_text(s)}" for s in sections)
    text = f"{framework.name}, score by section. {values}."
    left_off = not_applying(framework)
    if left_off:
        text += " Does not apply: " + "; ".join(s.title for s in left_off) + "."
    return text


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
    """One horizontal bar per scored section that applies, 0-100; incomplete ones dashed."""
    sections = [s for _n, s in charted(framework)]
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
        score = drawn_value(section)
        length = 0.0 if score is None else track * score / 100
        bar = (
            f'<rect class="bar" x="{BAR_LABEL_WIDTH}" y="{y + 6}" width="{length:.1f}" '
            f'height="16" fill="{FILL}"/>'
            if section.complete
            else f'<rect class="bar bar-incomplete" x="{BAR_LABEL_WIDTH}" y="{y + 6}" '
            f'width="{length:.1f}" height="16" fill="none" stroke="{FILL}" stroke-width="1.5" '
            f'stroke-dasharray="4 3"/>'
        )
        value = ("—" if score is None else f"{score:g}") if section.complete else INCOMPLETE
        parts += [
            f'<text x="{BAR_LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end" fill="{INK}">'
            f"{escape(_shorten(section.title))}</text>",
            f'<rect class="bar-track" x="{BAR_LABEL_WIDTH}" y="{y + 6}" width="{track}" '
            f'height="16" fill="#e9ecef"/>',
            bar,
            f'<text x="{WIDTH - BAR_VALUE_WIDTH + 6}" y="{y + 19}" '
            f'fill="{INK if section.complete and score is not None else MUTED}">'
            f"{escape(value)}</text>",
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
    """A radar of the scored sections that apply, numbered as the section table numbers them,
    clockwise from the top; incomplete sections hollow, on a dashed shape, labelled."""
    numbered = charted(framework)
    sections = [s for _n, s in numbered]
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
    for i, (number, section) in enumerate(numbered):
        x, y = _point(i, count, 1.0, centre)
        lx, ly = _point(i, count, 1.13, centre)
        label = f"{number}" if section.complete else f"{number} ({INCOMPLETE})"
        parts += [
            f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>',
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="middle" '
            f'fill="{INK if section.complete else MUTED}">'
            f"<title>{escape(section.title)}</title>{escape(label)}</text>",
        ]
    values = [(drawn_value(s) or 0) / 100 for s in sections]
    shape = [_point(i, count, v, centre) for i, v in enumerate(values)]
    if shape:
        dashed = "" if all(s.complete for s in sections) else ' stroke-dasharray="5 4"'
        parts.append(
            f'<polygon class="radar-shape" points="{_polygon(shape)}" fill="{FILL}" '
            f'fill-opacity="0.25" stroke="{FILL}" stroke-width="2"{dashed}/>'
        )
    for (x, y), section in zip(shape, sections, strict=True):
        hollow = not section.complete or section.score is None
        parts.append(
            f'<circle class="{"point-incomplete" if hollow else "point"}" cx="{x:.1f}" '
            f'cy="{y:.1f}" r="3.5" stroke="{FILL}" fill="{"#fff" if hollow else FILL}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
