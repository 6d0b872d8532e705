"""The results page, answers download and upload, gaps CSV: access, content, query counts."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, path, reverse
from pytest_django import DjangoAssertNumQueries

from assessments import selectors
from assessments.models import Assessment, Organisation
from assessments.services.assessments import assessment_submit
from tests.factories import answer, answer_mini, make_assessment

READ_URLS = ["assessment_results", "answers_export", "gaps_csv"]
LINKED = {
    "assessment_detail": "assessments/<int:pk>/",
    "report_pdf": "assessments/<int:pk>/report.pdf",
    "section_detail": "assessments/<int:pk>/sections/<slug:framework>/<slug:section>/",
}


def _stand_in(request: object, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


def _urlpatterns() -> list[URLPattern | URLResolver]:
    """The real URLs, plus stand-ins for the pages the results page links to that other parts
    of the app provide (so the links are checked before those parts exist)."""
    from govcheck.urls import urlpatterns as real

    return [*real, *(path(route, _stand_in, name=name) for name, route in LINKED.items())]


urlpatterns = _urlpatterns()
RESULTS_PAGE_QUERIES = 13


def get(client: Client, user: User | None, name: str, pk: int) -> object:
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, args=[pk]))


@pytest.mark.parametrize("name", READ_URLS)
def test_anonymous_is_sent_to_sign_in(client: Client, assessment: Assessment, name: str) -> None:
    response = client.get(reverse(name, args=[assessment.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", READ_URLS)
def test_another_organisation_gets_404(
    client: Client, assessment: Assessment, outsider: User, name: str
) -> None:
    client.force_login(outsider)
    assert client.get(reverse(name, args=[assessment.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse(name, args=[987654])).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", READ_URLS)
def test_viewers_may_read(client: Client, assessment: Assessment, viewer: User, name: str) -> None:
    client.force_login(viewer)
    assert client.get(reverse(name, args=[assessment.pk])).status_code == HTTPStatus.OK


def test_results_page_shows_scores_tier_gates_and_gaps(
    client: Client, assessment: Assessment, viewer: User
) -> None:
    client.force_login(viewer)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    assert "Provisional." in page
    assert "Tier: Administrative permit" in page
    assert "High-risk preventive duties" in page
    assert "Required safety level: ASL-3" in page
    assert re.search(r"Before deployment: <span[^>]*>Pause</span>", page)
    assert re.search(r"Before further scaling: <span[^>]*>Proceed with conditions</span>", page)
    assert (
        "Answering Yes to “Is there pre-deployment red teaming for catastrophic misuse?” would "
        "change the deployment gate from Pause to Proceed with conditions."
    ) in page.replace("&quot;", '"')
    assert "Mistakes and hallucinations" in page  # risk coverage table
    critical = page[page.index('id="critical-findings"') :]
    assert critical.index("No pre-deployment red teaming") < critical.index(
        "Security reviewers do not join design reviews."
    )  # critical findings first
    assert "Critical: gate-blocking" in page
    assert "Critical: permit-related" in page


def test_each_gap_cites_its_source_worded_by_the_basis_of_its_practice(
    client: Client, assessment: Assessment, viewer: User
) -> None:
    client.force_login(viewer)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    assert "Moës et al. state: “rather than retrofitting them later”. Source:" in page
    assert (
        "From Anthropic&#x27;s Responsible Scaling Policy, which Sellitto&#x27;s essay links to. "
        "Source: Anthropic, “Anthropic&#x27;s Responsible Scaling Policy”" in page
    )
    assert "Practice in the area Moës et al. name" in page


def test_results_page_draws_accessible_svg_without_inline_style(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    charts = re.findall(r"<svg[^>]*>", page)
    assert len(charts) == 6  # bars and a radar for each of the three frameworks
    assert all('role="img"' in tag and "aria-labelledby" in tag for tag in charts)
    assert page.count("<desc id=") == 6
    assert " style=" not in page
    assert "<script>" not in page


@pytest.mark.urls("tests.test_results_views")
def test_results_page_links_to_the_assessment_the_report_and_each_question(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    assessment = make_assessment(organisation, assessor)
    answer_mini(assessment, assessor, complete=False)
    client.force_login(assessor)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    base = f"/assessments/{assessment.pk}/"
    assert f'href="{base}"' in page
    assert f'action="{base}report/"' in page  # asking for the report is a POST
    assert f'<a href="{base}sections/mini-gate/safeguards/">Is there pre-deployment' in page
    assert f'<a href="{base}sections/mini-tier/duties/">Are preventive measures' in page


def test_submitted_results_are_not_provisional(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    assessment_submit(assessment=assessment, user=assessor)
    client.force_login(assessor)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    assert "Provisional." not in page
    assert "stored at submission" in page


def test_gaps_csv_download(client: Client, assessment: Assessment, viewer: User) -> None:
    client.force_login(viewer)
    response = client.get(reverse("gaps_csv", args=[assessment.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("finding,critical,why critical,framework")
    assert any(line.startswith("1.1,yes,gate-blocking,mini-gate,") for line in lines)
    assert "'=1+1" in response.content.decode()  # the note, defused


# Query counts --------------------------------------------------------------------------


def bulk_bank(folder: Path, questions: int) -> None:
    """A published framework of this many questions in four sections."""
    lines = [
        "framework: {key: bulk, name: Bulk, kind: maturity, source: sellitto, order: 9,",
        "  standing: voluntary-policy, standing_note: One company's policy.}",
        "version: {label: v1, status: published, published_on: 2026-11-01}",
        "sections:",
    ]
    for s in range(4):
        lines += [f"  - key: s{s}", f"    title: Section {s}", "    questions:"]
        for n in range(s, questions, 4):
            lines += [
                f"      - key: q{n}",
                f"        text: Question {n}?",
                "        source: sellitto",
                "        supporting_sources: [anthropic-rsp]",
                "        basis: practice",
                f"        finding: No answer {n}.",
                f"        tags: [{'permit-related' if n % 3 == 0 else 'x'}]",
                '        options: [{key: "yes", label: "Yes", points: 1},'
                ' {key: "no", label: "No", points: 0}]',
            ]
    folder.mkdir()
    (folder / "bulk.yaml").write_text("\n".join(lines) + "\n")


def results_page_queries(client: Client, user: User, organisation: Organisation, n: int) -> int:
    assessment = make_assessment(organisation, user, frameworks=["bulk"], name=f"System {n}")
    for i in range(n):
        answer(assessment, user, "bulk", f"q{i}", "no" if i % 2 else "yes")
    selectors._BANK_CACHE.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessment_results", args=[assessment.pk]))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("Question ") >= n // 2  # every gap is listed
    return len(queries)


def test_results_page_queries_do_not_grow_with_questions(
    client: Client,
    sources: None,
    organisation: Organisation,
    assessor: User,
    tmp_path: Path,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    bulk_bank(tmp_path / "small", 8)
    call_command("load_question_bank", str(tmp_path / "small"), verbosity=0)
    call_command("load_question_bank", "tests/fixtures/mini", verbosity=0)
    small = results_page_queries(client, assessor, organisation, 8)
    Assessment.objects.all().delete()
    # A second published version with ten times the questions.
    bulk_bank(tmp_path / "large", 80)
    large_file = tmp_path / "large" / "bulk.yaml"
    large_file.write_text(large_file.read_text().replace("label: v1", "label: v2"))
    large_file.write_text(large_file.read_text().replace("2026-11-01", "2026-12-01"))
    call_command("load_question_bank", str(tmp_path / "large"), verbosity=0)
    large = results_page_queries(client, assessor, organisation, 80)
    assert small == large
    assessment = Assessment.objects.get()
    selectors._BANK_CACHE.clear()
    with django_assert_max_num_queries(RESULTS_PAGE_QUERIES):
        client.get(reverse("assessment_results", args=[assessment.pk]))


def test_a_submitted_assessment_reads_its_snapshot(
    client: Client,
    assessment: Assessment,
    assessor: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    assessment_submit(assessment=assessment, user=assessor)
    client.force_login(assessor)
    client.get(reverse("assessment_results", args=[assessment.pk]))  # sessions warm up
    with django_assert_max_num_queries(6):
        client.get(reverse("assessment_results", args=[assessment.pk]))
