"""Every worked example of docs/scoring.md, scored and checked against what the page says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments.scoring.engine import score
from tests.plain_bank import answers_from_dict, bank_from_dict

DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"
BLOCK = re.compile(r"```yaml\n# example: (?P<name>[^\n]+)\n(?P<body>.*?)```", re.DOTALL)


def examples() -> list[Any]:
    found = [
        pytest.param(yaml.safe_load(m["body"]), id=m["name"])
        for m in BLOCK.finditer(DOC.read_text())
    ]
    assert len(found) >= 10, "docs/scoring.md lost its worked examples"
    return found


def walk(value: Any, path: list[str]) -> Any:
    """Follow a path such as frameworks.demo.sections.design.score; '*' maps over a list."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head == "*":
        return [walk(item, rest) for item in value]
    if isinstance(value, list):
        if head.isdigit():
            return walk(value[int(head)], rest)
        for item in value:
            if head in (item.get("key"), item.get("question")):
                return walk(item, rest)
        raise KeyError(f"no item '{head}' in {[i.get('key', i.get('question')) for i in value]}")
    return walk(value[head], rest)


@pytest.mark.parametrize("example", examples())
def test_worked_example(example: dict[str, Any]) -> None:
    bank = bank_from_dict({"frameworks": example["frameworks"]})
    results = score(bank, answers_from_dict(bank, example["answers"])).to_json()
    for path, expected in example["expect"].items():
        found = walk(results, str(path).split("."))
        if isinstance(expected, float):
            assert found == pytest.approx(expected), path
        else:
            assert found == expected, path
