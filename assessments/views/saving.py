"""Saving answers from the questionnaire: a whole section at once (the page without
JavaScript), and one answer whose earlier, unacknowledged writes are not taken for conflicts."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.http import QueryDict

from assessments.forms import AnswerForm
from assessments.models import Answer, Assessment, Question
from assessments.scoring.types import AnswerValue, Bank, BankSection, QRef
from assessments.selectors import answer_states_for_assessment, question_for_assessment
from assessments.services.assessments import (
    AnswerConflict,
    AnswerInput,
    AnswerRejected,
    answer_clean,
    answer_record,
)

from .questions import choice_labels


@dataclass
class Conflict:
    """Someone else's newer answer beside the one this person tried to save."""

    version: int
    by: str
    when: Any
    theirs: list[str]
    theirs_value: AnswerValue
    yours: list[str]
    yours_value: AnswerValue


@dataclass
class SaveOutcome:
    """What a whole-section save refused: field errors and conflicts, by question."""

    errors: dict[QRef, dict[str, str]] = field(default_factory=dict)
    conflicts: dict[QRef, Conflict] = field(default_factory=dict)
    given: dict[QRef, tuple[AnswerValue, int]] = field(default_factory=dict)
    saved: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


def value_of(answer: Answer) -> AnswerValue:
    """A stored answer as plain data."""
    return AnswerValue(
        tuple(answer.choices), answer.text, answer.note, answer.reason, tuple(answer.evidence)
    )


def conflict_of(bank: Bank, ref: QRef, current: Answer, yours: AnswerValue) -> Conflict:
    """Both answers, labelled, for the person to choose between."""
    question = bank.question(ref)
    by = current.updated_by.get_username() if current.updated_by else "Someone"
    return Conflict(
        version=current.version,
        by=by,
        when=current.updated_at,
        theirs=choice_labels(question, current.choices) or [current.text],
        theirs_value=value_of(current),
        yours=choice_labels(question, yours.choices) or [yours.text],
        yours_value=yours,
    )


# The whole section at once: the page without JavaScript -------------------------------------


def section_save(
    *, assessment: Assessment, user: User, section: BankSection, data: QueryDict, bank: Bank
) -> SaveOutcome:
    """Save every answer of the section that was given; report the ones refused."""
    outcome = SaveOutcome()
    states = answer_states_for_assessment(assessment)
    for bank_question in section.questions:
        ref = bank_question.ref
        form = AnswerForm(data, question=bank_question)
        if ref not in states and form.is_empty:
            continue
        _save_one(assessment, user, form, outcome, bank)
    return outcome


def _save_one(
    assessment: Assessment, user: User, form: AnswerForm, outcome: SaveOutcome, bank: Bank
) -> None:
    ref = form.question.ref
    if not form.is_valid():
        name, message = form.first_error()
        outcome.errors[ref] = {name: message}
        outcome.given[ref] = (_raw_value(form), _raw_version(form))
        return
    given = form.answer_input()
    question = question_for_assessment(assessment=assessment, framework=ref[0], key=ref[1])
    yours = AnswerValue(
        tuple(given.choices), given.text, given.note, given.reason, tuple(given.evidence)
    )
    try:
        answer_record(
            assessment=assessment,
            user=user,
            question=question,
            given=given,
            base_version=form.base_version,
        )
    except AnswerRejected as exc:
        outcome.errors[ref] = {"choices": exc.messages[0]}
        outcome.given[ref] = (yours, form.base_version or 0)
    except AnswerConflict as exc:
        outcome.conflicts[ref] = conflict_of(bank, ref, exc.current, yours)
        outcome.given[ref] = (yours, exc.current.version)
    else:
        outcome.saved += 1


def _raw_value(form: AnswerForm) -> AnswerValue:
    """What was typed, as typed, to show it again beside the error."""
    get = form.data.get
    evidence = tuple(get(form.add_prefix("evidence"), "").splitlines())
    return AnswerValue(
        tuple(form.raw_choices()),
        get(form.add_prefix("text"), ""),
        get(form.add_prefix("note"), ""),
        get(form.add_prefix("reason"), ""),
        evidence,
    )


def _raw_version(form: AnswerForm) -> int:
    try:
        return int(form.data.get(form.add_prefix("version"), 0))
    except ValueError:
        return 0


MAX_UNCONFIRMED = 5


def record_answer(
    assessment: Assessment, user: User, question: Question, form: AnswerForm
) -> Answer:
    """answer_record, except that a "conflict" with a write this same page sent earlier, whose
    reply never arrived (the tab closed, the network dropped), is not a conflict."""
    given = form.answer_input()
    record = functools.partial(
        answer_record, assessment=assessment, user=user, question=question, given=given
    )
    try:
        return record(base_version=form.base_version)
    except AnswerConflict as exc:
        if not _sent_earlier(form, question, exc.current):
            raise
        return record(base_version=exc.current.version)


def _sent_earlier(form: AnswerForm, question: Question, current: Answer) -> bool:
    """Whether the stored answer is one of the values this page sent without a reply; the page
    lists them, as [[field, value], ...] lists, in the field 'unconfirmed'."""
    try:
        sent = json.loads(form.post.get("unconfirmed", "[]"))[-MAX_UNCONFIRMED:]
    except ValueError:
        return False
    stored = value_of(current)
    options = list(question.options.all())
    for pairs in sent if isinstance(sent, list) else []:
        earlier = AnswerForm(_query_dict(pairs), question=form.question)
        if not earlier.is_valid():
            continue
        try:
            value = answer_clean(question=question, options=options, given=earlier.answer_input())
        except AnswerRejected:
            continue
        if as_value(value) == stored:
            return True
    return False


def _query_dict(pairs: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list) and len(pair) == 2:
            data.appendlist(str(pair[0]), str(pair[1]))
    return data


def as_value(given: AnswerInput) -> AnswerValue:
    """An answer as given, as plain data."""
    return AnswerValue(
        tuple(given.choices), given.text, given.note, given.reason, tuple(given.evidence)
    )
