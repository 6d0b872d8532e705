"""Starting assessments, recording answers, submitting, and starting the next round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import (
    AISystem,
    Answer,
    Assessment,
    Framework,
    FrameworkVersion,
    Option,
    Organisation,
    Question,
)
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.selectors import answers_for_assessment, bank_for_assessment

MAX_EVIDENCE_LINKS = 20
MAX_TEXT = 20_000


class AnswerRejected(ValidationError):
    """An answer that cannot be stored; the message says why."""


class AnswerConflict(Exception):
    """Someone else changed this answer since the user loaded it; both values are kept."""

    def __init__(self, current: Answer) -> None:
        super().__init__("This answer was changed by someone else since you loaded it.")
        self.current = current


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


def _clean_choices(question: Question, options: list[Option], choices: Sequence[str]) -> list[str]:
    by_key = {o.key: o for o in options}
    unknown = [c for c in choices if c not in by_key]
    if unknown:
        raise AnswerRejected(f"'{unknown[0]}' is not an option of this question.")
    if len(set(choices)) != len(choices):
        raise AnswerRejected("An option was chosen twice.")
    if question.kind == Question.Kind.TEXT and choices:
        raise AnswerRejected("This question takes a written answer, not options.")
    if question.kind == Question.Kind.SINGLE and len(choices) > 1:
        raise AnswerRejected("Choose only one option for this question.")
    special = [c for c in choices if by_key[c].meaning != Option.Meaning.PLAIN]
    if special and len(choices) > 1:
        label = by_key[special[0]].label
        raise AnswerRejected(f"“{label}” cannot be combined with other options.")
    order = list(by_key)
    return sorted(choices, key=order.index)


def _clean_evidence(evidence: Sequence[str]) -> list[str]:
    links = [e.strip() for e in evidence if e.strip()]
    if len(links) > MAX_EVIDENCE_LINKS:
        raise AnswerRejected(f"Give at most {MAX_EVIDENCE_LINKS} evidence links.")
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            validate(link)
        except ValidationError:
            raise AnswerRejected(
                f"“{link[:80]}” is not a web address; evidence links start with https://."
            ) from None
    return links


@dataclass
class AnswerInput:
    choices: list[str] = field(default_factory=list)
    text: str = ""
    note: str = ""
    reason: str = ""
    evidence: list[str] = field(default_factory=list)


def answer_clean(*, question: Question, options: list[Option], given: AnswerInput) -> AnswerInput:
    """The answer as it will be stored, or AnswerRejected with the reason."""
    for name in ("text", "note", "reason"):
        if len(getattr(given, name)) > MAX_TEXT:
            raise AnswerRejected(f"The {name} is longer than {MAX_TEXT} characters.")
    choices = _clean_choices(question, options, given.choices)
    meanings = {o.key: o.meaning for o in options}
    reason = given.reason.strip()
    if any(meanings[c] == Option.Meaning.NOT_APPLICABLE for c in choices) and not reason:
        raise AnswerRejected("Say briefly why this question does not apply.")
    return AnswerInput(
        choices=choices,
        text=given.text if question.kind == Question.Kind.TEXT else "",
        note=given.note,
        reason=reason if any(meanings[c] == Option.Meaning.NOT_APPLICABLE for c in choices) else "",
        evidence=_clean_evidence(given.evidence),
    )


def _same(answer: Answer, value: AnswerInput) -> bool:
    return (
        list(answer.choices) == value.choices
        and answer.text == value.text
        and answer.note == value.note
        and answer.reason == value.reason
        and list(answer.evidence) == value.evidence
    )


@transaction.atomic
def answer_record(
    *,
    assessment: Assessment,
    user: User | None,
    question: Question,
    given: AnswerInput,
    base_version: int | None = None,
) -> Answer:
    """Store one answer. base_version is the version the user saw (0: none yet); a different
    stored version with a different value raises AnswerConflict instead of overwriting."""
    if assessment.is_submitted:
        raise AnswerRejected("This assessment is submitted; its answers can no longer change.")
    if not assessment.framework_versions.filter(pk=question.version_id).exists():
        raise AnswerRejected("This question is not part of this assessment.")
    value = answer_clean(question=question, options=list(question.options.all()), given=given)
    answer = (
        Answer.objects.select_for_update().filter(assessment=assessment, question=question).first()
    )
    if answer is not None and _same(answer, value):
        return answer
    stored_version = answer.version if answer is not None else 0
    if answer is not None and base_version is not None and base_version != stored_version:
        raise AnswerConflict(answer)
    if answer is None:
        answer = Answer(assessment=assessment, question=question, version=0)
    answer.choices, answer.text, answer.note = value.choices, value.text, value.note
    answer.reason, answer.evidence = value.reason, value.evidence
    answer.version += 1
    answer.updated_by = user
    answer._history_user = user  # type: ignore[attr-defined]
    answer.save()
    Assessment.objects.filter(pk=assessment.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    return answer


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

    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
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
    locked.save()
    return locked


@dataclass
class NextRound:
    assessment: Assessment
    carried: int
    removed: list[tuple[str, str]]
    dropped_choices: list[tuple[str, str]]


@transaction.atomic
def assessment_next_round(*, assessment: Assessment, user: User) -> NextRound:
    """A new draft for the same system, pinned to the current published versions, with the
    previous answers copied by question key. Questions no longer asked are listed as removed."""
    if not assessment.is_submitted:
        raise ValidationError("Submit this round before starting the next one.")
    existing = Assessment.objects.filter(previous=assessment).first()
    if existing is not None:
        raise ValidationError(f"Round {existing.round} has already been started.")
    framework_keys = [
        v.framework.key
        for v in assessment.framework_versions.select_related("framework")
        if v.framework.kind != Framework.Kind.PROFILE
    ]
    new = Assessment.objects.create(
        organisation=assessment.organisation,
        system=assessment.system,
        round=assessment.round + 1,
        previous=assessment,
        created_by=user,
    )
    versions = current_published_versions(framework_keys)
    new.framework_versions.set(versions)
    questions = {
        (q.version.framework.key, q.key): q
        for q in Question.objects.filter(version__in=versions)
        .select_related("version__framework")
        .prefetch_related("options")
    }
    carried, removed, dropped = 0, [], []
    old_answers = assessment.answers.select_related("question__version__framework")
    for old in old_answers.order_by("question__position"):
        ref = (old.question.version.framework.key, old.question.key)
        question = questions.get(ref)
        if question is None:
            removed.append(ref)
            continue
        given = AnswerInput(list(old.choices), old.text, old.note, old.reason, list(old.evidence))
        try:
            value = answer_clean(
                question=question, options=list(question.options.all()), given=given
            )
        except ValidationError:
            dropped.append(ref)
            continue
        answer = Answer(
            assessment=new,
            question=question,
            choices=value.choices,
            text=value.text,
            note=value.note,
            reason=value.reason,
            evidence=value.evidence,
            updated_by=user,
        )
        answer._history_user = user  # type: ignore[attr-defined]
        answer.save()
        carried += 1
    return NextRound(new, carried, removed, dropped)
