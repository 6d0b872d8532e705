"""Dashboard, new assessment, overview, review, submission, rounds and history."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import PROFILE_FIELDS, AssessmentNewForm
from assessments.models import Assessment
from assessments.recommendations import offers, recommended
from assessments.results.approval import sign_off_record
from assessments.results.versions import carried_to_check
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.scoring.types import AnswerValue
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
from assessments.services.answers import AnswerEdit, answers_record
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
    """Start round 1 for a new AI system; the profile is the first page asked.

    Answering what the organisation does and where ("Suggest frameworks") checks the suggested
    frameworks and explains why; the user still chooses. Those answers are kept as the
    profile's."""
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot start assessments.")
    available = services.available_frameworks()
    profile_choices = _profile_choices()
    data = request.POST if request.method == "POST" else None
    form = AssessmentNewForm(data, frameworks=available, profile_choices=profile_choices)
    suggested: dict[str, str] = {}
    suggesting = data is not None and "suggest" in data
    if data is not None:
        suggested = recommended(data.getlist("activities"), data.getlist("jurisdictions"))
    if data is not None and suggesting:
        initial: dict[str, Any] = {k: data.getlist(k) for k in ("activities", "jurisdictions")}
        initial |= {k: data.get(k, "") for k in ("system_name", "system_description")}
        initial["frameworks"] = list(suggested) or [f.key for f in available]
        form = AssessmentNewForm(
            initial=initial, frameworks=available, profile_choices=profile_choices
        )
    elif data is not None and form.is_valid():
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
            _record_profile(assessment, _user(request), form.cleaned_data)
            messages.success(request, "Started. Every answer is saved as you give it.")
            return _first_section(assessment)
    context = {
        "organisation": organisation,
        "form": form,
        "offers": offers(
            [(f.key, f.name, f.standing, f.standing_note) for f in available], suggested
        ),
        "suggesting": suggesting,
        "suggested_names": [f.name for f in available if f.key in suggested],
    }
    return render(request, "assessments/assessment_new.html", context)


def _profile_choices() -> dict[str, list[tuple[str, str]]]:
    """The options of the current profile's activities and jurisdictions questions."""
    version = services.current_published_versions([])[0]
    return {
        q.key: [(o.key, o.label) for o in q.options.all()]
        for q in version.questions.filter(key__in=PROFILE_FIELDS).prefetch_related("options")
    }


def _record_profile(assessment: Assessment, user: User, cleaned: dict[str, Any]) -> None:
    bank = bank_for_assessment(assessment)
    edits = [
        AnswerEdit(("profile", key), AnswerValue(tuple(cleaned[key])))
        for key in PROFILE_FIELDS
        if cleaned.get(key) and bank.has(("profile", key))
    ]
    if edits:
        answers_record(assessment=assessment, user=user, edits=edits, bank=bank)


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
        # Read only once there is something to read: a draft never submitted has no record.
        "sign_offs": (
            sign_off_record(assessment)
            if assessment.approval_status != Assessment.Approval.DRAFT
            else []
        ),
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
