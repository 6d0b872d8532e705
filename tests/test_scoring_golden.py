"""The three profiles of docs/scoring.md, section 11, scored on the shipped question bank."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.engine import score
from assessments.scoring.types import AnswerValue, Bank, QRef
from tests.plain_bank import answers_from_dict, published_bank
from tests.test_scoring_docs import walk
from tests.test_scoring_properties import best_answer

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scoring.md"
BLOCK = re.compile(r"```yaml\n# golden: (?P<name>[^\n]+)\n(?P<body>.*?)```", re.DOTALL)
BANK = published_bank([ROOT / "fixtures"])


def goldens() -> list[Any]:
    found = [
        pytest.param(yaml.safe_load(m["body"]), id=m["name"])
        for m in BLOCK.finditer(DOC.read_text())
    ]
    assert len(found) == 3, "docs/scoring.md lost its three golden profiles"
    return found


def with_best_elsewhere(bank: Bank, given: dict[QRef, AnswerValue]) -> dict[QRef, AnswerValue]:
    """The answers given, and full marks on every other applicable scored question."""
    answers = dict(given)
    while True:
        applicable = evaluate_applicability(bank, answers).applicable
        added = {
            q.ref: best
            for q in bank.questions
            if q.ref in applicable
            and q.ref not in answers
            and q.is_scored
            and (best := best_answer(q)) is not None
        }
        if not added:
            return answers
        answers.update(added)


def refs(names: list[str]) -> list[QRef]:
    return [(name.split(".", 1)[0], name.split(".", 1)[1]) for name in names]


@pytest.mark.parametrize("golden", goldens())
def test_golden_profile(golden: dict[str, Any]) -> None:
    answers = answers_from_dict(BANK, golden["answers"])
    if golden.get("rest") == "best":
        answers = with_best_elsewhere(BANK, answers)
    results = score(BANK, answers)
    data = results.to_json()
    for path, expected in golden["expect"].items():
        found = walk(data, str(path).split("."))
        if isinstance(expected, float):
            assert found == pytest.approx(expected), path
        else:
            assert found == expected, path
    applicable = evaluate_applicability(BANK, answers).applicable
    assert [r for r in refs(golden["applies"]) if r not in applicable] == []
    assert [r for r in refs(golden["does_not_apply"]) if r in applicable] == []
