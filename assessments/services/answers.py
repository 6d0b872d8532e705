"""Writing answers: the one home of the answer path.

Every path that writes answers (autosave, the section saved as a whole, the answers import and
the next round) gives `answers_record` a list of `AnswerEdit`s. One value type (`AnswerValue`,
the plain data scoring reads), one validator (`answer_clean`) and one conflict rule
(`_conflicts`) decide what is stored; the write itself is a few bulk statements in one
transaction that first re-reads, under a lock, whether the assessment is still a draft.
docs/answer-path.md follows one answer through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.limits import MAX_EVIDENCE_LINKS as MAX_EVIDENCE_LINKS
from assessments.limits import MAX_LINK, encodable, text_problem
from assessments.limits import MAX_NOTE as MAX_NOTE
from assessments.limits import MAX_REASON as MAX_REASON
from assessments.limits import MAX_TEXT as MAX_TEXT
from assessments.models import Answer, Assessment
from assessments.scoring.types import NOT_APPLICABLE, PLAIN, AnswerValue, Bank, BankQuestion, QRef
from assessments.selectors import (
    StoredAnswer,
    answer_authors,
    bank_for_assessment,
    question_ids,
    stored_answers_for_assessment,
)

MAX_SENT_BEFORE = 5
LIMITS = {"text": MAX_TEXT, "note": MAX_NOTE, "reason": MAX_REASON}
NAMES = {"text": "written answer", "note": "note", "reason": "reason", "evidence": "evidence link"}
WEB_ADDRESS = URLValidator(schemes=["http", "https"])
TEXT_KIND = "text"
SINGLE_KIND = "single"


class AnswerRejected(ValidationError):
    """An answer that cannot be stored; `field` names the field to fix, the message says why."""

    def __init__(self, message: str, *, field: str = "choices") -> None:
        super().__init__(message)
        self.field = field


class AssessmentFrozen(PermissionDenied):
    """The assessment was submitted: its answers can no longer change."""

    def __init__(self) -> None:
        super().__init__("This assessment is submitted; its answers can no longer change.")


@dataclass(frozen=True, slots=True)
class AnswerEdit:
    """One answer as a page, a file or the previous round gives it.

    `base_version` is the version of the stored answer the person saw (0: none yet; None: no
    page involved, write over whatever is stored). `sent_before` holds values the same page sent
    earlier whose reply never came: finding one of them stored is not someone else's change.
    """

    ref: QRef
    value: AnswerValue
    base_version: int | None = None
    sent_before: tuple[AnswerValue, ...] = ()


@dataclass(frozen=True, slots=True)
class Refusal:
    field: str
    message: str


@dataclass
class Recorded:
    """What `answers_record` did: answers stored, refused (with the field and the reason) and in
    conflict (with the stored answer someone else wrote); `before` is every stored answer of
    the assessment as the write found it."""

    before: dict[QRef, StoredAnswer] = field(default_factory=dict)
    saved: dict[QRef, StoredAnswer] = field(default_factory=dict)
    refused: dict[QRef, Refusal] = field(default_factory=dict)
    conflicts: dict[QRef, StoredAnswer] = field(default_factory=dict)

    @property
    def after(self) -> dict[QRef, StoredAnswer]:
        return {**self.before, **self.saved}

    @property
    def ok(self) -> bool:
        return not self.refused and not self.conflicts


# The validator ------------------------------------------------------------------------------


def answer_clean(
    *, question: BankQuestion, given: AnswerValue, strict: bool = False
) -> AnswerValue:
    """The answer as it will be stored, or AnswerRejected naming the field and the problem.

    A page sends every field of a question, so the reason typed before choosing another option
    and the like are dropped; `strict` (a file) refuses them instead.
    """
    for name in ("text", "note", "reason"):
        _check_text(getattr(given, name), name)
    choices = _clean_choices(question, given.choices)
    meanings = {o.key: o.meaning for o in question.options}
    not_applicable = any(meanings[c] == NOT_APPLICABLE for c in choices)
    reason = given.reason.strip()
    if not_applicable and not reason:
        raise AnswerRejected("Say briefly why this question does not apply.", field="reason")
    if strict and reason and not not_applicable:
        raise AnswerRejected(
            "A reason is given but the answer is not “not applicable”.", field="reason"
        )
    if strict and given.text and question.kind != TEXT_KIND:
        raise AnswerRejected("A written answer is given for a choice question.", field="text")
    return AnswerValue(
        choices=choices,
        text=given.text if question.kind == TEXT_KIND else "",
        note=given.note.strip(),
        reason=reason if not_applicable else "",
        evidence=_clean_evidence(given.evidence),
    )


def _check_text(value: str, name: str) -> None:
    problem = text_problem(value, NAMES[name], LIMITS.get(name, MAX_LINK))
    if problem:
        raise AnswerRejected(problem, field=name)


def shown(value: str) -> str:
    """User text safe to repeat in a message: short, and only characters that can be sent."""
    short = value if len(value) <= 60 else value[:57] + "…"
    return "".join(c if c.isprintable() and encodable(c) else "\ufffd" for c in short)


def _clean_choices(question: BankQuestion, choices: Sequence[str]) -> tuple[str, ...]:
    if question.kind == TEXT_KIND and choices:
        raise AnswerRejected("This question takes a written answer, not options.")
    by_key = {o.key: o for o in question.options}
    for choice in choices:
        if choice not in by_key:
            listed = ", ".join(by_key)
            raise AnswerRejected(
                f"'{shown(choice)}' is not an option of this question (options: {listed})."
            )
    if len(set(choices)) != len(choices):
        raise AnswerRejected("An option was chosen twice.")
    if question.kind == SINGLE_KIND and len(choices) > 1:
        raise AnswerRejected("Choose only one option for this question.")
    special = [c for c in choices if by_key[c].meaning != PLAIN]
    if special and len(choices) > 1:
        label = by_key[special[0]].label
        raise AnswerRejected(f"“{label}” cannot be combined with other options.")
    return tuple(key for key in by_key if key in choices)  # in the order the bank lists them


def _clean_evidence(evidence: Sequence[str]) -> tuple[str, ...]:
    links = [link.strip() for link in evidence]
    links = [link for link in links if link]
    if len(links) > MAX_EVIDENCE_LINKS:
        raise AnswerRejected(
            f"{len(links)} evidence links are given; at most {MAX_EVIDENCE_LINKS} are kept.",
            field="evidence",
        )
    for link in links:
        _check_text(link, "evidence")
        try:
            WEB_ADDRESS(link)
        except ValidationError:
            raise AnswerRejected(
                f"“{shown(link)}” is not a web address; evidence links start with https://.",
                field="evidence",
            ) from None
    return tuple(links)


# The write ----------------------------------------------------------------------------------


def answers_record(
    *,
    assessment: Assessment,
    user: User | None,
    edits: Sequence[AnswerEdit],
    bank: Bank | None = None,
    strict: bool = False,
) -> Recorded:
    """Validate every edit, then store the changed ones with their history in one transaction.

    Raises AssessmentFrozen, with nothing stored, when the assessment is submitted by the time
    the write holds its lock. An edit equal to the stored answer costs nothing; one based on
    an older version than the stored one is a conflict unless this page sent the stored value.
    `strict` (a file): see answer_clean, and nothing is stored unless every edit is accepted.
    """
    bank = bank or bank_for_assessment(assessment)
    recorded = Recorded()
    cleaned = _cleaned(bank, edits, strict, recorded)
    if strict and recorded.refused:
        return recorded
    with transaction.atomic():
        _lock_draft(assessment)
        recorded.before = stored_answers_for_assessment(assessment)
        changes = _changes(bank, cleaned, recorded)
        if changes:
            recorded.saved = _write(assessment, user, bank, changes, recorded.before)
    if recorded.conflicts:
        recorded.conflicts = answer_authors(assessment, recorded.conflicts)
    return recorded


def _cleaned(
    bank: Bank, edits: Iterable[AnswerEdit], strict: bool, recorded: Recorded
) -> list[tuple[AnswerEdit, AnswerValue]]:
    accepted = []
    for edit in edits:
        if not bank.has(edit.ref):
            recorded.refused[edit.ref] = Refusal(
                "choices", "There is no such question in this assessment."
            )
            continue
        question = bank.question(edit.ref)
        try:
            accepted.append(
                (edit, answer_clean(question=question, given=edit.value, strict=strict))
            )
        except AnswerRejected as exc:
            recorded.refused[edit.ref] = Refusal(exc.field, exc.messages[0])
    return accepted


def _lock_draft(assessment: Assessment) -> None:
    """Hold the assessment's row until the transaction ends, and refuse if it is submitted: a
    submission takes the same lock, so no write lands after it (on SQLite the IMMEDIATE
    transaction already holds the database's write lock)."""
    status = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment.pk)
        .order_by()
        .values_list("status", flat=True)
        .get()
    )
    if status != Assessment.Status.DRAFT:
        raise AssessmentFrozen


