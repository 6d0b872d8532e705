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
from assessments.selectors import assessment_get_for_user, report_get_for_user
from assessments.services.reports import ReportQueueFull, report_request, report_retry

from .common import login_required_htmx

# htmx stops polling when a response has this status.
STOP_POLLING = 286


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    try:
        report = report_request(assessment=assessment, user=request.user)
    except ReportQueueFull as exc:
        context = {"assessment": assessment, "refused": str(exc)}
        status = HTTPStatus.TOO_MANY_REQUESTS
        return render(request, "assessments/report_status.html", context, status=status)
    if report.status == Report.Status.READY:
        return _pdf_response(assessment, report)
    status = HTTPStatus.ACCEPTED if report.status == Report.Status.PENDING else HTTPStatus.OK
    context = {"assessment": assessment, "report": report}
    return render(request, "assessments/report_status.html", context, status=status)


@login_required_htmx
@require_safe
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    try:
        report = report_request(assessment=assessment, user=request.user)
    except ReportQueueFull as exc:  # the answers changed meanwhile, and the queue is full
        context = {"assessment": assessment, "refused": str(exc)}
        return render(request, "assessments/report_status.html#state", context, status=STOP_POLLING)
    context = {"assessment": assessment, "report": report}
    status = HTTPStatus.OK if report.status == Report.Status.PENDING else STOP_POLLING
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
