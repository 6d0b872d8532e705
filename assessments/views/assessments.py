"""Dashboard, new assessment, overview, review, submission, rounds and history."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import AssessmentNewForm
from assessments.models import Assessment
from assessments.results.versions import carried_to_check
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.selectors import (
    answer_history_for_assessment,
    answers_for_assessment,
    assessment_access_for_user,
    assessments_for_dashboard,
    bank_for_assessment,
    carry_over_for_assessment,
    dashboard_rows,
    memberships_for_user,
    organisation_get_for_user,
)
from assessments.services import assessments as services
from assessments.services.assessments import SubmissionRefused

from .common import SESSION_ORGANISATION, login_required_htmx, remember_organisation
from .questions import navigator, next_incomplete
from .summaries import history_rows, review_lists

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """'/' opens the current organisation, or the first one the user belongs to."""
    memberships = list(memberships_for_user(user=request.user))
    if not memberships:
        return render(request, "assessments/no_organisation.html")
    slugs = [m.organisation.slug for m in memberships]
    current = request.session.get(SESSION_ORGANISATION)
    return redirect("organisation_dashboard", current if current in slugs else slugs[0])


@login_required
@require_safe
def organisation_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's assessments with progress and scores, newest change first."""
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    remember_organisation(request, organisation)
    assessments = assessments_for_dashboard(user=request.user, organisation=organisation)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": page,
        "rows": dashboard_rows(list(page.object_list)),
    }
    return render(request, "assessments/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Start round 1 for a new AI system; the profile is the first page asked."""
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot start assessments.")
    form = AssessmentNewForm(request.POST or None, frameworks=services.available_frameworks())
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                organisation=organisation,
                user=_user(request),
                system_name=form.cleaned_data["system_name"],
                system_description=form.cleaned_data["system_description"],
                framework_keys=form.cleaned_data["frameworks"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Started. Every answer is saved as you give it.")
            return _first_section(assessment)
    context = {"organisation": organisation, "form": form}
    return render(request, "assessments/assessment_new.html", context)


def _first_section(assessment: Assessment) -> HttpResponse:
    """The questionnaire's first page: the profile, asked once for every framework."""
    first = bank_for_assessment(assessment).frameworks[0]
    return redirect("section_detail", assessment.pk, first.key, first.sections[0].key)


@login_required
@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment at a glance: every section's progress and what to do next."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    assessment = access.assessment
    remember_organisation(request, assessment.organisation)
    bank = bank_for_assessment(assessment)
    answers = answers_for_assessment(assessment)
    done = progress(bank, answers, evaluate_applicability(bank, answers))
    nav = navigator(assessment, bank, done)
    context = {
        "assessment": assessment,
        "access": access,
        "navigator": nav,
        "progress": done,
        "continue_at": next_incomplete(nav),
        "versions": [(f.name, f.version) for f in bank.frameworks],
        "carry_over": carry_over_for_assessment(assessment),
        "to_check": carried_to_check(assessment, bank),
        "next_round": getattr(assessment, "next_round", None),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
@require_safe
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """What is left: unanswered applicable questions and "Don't know" answers, each linked."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    return render(request, "assessments/assessment_review.html", review_lists(access))


@login_required_htmx
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the assessment and store its results, once confirmed; refused, with the list,
    while required applicable questions are unanswered."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    access.require_edit()
    missing = services.missing_required(access.assessment)
    if missing:
        context = review_lists(access) | {"refused": SubmissionRefused(missing)}
        return render(
            request, "assessments/assessment_review.html", context, status=HTTPStatus.CONFLICT
        )
    if request.POST.get("confirm") != "yes":  # the confirmation step, a page of its own
        return render(request, "assessments/assessment_submit.html", {"access": access})
    try:
        done = services.assessment_submit(assessment=access.assessment, user=_user(request))
    except SubmissionRefused as exc:  # an answer went missing since: the list again
        context = review_lists(access) | {"refused": exc}
        return render(
            request, "assessments/assessment_review.html", context, status=HTTPStatus.CONFLICT
        )
    waiting = " It now waits for an owner's approval." if done.awaiting_approval else ""
    messages.success(request, f"Submitted. This round is now read-only.{waiting}")
    return redirect("assessment_results", pk)


@login_required
@require_POST
def assessment_next_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the next round from a submitted one, answers carried over by question key; asked
    again (a second click, another tab), it opens the round already started."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    access.require(access.is_editor, "Viewers cannot start a round.")
    try:
        next_round = services.assessment_next_round(
            assessment=access.assessment, user=_user(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment_detail", pk)
    if next_round.started:
        messages.success(request, f"Round {next_round.assessment.round} started.")
    return redirect("assessment_detail", next_round.assessment.pk)


@login_required
@require_safe
def assessment_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed which answer when; owners and assessors only."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    access.require(access.can_see_history, "The answer history is shown to owners and assessors.")
    records = answer_history_for_assessment(access.assessment)
    page = Paginator(records, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = history_rows(list(page.object_list), bank_for_assessment(access.assessment))
    context = {"assessment": access.assessment, "page": page, "rows": rows}
    return render(request, "assessments/assessment_history.html", context)
