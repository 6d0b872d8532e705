"""Starting an assessment, submitting it, and starting its next round (answers themselves are
written by services/answers.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.limits import MAX_SYSTEM_NAME
from assessments.models import (
    AISystem,
    Assessment,
    Framework,
    FrameworkVersion,
    Organisation,
    SignOff,
)
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.selectors import answers_for_assessment, bank_for_assessment

from .actions import actions_carry_over
from .answers import AnswerEdit, answers_record


class SubmissionRefused(Exception):
    def __init__(self, missing: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(missing)} required question(s) are still unanswered.")
        self.missing = missing


def current_published_versions(framework_keys: Sequence[str]) -> list[FrameworkVersion]:
    """The newest published version of the profile and of each named framework."""
    keys = {"profile", *framework_keys}
    found: dict[str, FrameworkVersion] = {}
    versions = (
        FrameworkVersion.objects.filter(
            framework__key__in=keys, status=FrameworkVersion.Status.PUBLISHED
        )
        .select_related("framework")
        .order_by("published_on", "pk")
    )
    for version in versions:
        found[version.framework.key] = version  # the last one wins: the newest
    unknown = sorted(keys - set(found))
    if unknown:
        raise ValidationError(f"No published version of: {', '.join(unknown)}.")
    return list(found.values())


def available_frameworks() -> list[Framework]:
    return list(
        Framework.objects.exclude(kind=Framework.Kind.PROFILE)
        .filter(versions__status=FrameworkVersion.Status.PUBLISHED)
        .distinct()
        .order_by("order", "key")
    )


@transaction.atomic
def assessment_start(
    *,
    organisation: Organisation,
    user: User,
    system_name: str,
    system_description: str = "",
    framework_keys: Sequence[str],
) -> Assessment:
    """Round 1 for a new AI system, pinned to the current published versions."""
    if not framework_keys:
        raise ValidationError("Choose at least one framework.")
    system = AISystem(organisation=organisation, name=system_name, description=system_description)
    system.full_clean()
    system.save()
    assessment = Assessment(organisation=organisation, system=system, round=1, created_by=user)
    assessment.full_clean()
    assessment.save()
    assessment.framework_versions.set(current_published_versions(framework_keys))
    return assessment


def missing_required(assessment: Assessment) -> list[tuple[str, str]]:
    """(framework, question) of every required, applicable, unanswered question."""
    bank = bank_for_assessment(assessment)
    answers = answers_for_assessment(assessment)
    done = progress(bank, answers, evaluate_applicability(bank, answers))
    return [(s.framework, key) for s in done.sections for key in s.missing_required]


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user: User) -> Assessment:
    """Freeze the assessment and store its results; refused while required answers are missing."""
    from assessments.results import results_for_assessment

    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=assessment.pk)
    )
    if locked.is_submitted:
        return locked
    missing = missing_required(locked)
    if missing:
        raise SubmissionRefused(missing)
    locked.status = Assessment.Status.SUBMITTED  # first, so the snapshot is not provisional
    results = results_for_assessment(locked, live=True)
    locked.results = results.to_json()
    locked.scoring_rules_version = results.scoring_rules_version
    locked.submitted_at = timezone.now()
    locked.submitted_by = user
    locked.approval_required = locked.organisation.requires_approval
    locked.approved_by, locked.approved_at = None, None
    # The report of this revision says "Draft": the submitted one is a new revision.
    locked.revision = F("revision") + 1
    locked.save()
    locked.refresh_from_db()
    SignOff.objects.create(
        assessment=locked, step=SignOff.Step.SUBMITTED, by=user, at=locked.submitted_at
    )
    return locked


def system_name_free(*, organisation: Organisation, name: str) -> str:
    """The name, or the name marked as imported when the organisation already has a system
    of that name, so an imported copy never reads as a second, identical round 1."""
    suffixes = (" (imported)", *(f" (imported {n})" for n in range(2, 1000)))
    # The mark is kept whole and the name shortened, so the result still fits the field.
    candidates = [name, *(name[: MAX_SYSTEM_NAME - len(s)].rstrip() + s for s in suffixes)]
    stem = name[: MAX_SYSTEM_NAME - len(suffixes[-1])].rstrip()
    taken = set(
        AISystem.objects.filter(organisation=organisation, name__startswith=stem).values_list(
            "name", flat=True
        )
    )
    return next(c for c in candidates if c not in taken)


@transaction.atomic
def assessment_round_start(
    *, system: AISystem, user: User, framework_keys: Sequence[str]
) -> Assessment:
    """A new, empty round of an existing system (an import names the system it continues):
    numbered after its latest round, which must be submitted (and approved when required)."""
    latest = Assessment.objects.select_for_update().filter(system=system).order_by("-round").first()
    if latest is None:
        raise ValidationError(f"{system.name} has no round to continue.")
    if not latest.is_submitted:
        raise ValidationError(
            f"Round {latest.round} of {system.name} is still a draft: submit it first."
        )
    if latest.awaiting_approval:
        raise ValidationError(f"Round {latest.round} of {system.name} awaits an owner's approval.")
    new = Assessment.objects.create(
        organisation=system.organisation,
        system=system,
        round=latest.round + 1,
        previous=latest,
        created_by=user,
    )
    new.framework_versions.set(current_published_versions(framework_keys))
    return new


@dataclass
class NextRound:
    assessment: Assessment
    started: bool
    """False when the round already existed (a second click, a concurrent request)."""


@transaction.atomic
def assessment_next_round(*, assessment: Assessment, user: User) -> NextRound:
    """The next round of a submitted assessment: a new draft for the same system, pinned to the
    current published versions, holding the previous answers that still fit, copied by
    question key, with the previous round's unfinished actions. Asked twice, at once or one
    after the other, it starts one round."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_submitted:
        raise ValidationError("Submit this round before starting the next one.")
    if locked.awaiting_approval:
        raise ValidationError("An owner approves this round before the next one starts.")
    existing = Assessment.objects.filter(previous=locked).first()
    if existing is not None:
        return NextRound(existing, started=False)
    versions = current_published_versions(
        [
            v.framework.key
            for v in locked.framework_versions.select_related("framework")
            if v.framework.kind != Framework.Kind.PROFILE
        ]
    )
    new = Assessment.objects.create(
        organisation=locked.organisation,
        system=locked.system,
        round=locked.round + 1,
        previous=locked,
        created_by=user,
    )
    new.framework_versions.set(versions)
    previous = answers_for_assessment(locked)
    bank = bank_for_assessment(new)
    carried = {ref: value for ref, value in previous.items() if bank.has(ref)}
    edits = [AnswerEdit(ref, value) for ref, value in carried.items()]
    answers_record(assessment=new, user=user, edits=edits, bank=bank)
    actions_carry_over(previous=locked, new=new, user=user)
    return NextRound(new, started=True)
