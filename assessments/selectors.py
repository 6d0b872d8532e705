"""Reads. Every protected object is reached through an access function scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404

from .models import (
    Answer,
    Assessment,
    FrameworkVersion,
    Invitation,
    Jurisdiction,
    Membership,
    NegativeListCategory,
    Organisation,
    Question,
    Report,
    Role,
)
from .pinned_bank import _BANK_CACHE as _BANK_CACHE
from .pinned_bank import bank_for_assessment as bank_for_assessment
from .pinned_bank import bank_for_versions as bank_for_versions
from .pinned_bank import in_asking_order
from .pinned_bank import pinned_versions as pinned_versions
from .pinned_bank import question_ids as question_ids
from .scoring.applicability import evaluate_applicability
from .scoring.progress import Progress, progress
from .scoring.types import AnswerValue, QRef

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


@dataclass(frozen=True)
class AssessmentAccess:
    """One assessment and what the signed-in user may do with it, by role and state."""

    assessment: Assessment
    role: str

    @property
    def is_editor(self) -> bool:
        """Owners and assessors: they answer, submit, start rounds and read the history."""
        return self.role in (Role.OWNER, Role.ASSESSOR)

    @property
    def can_edit(self) -> bool:
        """May change answers now: an editor, while the assessment is a draft."""
        return self.is_editor and not self.assessment.is_submitted

    @property
    def can_submit(self) -> bool:
        return self.can_edit

    @property
    def can_start_round(self) -> bool:
        return self.is_editor and self.assessment.is_submitted

    @property
    def can_see_history(self) -> bool:
        return self.is_editor

    @property
    def can_manage(self) -> bool:
        return self.role == Role.OWNER

    def require(self, allowed: bool, why: str) -> None:
        """PermissionDenied with the reason unless allowed."""
        if not allowed:
            raise PermissionDenied(why)

    def require_edit(self) -> None:
        if self.assessment.is_submitted:
            raise PermissionDenied("This assessment is submitted and can no longer change.")
        self.require(self.can_edit, "Viewers can read this assessment but not change it.")


def assessment_access_for_user(*, user: AnyUser, pk: int) -> AssessmentAccess:
    """The assessment with the user's role, in one query, if the user belongs to its
    organisation; Http404 otherwise, so that existence does not leak."""
    if not user.is_authenticated:
        raise Http404
    assessment = (
        Assessment.objects.select_related("organisation", "system")
        .filter(pk=pk, organisation__memberships__user=user)
        .annotate(member_role=F("organisation__memberships__role"))
        .first()
    )
    if assessment is None:
        raise Http404
    return AssessmentAccess(assessment, assessment.member_role)


def assessment_get_for_user(*, user: AnyUser, pk: int) -> Assessment:
    """The assessment if the user belongs to its organisation (Http404 otherwise)."""
    return assessment_access_for_user(user=user, pk=pk).assessment


def report_current(*, assessment: Assessment) -> Report | None:
    """The report of the assessment's current answers, if one was asked for."""
    return Report.objects.filter(assessment=assessment, revision=assessment.revision).first()


def report_get_for_user(*, user: AnyUser, assessment_pk: int) -> Report:
    """The report of the assessment's current answers, if the user may see the assessment and
    one was requested (Http404 otherwise)."""
    assessment = assessment_get_for_user(user=user, pk=assessment_pk)
    report = report_current(assessment=assessment)
    if report is None:
        raise Http404
    return report


def assessment_list_for_user(*, user: AnyUser, organisation: Organisation) -> QuerySet[Assessment]:
    membership_get(user=user, organisation=organisation)
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("system")
        .order_by("-updated_at")
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


