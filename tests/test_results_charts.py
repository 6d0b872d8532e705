"""Server-side SVG charts: values drawn to scale, text escaped, described for screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from assessments.charts import BAR_LABEL_WIDTH, RADAR_RADIUS, RADAR_SIZE, WIDTH, radar, section_bars
from assessments.scoring.results import FrameworkResult

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: object) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - markup this code just drew


def framework(*scores: float | None) -> FrameworkResult:
    sections: list[dict[str, Any]] = [
        {"key": f"s{i}", "title": f"Section {i} <b>&", "weight": 1, "score": score}
        for i, score in enumerate(scores)
    ]
    sections.append({"key": "screening", "title": "Screening", "weight": 0, "score": None})
    return FrameworkResult.from_json({"key": "f", "name": "Frame <script>", "sections": sections})


def test_bars_are_drawn_to_scale_for_scored_sections_only() -> None:
    svg = parse(section_bars(framework(100, 50, None), "c"))
    bars = svg.findall(f"{SVG}rect[@class='bar']")
    track = WIDTH - BAR_LABEL_WIDTH - 60
    assert [float(b.get("width", "")) for b in bars] == [track, track / 2, 0]
    assert "Screening" not in ET.tostring(svg, encoding="unicode")


def test_charts_are_images_with_a_title_and_a_description_of_every_value() -> None:
    for chart in (
        section_bars(framework(100, 50, None), "c"),
        radar(framework(100, 50, None), "r"),
    ):
        svg = parse(chart)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None
        assert desc is not None
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert desc.text == (
            "Frame <script>, score by section. Section 0 <b>&: 100%; "
            "Section 1 <b>&: 50%; Section 2 <b>&: not scored yet."
        )
        assert "style" not in ET.tostring(svg, encoding="unicode")


def test_text_is_escaped() -> None:
    markup = str(section_bars(framework(10), "c")) + str(radar(framework(10, 20, 30), "r"))
    assert "<script>" not in markup
    assert "<b>" not in markup
    assert "&lt;script&gt;" in markup


def test_radar_points_sit_at_their_score() -> None:
    svg = parse(radar(framework(100, 50, 0, 25), "r"))
    shape = svg.find(f"{SVG}polygon[@class='radar-shape']")
    assert shape is not None
    centre = RADAR_SIZE / 2
    points = [tuple(map(float, p.split(","))) for p in shape.get("points", "").split()]
    distances = [round(((x - centre) ** 2 + (y - centre) ** 2) ** 0.5, 1) for x, y in points]
    assert distances == [RADAR_RADIUS, RADAR_RADIUS / 2, 0, RADAR_RADIUS / 4]
    assert points[0] == (centre, centre - RADAR_RADIUS)  # the first axis points up
    assert len(re.findall("<line", str(radar(framework(1, 2, 3, 4), "r")))) == 4
