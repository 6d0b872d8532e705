"""Reports: one PDF per answer revision, rendered by the worker once and served many times.

A report row is the job and its outcome. It is pending until a worker renders it, then ready
(with the PDF) or failed (with a message for the person who asked). A worker that dies in the
middle of a render leaves a pending row whose task is no longer alive; recovery finds it, and
queues it again once or marks it failed, so no report stays "being prepared" for ever.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import TASK_MIN_PRIORITY
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment, Organisation, Report
from assessments.reports import render_report

logger = logging.getLogger("govcheck.reports")

# A render that a dead worker interrupted runs once more; a second death fails the report.
MAX_ATTEMPTS = 2
# How long past the time limit a running render may go unheard of before it counts as dead.
GRACE = dt.timedelta(seconds=30)

FAILED_TIMEOUT = (
    "Preparing the report took longer than {limit} seconds and was stopped. "
    "Try again; if it fails again, tell your administrator."
)
FAILED_MEMORY = (
    "Preparing the report needed more memory than the worker allows and was stopped. "
    "Tell your administrator."
)
FAILED_ERROR = (
    "The report could not be prepared because of an error, which has been logged. "
    "Try again; if it fails again, tell your administrator."
)
FAILED_WORKER = (
    "The worker preparing the report stopped before it finished, {attempts} times. "
    "Try again; if it fails again, tell your administrator."
)


QUEUE_FULL = (
    "{organisation} already has {count} reports being prepared, the most one organisation may "
    "have at once, so that every organisation's reports come in turn. Ask again when one of "
    "them is ready."
)


class ReportQueueFull(Exception):
    """The organisation has as many reports queued or rendering as it may have at once."""


class ReportTimeout(Exception):
    """A render ran past the time limit."""


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished (recorded on the task)."""


def report_request(*, assessment: Assessment, user: User | AnonymousUser) -> Report:
    """The report of the assessment's current answers: ready, failed, or queued for a worker.
    ReportQueueFull when a new render would pass the organisation's limit."""
    with transaction.atomic():
        report = Report.objects.filter(assessment=assessment, revision=assessment.revision).first()
        created = report is None
        if report is None:
            _check_room(assessment)
            report = Report.objects.create(
                assessment=assessment,
                revision=assessment.revision,
                requested_by=user if isinstance(user, User) else None,
            )
    if created:
        _enqueue(report)
    elif report.status == Report.Status.PENDING:
        report_recover(reports=[report])
    return report


def report_retry(*, report: Report) -> Report:
    """Queue a failed report again, with a fresh count of attempts (ReportQueueFull as for
    report_request)."""
    if report.status == Report.Status.FAILED:
        with transaction.atomic():
            _check_room(report.assessment)
            report.status = Report.Status.PENDING
            report.attempts = 0
            report.error = ""
            report.finished_at = None
            report.save(update_fields=["status", "attempts", "error", "finished_at"])
        _enqueue(report)
    return report


def _pending(organisation_id: int) -> QuerySet[Report]:
    return Report.objects.filter(
        assessment__organisation_id=organisation_id, status=Report.Status.PENDING
    )


def _check_room(assessment: Assessment) -> None:
    """Refuse a new render past the organisation's limit of queued and running renders; the
    organisation's row is locked meanwhile, so simultaneous requests count one by one."""
    organisation = Organisation.objects.select_for_update().get(pk=assessment.organisation_id)
    limit = settings.GOVCHECK_REPORTS_PER_ORGANISATION
    count = _pending(organisation.pk).count()
    if count >= limit:
        raise ReportQueueFull(QUEUE_FULL.format(organisation=organisation.name, count=count))


def report_priority(report: Report) -> int:
    """Where the render stands in its organisation's queue, as a task priority: the first
    waiting render of every organisation runs before the second of any, so a burst from one
    organisation delays another's report by at most the render already running."""
    ahead = _pending(report.assessment.organisation_id).filter(pk__lt=report.pk).count()
    return max(-ahead, TASK_MIN_PRIORITY)


def _enqueue(report: Report) -> None:
    from assessments.tasks import render_report_task  # the task module imports this one

    result = render_report_task.using(priority=report_priority(report)).enqueue(report.pk)
    # An immediate backend has already rendered it: reload rather than overwrite the outcome.
    Report.objects.filter(pk=report.pk).update(task_id=str(result.id))
    report.refresh_from_db()


