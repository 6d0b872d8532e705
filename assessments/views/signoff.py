"""Sign-off: an owner approves a submission or returns it with a comment; owners decide whether
their organisation requires approval."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments.selectors import (
    AssessmentAccess,
    assessment_access_for_user,
    organisation_get_for_user,
)
from assessments.services import signoff as services

from .summaries import review_lists


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _owner(request: HttpRequest, pk: int) -> AssessmentAccess:
    access = assessment_access_for_user(user=request.user, pk=pk)
    access.require(access.can_manage, "Only an owner approves or returns a submission.")
    return access


@login_required
@require_POST
def assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner other than the submitter approves a submission that waits for approval."""
    access = _owner(request, pk)
    try:
        services.assessment_approve(assessment=access.assessment, user=_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Approved. The report now names you as its approver.")
    return redirect("assessment_review", pk)


@login_required
@require_POST
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    """An owner other than the submitter returns it as a draft, with a comment for the
    assessors; a missing comment shows the page again with the reason."""
    access = _owner(request, pk)
    comment = request.POST.get("comment", "")
    try:
        services.assessment_return(
            assessment=access.assessment, user=_user(request), comment=comment
        )
    except ValidationError as exc:
        context = review_lists(access) | {
            "return_error": " ".join(exc.messages),
            "comment": comment,
        }
        return render(
            request, "assessments/assessment_review.html", context, status=HTTPStatus.BAD_REQUEST
        )
    messages.success(request, "Returned to the assessors as a draft, with your comment.")
    return redirect("assessment_review", pk)


@login_required
@require_POST
def organisation_approval(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners turn the approval of submissions on or off for their organisation."""
    organisation, _membership = organisation_get_for_user(user=request.user, slug=slug)
    required = request.POST.get("requires_approval") == "on"
    services.organisation_approval_set(
        organisation=organisation, user=_user(request), required=required
    )
    state = "now need" if required else "no longer need"
    messages.success(request, f"Submissions {state} an owner's approval.")
    return redirect("member_list", organisation.slug)
