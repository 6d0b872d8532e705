"""validate_question_bank and load_question_bank on deliberately broken fixtures."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessments.bank.export import export_files
from assessments.models import FrameworkVersion, Question, Source
from tests.conftest import FIXTURES, MINI

MATURITY = MINI / "frameworks" / "mini-maturity" / "v1.yaml"


def _draft(text: str) -> str:
    """The mini framework as an unpublished draft, so only the planted fault is reported."""
    return text.replace("label: v1\n  status: published", "label: v9\n  status: draft")


def _run(command: str, *paths: Path) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command(command, *map(str, paths), stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue() + str(exc)
    return 0, err.getvalue()


BROKEN: list[tuple[str, Callable[[str], str], list[str]]] = [
    (
        "unknown-basis",
        lambda t: t.replace("        basis: stated\n", "        basis: said\n", 1),
        ["question 'requirements'", "basis must be one of adapted, policy, practice, stated"],
    ),
    (
        "yaml-syntax",
        lambda t: t.replace("    title: Design\n", "    title: [Design\n"),
        ["YAML syntax error", "yaml-syntax.yaml:19: file:"],
    ),
    (
        "unknown-field",
        lambda t: t.replace(
            "        weight: 2\n        source:", "        weigth: 2\n        source:"
        ),
        ["question 'requirements'", "unknown field 'weigth' (did you mean 'weight'?)"],
    ),
    (
        "missing-field",
        lambda t: t.replace("        text: Do security reviewers join design reviews?\n", ""),
        ["question 'reviews'", "missing required field 'text'"],
    ),
    (
        "duplicate-key",
        lambda t: t.replace("- key: metrics", "- key: requirements"),
        ["question 'requirements'", "duplicate key in this version"],
    ),
    (
        "duplicate-field",
        lambda t: t.replace(
            "        text: Do security reviewers join design reviews?\n",
            "        text: Do security reviewers join design reviews?\n        text: Again?\n",
        ),
        ["field 'text' appears twice"],
    ),
    (
        "unknown-source",
        lambda t: t.replace("supporting_sources: [wang-xiaohong]", "supporting_sources: [nobody]"),
        ["question 'requirements'", "refers to unknown source 'nobody'"],
    ),
    (
        "unknown-question",
        lambda t: t.replace("{question: requirements, any_of", "{question: requirments, any_of"),
        ["question 'reviews'", "unknown question 'requirments'"],
    ),
    (
        "unknown-option",
        lambda t: t.replace('any_of: ["yes", partly]', 'any_of: ["yes", mostly]'),
        ["question 'reviews'", "has no option 'mostly'"],
    ),
    (
        "forward-condition",
        lambda t: t.replace(
            "        weight: 2\n        source: moes",
            "        weight: 2\n        applies_when: {question: metrics, any_of: [jailbreak]}\n"
            "        source: moes",
        ),
        ["question 'requirements'", "refers to 'metrics', which is asked later"],
    ),
    (
        "cycle",
        lambda t: t.replace(
            "        weight: 2\n        source: moes",
            '        weight: 2\n        applies_when: {question: reviews, any_of: ["yes"]}\n'
            "        source: moes",
        ),
        ["form a cycle", "requirements -> reviews -> requirements"],
    ),
    (
        "missing-points",
        lambda t: t.replace(
            "{key: partly, label: Partly, points: 1}", "{key: partly, label: Partly}"
        ),
        ["question 'requirements' option 'partly'", "needs 'points'"],
    ),
]


@pytest.mark.parametrize(("name", "breaks", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture_is_explained_and_changes_nothing(
    mini_bank: None, tmp_path: Path, name: str, breaks: Callable[[str], str], expected: list[str]
) -> None:
    original = _draft(MATURITY.read_text())
    broken = breaks(original)
    assert broken != original, "the planted fault must change the file"
    path = tmp_path / f"{name}.yaml"
    path.write_text(broken)
    before = export_files()

    for command in ("validate_question_bank", "load_question_bank"):
        code, output = _run(command, path)
        assert code != 0
        assert str(path) in output
        for text in expected:
            assert text in output, output

    assert export_files() == before
    assert not FrameworkVersion.objects.filter(label="v9").exists()


def test_a_change_to_a_published_version_is_refused(mini_bank: None, tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text(MATURITY.read_text().replace("Do security reviewers", "Do reviewers"))
    before = export_files()

    code, output = _run("load_question_bank", path)

    assert code != 0
    assert "version 'mini-maturity v1'" in output
    assert "is published and cannot change" in output
    assert "questions['reviews'].text" in output
    assert export_files() == before


def test_the_valid_fixtures_pass(mini_bank: None) -> None:
    assert _run("validate_question_bank", FIXTURES / "sources.yaml", MINI) == (0, "")


def test_the_shipped_question_bank_passes(db: None) -> None:
    # Separately from the miniature bank: each has its own profile v1.
    assert _run("validate_question_bank", FIXTURES) == (0, "")


def test_a_failed_load_of_several_files_loads_none_of_them(sources: None, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(_draft(MATURITY.read_text()))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        _draft(MATURITY.read_text())
        .replace("mini-maturity", "other")
        .replace("source: moes-lannquist-iliadis-mialhe\n  order", "source: nowhere\n  order")
    )

    code, output = _run("load_question_bank", good, bad)

    assert code != 0
    assert "refers to unknown source 'nowhere'" in output
    assert not Question.objects.exists()
    assert Source.objects.count() == 32


def test_option_keys_yes_and_no_stay_text(tmp_path: Path, sources: None) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(
        _draft(MATURITY.read_text())
        .replace('key: "yes"', "key: yes")
        .replace('key: "no"', "key: no")
    )

    call_command("load_question_bank", str(path), stdout=io.StringIO())

    keys = set(Question.objects.get(key="requirements").options.values_list("key", flat=True))
    assert {"yes", "no"} <= keys
