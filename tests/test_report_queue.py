"""A fair report queue: one organisation may have so many renders queued or running, and the
worker takes every organisation's first waiting render before anyone's second, so a burst from
one organisation delays another's report by at most the render already running."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessments import reports as renderer
from assessments.models import Assessment, Organisation, Report
from assessments.services.reports import ReportQueueFull, report_request
from tests.factories import make_assessment, make_member, make_organisation

RENDERER = "assessments.services.reports.render_report"


@pytest.fixture
def queue(settings: Any) -> None:
    """Tasks wait in the database for a worker, as in production; three renders at most."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GOVCHECK_REPORTS_PER_ORGANISATION = 3


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The organisation of every render, in the order the worker took them."""
    order: list[str] = []
    real = renderer.render_report

    def recording(*, assessment: Assessment) -> Any:
        order.append(assessment.organisation.slug)
        return real(assessment=assessment)

    monkeypatch.setattr(RENDERER, recording)
    return order


def _assessments(organisation: Organisation, user: User, count: int) -> list[Assessment]:
    return [make_assessment(organisation, user, name=f"System {n}") for n in range(count)]


def test_past_the_limit_a_report_is_refused_with_a_message(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, queue: None
) -> None:
    first, *others, last = _assessments(organisation, assessor, 4)
    for assessment in [first, *others]:
        report_request(assessment=assessment, user=assessor)
    client.force_login(assessor)

    response = client.post(reverse("report_prepare", args=[last.pk]))

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "already has 3 reports being prepared" in response.content.decode()
    assert Report.objects.count() == DBTaskResult.objects.count() == 3
    with pytest.raises(ReportQueueFull):
        report_request(assessment=last, user=assessor)
    # The limit is the organisation's: another organisation asks as usual.
    other = make_organisation("other")
    stranger = make_member(other, "olga")
    assert report_request(assessment=make_assessment(other, stranger), user=stranger).pk


def test_asking_again_for_a_queued_report_is_not_a_new_render(
    mini_bank: None, organisation: Organisation, assessor: User, queue: None
) -> None:
    assessments = _assessments(organisation, assessor, 3)
    reports = [report_request(assessment=a, user=assessor) for a in assessments]

    again = [report_request(assessment=a, user=assessor) for a in assessments]

    assert again == reports


@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_each_organisations_first_report_before_anyones_second(
    mini_bank: None, organisation: Organisation, assessor: User, queue: None, rendered: list[str]
) -> None:
    for assessment in _assessments(organisation, assessor, 3):  # a burst from acme
        report_request(assessment=assessment, user=assessor)
    other = make_organisation("other")
    stranger = make_member(other, "olga")
    for assessment in _assessments(other, stranger, 2):  # then two from another
        report_request(assessment=assessment, user=stranger)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert rendered == ["acme", "other", "acme", "other", "acme"]
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.READY}
