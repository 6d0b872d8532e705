"""Hostile question-bank YAML: every malformed file is refused with a clear message naming the
file, the item and the problem, and loads nothing (the row counts before and after prove it).

The base file is the miniature maturity framework as an unpublished draft, so only the planted
fault is reported. Run on SQLite and on PostgreSQL by scripts/test.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.models import (
    Framework,
    FrameworkVersion,
    Jurisdiction,
    NegativeListCategory,
    Option,
    Question,
    Section,
    Source,
)
from tests.conftest import MINI

BASE = (MINI / "frameworks" / "mini-maturity" / "v1.yaml").read_text()
MODELS = (
    Source,
    Framework,
    FrameworkVersion,
    Section,
    Question,
    Option,
    Jurisdiction,
    NegativeListCategory,
)


def draft(text: str = BASE) -> str:
    return text.replace("label: v1\n  status: published", "label: v9\n  status: draft")


def edit(old: str, new: str) -> Callable[[], str]:
    def make() -> str:
        text = draft()
        assert old in text, old
        return text.replace(old, new, 1)

    return make


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\nframework: *a9\n"


def deep_block() -> str:
    return "framework:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 60)) + "  " * 60 + "x\n"


# (name, the file's text, what the message must say). Each names the file and the item.
CASES: list[tuple[str, Callable[[], str], list[str]]] = [
    ("billion-laughs", billion_laughs, ["file:", "expands to more than 100,000 items"]),
    ("deep-block-nesting", deep_block, ["file:", "nests more than 40 levels deep"]),
    ("deep-flow-nesting", lambda: "framework: " + "[" * 50_000, ["file:", "40 levels deep"]),
    (
        "deep-condition",
        edit(
            'applies_when: {question: requirements, any_of: ["yes", partly]}',
            "applies_when: "
            + "{not: " * 45
            + "{question: requirements, any_of: [partly]}"
            + "}" * 45,
        ),
        ["file:", "40 levels deep"],
    ),
    (
        "condition-nested-too-deep",
        edit(
            'applies_when: {question: requirements, any_of: ["yes", partly]}',
            "applies_when: "
            + "{not: " * 24
            + "{question: requirements, any_of: [partly]}"
            + "}" * 24,
        ),
        ["question 'reviews'", "conditions may nest at most 20 levels deep"],
    ),
    (
        "oversized",
        lambda: draft() + ("# padding to make the file too large\n" * 30_000),
        ["file:", "may be at most 1,000,000 bytes"],
    ),
    ("not-utf8", lambda: "framework:\n  name: caf\xe9\n", ["file:", "not UTF-8"]),
    ("empty", lambda: "", ["file:", "expected a mapping with 'sources', 'framework'"]),
    ("a-list", lambda: "- framework\n", ["file:", "expected a mapping"]),
    ("no-known-top", lambda: "questions: []\n", ["file:", "expected a top-level"]),
    (
        "python-tag",
        lambda: 'framework: !!python/object/apply:os.system ["true"]\n',
        ["file:", "could not determine a constructor"],
    ),
    ("tab-indent", edit("  kind: maturity", "\tkind: maturity"), ["file:", "YAML syntax error"]),
    ("unclosed-flow", edit("    title: Design\n", "    title: [Design\n"), ["YAML syntax"]),
    ("impossible-date", edit("published_on: 2026-11-01", "published_on: 2026-13-45"), ["date"]),
    (
        "quoted-bad-date",
        edit("published_on: 2026-11-01", 'published_on: "1 May"'),
        ["version:", "'published_on' must be a date written YYYY-MM-DD"],
    ),
    (
        "duplicate-field",
        edit("    title: Design\n", "    title: Design\n    title: Again\n"),
        ["file:", "field 'title' appears twice"],
    ),
    ("number-as-field-name", edit("  order: 1", "  order: 1\n  7: seven"), ["must be text"]),
    (
        "unknown-field",
        edit("        weight: 2\n        source:", "        wieght: 2\n        source:"),
        ["question 'requirements'", "unknown field 'wieght' (did you mean 'weight'?)"],
    ),
    (
        "unknown-top-level",
        edit("sections:", "extras: 1\nsections:"),
        ["file:", "unknown field 'extras'"],
    ),
    (
        "missing-text",
        edit("        text: Do security reviewers join design reviews?\n", ""),
        ["question 'reviews'", "missing required field 'text'"],
    ),
    ("missing-sections", lambda: draft().split("sections:")[0], ["missing required field"]),
    (
        "empty-title",
        edit("    title: Design\n", "    title:\n"),
        ["section 'design'", "'title' must not be empty"],
    ),
    (
        "weight-as-text",
        edit("        weight: 2\n        source:", '        weight: "2"\n        source:'),
        ["question 'requirements'", "'weight' must be a whole number, found text"],
    ),
    (
        "weight-as-boolean",
        edit("        weight: 2\n        source:", "        weight: true\n        source:"),
        ["question 'requirements'", "'weight' must be a whole number"],
    ),
    (
        "negative-weight",
        edit("        weight: 2\n        source:", "        weight: -3\n        source:"),
        ["question 'requirements'", "'weight' must not be negative"],
    ),
    (
        "huge-points",
        edit("points: 2}", "points: 123456789012345678901234567890}"),
        ["option 'yes'", "'points' must be at most 32767"],
    ),
    (
        "decimal-points",
        edit("points: 2}", "points: 1.5}"),
        ["option 'yes'", "'points' must be a whole number, found a decimal number"],
    ),
    (
        "title-too-long",
        edit("    title: Design\n", f"    title: {'D' * 250}\n"),
        ["section 'design'", "'title' is 250 characters long; at most 200 fit"],
    ),
    (
        "key-with-spaces",
        edit("- key: metrics", "- key: our metrics"),
        ["question 'our metrics'", "must be a key of letters, digits, '-' and '_'"],
    ),
    (
        "nul-in-text",
        edit("text: Which controls", 'text: "Which\\0 controls'),
        ["file:", "YAML syntax error"],
    ),
    (
        "escaped-nul",
        edit(
            "text: Which controls have effectiveness metrics?",
            'text: "Which\\0 controls have effectiveness metrics?"',
        ),
        ["question 'metrics'", "'text' contains a character that cannot be stored"],
    ),
    (
        "lone-surrogate",
        edit("    title: Design\n", '    title: "Des\\ud800ign"\n'),
        ["section 'design'", "cannot be stored (a NUL character or a lone surrogate)"],
    ),
    ("status-unknown", edit("status: draft", "status: live"), ["version:", "status must be one"]),
    (
        "options-as-mapping",
        edit(
            "        options:\n          - {key: harmful-output",
            "        options: {a: b}\n        other:\n          - {key: harmful-output",
        ),
        ["question 'metrics'", "'options' must be a list, found a mapping"],
    ),
    (
        "option-as-text",
        edit("          - {key: none, label: None yet, points: 0}", "          - none"),
        ["question 'metrics' option #3", "expected a mapping of fields, found text"],
    ),
    (
        "tags-not-text",
        edit("tags: [risk:hallucination]", "tags: [[risk, hallucination]]"),
        ["question 'requirements'", "item 1 of 'tags' must be text, found a list"],
    ),
    (
        "rule-entry-unknown-field",
        edit("label: Mistakes and hallucinations}", "label: Mistakes, weight: 3}"),
        ["rules risks 'hallucination'", "unknown field 'weight'"],
    ),
    (
        "condition-not-a-mapping",
        edit('applies_when: {question: requirements, any_of: ["yes", partly]}', "applies_when: x"),
        ["question 'reviews'", "'applies_when' must be a mapping, found text"],
    ),
    (
        "condition-unknown-operator",
        edit("{question: requirements, any_of", "{maybe: requirements, any_of"),
        ["question 'reviews'", "applies_when: write one operator per condition"],
    ),
    (
        "condition-looks-forward",
        edit(
            "        weight: 2\n        source: moes",
            "        weight: 2\n        applies_when: {question: metrics, any_of: [jailbreak]}\n"
            "        source: moes",
        ),
        ["question 'requirements'", "refers to 'metrics', which is asked later"],
    ),
    (
        "no-full-marks",
        edit('{key: "yes", label: "Yes", points: 1}', '{key: "yes", label: "Yes", points: 0}'),
        ["question 'reviews'", "needs an option with points above zero"],
    ),
    (
        "unknown-source",
        edit("supporting_sources: [wang-xiaohong]", "supporting_sources: [nobody]"),
        ["question 'requirements'", "refers to unknown source 'nobody'"],
    ),
    (
        "unknown-effect",
        edit("points: 2}", "points: 2, effects: {tier: permit}}"),
        ["option 'yes'", "effect 'tier' is not read by a maturity framework"],
    ),
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _run(command: str, path: Path) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command(command, str(path), stdout=io.StringIO(), stderr=err)
    except CommandError as exc:  # anything else is a traceback and fails the test
        return exc.returncode, err.getvalue() + str(exc)
    return 0, err.getvalue()


@pytest.mark.parametrize(("name", "make", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_clearly_and_loads_nothing(
    mini_bank: None, tmp_path: Path, name: str, make: Callable[[], str], expected: list[str]
) -> None:
    path = tmp_path / f"{name}.yaml"
    text = make()
    if name == "not-utf8":
        path.write_bytes(text.encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = _counts()

    for command in ("validate_question_bank", "load_question_bank"):
        code, output = _run(command, path)
        assert code == 1, output
        assert f"{path}" in output, output
        for phrase in expected:
            assert phrase in output, output
        assert "Traceback" not in output

    assert _counts() == before
    assert not FrameworkVersion.objects.filter(label="v9").exists()


def test_the_base_file_loads(mini_bank: None, tmp_path: Path) -> None:
    """The corpus plants one fault in a file that is otherwise fine."""
    path = tmp_path / "draft.yaml"
    path.write_text(draft())
    call_command("load_question_bank", str(path), stdout=io.StringIO())
    assert FrameworkVersion.objects.filter(label="v9", status="draft").exists()
