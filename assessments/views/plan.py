"""The action plan page, adding and changing an action, and the plan's CSV and Excel exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import Action, Assessment, Role
from assessments.plan.exports import plan_csv, plan_xlsx
from assessments.plan.forms import ActionForm, PlanFiltersForm
from assessments.plan.selectors import (
    PlanRow,
    action_get_for_user,
    action_history,
    actions_filtered,
    organisation_members,
    plan_rows,
    plan_rows_for,
)
from assessments.results import results_for_assessment
from assessments.scoring.types import QRef
from assessments.selectors import AssessmentAccess, assessment_access_for_user, bank_for_assessment
from assessments.services.actions import action_close, action_create, action_update

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def assessment_plan(request: HttpRequest, pk: int) -> HttpResponse:
    access = assessment_access_for_user(user=request.user, pk=pk)
    return render(request, "assessments/plan.html", plan_context(request, access))


def plan_context(request: HttpRequest, access: AssessmentAccess) -> dict[str, Any]:
    """The plan's rows under the filters asked for, with their moves computed once."""
    assessment = access.assessment
    results = results_for_assessment(assessment)
    frameworks = [(f.key, f.name) for f in results.frameworks]
    members = organisation_members(assessment)
    form = PlanFiltersForm(request.GET or None, members=members, frameworks=frameworks)
    filters = form.filters()
    today = timezone.localdate()
    actions = actions_filtered(assessment, filters, today=today)
    rows = plan_rows(results, actions, today=today)
    return {
        "assessment": assessment,
        "access": access,
        "form": form,
        "filtered": filters.any,
        "rows": rows,
        "offered": [r for r in rows if r.offer_close],
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = assessment_access_for_user(user=request.user, pk=pk)
    access.require(access.is_editor, "Viewers can read the action plan but not add to it.")
    ref = _question_ref(request, access.assessment)
    form = _action_form(request, access, initial={"title": _remediation(access.assessment, ref)})
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            action_create(
                assessment=access.assessment,
                user=request.user,
                framework=ref[0],
                question=ref[1],
                fields=form.action_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The action was added to the plan.")
            return redirect("assessment_plan", pk=pk)
    return _form_page(request, access, form, ref, None)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    access, found = action_get_for_user(user=request.user, assessment_pk=pk, pk=action)
    access.require(access.is_editor, "Viewers can read the action plan but not change it.")
    accepted = found.status == Action.Status.RISK_ACCEPTED
    form = _action_form(request, access, initial=_initial(found), keep_accepted=accepted)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            action_update(action=found, user=request.user, fields=form.action_fields())
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, "The action was saved.")
            return redirect("assessment_plan", pk=pk)
    return _form_page(request, access, form, (found.framework, found.question), found)


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    access, found = action_get_for_user(user=request.user, assessment_pk=pk, pk=action)
    access.require(access.is_editor, "Viewers can read the action plan but not change it.")
    assert isinstance(request.user, User)
    action_close(action=found, user=request.user)
    messages.success(request, f"“{found.title}” was marked done.")
    return redirect("assessment_plan", pk=pk)


@login_required
@require_GET
def plan_csv_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, rows = _all_rows(request, pk)
    response = HttpResponse("\ufeff" + plan_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment)}.csv"'
    return response


@login_required
@require_GET
def plan_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, rows = _all_rows(request, pk)
    title = f"Action plan: {assessment.system.name}, round {assessment.round}"
    response = HttpResponse(plan_xlsx(rows, title=title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment)}.xlsx"'
    return response


# Helpers ---------------------------------------------------------------------------------


def _all_rows(request: HttpRequest, pk: int) -> tuple[Assessment, list[PlanRow]]:
    assessment = assessment_access_for_user(user=request.user, pk=pk).assessment
    return assessment, plan_rows_for(assessment, results_for_assessment(assessment))


def _filename(assessment: Assessment) -> str:
    return f"action-plan-{assessment.pk}-round-{assessment.round}"


def _question_ref(request: HttpRequest, assessment: Assessment) -> QRef:
    """The question the new action is for, named in the address; Http404 for an unknown one."""
    ref = (request.GET.get("framework", ""), request.GET.get("question", ""))
    if not bank_for_assessment(assessment).has(ref):
        raise Http404("This assessment has no such question.")
    return ref


def _remediation(assessment: Assessment, ref: QRef) -> str:
    return bank_for_assessment(assessment).question(ref).remediation.strip()


def _initial(action: Action) -> dict[str, Any]:
    return {
        "title": action.title,
        "owner": action.owner,
        "due": action.due,
        "status": action.status,
        "reason": action.reason,
    }


def _action_form(
    request: HttpRequest,
    access: AssessmentAccess,
    initial: dict[str, Any],
    keep_accepted: bool = False,
) -> ActionForm:
    """The action's form; "Risk accepted" is offered to owners, and kept for an accepted risk
    (an assessor may change its date, not why it was accepted)."""
    members = organisation_members(access.assessment)
    may_accept = access.role == Role.OWNER or keep_accepted
    data = request.POST if request.method == "POST" else None
    return ActionForm(data, initial=initial, members=members, may_accept=may_accept)


def _form_page(
    request: HttpRequest,
    access: AssessmentAccess,
    form: ActionForm,
    ref: QRef,
    action: Action | None,
) -> HttpResponse:
    bank = bank_for_assessment(access.assessment)
    question = bank.question(ref) if bank.has(ref) else None
    context = {
        "assessment": access.assessment,
        "form": form,
        "question": question,
        "ref": ref,
        "action": action,
        "history": action_history(action) if action is not None else [],
    }
    status = 400 if form.errors else 200
    return render(request, "assessments/action_form.html", context, status=status)
