"""The admin's question-bank pages beyond plain editing: check and publish a draft, compare two
versions, download a version as YAML, preview a question as an assessor sees it.

Reached only through `admin_site.admin_view` (staff, signed in, CSRF); each checks the model
permission it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from assessments.bank.diff import diff_text
from assessments.bank.documents import BankProblems
from assessments.bank.export import export_zip
from assessments.bank.specs import Problem
from assessments.bank.validation import validate_draft
from assessments.models import Framework, FrameworkVersion, Question
from assessments.selectors import bank_for_versions
from assessments.services.question_bank import (
    framework_version_diff,
    framework_version_previous,
    framework_version_publish,
)

from .questions import preview_item, render_questions


@dataclass
class ProblemGroup:
    """The problems of one item (a question, a section, the version), with a link to edit it."""

    item: str
    url: str = ""
    messages: list[str] = field(default_factory=list)


def _require(request: HttpRequest, action: str, model: str = "frameworkversion") -> None:
    if not request.user.has_perm(f"assessments.{action}_{model}"):
        raise PermissionDenied


def _version(pk: int) -> FrameworkVersion:
    return get_object_or_404(FrameworkVersion.objects.select_related("framework"), pk=pk)


def _change_url(version: FrameworkVersion) -> str:
    return reverse("admin:assessments_frameworkversion_change", args=[version.pk])


def _context(request: HttpRequest, version: FrameworkVersion, title: str) -> dict[str, object]:
    return {
        **admin.site.each_context(request),
        "title": title,
        "version": version,
        "opts": FrameworkVersion._meta,
        "change_url": _change_url(version),
    }


def group_problems(version: FrameworkVersion, problems: list[Problem]) -> list[ProblemGroup]:
    """Each problem beside the item it concerns, questions linked to their edit page."""
    question_pks = dict(Question.objects.filter(version=version).values_list("key", "pk"))
    groups: dict[str, ProblemGroup] = {}
    for problem in problems:
        item = f"question '{problem.question}'" if problem.question else problem.item
        group = groups.setdefault(item, ProblemGroup(item))
        if problem.question in question_pks:
            pk = question_pks[problem.question]
            group.url = reverse("admin:assessments_question_change", args=[pk])
        prefix = "" if item == problem.item else f"{problem.item.removeprefix(item).strip()}: "
        group.messages.append(prefix + problem.message)
    return list(groups.values())


def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the checks and, when they pass, the diff from the previous published version.
    POST: publish, recording that diff as the changelog."""
    _require(request, "change")
    version = _version(pk)
    if request.method == "POST" and not version.is_locked:
        try:
            framework_version_publish(version=version)
        except ValidationError:
            messages.error(request, "Not published: the checks below found problems.")
        else:
            messages.success(request, f"Published {version.framework.key} {version.label}.")
            return HttpResponseRedirect(_change_url(version))
    problems = [] if version.is_locked else validate_draft(version)
    previous = framework_version_previous(version=version)
    found = None if problems else framework_version_diff(version=version, since=previous)
    context = _context(request, version, f"Check and publish {version.framework.key}")
    context |= {
        "groups": group_problems(version, problems),
        "problem_count": len(problems),
        "previous": previous,
        "diff": found,
        "diff_text": diff_text(found) if found else "",
    }
    return TemplateResponse(request, "admin/assessments/frameworkversion_publish.html", context)


def diff(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed from another version of the same framework (default: the previous
    published one) to this one."""
    _require(request, "view")
    version = _version(pk)
    others = FrameworkVersion.objects.filter(framework_id=version.framework_id).exclude(pk=pk)
    chosen = request.GET.get("since", "")
    since = (
        others.filter(pk=int(chosen)).first()
        if chosen.isdigit()
        else framework_version_previous(version=version)
    )
    context = _context(request, version, f"Compare {version.framework.key} {version.label}")
    context |= {"others": others.order_by("label"), "since": since, "diff": None}
    try:
        found = framework_version_diff(version=version, since=since) if since else None
    except BankProblems as exc:
        context["groups"] = group_problems(version, exc.problems)
    else:
        context |= {"diff": found, "diff_text": diff_text(found) if found else ""}
    return TemplateResponse(request, "admin/assessments/frameworkversion_diff.html", context)


def download(request: HttpRequest, pk: int) -> HttpResponse:
    """A zip in the layout of fixtures/: sources, reference data, the profile and this version."""
    _require(request, "view")
    version = _version(pk)
    included = FrameworkVersion.objects.filter(pk=pk) | FrameworkVersion.objects.filter(
        framework__kind=Framework.Kind.PROFILE, status__in=FrameworkVersion.LOCKED_STATUSES
    )
    try:
        data = export_zip(included.distinct())
    except BankProblems as exc:
        messages.error(request, f"Not downloaded: fix these first. {exc}")
        return HttpResponseRedirect(_change_url(version))
    response = HttpResponse(data, content_type="application/zip")
    name = f"question-bank-{version.framework.key}-{version.label}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def question_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The question as an assessor will see it, with its guidance, citation and basis."""
    _require(request, "view", "question")
    question = get_object_or_404(
        Question.objects.select_related("version__framework", "source"), pk=pk
    )
    bank = bank_for_versions([question.version])
    bank_question = bank.question((question.version.framework.key, question.key))
    context = {
        **admin.site.each_context(request),
        "title": f"Preview: {question.key}",
        "question": bank_question,
        "question_html": render_questions([preview_item(bank_question)], can_edit=True),
        "source": question.source,
        "basis": question.get_basis_display() if question.basis else "",
        "finding": question.finding,
        "opts": Question._meta,
        "preview": True,
    }
    return TemplateResponse(request, "admin/assessments/question_preview.html", context)
