"""Findings: gaps grouped by framework and section, numbered within their group the same way
on the results page and in the CSV; why each matters; "what would change the result" as a
sentence."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Assessment
from assessments.reports import report_html
from assessments.results import results_for_assessment
from assessments.results.findings import (
    all_findings,
    findings_by_framework,
    section_numbers,
    why_it_matters,
)
from assessments.results.gaps_csv import gaps_csv
from assessments.scoring.results import Results
from assessments.scoring.sentences import move_sentence, move_sentences
from assessments.scoring.verdicts import AnswerChange, Move


@pytest.fixture
def results(assessment: Assessment) -> Results:
    return results_for_assessment(assessment)


def test_findings_are_numbered_within_their_section_with_critical_ones_first(
    results: Results,
) -> None:
    shown = findings_by_framework(results)
    assert [f.result.key for f in shown] == [f.key for f in results.frameworks]
    for framework in shown:
        numbers = section_numbers(framework.result)
        for group in framework.groups:
            assert [f.number for f in group.findings] == [
                f"{numbers[group.section]}.{n}" for n in range(1, len(group.findings) + 1)
            ]
            critical = [f.gap.critical for f in group.findings]
            assert critical == sorted(critical, reverse=True)
    every = [f.gap for s in shown for f in s.findings]
    assert sorted(every, key=id) == sorted(results.gaps, key=id)
    maturity = shown[0]
    assert [(g.section_number, g.section_title) for g in maturity.groups] == [
        (1, "Design"),
        (2, "Evidence"),
    ]


def test_sections_are_numbered_as_the_section_tables_number_them(results: Results) -> None:
    tier = results.framework("mini-tier")
    # The screening section counts for no score: the duties are section 1, as in the table.
    assert section_numbers(tier) == {"duties": 1, "screening": 2}


def test_page_and_csv_number_every_finding_alike(
    client: Client, assessment: Assessment, results: Results, viewer: User
) -> None:
    client.force_login(viewer)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    rows = list(csv.DictReader(io.StringIO(gaps_csv(results))))
    assert len(rows) == len(results.gaps)
    for row in rows:
        anchor = f'id="gap-{row["framework"]}-{row["question"]}"'
        card = page[page.index(anchor) :]
        number = re.search(r'class="finding-number[^"]*">([^<]+)<', card)
        assert number is not None
        assert number.group(1) == row["finding"]


def test_why_it_matters_names_the_gate_the_permit_or_the_points(results: Results) -> None:
    gaps = {g.question: g for g in results.gaps}
    gate = results.framework("mini-gate")
    assert why_it_matters(gate, gaps["red-team"]) == (
        "A safeguard the required safety level needs: the gate \u201cBefore deployment\u201d "
        "stands at Pause while it is missing, as Anthropic's policy would require."
    )
    tier = results.framework("mini-tier")
    assert "the proposed Model Law would require" in why_it_matters(tier, gaps["permit-held"])
    maturity = results.framework("mini-maturity")
    # "Don't know" on a weight-1 question of a section of weights 2 + 1: 100 x 1 x 1 / 3.
    assert why_it_matters(maturity, gaps["reviews"]) == (
        "Closing it would raise the section score by up to 33.3 points. Answered "
        "\u201cDon\u2019t know\u201d: it scores nothing until it is known."
    )


def test_a_snapshot_without_statements_or_scores_still_reads(results: Results) -> None:
    data = results.to_json()
    for gap in data["gaps"]:
        gap["finding"] = ""
    for framework in data["frameworks"]:
        for section in framework["sections"]:
            section["score"] = None  # partial results show no score
    old = Results.from_json(data)
    findings = [f for s in findings_by_framework(old) for f in s.findings]
    assert all(f.statement == f.gap.text for f in findings)
    plain = next(f for f in findings if f.gap.question == "supervision")
    assert plain.why == "It counts with weight 3 in its section."


def test_what_would_change_the_result_is_one_sentence(results: Results) -> None:
    deployment = results.framework("mini-gate").gates.gates[1]  # type: ignore[union-attr]
    assert (
        "Answering Yes to \u201cIs there pre-deployment red teaming for catastrophic misuse?\u201d "
        "would change the deployment gate from Pause to Proceed with conditions."
    ) in move_sentences(deployment)
    tier = results.framework("mini-tier").tier
    assert tier is not None
    assert (
        "Answering No to \u201cDoes the activity match a negative-list category?\u201d would "
        "change the tier from Administrative permit to Filing and information disclosure."
    ) in move_sentences(tier)


def test_questions_needing_the_same_answer_are_named_together() -> None:
    move = Move(
        changes=(
            AnswerChange("f", "a", "Is A done?", "No", "Yes"),
            AnswerChange("f", "b", "Is B done? ", "", "Yes"),
            AnswerChange("f", "c", "Is C used?", "Yes", "No"),
        ),
        result="proceed",
        result_label="Proceed",
    )
    assert move_sentence(move, "the deployment gate", "Pause") == (
        "Answering Yes to \u201cIs A done?\u201d and \u201cIs B done?\u201d and No to "
        "\u201cIs C used?\u201d would change the deployment gate from Pause to Proceed."
    )
    assert move_sentence(move, "the tier", "") == (
        "Answering Yes to \u201cIs A done?\u201d and \u201cIs B done?\u201d and No to "
        "\u201cIs C used?\u201d would give the tier Proceed."
    )


def test_the_page_and_the_report_print_the_same_sentences_and_numbers(
    client: Client, assessment: Assessment, results: Results, viewer: User
) -> None:
    client.force_login(viewer)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    report = report_html(assessment=assessment)
    gates = results.framework("mini-gate").gates
    tier = results.framework("mini-tier").tier
    assert gates is not None
    assert tier is not None
    sentences = [
        *move_sentences(tier),
        *move_sentences(gates),
        *(s for gate in gates.gates for s in move_sentences(gate)),
    ]
    assert len(sentences) > 5
    for sentence in sentences:
        shown = escape(sentence)
        assert shown in page
        assert shown in report
    for finding in all_findings(results):
        assert (
            f'<span class="gap-rank">{finding.number}</span> {escape(finding.statement)}' in report
        )


def test_an_option_of_several_words_is_quoted_in_the_sentence() -> None:
    move = Move(
        changes=(AnswerChange("profile", "role", "What do you do?", "", "Uses it"),),
        result="none",
        result_label="No permit",
    )
    sentence = move_sentence(move, "the tier", "Permit")
    assert sentence == (
        "Answering \u201cUses it\u201d to \u201cWhat do you do?\u201d would change the tier "
        "from Permit to No permit."
    )
