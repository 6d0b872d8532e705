"""What changed since the previous round of the same system, on a page of its own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessments.results.changes import changes_since_previous
from assessments.selectors import assessment_get_for_user


@login_required
@require_safe
def assessment_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Scores, verdicts, findings and answers before and after; a first round says so."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    changes = changes_since_previous(assessment)
    steps = changes.version_steps() if changes is not None else []
    context = {"assessment": assessment, "changes": changes, "steps": steps}
    return render(request, "assessments/assessment_changes.html", context)
