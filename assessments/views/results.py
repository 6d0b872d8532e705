"""Results page, answers download and upload, gaps as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods

from assessments.answers_checks import answers_file_max_bytes
from assessments.answers_io import (
    AnswersFileRefused,
    answers_dump,
    answers_export,
    answers_filename,
    answers_import,
)
from assessments.charts import not_applying, radar, section_bars
from assessments.models import AISystem, Assessment, Framework, Organisation
from assessments.plan.selectors import planned_findings
from assessments.results import results_for_assessment
from assessments.results.changes import changes_since_previous
from assessments.results.findings import findings_by_framework
from assessments.results.gaps_csv import gaps_csv
from assessments.scoring import wording
from assessments.scoring.numbers import THRESHOLD_PERCENT
from assessments.scoring.results import FrameworkResult, Gap, Results, SectionResult
from assessments.scoring.verdicts import GateResult
from assessments.selectors import (
    assessment_access_for_user,
    assessment_get_for_user,
    organisation_get_for_user,
)


class NextRoundOfField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"The next round of {obj.name}"


class AnswersUploadForm(forms.Form):
    file = forms.FileField(
        label="Answers file (JSON)",
        help_text="A file downloaded from GovCheck, or written to docs/answers-format.md.",
    )
    round_of = NextRoundOfField(
        queryset=AISystem.objects.none(),
        required=False,
        empty_label="A new AI system (round 1)",
        label="Import as",
        help_text="Or as the next round of one of your AI systems, numbered after its latest "
        "round, which must be submitted.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round_of"]
        assert isinstance(field, NextRoundOfField)
        field.queryset = AISystem.objects.filter(organisation=organisation).order_by("name")


@login_required
@require_GET
def assessment_results(request: HttpRequest, pk: int) -> HttpResponse:
    access = assessment_access_for_user(user=request.user, pk=pk)
    results = results_for_assessment(access.assessment)
    context = results_context(access.assessment, results) | {"can_plan": access.is_editor}
    context["changes"] = changes_since_previous(access.assessment, results=results)
    context["planned"] = planned_findings(access.assessment)
    return render(request, "assessments/results.html", context)


@login_required
@require_GET
def answers_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    text = answers_dump(answers_export(assessment=assessment))
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{answers_filename(assessment)}"'
    return response


@login_required
@require_GET
def gaps_csv_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    text = "\ufeff" + gaps_csv(results_for_assessment(assessment))  # the BOM tells Excel UTF-8
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"gaps-{assessment.pk}-round-{assessment.round}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def answers_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, membership = organisation_get_for_user(user=request.user, slug=slug)
    if not membership.can_edit:
        raise PermissionDenied("Viewers cannot create assessments.")
    form = AnswersUploadForm(request.POST or None, request.FILES or None, organisation=organisation)
    status = HTTPStatus.OK
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        raw = form.cleaned_data["file"].read(answers_file_max_bytes() + 1)
        try:
            created = answers_import(
                organisation=organisation,
                user=request.user,
                raw=raw,
                round_of=form.cleaned_data["round_of"],
            )
        except AnswersFileRefused as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request, f"The answers were imported into {created}, a new draft assessment."
            )
            return redirect("assessment_results", pk=created.pk)
    if form.errors:
        status = HTTPStatus.BAD_REQUEST
    context = {"form": form, "organisation": organisation}
    return render(request, "assessments/results_import.html", context, status=status)


@dataclass(frozen=True)
class FrameworkShown:
    """A framework's results with its charts and its verdicts in words (scoring.wording)."""

    result: FrameworkResult
    bars: SafeString
    radar: SafeString
    score_text: str = ""
    standing_label: str = ""
    standing_note: str = ""
    tier_text: str = ""
    level_text: str = ""
    gate_texts: tuple[tuple[GateResult, str], ...] = ()
    risks_text: str = ""
    not_applying: tuple[SectionResult, ...] = ()

    @classmethod
    def of(cls, f: FrameworkResult, standing: str = "", note: str = "") -> FrameworkShown:
        standing, note = f.standing or standing, f.standing_note or note
        covered = sum(1 for r in f.risks if r.covered)
        return cls(
            result=f,
            bars=section_bars(f, f"bars-{f.key}"),
            radar=radar(f, f"radar-{f.key}"),
            score_text=wording.framework_score_text(f),
            standing_label=wording.standing_label(standing),
            standing_note=note,
            tier_text=wording.tier_text(f.tier, standing) if f.tier else "",
            level_text=wording.level_text(f.gates, standing) if f.gates else "",
            gate_texts=tuple((g, wording.gate_text(g, standing)) for g in f.gates.gates)
            if f.gates
            else (),
            risks_text=f"{covered} of {len(f.risks)} risks covered" if f.risks else "",
            not_applying=tuple(not_applying(f)),
        )


@dataclass(frozen=True)
class GapShown:
    """A gap with its framework's name and the citation of its source."""

    gap: Gap
    framework_name: str
    citation: str
    cited_as: str  # the citation's lead-in and quote, worded by the practice's basis


def results_context(assessment: Assessment, results: Results) -> dict[str, Any]:
    """What the results page shows: the results, with charts and citations joined in."""
    missing = [f.key for f in results.frameworks if not f.standing]
    standings = (
        {
            key: (standing, note)
            for key, standing, note in Framework.objects.filter(key__in=missing).values_list(
                "key", "standing", "standing_note"
            )
        }
        if missing
        else {}
    )
    frameworks = [FrameworkShown.of(f, *standings.get(f.key, ("", ""))) for f in results.frameworks]
    gaps = []
    for gap in results.gaps:
        cited = results.source(gap.source)
        name = results.framework_name(gap.framework)
        gaps.append(GapShown(gap, name, cited.citation if cited else "", results.cited_as(gap)))
    return {
        "assessment": assessment,
        "results": results,
        "frameworks": frameworks,
        "gaps": gaps,
        "findings": findings_by_framework(results),
        "critical_count": results.critical_gaps,
        "overall_text": wording.score_text(results.overall, results.answered, results.applicable),
        "threshold": THRESHOLD_PERCENT,
    }
