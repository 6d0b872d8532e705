"""The questionnaire: one page per section, and one autosave request per answer."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.forms import AnswerForm
from assessments.models import Answer, Assessment, Source
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
    AnswerRejected,
)

from .common import login_required_htmx, remember_organisation
from .questions import (
    QuestionItem,
    answer_url_prefix,
    dom_id,
    flat_sections,
    navigator,
    question_item,
    reference_tags,
    render_question,
    source_keys,
)
from .saving import SaveOutcome, as_value, conflict_of, record_answer, section_save, value_of

TEMPLATE = "assessments/section_detail.html"


def find_section(bank: Bank, framework: str, section: str) -> tuple[BankFramework, BankSection]:
    """The framework and section of the pinned bank; Http404 for keys it does not have."""
    for fw in bank.frameworks:
        if fw.key == framework:
            for sec in fw.sections:
                if sec.key == section:
                    return fw, sec
    raise Http404


def can_edit(assessment: Assessment) -> bool:
    """Owners and assessors change a draft; nobody changes a submitted assessment."""
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
        "refused": [i for i in items if i.conflict or any(i.errors.values())],
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
        answer = record_answer(assessment, request.user, question, form)
    except AnswerRejected as exc:
        return _refused("choices", exc.messages[0])
    except AnswerConflict as exc:
        return _conflict_fragment(request, bank, ref, exc.current, as_value(given))
    return _saved_fragment(request, assessment, bank, ref, states, answer)


def _refused(field_name: str, message: str) -> HttpResponse:
    response = HttpResponse(message, status=HTTPStatus.BAD_REQUEST, content_type="text/plain")
    response["GovCheck-Error-Field"] = field_name
    return response


def _conflict_fragment(
    request: HttpRequest, bank: Bank, ref: QRef, current: Answer, yours: AnswerValue
) -> HttpResponse:
    context = {"conflict": conflict_of(bank, ref, current, yours), "item": {"dom_id": dom_id(ref)}}
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
    states = {**states, ref: AnswerState(value_of(answer), answer.version)}
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
        "shown": sum(1 for q in changed if after.applies(q.ref)),
        "hidden": sum(1 for q in changed if not after.applies(q.ref)),
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