def _changes(
    bank: Bank, cleaned: Iterable[tuple[AnswerEdit, AnswerValue]], recorded: Recorded
) -> dict[QRef, AnswerValue]:
    changes = {}
    for edit, value in cleaned:
        stored = recorded.before.get(edit.ref)
        if (stored.value if stored else AnswerValue()) == value:
            continue  # unchanged, or empty and never answered: nothing to write
        if stored and _conflicts(bank.question(edit.ref), edit, stored):
            recorded.conflicts[edit.ref] = stored
            continue
        changes[edit.ref] = value
    return changes


def _conflicts(question: BankQuestion, edit: AnswerEdit, stored: StoredAnswer) -> bool:
    """Someone else changed the answer since the page loaded it: the page built on an older
    version, and the stored value is not one this page sent earlier without seeing the reply
    (the tab closed, the network dropped)."""
    if edit.base_version is None or edit.base_version == stored.version:
        return False
    for earlier in edit.sent_before[-MAX_SENT_BEFORE:]:
        try:
            if answer_clean(question=question, given=earlier) == stored.value:
                return False
        except AnswerRejected:
            continue
    return True


UPDATED_FIELDS = ["choices", "text", "note", "reason", "evidence", "version", "updated_by"]


def _write(
    assessment: Assessment,
    user: User | None,
    bank: Bank,
    changes: Mapping[QRef, AnswerValue],
    before: Mapping[QRef, StoredAnswer],
) -> dict[QRef, StoredAnswer]:
    """One upsert of the changed answers, their history rows, and the assessment's revision."""
    ids = question_ids(bank)
    now = timezone.now()
    rows = {
        ref: _row(assessment, user, ids[ref], value, before.get(ref))
        for ref, value in changes.items()
    }
    Answer.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["assessment", "question"],
        update_fields=[*UPDATED_FIELDS, "updated_at"],
    )
    new = [row for ref, row in rows.items() if ref not in before]
    changed = [row for ref, row in rows.items() if ref in before]
    for created, update in ((new, False), (changed, True)):
        if created:
            Answer.history.bulk_history_create(
                created, update=update, default_user=user, default_date=now
            )
    Assessment.objects.filter(pk=assessment.pk).update(revision=F("revision") + 1, updated_at=now)
    who = user.get_username() if user else ""
    return {
        ref: StoredAnswer(changes[ref], row.version, who, row.updated_at)
        for ref, row in rows.items()
    }


def _row(
    assessment: Assessment,
    user: User | None,
    question_id: int,
    value: AnswerValue,
    stored: StoredAnswer | None,
) -> Answer:
    return Answer(
        assessment=assessment,
        question_id=question_id,
        choices=list(value.choices),
        text=value.text,
        note=value.note,
        reason=value.reason,
        evidence=list(value.evidence),
        version=(stored.version if stored else 0) + 1,
        updated_by=user,
    )
