"""The PDF report: served when ready, otherwise a page that waits for the worker."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from assessments.models import Assessment, Report
from assessments.selectors import assessment_get_for_user, report_current, report_get_for_user
from assessments.services.reports import ReportQueueFull, report_request, report_retry

from .common import login_required_htmx

# htmx stops polling when a response has this status.
STOP_POLLING = 286


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of the current answers when it is ready; otherwise where it stands, or a
    button to ask for it. Reading never queues anything: asking is a POST (report_prepare)."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    report = report_current(assessment=assessment)
    if report is not None and report.status == Report.Status.READY:
        return _pdf_response(assessment, report)
    pending = report is not None and report.status == Report.Status.PENDING
    status = HTTPStatus.ACCEPTED if pending else HTTPStatus.OK
    context = {"assessment": assessment, "report": report}
    return render(request, "assessments/report_status.html", context, status=status)


@login_required
@require_POST
def report_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the report of the current answers (queued once per revision), then show it."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    try:
        report_request(assessment=assessment, user=request.user)
    except ReportQueueFull as exc:
        context = {"assessment": assessment, "refused": str(exc)}
        status = HTTPStatus.TOO_MANY_REQUESTS
        return render(request, "assessments/report_status.html", context, status=status)
    return redirect("report_pdf", pk=pk)


@login_required_htmx
@require_safe
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled while a report is being prepared: its state, read only."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    report = report_current(assessment=assessment)
    context = {"assessment": assessment, "report": report}
    pending = report is not None and report.status == Report.Status.PENDING
    status = HTTPStatus.OK if pending else STOP_POLLING
    return render(request, "assessments/report_status.html#state", context, status=status)


@login_required
@require_POST
def report_try_again(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(user=request.user, assessment_pk=pk)
    try:
        report_retry(report=report)
    except ReportQueueFull as exc:
        messages.error(request, str(exc))
    return redirect("report_pdf", pk=pk)


def _pdf_response(assessment: Assessment, report: Report) -> HttpResponse:
    response = HttpResponse(bytes(report.pdf or b""), content_type="application/pdf")
    draft = "" if assessment.is_submitted else "-draft"
    name = slugify(f"govcheck-{assessment.system.name}-round-{assessment.round}") + draft
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
