"""Load, export, load, export: the two exports are identical."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

from assessments.models import Framework, FrameworkVersion, Question
from tests.conftest import FIXTURES, MINI


def _tree(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): p.read_text() for p in sorted(directory.rglob("*.yaml"))}


def test_export_load_export_is_identical(mini_bank: None, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_question_bank", "--output", str(first), stdout=io.StringIO())
    # Start from an empty question bank, then load the export.
    Question.objects.all().delete()
    FrameworkVersion.objects.filter(status="published").update(status="draft")
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()

    call_command("load_question_bank", str(first), stdout=io.StringIO())
    call_command("export_question_bank", "--output", str(second), stdout=io.StringIO())

    assert _tree(first) == _tree(second)
    gate = _tree(first)["frameworks/mini-gate/v1.yaml"]
    assert "standing: voluntary-policy" in gate
    assert "basis: stated" in gate
    assert "finding: No tested procedure to pause scaling or deployment." in gate


def test_loading_twice_changes_nothing(mini_bank: None) -> None:
    out = io.StringIO()
    call_command("load_question_bank", str(FIXTURES / "sources.yaml"), str(MINI), stdout=out)
    assert "versions created: none" in out.getvalue()
    assert "unchanged: mini-gate v1, mini-maturity v1, mini-tier v1, profile v1" in out.getvalue()


def test_json_export_has_the_documented_shape(mini_bank: None) -> None:
    out = io.StringIO()
    call_command("export_question_bank", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())

    zhou = next(s for s in data["sources"] if s["key"] == "zhou-hui")
    assert zhou["authors"] == "ZHOU Hui (周辉)"
    assert (zhou["first_page"], zhou["last_page"]) == ("20", "22")
    tier = next(f for f in data["frameworks"] if f["key"] == "mini-tier")
    assert (tier["kind"], tier["version"], tier["status"]) == ("tier", "v1", "published")
    question = tier["sections"][0]["questions"][0]
    assert question["key"] == "negative-list"
    assert question["applies_when"] == {"question": "profile.role", "any_of": ["rnd", "provision"]}
    assert {o["key"] for o in question["options"]} == {"yes", "unsure", "no"}
    assert set(question) >= {
        "key",
        "text",
        "kind",
        "weight",
        "required",
        "applies_when",
        "source",
        "quote",
        "supporting_sources",
        "basis",
        "finding",
        "options",
    }
    gate = next(f for f in data["frameworks"] if f["key"] == "mini-gate")
    assert gate["standing"] == "voluntary-policy"
    assert gate["standing_note"].startswith("One company's published policy")
    pause = next(q for s in gate["sections"] for q in s["questions"] if q["key"] == "pause")
    assert (pause["basis"], pause["finding"]) == (
        "stated",
        "No tested procedure to pause scaling or deployment.",
    )
