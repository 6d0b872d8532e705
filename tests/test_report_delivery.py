"""Delivering the PDF: rendered once per answer revision, off the request path, and never left
"being prepared" when a render fails, runs too long or loses its worker."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import reports as renderer
from assessments.models import Assessment, Organisation, Report
from assessments.services.reports import report_recover, report_request
from tests.factories import answer, make_assessment

RENDERER = "assessments.services.reports.render_report"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def assessment(mini_bank: None, organisation: Organisation, assessor: User) -> Assessment:
    made = make_assessment(organisation, assessor)
    answer(made, assessor, "mini-tier", "supervision", "no", note="Nobody watches the logs.")
    return Assessment.objects.get(pk=made.pk)  # with its revision as the answer left it


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts real renders (the renderer itself still runs)."""
    calls: list[int] = []
    real = renderer.render_report

    def counting(*, assessment: Assessment) -> Any:
        calls.append(assessment.pk)
        return real(assessment=assessment)

    monkeypatch.setattr(RENDERER, counting)
    return calls


def _renderer(monkeypatch: pytest.MonkeyPatch, behaviour: Callable[[], None]) -> None:
    def broken(*, assessment: Assessment) -> Any:
        behaviour()

    monkeypatch.setattr(RENDERER, broken)


@pytest.fixture
def queue(settings: Any) -> None:
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = DATABASE_QUEUE


# The worker manages its own connection (it closes one left inside a transaction), so tests that
# run it commit for real instead of inside a rolled-back test transaction.
WITH_WORKER = pytest.mark.django_db(transaction=True)


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_report_is_a_pdf_download_marked_draft_in_its_name(
    client: Client, assessor: User, assessment: Assessment, renders: list[int]
) -> None:
    client.force_login(assessor)

    response = ask(client, assessment)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "-draft.pdf" in response["Content-Disposition"]
    assert renders == [assessment.pk]


def test_an_unchanged_assessment_never_renders_twice(
    client: Client, assessor: User, viewer: User, assessment: Assessment, renders: list[int]
) -> None:
    client.force_login(assessor)
    first = ask(client, assessment).content
    client.force_login(viewer)  # viewers may read reports too, and ask for them
    second = ask(client, assessment).content
    third = client.get(reverse("report_pdf", args=[assessment.pk])).content

    assert first == second == third
    assert renders == [assessment.pk]


def test_a_changed_answer_gives_a_new_report_and_drops_the_old_one(
    client: Client, assessor: User, assessment: Assessment, renders: list[int]
) -> None:
    client.force_login(assessor)
    ask(client, assessment)
    answer(assessment, assessor, "mini-tier", "supervision", "yes")

    response = ask(client, assessment)

    assert response.status_code == HTTPStatus.OK
    assert renders == [assessment.pk, assessment.pk]
    revisions = list(
        Report.objects.filter(assessment=assessment).values_list("revision", flat=True)
    )
    assert revisions == [Assessment.objects.get(pk=assessment.pk).revision]


def ask(client: Client, assessment: Assessment) -> Any:
    """Press the report button (a POST), and follow to the report or its waiting page."""
    return client.post(reverse("report_prepare", args=[assessment.pk]), follow=True)


