"""The questionnaire: one page per section, and one autosave request per answer."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.forms import AnswerForm
from assessments.models import Answer, Assessment, Question, Source
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.scoring.types import AnswerValue, Bank, BankFramework, BankSection, QRef
from assessments.selectors import (
    AnswerState,
    answer_states_for_assessment,
    assessment_get_for_user,
    bank_for_assessment,
    question_for_assessment,
    reference_data,
)
from assessments.services.assessments import (
    AnswerConflict,
    AnswerInput,
    AnswerRejected,
    answer_clean,
    answer_record,
)

from .common import login_required_htmx, remember_organisation
from .questions import (
    QuestionItem,
    answer_url_prefix,
    choice_labels,
    dom_id,
    flat_sections,
    navigator,
    question_item,
    reference_tags,
    render_question,
    source_keys,
)

TEMPLATE = "assessments/section_detail.html"


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


def find_section(bank: Bank, framework: str, section: str) -> tuple[BankFramework, BankSection]:
    for fw in bank.frameworks:
        if fw.key == framework:
            for sec in fw.sections:
                if sec.key == section:
                    return fw, sec
    raise Http404


def _value(answer: Answer) -> AnswerValue:
    return AnswerValue(
        tuple(answer.choices), answer.text, answer.note, answer.reason, tuple(answer.evidence)
    )


def _conflict(bank: Bank, ref: QRef, current: Answer, yours: AnswerValue) -> Conflict:
    question = bank.question(ref)
    by = current.updated_by.get_username() if current.updated_by else "Someone"
    return Conflict(
        version=current.version,
        by=by,
        when=current.updated_at,
        theirs=choice_labels(question, current.choices) or [current.text],
        theirs_value=_value(current),
        yours=choice_labels(question, yours.choices) or [yours.text],
        yours_value=yours,
    )


def can_edit(assessment: Assessment) -> bool:
    return bool(assessment.membership.can_edit) and not assessment.is_submitted  # type: ignore[attr-defined]


def section_context(
    assessment: Assessment,
    framework_key: str,
    section_key: str,
    *,
    outcome: SaveOutcome | None = None,
) -> dict[str, Any]:
    """Everything the section page shows, in a constant number of queries."""
    bank = bank_for_assessment(assessment)
    framework, section = find_section(bank, framework_key, section_key)
    states = answer_states_for_assessment(assessment)
    answers = {ref: s.value for ref, s in states.items()}
    applicability = evaluate_applicability(bank, answers)
    done = progress(bank, answers, applicability)
    nav = navigator(assessment, bank, done, (framework.key, section.key))
    items = _items(assessment, section, states, applicability.applicable, outcome)
    sections = flat_sections(nav)
    index = next(i for i, s in enumerate(sections) if s.current)
    return {
        "assessment": assessment,
        "framework": framework,
        "section": section,
        "items": items,
        "navigator": nav,
        "progress": done,
        "section_progress": done.section(framework.key, section.key),
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        "can_edit": can_edit(assessment),
        "answer_url": answer_url_prefix(assessment),
    }


def _items(
    assessment: Assessment,
    section: BankSection,
    states: dict[QRef, AnswerState],
    applicable: frozenset[QRef],
    outcome: SaveOutcome | None,
    *,
    oob: bool = False,
) -> list[QuestionItem]:
    questions = section.questions
    sources = {s.key: s for s in Source.objects.filter(key__in=source_keys(questions))}
    tags = reference_tags(questions)
    reference = reference_data(tags=tags, on=timezone.localdate()) if tags else {}
    editable = can_edit(assessment)
    items = []
    for number, question in enumerate(questions, start=1):
        state = states.get(question.ref)
        if outcome and question.ref in outcome.given:
            value, version = outcome.given[question.ref]
            state = AnswerState(value, version)
        item = question_item(
            question,
            number=number,
            state=state,
            applicable=question.ref in applicable,
            sources=sources,
            reference=reference,
        )
        if outcome:
            item.errors.update(outcome.errors.get(question.ref, {}))
            item.conflict = outcome.conflicts.get(question.ref)
        item.html = render_question(item, can_edit=editable, oob=oob)
        items.append(item)
    return items


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
        outcome.conflicts[ref] = _conflict(bank, ref, exc.current, yours)
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


@login_required_htmx
@require_http_methods(["GET", "POST"])
def section_detail(request: HttpRequest, pk: int, framework: str, section: str) -> HttpResponse:
    """A section of the questionnaire; POST saves the whole section (the page without JS)."""
    writing = request.method == "POST"
    assessment = assessment_get_for_user(user=request.user, pk=pk, write=writing)
    remember_organisation(request, assessment.organisation)
    outcome = None
    if writing:
        bank = bank_for_assessment(assessment)
        _fw, sec = find_section(bank, framework, section)
        assert isinstance(request.user, User)
        outcome = section_save(
            assessment=assessment, user=request.user, section=sec, data=request.POST, bank=bank
        )
        if outcome.ok:
            return _after_save(request, assessment, framework, section)
        messages.error(request, _refused_message(outcome))
    context = section_context(assessment, framework, section, outcome=outcome)
    return render(request, TEMPLATE, context)


def _refused_message(outcome: SaveOutcome) -> str:
    refused = len(outcome.errors) + len(outcome.conflicts)
    return (
        f"{outcome.saved} answer(s) saved; {refused} could not be saved. "
        "Each is marked below with the reason."
    )


def _after_save(
    request: HttpRequest, assessment: Assessment, framework: str, section: str
) -> HttpResponse:
    messages.success(request, "Your answers in this section are saved.")
    target = request.POST.get("then", "")
    if target.startswith(f"/assessments/{assessment.pk}/") and "//" not in target:
        return redirect(target)
    return redirect("section_detail", assessment.pk, framework, section)


# One answer at a time: the autosave -------------------------------------------------------------


@login_required_htmx
@require_http_methods(["GET", "POST"])
def answer_update(request: HttpRequest, pk: int, framework: str, key: str) -> HttpResponse:
    """POST saves one answer and returns its status with out-of-band updates of progress and
    of the questions whose applicability changed; GET returns the question as stored."""
    writing = request.method == "POST"
    assessment = assessment_get_for_user(user=request.user, pk=pk, write=writing)
    question = question_for_assessment(assessment=assessment, framework=framework, key=key)
    bank = bank_for_assessment(assessment)
    ref = (framework, key)
    states = answer_states_for_assessment(assessment)
    if not writing:
        return _question_fragment(request, assessment, bank, ref, states)
    form = AnswerForm(request.POST, question=bank.question(ref))
    if not form.is_valid():
        return _refused(*form.first_error())
    assert isinstance(request.user, User)
    given = form.answer_input()
    try:
        answer = _record(assessment, request.user, question, form)
    except AnswerRejected as exc:
        return _refused("choices", exc.messages[0])
    except AnswerConflict as exc:
        return _conflict_fragment(request, bank, ref, exc.current, _as_value(given))
    return _saved_fragment(request, assessment, bank, ref, states, answer)


MAX_UNCONFIRMED = 5


def _record(assessment: Assessment, user: User, question: Question, form: AnswerForm) -> Answer:
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
    stored = _value(current)
    options = list(question.options.all())
    for pairs in sent if isinstance(sent, list) else []:
        earlier = AnswerForm(_query_dict(pairs), question=form.question)
        if not earlier.is_valid():
            continue
        try:
            value = answer_clean(question=question, options=options, given=earlier.answer_input())
        except AnswerRejected:
            continue
        if _as_value(value) == stored:
            return True
    return False


def _query_dict(pairs: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, list) and len(pair) == 2:
            data.appendlist(str(pair[0]), str(pair[1]))
    return data


def _as_value(given: AnswerInput) -> AnswerValue:
    return AnswerValue(
        tuple(given.choices), given.text, given.note, given.reason, tuple(given.evidence)
    )


def _refused(field_name: str, message: str) -> HttpResponse:
    response = HttpResponse(message, status=HTTPStatus.BAD_REQUEST, content_type="text/plain")
    response["GovCheck-Error-Field"] = field_name
    return response


def _conflict_fragment(
    request: HttpRequest, bank: Bank, ref: QRef, current: Answer, yours: AnswerValue
) -> HttpResponse:
    context = {"conflict": _conflict(bank, ref, current, yours), "item": {"dom_id": dom_id(ref)}}
    response = render(request, f"{TEMPLATE}#conflict", context, status=HTTPStatus.CONFLICT)
    response["GovCheck-Answer-Version"] = str(current.version)
    return response


def _saved_fragment(
    request: HttpRequest,
    assessment: Assessment,
    bank: Bank,
    ref: QRef,
    states: dict[QRef, AnswerState],
    answer: Answer,
) -> HttpResponse:
    before = evaluate_applicability(bank, {r: s.value for r, s in states.items()})
    states = {**states, ref: AnswerState(_value(answer), answer.version)}
    answers = {r: s.value for r, s in states.items()}
    after = evaluate_applicability(bank, answers)
    framework, section = find_section(bank, *_section_of(bank, ref))
    done = progress(bank, answers, after)
    changed = [q for q in section.questions if before.applies(q.ref) != after.applies(q.ref)]
    context = {
        "assessment": assessment,
        "navigator": navigator(assessment, bank, done, (framework.key, section.key)),
        "progress": done,
        "changed": _changed_items(assessment, section, changed, states, after.applicable),
        "can_edit": True,
        "oob": True,
        "saved_at": answer.updated_at,
    }
    response = render(request, f"{TEMPLATE}#autosave", context)
    response["GovCheck-Answer-Version"] = str(answer.version)
    return response


def _changed_items(
    assessment: Assessment,
    section: BankSection,
    changed: list[Any],
    states: dict[QRef, AnswerState],
    applicable: frozenset[QRef],
) -> list[QuestionItem]:
    if not changed:
        return []
    refs = {q.ref for q in changed}
    items = _items(assessment, section, states, applicable, None, oob=True)
    return [item for item in items if item.question.ref in refs]


def _section_of(bank: Bank, ref: QRef) -> tuple[str, str]:
    question = bank.question(ref)
    return question.framework, question.section


def _question_fragment(
    request: HttpRequest,
    assessment: Assessment,
    bank: Bank,
    ref: QRef,
    states: dict[QRef, AnswerState],
) -> HttpResponse:
    answers = {r: s.value for r, s in states.items()}
    applicable = evaluate_applicability(bank, answers).applicable
    _framework, section = find_section(bank, *_section_of(bank, ref))
    items = _items(assessment, section, states, applicable, None)
    item = next(i for i in items if i.question.ref == ref)
    return HttpResponse(item.html)