def report_render(*, report_id: int) -> None:
    """Render one queued report within the time limit; record the PDF or why it failed."""
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(
        attempts=F("attempts") + 1, started_at=now
    )
    if not claimed:
        return  # already rendered, failed or removed
    report = Report.objects.select_related("assessment__organisation", "assessment__system").get(
        pk=report_id
    )
    if report.assessment.revision != report.revision:
        # The answers changed while it waited: whoever waits for it now asks for the new one.
        report.delete()
        return
    try:
        with time_limit(settings.GOVCHECK_REPORT_TIME_LIMIT):
            rendered = render_report(assessment=report.assessment)
    except ReportTimeout:
        _fail(report, FAILED_TIMEOUT.format(limit=settings.GOVCHECK_REPORT_TIME_LIMIT))
        raise
    except MemoryError:
        _fail(report, FAILED_MEMORY)
        raise
    except Exception:
        logger.exception("Report %s failed", report_id)
        _fail(report, FAILED_ERROR)
        raise
    _store(report, rendered.pdf, rendered.pages)


@transaction.atomic
def _store(report: Report, pdf: bytes, pages: int) -> None:
    updated = Report.objects.filter(pk=report.pk, status=Report.Status.PENDING).update(
        status=Report.Status.READY, pdf=pdf, pages=pages, finished_at=timezone.now()
    )
    if updated:
        # Only the newest answers matter: older renders of a draft are dropped.
        Report.objects.filter(
            assessment_id=report.assessment_id, revision__lt=report.revision
        ).delete()


def _fail(report: Report, message: str) -> None:
    Report.objects.filter(pk=report.pk, status=Report.Status.PENDING).update(
        status=Report.Status.FAILED, error=message, finished_at=timezone.now()
    )


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise ReportTimeout in this thread after `seconds`; only the main thread gets signals."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise ReportTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def report_recover(
    *, reports: list[Report] | None = None, dead_worker: str = "", now: dt.datetime | None = None
) -> list[Report]:
    """Requeue (or fail, after MAX_ATTEMPTS) pending reports whose task can no longer finish.

    A task can no longer finish when it ended without recording an outcome, when it is gone,
    when it was running on `dead_worker`, or when it has run past the time limit and the
    grace period: the worker enforces the limit, so a render that old has lost its worker.
    """
    now = now or timezone.now()
    if dead_worker:
        for running in DBTaskResult.objects.running():
            if running.worker_ids and running.worker_ids[-1] == dead_worker:
                _abandon(running)  # whatever it was running, nothing will finish it now
    if reports is None:
        reports = list(Report.objects.filter(status=Report.Status.PENDING))
    ids = {r.pk: _uuid(r.task_id) for r in reports}
    tasks = DBTaskResult.objects.in_bulk([i for i in ids.values() if i is not None])
    recovered = []
    for report in reports:
        task = tasks.get(ids[report.pk]) if ids[report.pk] else None
        if report.task_id and _alive(task, now=now):
            continue
        if not report.task_id and report.requested_at > now - _stale_after():
            continue  # being enqueued right now
        _abandon(task)
        recovered.append(_requeue_or_fail(report))
    return recovered


def _uuid(task_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(task_id)
    except ValueError:
        return None  # not a database task (the immediate backend's ids are not UUIDs)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.GOVCHECK_REPORT_TIME_LIMIT) + GRACE


def _alive(task: DBTaskResult[Any, Any] | None, *, now: dt.datetime) -> bool:
    if task is None:
        return False
    if task.status == TaskResultStatus.READY:
        return True
    if task.status != TaskResultStatus.RUNNING:
        return False
    return task.started_at is None or task.started_at > now - _stale_after()


def _abandon(task: DBTaskResult[Any, Any] | None) -> None:
    if task is not None and task.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        DBTaskResult.objects.filter(pk=task.pk).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=WorkerLost.__doc__ or "",
        )


def _requeue_or_fail(report: Report) -> Report:
    if report.attempts >= MAX_ATTEMPTS:
        logger.warning("Report %s failed: its worker stopped %s times", report.pk, report.attempts)
        _fail(report, FAILED_WORKER.format(attempts=report.attempts))
    else:
        logger.warning("Report %s queued again: its worker stopped", report.pk)
        _enqueue(report)
    report.refresh_from_db()
    return report