def test_reading_the_report_page_asks_for_nothing(
    client: Client, viewer: User, assessment: Assessment, renders: list[int]
) -> None:
    client.force_login(viewer)

    page = client.get(reverse("report_pdf", args=[assessment.pk]))

    assert page.status_code == HTTPStatus.OK
    assert "has not been prepared yet" in page.content.decode()
    assert f'action="{reverse("report_prepare", args=[assessment.pk])}"' in page.content.decode()
    poll = client.get(reverse("report_status", args=[assessment.pk]), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286
    assert not Report.objects.exists()
    assert renders == []
    assert client.get(reverse("report_prepare", args=[assessment.pk])).status_code == 405


@WITH_WORKER
def test_the_page_waits_for_the_worker_and_then_offers_the_report(
    client: Client, assessor: User, assessment: Assessment, queue: None
) -> None:
    client.force_login(assessor)
    url = reverse("report_pdf", args=[assessment.pk])
    status_url = reverse("report_status", args=[assessment.pk])

    waiting = ask(client, assessment)
    assert waiting.status_code == HTTPStatus.ACCEPTED
    page = waiting.content.decode()
    assert "being prepared" in page
    assert 'role="status"' in page
    assert f'hx-get="{status_url}"' in page
    # Asking again neither queues a second render nor loses the first.
    ask(client, assessment)
    assert DBTaskResult.objects.count() == 1
    poll = client.get(status_url, HTTP_HX_REQUEST="true")
    assert poll.status_code == HTTPStatus.OK
    assert "being prepared" in poll.content.decode()

    _work()

    poll = client.get(status_url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 286  # htmx stops polling
    assert "is ready" in poll.content.decode()
    assert url in poll.content.decode()
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_a_failed_render_says_why_and_can_be_tried_again(
    client: Client, assessor: User, assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(assessor)
    url = reverse("report_pdf", args=[assessment.pk])
    real = renderer.render_report

    def fail() -> None:
        raise ValueError("font cache unreadable")

    _renderer(monkeypatch, fail)
    page = ask(client, assessment)
    assert page.status_code == HTTPStatus.OK
    assert "could not be prepared because of an error" in page.content.decode()
    assert "font cache" not in page.content.decode()  # internals stay in the log
    assert "Try again" in page.content.decode()

    monkeypatch.setattr(RENDERER, real)
    again = client.post(reverse("report_retry", args=[assessment.pk]))
    assert again.status_code == HTTPStatus.FOUND
    assert again["Location"] == url
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_a_render_past_the_time_limit_is_stopped_with_a_message(
    client: Client,
    assessor: User,
    assessment: Assessment,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.GOVCHECK_REPORT_TIME_LIMIT = 1
    _renderer(monkeypatch, lambda: time.sleep(5))
    client.force_login(assessor)

    started = time.monotonic()
    page = ask(client, assessment)

    assert time.monotonic() - started < 4
    assert "longer than 1 seconds and was stopped" in page.content.decode()
    assert Report.objects.get(assessment=assessment).status == Report.Status.FAILED


def test_a_render_out_of_memory_is_stopped_with_a_message(
    client: Client, assessor: User, assessment: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exhaust() -> None:
        raise MemoryError

    _renderer(monkeypatch, exhaust)
    client.force_login(assessor)

    page = ask(client, assessment)

    assert "more memory than the worker allows" in page.content.decode()


def _stranded(assessment: Assessment, assessor: User, *, attempts: int, ago: int) -> Report:
    """A report whose worker died mid-render `ago` seconds after it began."""
    report = report_request(assessment=assessment, user=assessor)
    DBTaskResult.objects.filter(pk=report.task_id).update(
        status="RUNNING",
        started_at=timezone.now() - dt.timedelta(seconds=ago),
        worker_ids=["lost-worker"],
    )
    Report.objects.filter(pk=report.pk).update(attempts=attempts)
    return Report.objects.get(pk=report.pk)


@WITH_WORKER
def test_answers_changed_while_waiting_render_only_the_newest(
    client: Client, assessor: User, assessment: Assessment, queue: None, renders: list[int]
) -> None:
    client.force_login(assessor)
    status_url = reverse("report_status", args=[assessment.pk])
    ask(client, assessment)
    answer(assessment, assessor, "mini-tier", "supervision", "yes")  # while it waits
    outdated = client.get(status_url, HTTP_HX_REQUEST="true")
    # The waiting page stops and offers the report of the answers as they are now.
    assert outdated.status_code == 286
    assert "has not been prepared yet" in outdated.content.decode()
    ask(client, assessment)

    _work()

    assert renders == [assessment.pk]  # the outdated request was dropped unrendered
    poll = client.get(status_url, HTTP_HX_REQUEST="true")
    assert "is ready" in poll.content.decode()
    (report,) = Report.objects.filter(assessment=assessment)
    assert report.revision == Assessment.objects.get(pk=assessment.pk).revision


@WITH_WORKER
def test_a_render_whose_worker_died_is_queued_again_once(
    assessment: Assessment, assessor: User, queue: None
) -> None:
    report = _stranded(assessment, assessor, attempts=1, ago=10)
    old_task = report.task_id

    assert report_recover() == []  # still within its time limit: maybe alive
    (recovered,) = report_recover(dead_worker="lost-worker")

    assert recovered.status == Report.Status.PENDING
    assert recovered.task_id != old_task
    assert DBTaskResult.objects.get(pk=old_task).status == "FAILED"
    _work()
    assert Report.objects.get(pk=report.pk).status == Report.Status.READY


def test_a_second_death_fails_the_report_with_a_message(
    client: Client, assessment: Assessment, assessor: User, queue: None, settings: Any
) -> None:
    settings.GOVCHECK_REPORT_TIME_LIMIT = 60
    _stranded(assessment, assessor, attempts=2, ago=600)  # long past limit and grace
    client.force_login(assessor)

    # The worker's supervisor finds the lost render on its rounds: nobody waits for ever.
    report_recover()
    page = client.get(reverse("report_status", args=[assessment.pk]), HTTP_HX_REQUEST="true")

    assert page.status_code == 286
    assert "stopped before it finished, 2 times" in page.content.decode()
    assert "Try again" in page.content.decode()


@WITH_WORKER
def test_the_report_queries_stay_few(
    client: Client,
    assessor: User,
    assessment: Assessment,
    queue: None,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(assessor)
    url = reverse("report_pdf", args=[assessment.pk])
    ask(client, assessment)
    _work()
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == HTTPStatus.OK
    with django_assert_max_num_queries(7):
        client.get(reverse("report_status", args=[assessment.pk]), HTTP_HX_REQUEST="true")
