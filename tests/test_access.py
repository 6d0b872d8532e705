"""What each role may do on an assessment's pages (tests/test_isolation.py covers every URL
for other organisations and anonymous visitors, generated from the URLconf)."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Assessment, Organisation
from tests.factories import answer, make_assessment

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}

READS = [
    ("assessment_detail", ()),
    ("assessment_review", ()),
    ("assessment_history", ()),
    ("section_detail", ("mini-tier", "duties")),
    ("answer_update", ("mini-tier", "supervision")),
]
WRITES = [
    ("section_detail", ("mini-tier", "duties")),
    ("answer_update", ("mini-tier", "supervision")),
    ("assessment_submit", ()),
    ("assessment_next_round", ()),
]
WRITE_DATA = {"mini-tier.supervision-choices": "yes", "mini-tier.supervision-version": "1"}


@pytest.fixture
def assessment(mini_bank: None, organisation: Organisation, assessor: User) -> Assessment:
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-tier", "supervision", "no")
    return assessment


def url(name: str, assessment: Assessment, args: tuple[str, ...]) -> str:
    return reverse(name, args=[assessment.pk, *args])


@pytest.mark.parametrize(("name", "args"), WRITES)
def test_viewers_cannot_write(
    name: str, args: tuple[str, ...], client: Client, assessment: Assessment, viewer: User
) -> None:
    client.force_login(viewer)
    response = client.post(url(name, assessment, args), WRITE_DATA, **HX)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Answer.objects.get(question__key="supervision").choices == ["no"]
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "args"), [r for r in READS if r[0] not in ("assessment_history",)]
)
def test_viewers_read_without_write_controls(
    name: str, args: tuple[str, ...], client: Client, assessment: Assessment, viewer: User
) -> None:
    client.force_login(viewer)
    response = client.get(url(name, assessment, args), **HX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "data-answer-url=" not in html
    if "<fieldset" in html:
        assert '<fieldset class="card-body">' not in html  # every question is disabled
    assert "data-autosave" not in html
    assert "Submit the assessment" not in html
    assert "Start next round" not in html
    assert "Save this section" not in html
    main = html.split("<main", 1)[-1]  # the header's sign-out button is not a write control
    # Asking for the PDF report is a POST, but it reads: viewers may ask for it.
    report = f'action="{reverse("report_prepare", args=[assessment.pk])}"'
    main = re.sub(r"<form[^>]*" + re.escape(report) + r".*?</form>", "", main, flags=re.S)
    assert 'type="submit"' not in main


def test_viewers_do_not_see_new_assessment(
    client: Client, assessment: Assessment, viewer: User
) -> None:
    client.force_login(viewer)
    dashboard = client.get(reverse("organisation_dashboard", args=["acme"])).content.decode()
    assert "New assessment" not in dashboard
    new = reverse("assessment_new", args=["acme"])
    assert client.get(new).status_code == HTTPStatus.FORBIDDEN
    assert client.post(new, {"system_name": "X"}).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("role", ["owner", "assessor"])
def test_owners_and_assessors_write(
    role: str, request: pytest.FixtureRequest, client: Client, assessment: Assessment
) -> None:
    user = request.getfixturevalue(role)
    client.force_login(user)
    data = {"mini-tier.supervision-choices": "yes", "mini-tier.supervision-version": "1"}
    response = client.post(
        url("answer_update", assessment, ("mini-tier", "supervision")), data, **HX
    )
    assert response.status_code == HTTPStatus.OK
    assert client.get(url("assessment_history", assessment, ())).status_code == HTTPStatus.OK
