"""The PDF gap report of a full assessment of the shipped question bank, read back with pypdf.

Rendering takes seconds, so one draft and one submitted report are rendered once for the module
and every test reads them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assessments.models import Assessment
from assessments.reports import RenderedReport, render_report, report_html
from assessments.results import results_for_assessment
from assessments.results.findings import all_findings
from assessments.results.gaps_csv import gaps_csv
from assessments.scoring.results import Results
from assessments.selectors import _BANK_CACHE
from assessments.services.assessments import assessment_submit
from tests.factories import answer, make_assessment, make_member, make_organisation
from tests.full_assessment import make_full_assessment
from tests.report_pdf import (
    bookmark_pages,
    catalog,
    info,
    page_texts,
    pdf_annotations,
    squeezed,
    top_bookmarks,
)

# Every test needs the test database, including those that read only the module's reports:
# pytest-django sets databases up for the tests that are marked as needing them.
pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
DRAFT_MARK = "DRAFT"


@dataclass
class Rendered:
    draft: RenderedReport
    draft_pages: list[str]
    draft_results: Results
    submitted: RenderedReport
    submitted_pages: list[str]
    submitted_results: Results
    html_twice: tuple[str, str]


@pytest.fixture(scope="module")
def reports(django_db_setup: None, django_db_blocker: Any) -> Rendered:
    """A full assessment of the four frameworks, rendered as a draft and once submitted."""
    with django_db_blocker.unblock(), transaction.atomic():
        _BANK_CACHE.clear()
        call_command("load_question_bank", verbosity=0)
        organisation = make_organisation("acme")
        user = make_member(organisation, "ann")
        assessment = make_full_assessment(organisation, user)
        draft = render_report(assessment=assessment, generated_at=WHEN)
        draft_results = results_for_assessment(assessment, live=True)
        html_twice = (
            report_html(assessment=assessment, generated_at=WHEN),
            report_html(assessment=assessment, generated_at=WHEN),
        )
        submitted_assessment = assessment_submit(assessment=assessment, user=user)
        submitted = render_report(assessment=submitted_assessment, generated_at=WHEN)
        rendered = Rendered(
            draft,
            page_texts(draft.pdf),
            draft_results,
            submitted,
            page_texts(submitted.pdf),
            results_for_assessment(submitted_assessment),
            html_twice,
        )
        transaction.set_rollback(True)
    _BANK_CACHE.clear()
    return rendered


def test_every_cited_essay_is_in_the_bibliography_with_title_and_pages(reports: Rendered) -> None:
    text = squeezed("\n".join(reports.submitted_pages))
    sources = reports.submitted_results.sources
    assert len(sources) > 10
    cited = {g.source for g in reports.submitted_results.gaps}
    assert cited <= {s.key for s in sources}
    for entry in sources:
        assert squeezed(entry.title) in text
        if entry.pages:
            assert squeezed(entry.pages) in text
        assert squeezed(entry.citation) in text, entry.citation


def test_chinese_author_names_print_in_their_characters(reports: Rendered) -> None:
    text = "\n".join(reports.submitted_pages)
    assert "周辉" in text
    assert squeezed("ZHOU Hui (周辉)") in squeezed(text)


def test_tier_overlays_level_and_gate_decisions_are_stated(reports: Rendered) -> None:
    text = squeezed("\n".join(reports.submitted_pages))
    tier = reports.submitted_results.framework("model-law").tier
    assert tier is not None
    assert squeezed(f"Tier: {tier.label}") in text
    assert tier.overlays
    for overlay in tier.overlays:
        assert squeezed(overlay.label) in text
    gates = reports.submitted_results.framework("rsp-asl").gates
    assert gates is not None
    assert squeezed(f"Required safety level: {gates.required_level_label}") in text
    for gate in gates.gates:
        assert squeezed(f"{gate.label}: {gate.decision_label}") in text


def test_every_gap_is_in_its_chapter_with_priority_answer_and_a_link_to_its_source(
    reports: Rendered,
) -> None:
    html = reports.html_twice[0]
    gaps = reports.draft_results.gaps
    assert len(gaps) > 10
    numbers = {
        (f.gap.framework, f.gap.question): f.number for f in all_findings(reports.draft_results)
    }
    for gap in gaps:
        anchor = f'id="gap-{gap.framework}-{gap.question}"'
        block = html[html.index(anchor) :]
        block = block[: block.index("</section>")]
        assert f'<span class="gap-rank">{numbers[gap.framework, gap.question]}</span>' in block
        assert f'href="#src-{gap.source}"' in block
        assert f'id="src-{gap.source}"' in html
    internal = [
        a
        for a in pdf_annotations(reports.draft.pdf)
        if a.get("/Subtype") == "/Link" and "/Dest" in a
    ]
    assert len(internal) >= len(gaps)


def test_draft_is_marked_on_every_page_and_submitted_on_none(reports: Rendered) -> None:
    assert len(reports.draft_pages) > 20
    assert all(DRAFT_MARK in page for page in reports.draft_pages)
    assert not any(DRAFT_MARK in page for page in reports.submitted_pages)
    assert reports.draft_results.provisional is True
    assert reports.submitted_results.provisional is False


def test_pages_are_numbered_x_of_y(reports: Rendered) -> None:
    pages = reports.submitted_pages
    assert reports.submitted.pages == len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page


def test_contents_give_the_page_each_chapter_starts_on(reports: Rendered) -> None:
    contents = next(page for page in reports.submitted_pages if "Contents" in page)
    # Each entry is one line: the title, a leader of dots, the page number.
    entries = {
        title: int(number)
        for title, number in re.findall(r"^(.+?)(?:\s*\.)+\s*(\d+)$", contents, re.MULTILINE)
    }
    chapters = {k: v for k, v in bookmark_pages(reports.submitted.pdf).items() if k != "Cover"}
    assert len(chapters) == 9
    assert entries == chapters


def test_pdf_is_tagged_with_title_language_and_bookmarks(reports: Rendered) -> None:
    root = catalog(reports.submitted.pdf)
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert info(reports.submitted.pdf)["/Title"] == "Gap report: Chat assistant, Acme, round 1"
    titles = top_bookmarks(reports.submitted.pdf)
    names = [f.name for f in reports.submitted_results.frameworks]
    assert titles[:3] == ["Cover", "Executive summary", "Action plan"]
    assert titles[3:7] == names
    assert titles[7:] == [
        "Appendix A. Every answer",
        "Appendix B. Method and manifest",
        "Bibliography",
    ]


def test_manifest_is_in_the_metadata_and_the_method_appendix(reports: Rendered) -> None:
    manifest = reports.submitted.manifest
    assert manifest["frameworks"] == {
        "profile": "v2",
        "tfs-principles": "v2",
        "sg-genai": "v3",
        "model-law": "v3",
        "rsp-asl": "v3",
    }
    assert manifest["scoring_rules_version"] == reports.submitted_results.scoring_rules_version
    assert manifest["generated_at"] == "2026-03-02T09:30:00Z"
    metadata = info(reports.submitted.pdf)
    assert json.loads(metadata["/govcheckmanifest"]) == manifest
    assert f"answers-sha256={manifest['answers_sha256']}" in metadata["/Keywords"]
    text = squeezed("\n".join(reports.submitted_pages))
    assert squeezed(f"Answers SHA-256 {manifest['answers_sha256']}") in text


def test_same_answers_give_the_same_report(reports: Rendered) -> None:
    first, second = reports.html_twice
    assert first == second
    # Submitting changes the status, never the answers.
    assert reports.draft.manifest["answers_sha256"] == reports.submitted.manifest["answers_sha256"]


# Small reports: the mini question bank renders in a fraction of a second ----------------


def _mini_assessment(organisation_slug: str = "mini") -> Assessment:
    organisation = make_organisation(organisation_slug)
    user = make_member(organisation, f"{organisation_slug}-user")
    assessment = make_assessment(organisation, user)
    answer(assessment, user, "mini-maturity", "requirements", "partly", note="Half done.")
    return assessment


def test_fixed_generation_time_gives_byte_identical_pdfs(mini_bank: None) -> None:
    assessment = _mini_assessment()
    first = render_report(assessment=assessment, generated_at=WHEN)
    second = render_report(assessment=assessment, generated_at=WHEN)
    assert first.pdf == second.pdf
    later = render_report(assessment=assessment, generated_at=WHEN + dt.timedelta(days=1))
    assert later.manifest["answers_sha256"] == first.manifest["answers_sha256"]
    assert later.pdf != first.pdf


def test_answers_hash_changes_with_any_answer(mini_bank: None) -> None:
    assessment = _mini_assessment()
    before = render_report(assessment=assessment, generated_at=WHEN).manifest
    user = make_member(assessment.organisation, "second")
    answer(assessment, user, "mini-maturity", "requirements", "partly", note="Half done!")
    after = render_report(assessment=assessment, generated_at=WHEN).manifest
    assert before["answers_sha256"] != after["answers_sha256"]


def test_render_report_command_writes_a_pdf(mini_bank: None, tmp_path: Path) -> None:
    assessment = _mini_assessment()
    output = tmp_path / "report.pdf"
    call_command("render_report", str(assessment.pk), "-o", str(output), verbosity=0)
    data = output.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = page_texts(data)
    assert pages
    assert all(DRAFT_MARK in page for page in pages)
    assert "Chat assistant" in pages[0]


def test_render_report_command_refuses_an_unknown_id(db: None, tmp_path: Path) -> None:
    output = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="No assessment with id 987654"):
        call_command("render_report", "987654", "-o", str(output))
    assert not output.exists()


def test_each_gap_cites_its_source_worded_by_the_basis_of_its_practice(reports: Rendered) -> None:
    text = squeezed("\n".join(reports.submitted_pages))
    results = reports.submitted_results
    bases = {gap.basis for gap in results.gaps}
    assert {"stated", "practice", "adapted"} <= bases
    for gap in results.gaps:
        worded = results.cited_as(gap)
        assert worded, gap.question
        assert squeezed(worded) in text, worded
    policy = next(g for g in results.gaps if g.basis == "policy")
    assert results.cited_as(policy).startswith(
        "From Anthropic's Responsible Scaling Policy, which Sellitto's essay links to"
    )
    stated = next(g for g in results.gaps if g.basis == "stated" and g.source == "sellitto")
    assert results.cited_as(stated) == f"Sellitto states: \u201c{stated.quote}\u201d"


def test_the_method_counts_questions_by_basis_for_each_framework(reports: Rendered) -> None:
    text = squeezed("\n".join(reports.submitted_pages))
    assert squeezed("Questions by basis") in text
    assert squeezed("Framework Stated Adapted Practice Policy Questions") in text


def test_chapter_findings_are_numbered_within_their_section_as_in_the_csv(
    reports: Rendered,
) -> None:
    html = reports.html_twice[0]
    csv_numbers = [
        (row["framework"], row["question"], row["finding"])
        for row in csv.DictReader(io.StringIO(gaps_csv(reports.draft_results)))
    ]
    shown = re.findall(
        r'class="gap" id="gap-([a-z0-9-]+)">\s*<h4><span class="gap-rank">([0-9.]+)</span>',
        html,
    )
    assert shown == [(f"{f}-{q}", n) for f, q, n in csv_numbers]
    for chapter in re.split(r'<section class="chapter framework"', html)[1:]:
        for group in re.split(r'<h3 class="findings-section"', chapter)[1:]:
            found = re.findall(r'<span class="gap-rank">(\d+)\.(\d+)</span>', group)
            assert [int(place) for _, place in found] == list(range(1, len(found) + 1))
            assert len({section for section, _ in found}) == 1
