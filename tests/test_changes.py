"""What changed since the last round: scores, verdicts, findings closed and opened, answers
changed; on its own page, on the results page, on the command line; constant queries."""

from __future__ import annotations

import json
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from assessments import selectors
from assessments.models import Assessment, FrameworkVersion, Organisation, Question
from assessments.results.changes import changes_since_previous
from assessments.scoring.types import AnswerValue
from assessments.services.answers import AnswerEdit, answers_record
from assessments.services.assessments import assessment_next_round, assessment_submit
from assessments.services.question_bank import (
    framework_version_new_draft,
    framework_version_publish,
)
from tests.factories import answer, make_assessment
from tests.test_results_views import bulk_bank
from tests.test_views_assessments import answer_all_required

pytestmark = pytest.mark.django_db


def _second_round(organisation: Organisation, user: User) -> tuple[Assessment, Assessment]:
    first = make_assessment(organisation, user)
    answer_all_required(first, user)
    first = assessment_submit(assessment=first, user=user)
    second = assessment_next_round(assessment=first, user=user).assessment
    answer(second, user, "mini-maturity", "requirements", "yes")  # closes a finding
    # ... and makes "reviews" apply: answered, so that the score is shown (80 % answered).
    answer(second, user, "mini-maturity", "reviews", "yes")
    answer(second, user, "mini-gate", "pause", "no")  # opens one, and pauses the gates
    return first, second


