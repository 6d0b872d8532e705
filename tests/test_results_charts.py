"""Server-side SVG charts: values drawn to scale, text escaped, described for screen readers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from assessments.charts import (
    BAR_LABEL_WIDTH,
    BAR_VALUE_WIDTH,
    RADAR_RADIUS,
    RADAR_SIZE,
    WIDTH,
    radar,
    section_bars,
)
from assessments.scoring.results import FrameworkResult

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: object) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - markup this code just drew


def framework(*scores: float | None) -> FrameworkResult:
    """Sections with these scores, each with 2 applicable questions; None: 1 of 2 answered,
    40 so far (incomplete)."""
    sections: list[dict[str, Any]] = [
        {
            "key": f"s{i}",
            "title": f"Section {i} <b>&",
            "weight": 1,
            "score": score,
            "provisional_score": None if score is not None else 40.0,
            "complete": score is not None,
            "answered": 2 if score is not None else 1,
            "applicable": 2,
        }
        for i, score in enumerate(scores)
    ]
    sections.append({"key": "screening", "title": "Screening", "weight": 0, "score": None})
    return FrameworkResult.from_json({"key": "f", "name": "Frame <script>", "sections": sections})


def test_bars_are_drawn_to_scale_for_scored_sections_only() -> None:
    svg = parse(section_bars(framework(100, 50, None), "c"))
    bars = svg.findall(f"{SVG}rect[@class='bar']")
    track = WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    assert [float(b.get("width", "")) for b in bars] == [track, track / 2]
    (dashed,) = svg.findall(f"{SVG}rect[@class='bar bar-incomplete']")
    assert float(dashed.get("width", "")) == track * 0.4
    assert (dashed.get("fill"), dashed.get("stroke-dasharray")) == ("none", "4 3")
    assert "incomplete" in [t.text for t in svg.iter(f"{SVG}text")]
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
            "Section 1 <b>&: 50%; Section 2 <b>&: incomplete, 1 of 2 answered, 40% so far."
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


def test_a_section_that_does_not_apply_is_left_off_and_listed() -> None:
    shown = framework(100, 50).to_json()
    shown["sections"].insert(
        1, {"key": "x", "title": "Open weights", "weight": 1, "score": None, "applicable": 0}
    )
    result = FrameworkResult.from_json(shown)
    for chart in (section_bars(result, "c"), radar(result, "r")):
        svg = parse(chart)
        desc = svg.find(f"{SVG}desc")
        assert desc is not None
        assert desc.text is not None
        assert desc.text.endswith("Does not apply: Open weights.")
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        assert "Open weights" not in texts
    axes = list(parse(radar(result, "r")).iter(f"{SVG}text"))
    # Numbered as the section table numbers them (the number follows the axis's <title>).
    assert [t[0].tail for t in axes] == ["1", "3"]


def test_an_incomplete_section_is_hollow_on_a_dashed_radar_and_labelled() -> None:
    svg = parse(radar(framework(100, None, 50), "r"))
    shape = svg.find(f"{SVG}polygon[@class='radar-shape']")
    assert shape is not None
    assert shape.get("stroke-dasharray") == "5 4"
    hollow = svg.findall(f"{SVG}circle[@class='point-incomplete']")
    assert [c.get("fill") for c in hollow] == ["#fff"]
    assert "2 (incomplete)" in [t[0].tail for t in svg.iter(f"{SVG}text") if len(t)]
