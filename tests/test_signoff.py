"""Sign-off: submission asks for confirmation; an organisation can require an owner's approval;
an owner other than the submitter approves or returns it with a comment, reopening the draft."""

from __future__ import annotations

import json
from http import HTTPStatus
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Organisation, Role
from assessments.reports import report_html
from assessments.services.assessments import assessment_next_round, assessment_submit
from assessments.services.signoff import assessment_approve, assessment_return
from tests.factories import answer, make_assessment, make_member
from tests.test_views_assessments import answer_all_required

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_owner(organisation: Organisation) -> User:
    return make_member(organisation, "otto", Role.OWNER)


@pytest.fixture
def requiring(organisation: Organisation) -> Organisation:
    organisation.requires_approval = True
    organisation.save()
    return organisation


def _ready(organisation: Organisation, user: User) -> Assessment:
    assessment = make_assessment(organisation, user)
    answer_all_required(assessment, user)
    return assessment


def _submitted(organisation: Organisation, user: User) -> Assessment:
    return assessment_submit(assessment=_ready(organisation, user), user=user)


def _json(assessment: Assessment) -> dict[str, Any]:
    out = StringIO()
    call_command("assessment_results", str(assessment.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert isinstance(data, dict)
    return data


def test_submitting_asks_for_confirmation_first(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    assessment = _ready(organisation, assessor)
    client.force_login(assessor)
    url = reverse("assessment_submit", args=[assessment.pk])
    asked = client.post(url)
    assert asked.status_code == HTTPStatus.OK
    html = asked.content.decode()
    assert "Submit Chat assistant, round 1?" in html
    assert 'name="confirm" value="yes"' in html
    assessment.refresh_from_db()
    assert not assessment.is_submitted
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == HTTPStatus.FOUND
    assessment.refresh_from_db()
    assert assessment.approval_status == Assessment.Approval.SUBMITTED


def test_without_approval_required_a_submission_is_final(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, owner: User
) -> None:
    assessment = _submitted(organisation, assessor)
    at = assessment.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]
    assert _json(assessment)["approval"] == {
        "status": "submitted",
        "by": "adam",
        "at": at,
        "record": [{"step": "submitted", "by": "adam", "at": at, "comment": ""}],
    }
    client.force_login(owner)
    client.post(reverse("assessment_approve", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.approved_at is None
    assert "Submitted by adam on" in report_html(assessment=assessment)


def test_an_owner_other_than_the_submitter_approves(
    client: Client,
    mini_bank: None,
    requiring: Organisation,
    assessor: User,
    owner: User,
    viewer: User,
) -> None:
    assessment = _submitted(requiring, assessor)
    assert assessment.approval_status == Assessment.Approval.AWAITING
    revision = assessment.revision
    assert "Submitted, awaiting approval" in report_html(assessment=assessment)
    url = reverse("assessment_approve", args=[assessment.pk])
    for who in (assessor, viewer):  # only an owner approves
        client.force_login(who)
        assert client.post(url).status_code == HTTPStatus.FORBIDDEN
    assessment.refresh_from_db()
    assert assessment.approval_status == Assessment.Approval.AWAITING

    client.force_login(owner)
    review = client.get(reverse("assessment_review", args=[assessment.pk])).content.decode()
    assert "Approve this submission" in review
    response = client.post(url, follow=True)
    assert "Approved. The report now names you as its approver." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.approval_status == Assessment.Approval.APPROVED
    assert assessment.approved_by == owner
    assert assessment.revision == revision + 1  # the cached report said "awaiting approval"
    day = f"{assessment.approved_at:%-d %B %Y}"
    html = report_html(assessment=assessment)
    assert f"Approved by olivia on {day}" in html
    assert _json(assessment)["approval"]["status"] == "approved"


def test_the_submitter_cannot_approve_their_own_submission(
    client: Client, mini_bank: None, requiring: Organisation, owner: User, second_owner: User
) -> None:
    assessment = _submitted(requiring, owner)
    client.force_login(owner)
    review = client.get(reverse("assessment_review", args=[assessment.pk])).content.decode()
    assert "Approve this submission" not in review
    for name, data in (("assessment_approve", {}), ("assessment_return", {"comment": "Redo"})):
        response = client.post(reverse(name, args=[assessment.pk]), data)
        assert response.status_code == HTTPStatus.FORBIDDEN
    assessment.refresh_from_db()
    assert assessment.approval_status == Assessment.Approval.AWAITING
    client.force_login(second_owner)
    client.post(reverse("assessment_approve", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.approved_by == second_owner


def test_returning_reopens_the_draft_with_the_comment(
    client: Client, mini_bank: None, requiring: Organisation, assessor: User, owner: User
) -> None:
    assessment = _submitted(requiring, assessor)
    assert assessment.results is not None
    url = reverse("assessment_return", args=[assessment.pk])
    client.force_login(owner)
    empty = client.post(url, {"comment": "   "})
    assert empty.status_code == HTTPStatus.BAD_REQUEST
    assert "Say what the assessors should change." in empty.content.decode()
    assessment.refresh_from_db()
    assert assessment.is_submitted

    client.post(url, {"comment": "Evidence for <b>pause</b> is missing."})
    assessment.refresh_from_db()
    assert assessment.approval_status == Assessment.Approval.RETURNED
    assert not assessment.is_submitted
    assert assessment.results is None  # a draft's results are computed when read
    assert assessment.submitted_at is None

    client.force_login(assessor)
    detail = client.get(reverse("assessment_detail", args=[assessment.pk])).content.decode()
    assert "Returned for changes" in detail
    assert "Evidence for &lt;b&gt;pause&lt;/b&gt; is missing." in detail
    answer(assessment, assessor, "mini-gate", "pause", "no")  # answers change again
    resubmitted = assessment_submit(assessment=assessment, user=assessor)
    assert resubmitted.approval_status == Assessment.Approval.AWAITING
    assert resubmitted.results is not None
    gates = next(f for f in resubmitted.results["frameworks"] if f["key"] == "mini-gate")
    assert gates["gates"]["gates"][0]["decision"] == "pause"  # computed from the new answers
    assert _json(resubmitted)["approval"]["status"] == "awaiting_approval"


def test_the_whole_sign_off_is_kept_submitted_returned_submitted_approved(
    client: Client,
    mini_bank: None,
    requiring: Organisation,
    assessor: User,
    owner: User,
) -> None:
    assessment = _submitted(requiring, assessor)
    assessment_return(assessment=assessment, user=owner, comment="Add the <b>pause</b> evidence.")
    assessment = assessment_approve(
        assessment=assessment_submit(assessment=assessment, user=assessor), user=owner
    )

    record = _json(assessment)["approval"]["record"]
    assert [(s["step"], s["by"]) for s in record] == [
        ("submitted", "adam"),
        ("returned", "olivia"),
        ("submitted", "adam"),
        ("approved", "olivia"),
    ]
    assert record[1]["comment"] == "Add the <b>pause</b> evidence."
    client.force_login(assessor)
    detail = client.get(reverse("assessment_detail", args=[assessment.pk])).content.decode()
    assert "Sign-off record (4 steps)" in detail
    assert "Returned for changes by olivia on" in detail
    assert "Add the &lt;b&gt;pause&lt;/b&gt; evidence." in detail
    html = report_html(assessment=assessment)
    manifest = html[html.index("Sign-off record") :]
    assert manifest.index("Submitted by adam") < manifest.index("Returned for changes by olivia")
    assert manifest.index("Returned for changes") < manifest.index("Approved by olivia")
    assert "<b>pause</b>" not in html


def test_no_next_round_while_approval_is_awaited(
    mini_bank: None, requiring: Organisation, assessor: User, owner: User
) -> None:
    from django.core.exceptions import ValidationError

    from assessments.services.signoff import assessment_approve

    assessment = _submitted(requiring, assessor)
    with pytest.raises(ValidationError, match="approves this round"):
        assessment_next_round(assessment=assessment, user=assessor)
    assessment_approve(assessment=assessment, user=owner)
    assert assessment_next_round(assessment=assessment, user=assessor).started


def test_only_owners_change_the_approval_setting(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, owner: User
) -> None:
    url = reverse("organisation_approval", args=[organisation.slug])
    client.force_login(assessor)
    assert client.post(url, {"requires_approval": "on"}).status_code == HTTPStatus.FORBIDDEN
    members = client.get(reverse("member_list", args=[organisation.slug])).content.decode()
    assert "Submissions do not need an owner’s approval." in members
    assert f"<title>Members · {organisation.name} · GovCheck</title>" in members
    assert members.count("Approval of submissions") == 1  # in the page, once, not in its title
    organisation.refresh_from_db()
    assert not organisation.requires_approval
    client.force_login(owner)
    client.post(url, {"requires_approval": "on"})
    organisation.refresh_from_db()
    assert organisation.requires_approval
    client.post(url, {})
    organisation.refresh_from_db()
    assert not organisation.requires_approval


def test_a_draft_says_draft(mini_bank: None, organisation: Organisation, assessor: User) -> None:
    assessment = make_assessment(organisation, assessor)
    assert _json(assessment)["approval"] == {
        "status": "draft",
        "by": None,
        "at": None,
        "record": [],
    }
    assert "changes" not in _json(assessment)