def test_changes_name_scores_verdicts_findings_and_answers(
    mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    first, second = _second_round(organisation, assessor)
    assert second.round == 2
    assert second.previous == first
    changes = changes_since_previous(second)
    assert changes is not None
    data = changes.to_json()
    assert data["previous"] == first.pk
    gate = next(f for f in changes.frameworks if f.key == "mini-gate")
    maturity = next(f for f in changes.frameworks if f.key == "mini-maturity")
    assert maturity.score_after > maturity.score_before  # type: ignore[operator]
    assert gate.score_after < gate.score_before  # type: ignore[operator]
    assert [(g.before, g.after) for g in gate.gates if g.changed]
    assert all(g.after == "Pause" for g in gate.gates if g.changed)
    assert {"framework": "mini-maturity", "question": "requirements"} in data["closed"]
    assert {"framework": "mini-gate", "question": "pause"} in data["opened"]
    assert {"framework": "mini-gate", "question": "requirements"} not in data["opened"]
    assert data["answers_changed"] == [
        {"framework": "mini-maturity", "question": "requirements", "before": "No", "after": "Yes"},
        {"framework": "mini-maturity", "question": "reviews", "before": "", "after": "Yes"},
        {"framework": "mini-gate", "question": "pause", "before": "Yes", "after": "No"},
    ]
    lines = changes.summary_lines()
    assert lines[-1] == "1 finding closed, 1 opened; 3 answers changed."
    assert lines[0] == "Overall score 33.3 in round 1, 22.2 now."
    assert lines[1] == "Mini maturity: score 0 → 66.7."
    assert lines[2].startswith("Mini tier: unchanged (tier ")
    assert lines[3] == (
        "Mini gate: score 100 → 0; Before further scaling Proceed → Pause; "
        "Before deployment Proceed → Pause."
    )
    assert changes_since_previous(first) is None


def test_the_command_prints_changes_for_a_later_round(
    mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    first, second = _second_round(organisation, assessor)
    out = StringIO()
    call_command("assessment_results", str(second.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["changes"]["previous"] == first.pk
    assert {f["key"] for f in data["changes"]["frameworks"]} == {
        "mini-maturity",
        "mini-tier",
        "mini-gate",
    }
    assert all(
        {"key", "score_before", "score_after"} <= set(f) for f in data["changes"]["frameworks"]
    )
    assert len(data["changes"]["answers_changed"]) == 3


def test_the_changes_page_and_the_results_summary(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, viewer: User
) -> None:
    first, second = _second_round(organisation, assessor)
    client.force_login(viewer)
    page = client.get(reverse("assessment_changes", args=[second.pk]))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Changes since round 1" in html
    assert "Findings closed (1)" in html
    assert "Findings opened (1)" in html
    assert "Are safety requirements written down before development starts?" in html
    results = client.get(reverse("assessment_results", args=[second.pk])).content.decode()
    assert "Changes since round 1" in results
    assert reverse("assessment_changes", args=[second.pk]) in results
    first_page = client.get(reverse("assessment_changes", args=[first.pk])).content.decode()
    assert "its first: there is no earlier round" in first_page


def test_a_later_round_on_a_newer_version_lists_changed_questions_to_check(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    first = make_assessment(organisation, assessor)
    answer_all_required(first, assessor)
    first = assessment_submit(assessment=first, user=assessor)
    draft = framework_version_new_draft(
        version=FrameworkVersion.objects.get(framework__key="mini-gate")
    )
    Question.objects.filter(version=draft, key="pause").update(
        text="Is there a tested, documented procedure to pause scaling or deployment?"
    )
    framework_version_publish(version=draft)
    second = assessment_next_round(assessment=first, user=assessor).assessment
    client.force_login(assessor)
    detail = client.get(reverse("assessment_detail", args=[second.pk])).content.decode()
    assert "Changed questions whose answers were carried over (1)" in detail
    assert "Is there a tested, documented procedure to pause" in detail
    assert "changed: text" in detail
    changes = client.get(reverse("assessment_changes", args=[second.pk])).content.decode()
    assert "<li>Mini gate: v1 → v2. Questions: 1 changed.</li>" in changes
    answer(second, assessor, "mini-gate", "pause", "no")  # checked and changed: off the list
    detail = client.get(reverse("assessment_detail", args=[second.pk])).content.decode()
    assert "Changed questions whose answers were carried over" not in detail


def _bulk_rounds(organisation: Organisation, user: User, n: int) -> Assessment:
    first = make_assessment(organisation, user, frameworks=["bulk"], name=f"System {n}")
    edits = [
        AnswerEdit(("bulk", f"q{i}"), AnswerValue(("no" if i % 2 else "yes",))) for i in range(n)
    ]
    edits.append(AnswerEdit(("profile", "role"), AnswerValue(("use",))))
    edits.append(AnswerEdit(("profile", "foundation-model"), AnswerValue(("no",))))
    assert answers_record(assessment=first, user=user, edits=edits).ok
    first = assessment_submit(assessment=first, user=user)
    second = assessment_next_round(assessment=first, user=user).assessment
    flips = [AnswerEdit(("bulk", f"q{i}"), AnswerValue(("yes",))) for i in range(1, n, 2)]
    assert answers_record(assessment=second, user=user, edits=flips).ok
    return second


def _changes_page_queries(client: Client, user: User, second: Assessment, n: int) -> int:
    selectors._BANK_CACHE.clear()
    client.force_login(user)
    client.get(reverse("assessment_detail", args=[second.pk]))  # the session warms up
    selectors._BANK_CACHE.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessment_changes", args=[second.pk]))
    assert response.status_code == HTTPStatus.OK
    assert f"Answers changed ({n // 2})" in response.content.decode()
    return len(queries)


CHANGES_PAGE_QUERIES = 16


def test_changes_page_queries_do_not_grow_with_questions(
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
    small = _changes_page_queries(client, assessor, _bulk_rounds(organisation, assessor, 8), 8)
    bulk_bank(tmp_path / "large", 80)
    large_file = tmp_path / "large" / "bulk.yaml"
    large_file.write_text(large_file.read_text().replace("label: v1", "label: v2"))
    large_file.write_text(large_file.read_text().replace("2026-11-01", "2026-12-01"))
    call_command("load_question_bank", str(tmp_path / "large"), verbosity=0)
    second = _bulk_rounds(organisation, assessor, 80)
    large = _changes_page_queries(client, assessor, second, 80)
    assert small == large
    selectors._BANK_CACHE.clear()
    with django_assert_max_num_queries(CHANGES_PAGE_QUERIES):
        client.get(reverse("assessment_changes", args=[second.pk]))


def test_another_organisation_cannot_see_the_changes(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, outsider: User
) -> None:
    _first, second = _second_round(organisation, assessor)
    client.force_login(outsider)
    response = client.get(reverse("assessment_changes", args=[second.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