# Answers with their versions, reference data, rounds and history ------------------------


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as stored: its value, the version it is at, who wrote it last and when."""

    value: AnswerValue
    version: int
    by: str = ""
    at: dt.datetime | None = None


def stored_answers_for_assessment(assessment: Assessment) -> dict[QRef, StoredAnswer]:
    """Every stored answer with its version, in one query (who wrote it: answer_authors)."""
    rows = Answer.objects.filter(assessment=assessment).values_list(
        "question__version__framework__key",
        "question__key",
        "choices",
        "text",
        "note",
        "reason",
        "evidence",
        "version",
    )
    return {
        (fw, key): StoredAnswer(
            AnswerValue(tuple(choices), text, note, reason, tuple(evidence)), version
        )
        for fw, key, choices, text, note, reason, evidence, version in rows
    }


def answer_authors(
    assessment: Assessment, stored: dict[QRef, StoredAnswer]
) -> dict[QRef, StoredAnswer]:
    """The stored answers given, each with who wrote it last and when, in one query."""
    frameworks = {fw for fw, _key in stored}
    rows = Answer.objects.filter(
        assessment=assessment,
        question__version__framework__key__in=frameworks,
        question__key__in={key for _fw, key in stored},
    ).values_list(
        "question__version__framework__key", "question__key", "updated_by__username", "updated_at"
    )
    found = {(fw, key): (by or "", at) for fw, key, by, at in rows}
    return {
        ref: replace(answer, by=found.get(ref, ("", None))[0], at=found.get(ref, ("", None))[1])
        for ref, answer in stored.items()
    }


def reference_data(*, tags: set[str], on: dt.date) -> dict[str, Any]:
    """The admin-maintained data in force on a date for the reference tags asked for."""
    data: dict[str, Any] = {}
    if "reference:negative-list" in tags:
        data["negative_list"] = list(
            NegativeListCategory.objects.filter(effective_from__lte=on)
            .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
            .select_related("jurisdiction")
            .order_by("jurisdiction__name", "title")
        )
    if "reference:foundation-model-scale" in tags:
        data["scales"] = list(Jurisdiction.objects.exclude(foundation_model_scale=""))
    return data


@dataclass(frozen=True)
class CarryOver:
    """What the start of a round took from the previous one."""

    previous: Assessment
    carried: int
    removed: list[tuple[str, str, str]]  # framework, key, text of questions no longer asked
    not_carried: list[tuple[str, str, str]]  # still asked, but the old answer no longer fits


def carry_over_for_assessment(assessment: Assessment) -> CarryOver | None:
    """Compare a round with the previous one by question key; None for a first round."""
    previous = assessment.previous
    if previous is None:
        return None
    old = Answer.objects.filter(assessment=previous).values_list(
        "question__version__framework__key", "question__key", "question__text"
    )
    current = set(
        Question.objects.filter(version__assessments=assessment).values_list(
            "version__framework__key", "key"
        )
    )
    answered = set(
        Answer.objects.filter(assessment=assessment).values_list(
            "question__version__framework__key", "question__key"
        )
    )
    removed, not_carried, carried = [], [], 0
    for fw, key, text in old:
        if (fw, key) not in current:
            removed.append((fw, key, text))
        elif (fw, key) in answered:
            carried += 1
        else:
            not_carried.append((fw, key, text))
    return CarryOver(previous, carried, removed, not_carried)


def answer_history_for_assessment(assessment: Assessment) -> QuerySet[Any]:
    """Every recorded change of the assessment's answers, newest first, with who made it."""
    records: QuerySet[Any] = (
        Answer.history.filter(assessment_id=assessment.pk)
        .select_related("history_user", "question__version__framework")
        .order_by("-history_date", "-history_id")
    )
    return records


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's memberships with their users, by username."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username")
    )


def invitations_pending(organisation: Organisation, *, now: dt.datetime) -> QuerySet[Invitation]:
    """Invitations neither accepted nor expired, newest first."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=now
    ).order_by("-created_at")


def invitation_get_by_token(*, token: str, now: dt.datetime) -> Invitation:
    """An open invitation; Http404 when the token is unknown, used or expired."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token=token, accepted_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


# The dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DashboardRow:
    assessment: Assessment
    progress: Progress
    score: float | None


def assessments_for_dashboard(*, user: AnyUser, organisation: Organisation) -> QuerySet[Assessment]:
    """The organisation's assessments with just the overall score read out of the results."""
    return (
        assessment_list_for_user(user=user, organisation=organisation)
        .defer("results")
        .annotate(overall_score=Cast(KT("results__overall__score"), FloatField()))
    )


def dashboard_rows(assessments: list[Assessment]) -> list[DashboardRow]:
    """Progress of each assessment of a page, in two queries whatever its size."""
    ids = [a.pk for a in assessments]
    versions: dict[int, list[FrameworkVersion]] = {pk: [] for pk in ids}
    links = Assessment.framework_versions.through.objects.filter(assessment_id__in=ids)
    for link in links.select_related("frameworkversion__framework__source"):
        versions[link.assessment_id].append(link.frameworkversion)
    answers: dict[int, dict[QRef, AnswerValue]] = {pk: {} for pk in ids}
    # No ordering: sorting by the model's default made PostgreSQL read every assessment's answers.
    rows = (
        Answer.objects.filter(assessment_id__in=ids)
        .order_by()
        .values_list(
            "assessment_id", "question__version__framework__key", "question__key", "choices", "text"
        )
    )
    for pk, fw, key, choices, text in rows:
        answers[pk][(fw, key)] = AnswerValue(tuple(choices), text)
    result = []
    for assessment in assessments:
        bank = bank_for_versions(in_asking_order(versions[assessment.pk]))
        given = answers[assessment.pk]
        done = progress(bank, given, evaluate_applicability(bank, given))
        score = getattr(assessment, "overall_score", None)
        result.append(DashboardRow(assessment, done, score))
    return result
