"""Reads. Every protected object is reached through an access function scoped to the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Answer, Assessment, FrameworkVersion, Membership, Organisation, Question
from .scoring.conditions import parse_condition
from .scoring.types import (
    AnswerValue,
    Bank,
    BankFramework,
    BankOption,
    BankQuestion,
    BankSection,
    QRef,
)

AnyUser = User | AnonymousUser


def membership_get(*, user: AnyUser, organisation: Organisation) -> Membership:
    """The user's membership of the organisation; Http404 when there is none."""
    if not user.is_authenticated:
        raise Http404
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise Http404
    return membership


def organisation_get_for_user(*, user: AnyUser, slug: str) -> tuple[Organisation, Membership]:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404
    return membership.organisation, membership


def memberships_for_user(*, user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def assessment_get_for_user(*, user: AnyUser, pk: int, write: bool = False) -> Assessment:
    """The assessment if the user belongs to its organisation (Http404 otherwise, so that
    existence does not leak); with write=True, PermissionDenied for viewers and for a
    submitted assessment. The membership is attached as `assessment.membership`."""
    if not user.is_authenticated:
        raise Http404
    assessment = (
        Assessment.objects.select_related("organisation", "system")
        .filter(pk=pk, organisation__memberships__user=user)
        .first()
    )
    if assessment is None:
        raise Http404
    membership = Membership.objects.get(user=user, organisation=assessment.organisation)
    if write and not membership.can_edit:
        raise PermissionDenied("Viewers can read this assessment but not change it.")
    if write and assessment.is_submitted:
        raise PermissionDenied("This assessment is submitted and can no longer change.")
    assessment.membership = membership  # type: ignore[attr-defined]
    return assessment


def assessment_list_for_user(*, user: AnyUser, organisation: Organisation) -> QuerySet[Assessment]:
    membership_get(user=user, organisation=organisation)
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("system")
        .order_by("-updated_at")
    )


# The question bank as plain data --------------------------------------------------------

_BANK_CACHE: dict[tuple[int, ...], Bank] = {}


def pinned_versions(assessment: Assessment) -> list[FrameworkVersion]:
    """The versions an assessment is pinned to, profile first, in framework order."""
    return sorted(
        assessment.framework_versions.select_related("framework__source").all(),
        key=lambda v: (v.framework.kind != "profile", v.framework.order, v.framework.key),
    )


def bank_for_versions(versions: list[FrameworkVersion]) -> Bank:
    """Plain bank for these versions. Published versions never change, so it is cached."""
    key = tuple(v.pk for v in versions)
    cacheable = all(v.is_locked for v in versions)
    if cacheable and key in _BANK_CACHE:
        return _BANK_CACHE[key]
    bank = _build_bank(versions)
    if cacheable:
        _BANK_CACHE[key] = bank
    return bank


def bank_for_assessment(assessment: Assessment) -> Bank:
    return bank_for_versions(pinned_versions(assessment))


def _build_bank(versions: list[FrameworkVersion]) -> Bank:
    questions = (
        Question.objects.filter(version__in=versions)
        .select_related("section", "source")
        .prefetch_related("options", "supporting_sources")
        .order_by("position")
    )
    by_version: dict[int, list[Question]] = {v.pk: [] for v in versions}
    for question in questions:
        by_version[question.version_id].append(question)
    frameworks = []
    for version in versions:
        sections: dict[int, tuple[Any, list[BankQuestion]]] = {}
        for section in version.sections.order_by("order"):
            sections[section.pk] = (section, [])
        for q in by_version[version.pk]:
            sections[q.section_id][1].append(_bank_question(version.framework.key, q))
        frameworks.append(
            BankFramework(
                key=version.framework.key,
                name=version.framework.name,
                kind=version.framework.kind,
                version=version.label,
                rules=version.rules,
                source=version.framework.source.key if version.framework.source else "",
                sections=tuple(
                    BankSection(s.key, s.title, s.weight, tuple(qs)) for s, qs in sections.values()
                ),
            )
        )
    return Bank(tuple(frameworks))


def _bank_question(framework: str, q: Question) -> BankQuestion:
    return BankQuestion(
        framework=framework,
        section=q.section.key,
        key=q.key,
        position=q.position,
        text=q.text,
        kind=q.kind,
        weight=q.weight,
        required=q.required,
        condition=parse_condition(q.applies_when) if q.applies_when else None,
        options=tuple(
            BankOption(o.key, o.label, o.points, o.meaning, o.effects) for o in q.options.all()
        ),
        tags=frozenset(q.tags),
        required_level=q.required_level,
        source=q.source.key if q.source else "",
        quote=q.quote,
        supporting=tuple(sorted(s.key for s in q.supporting_sources.all())),
        remediation=q.remediation,
        guidance=q.guidance,
    )


def answers_for_assessment(assessment: Assessment) -> dict[QRef, AnswerValue]:
    """Every stored answer as plain data, in one query."""
    rows = Answer.objects.filter(assessment=assessment).values_list(
        "question__version__framework__key",
        "question__key",
        "choices",
        "text",
        "note",
        "reason",
        "evidence",
    )
    return {
        (fw, key): AnswerValue(tuple(choices), text, note, reason, tuple(evidence))
        for fw, key, choices, text, note, reason, evidence in rows
    }
