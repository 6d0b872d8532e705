"""diff_question_bank on the miniature bank: a v2 of mini-maturity with one change of each kind."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments.bank.diff import diff_versions
from assessments.bank.specs import VersionSpec
from assessments.bank.yaml_io import dump_yaml
from tests.conftest import MINI

V1 = MINI / "frameworks" / "mini-maturity" / "v1.yaml"


def _v2() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(V1.read_text())
    doc["version"] = {"label": "v2", "status": "draft"}
    design, evidence = doc["sections"]
    requirements, reviews = design["questions"]
    metrics, _notes = evidence["questions"]
    requirements["text"] = "Are safety requirements approved before development starts?"
    reviews["options"][0]["points"] = 2  # "yes": 1 -> 2
    reviews["applies_when"] = {"question": "requirements", "any_of": ["yes"]}
    design["questions"].append(metrics)  # moved from evidence to design
    evidence["questions"] = [
        {
            "key": "owner",
            "text": "Is one person accountable for the evidence?",
            "source": "moes-lannquist-iliadis-mialhe",
            "basis": "practice",
            "finding": "Nobody is accountable for the evidence.",
            "options": [
                {"key": "yes", "label": "Yes", "points": 1},
                {"key": "no", "label": "No", "points": 0},
            ],
        }
    ]  # notes removed, owner added
    return doc


@pytest.fixture
def with_v2(mini_bank: None, tmp_path: Path) -> None:
    path = tmp_path / "v2.yaml"
    path.write_text(dump_yaml(_v2()))
    call_command("load_question_bank", str(path), stdout=io.StringIO())


def _diff(*args: str) -> str:
    out = io.StringIO()
    call_command("diff_question_bank", "mini-maturity", "v1", "v2", *args, stdout=out)
    return out.getvalue()


def test_text_diff_names_each_change(with_v2: None) -> None:
    text = _diff()

    assert text.startswith("Changes from mini-maturity v1 to v2. Questions: 1 added, 1 removed")
    assert "Question 'owner' added (section 'evidence')." in text
    assert "Question 'notes' removed (was in 'evidence')." in text
    assert (
        "Question 'requirements' text: \"Are safety requirements written down before development "
        'starts?" -> "Are safety requirements approved before development starts?".'
    ) in text
    assert "Question 'reviews' option 'yes' points: 1 -> 2." in text
    assert (
        "Question 'reviews' condition: "
        '{"any_of": ["yes", "partly"], "question": "requirements"} -> '
        '{"any_of": ["yes"], "question": "requirements"}.'
    ) in text
    assert "Question 'metrics' moved from section 'evidence' to 'design'." in text
    assert "Section" not in text  # no section was added, removed or retitled


def test_json_diff_has_the_same_changes(with_v2: None) -> None:
    data = json.loads(_diff("--format", "json"))

    assert (data["framework"], data["old"], data["new"]) == ("mini-maturity", "v1", "v2")
    assert [q["key"] for q in data["questions_added"]] == ["owner"]
    assert [q["key"] for q in data["questions_removed"]] == ["notes"]
    changed = {q["key"]: q for q in data["questions_changed"]}
    assert set(changed) == {"requirements", "reviews", "metrics"}
    assert changed["metrics"]["moved_from"] == "evidence"
    assert changed["metrics"]["changes"] == []
    reviews = {c["what"]: (c["old"], c["new"]) for c in changed["reviews"]["changes"]}
    assert reviews["option 'yes' points"] == (1, 2)
    assert reviews["condition"][1] == {"question": "requirements", "any_of": ["yes"]}


def test_a_version_compared_with_itself_has_no_change(mini_bank: None) -> None:
    out = io.StringIO()
    call_command("diff_question_bank", "mini-maturity", "v1", "v1", stdout=out)
    assert out.getvalue().strip() == "Changes from mini-maturity v1 to v1. No question changed."


def test_an_unknown_version_is_a_clear_error(mini_bank: None) -> None:
    with pytest.raises(CommandError, match="No version 'v7' of framework 'mini-maturity'"):
        call_command("diff_question_bank", "mini-maturity", "v1", "v7", stdout=io.StringIO())


def test_diff_is_pure_and_reads_defaults_as_values() -> None:
    """A weight left out (1) and then written as 2 reads 1 -> 2, not 'none' -> 2."""
    old = yaml.safe_load(V1.read_text())
    new = copy.deepcopy(old)
    new["version"]["label"] = "v2"
    new["sections"][0]["questions"][1]["weight"] = 2
    diff = diff_versions(
        VersionSpec.model_validate(old).model_dump(), VersionSpec.model_validate(new).model_dump()
    )
    (change,) = diff.questions_changed
    assert (change.key, change.changes[0].what, change.changes[0].old, change.changes[0].new) == (
        "reviews",
        "weight",
        1,
        2,
    )
