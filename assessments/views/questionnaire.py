"""The questionnaire: one page per section, and one autosave request per answer.

Views parse, call the answer service (assessments/services/answers.py) and render; what may be
stored, and what is a conflict, is decided there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessments.forms import answer_edit_from_post, answer_name, answer_typed
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.scoring.types import AnswerValue, Bank, BankFramework, BankSection, QRef
from assessments.selectors import (
    AssessmentAccess,
    StoredAnswer,
    assessment_access_for_user,
    bank_for_assessment,
    reference_data,
    stored_answers_for_assessment,
)
from assessments.services.answers import AnswerRejected, Recorded, answers_record

from .common import login_required_htmx, remember_organisation
from .questions import (
    Conflict,
    QuestionItem,
    answer_url_prefix,
    citations_for,
    conflict_of,
    flat_sections,
    navigator,
    question_item,
    reference_tags,
    render_conflict,
    render_questions,
)

TEMPLATE = "assessments/section_detail.html"


@dataclass(frozen=True)
class Refused:
    """An answer of a section save that was not stored, shown again as it was typed."""

    typed: AnswerValue
    version: int
    field: str = "choices"
    message: str = ""
    conflict: Conflict | None = None


def find_section(bank: Bank, framework: str, section: str) -> tuple[BankFramework, BankSection]:
    """The framework and section of the pinned bank; Http404 for keys it does not have."""
    for fw in bank.frameworks:
        if fw.key == framework:
            for sec in fw.sections:
                if sec.key == section:
                    return fw, sec
    raise Http404


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# The section page ---------------------------------------------------------------------------


@login_required_htmx
@require_http_methods(["GET", "POST"])
def section_detail(request: HttpRequest, pk: int, framework: str, section: str) -> HttpResponse:
    """A section of the questionnaire; POST saves the whole section (the page without JS)."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    remember_organisation(request, access.assessment.organisation)
    bank = bank_for_assessment(access.assessment)
    fw, sec = find_section(bank, framework, section)
    refused: dict[QRef, Refused] = {}
    if request.method == "POST":
        access.require_edit()
        recorded, refused = _section_save(request, access, bank, sec)
        if not refused:
            return _after_save(request, access, framework, section)
        messages.error(request, _refused_message(len(recorded.saved), len(refused)))
    context = section_context(access, bank, fw, sec, refused=refused)
    return render(request, TEMPLATE, context)


def _section_save(
    request: HttpRequest, access: AssessmentAccess, bank: Bank, section: BankSection
) -> tuple[Recorded, dict[QRef, Refused]]:
    """Every answer of the section in one write; what was refused, as typed, with the reason."""
    edits, refused = [], {}
    sent = {name.rsplit("-", 1)[0] for name in request.POST}
    for question in section.questions:
        if answer_name(question.ref) not in sent:
            continue  # not on the page (it did not apply): its stored answer stays as it is
        try:
            edits.append(answer_edit_from_post(request.POST, question=question))
        except AnswerRejected as exc:
            typed = answer_typed(request.POST, question)
            refused[question.ref] = Refused(typed, 0, exc.field, exc.messages[0])
    recorded = answers_record(
        assessment=access.assessment, user=_user(request), edits=edits, bank=bank
    )
    for edit in edits:
        if edit.ref in recorded.refused:
            why = recorded.refused[edit.ref]
            refused[edit.ref] = Refused(edit.value, edit.base_version or 0, why.field, why.message)
        elif edit.ref in recorded.conflicts:
            theirs = recorded.conflicts[edit.ref]
            conflict = conflict_of(bank.question(edit.ref), theirs, edit.value)
            refused[edit.ref] = Refused(edit.value, theirs.version, conflict=conflict)
    return recorded, refused


def _refused_message(saved: int, refused: int) -> str:
    return (
        f"{saved} answer(s) saved; {refused} could not be saved. "
        "Each is marked below with the reason."
    )


def _after_save(
    request: HttpRequest, access: AssessmentAccess, framework: str, section: str
) -> HttpResponse:
    messages.success(request, "Your answers in this section are saved.")
    target = request.POST.get("then", "")
    if target.startswith(f"/assessments/{access.assessment.pk}/") and "//" not in target:
        return redirect(target)
    return redirect("section_detail", access.assessment.pk, framework, section)


def section_context(
    access: AssessmentAccess,
    bank: Bank,
    framework: BankFramework,
    section: BankSection,
    *,
    refused: Mapping[QRef, Refused],
) -> dict[str, Any]:
    """Everything the section page shows, in a constant number of queries."""
    assessment = access.assessment
    stored = stored_answers_for_assessment(assessment)
    answers = {ref: s.value for ref, s in stored.items()}
    applicability = evaluate_applicability(bank, answers)
    done = progress(bank, answers, applicability)
    nav = navigator(assessment, bank, done, (framework.key, section.key))
    sections = flat_sections(nav)
    index = next(i for i, s in enumerate(sections) if s.current)
    items = section_items(section, stored, applicability.applicable, refused)
    first = next((i.dom_id for i in items if i.applicable), "main")
    return {
        "assessment": assessment,
        "access": access,
        "framework": framework,
        "section": section,
        "items": items,
        "questions": render_questions(items, can_edit=access.can_edit, path=sections[index].url),
        "skip_to": first,
        "navigator": nav,
        "progress": done,
        "section_progress": done.section(framework.key, section.key),
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        "can_edit": access.can_edit,
        "answer_url": answer_url_prefix(assessment),
        "refused": [i for i in items if i.refused],
    }


def section_items(
    section: BankSection,
    stored: Mapping[QRef, StoredAnswer],
    applicable: frozenset[QRef],
    refused: Mapping[QRef, Refused] | None = None,
) -> list[QuestionItem]:
    """The section's questions with their answers (as typed, where refused), numbered among
    those that apply, with their citations and reference data: two queries at most."""
    questions = section.questions
    citations = citations_for(questions)
    tags = reference_tags(questions)
    reference = reference_data(tags=tags, on=timezone.localdate()) if tags else {}
    if reference:  # the negative list is judged for the jurisdictions the profile names
        chosen = stored.get(("profile", "jurisdictions"))
        reference["selected_jurisdictions"] = chosen.value.choices if chosen else None
    refused = refused or {}
    items, number = [], 0
    for question in questions:
        applies = question.ref in applicable
        number += applies
        shown = refused.get(question.ref)
        state = StoredAnswer(shown.typed, shown.version) if shown else stored.get(question.ref)
        item = question_item(
            question,
            number=number if applies else None,
            stored=state,
            applicable=applies,
            citations=citations,
            reference=reference,
        )
        if shown and shown.message:
            item.refuse(shown.field, shown.message)
        if shown:
            item.conflict = shown.conflict
        items.append(item)
    return items


# One answer at a time: the autosave -------------------------------------------------------


@login_required_htmx
@require_http_methods(["GET", "POST"])
def answer_update(request: HttpRequest, pk: int, framework: str, key: str) -> HttpResponse:
    """POST saves one answer and returns its status with out-of-band updates of progress and
    of the questions whose applicability changed; GET returns the question as stored."""
    access = assessment_access_for_user(user=request.user, pk=pk)
    bank = bank_for_assessment(access.assessment)
    ref = (framework, key)
    if not bank.has(ref):
        raise Http404
    if request.method != "POST":
        return _question_fragment(access, bank, ref)
    access.require_edit()
    try:
        edit = answer_edit_from_post(request.POST, question=bank.question(ref), unconfirmed=True)
    except AnswerRejected as exc:
        return _refused(exc.field, exc.messages[0])
    recorded = answers_record(
        assessment=access.assessment, user=_user(request), edits=[edit], bank=bank
    )
    if ref in recorded.refused:
        return _refused(recorded.refused[ref].field, recorded.refused[ref].message)
    if ref in recorded.conflicts:
        return _conflict_fragment(request, bank, ref, recorded.conflicts[ref], edit.value)
    return _saved_fragment(request, access, bank, ref, recorded)


def _refused(field_name: str, message: str) -> HttpResponse:
    response = HttpResponse(message, status=HTTPStatus.BAD_REQUEST, content_type="text/plain")
    response["GovCheck-Error-Field"] = field_name
    return response


def _conflict_fragment(
    request: HttpRequest, bank: Bank, ref: QRef, theirs: StoredAnswer, yours: AnswerValue
) -> HttpResponse:
    conflict = conflict_of(bank.question(ref), theirs, yours)
    html = render_conflict(conflict, ref=ref, path=request.path)
    response = HttpResponse(html, status=HTTPStatus.CONFLICT)
    response["GovCheck-Answer-Version"] = str(theirs.version)
    return response


def _saved_fragment(
    request: HttpRequest, access: AssessmentAccess, bank: Bank, ref: QRef, recorded: Recorded
) -> HttpResponse:
    before = evaluate_applicability(bank, {r: s.value for r, s in recorded.before.items()})
    answers = {r: s.value for r, s in recorded.after.items()}
    after = evaluate_applicability(bank, answers)
    question = bank.question(ref)
    framework, section = find_section(bank, question.framework, question.section)
    done = progress(bank, answers, after)
    changed = {q.ref for q in section.questions if before.applies(q.ref) != after.applies(q.ref)}
    items = section_items(section, recorded.after, after.applicable) if changed else []
    context = {
        "assessment": access.assessment,
        "navigator": navigator(access.assessment, bank, done, (framework.key, section.key)),
        "progress": done,
        "changed": render_questions(
            [i for i in items if i.question.ref in changed], can_edit=True, oob=True
        ),
        "oob": True,
        "shown": sum(1 for r in changed if after.applies(r)),
        "hidden": sum(1 for r in changed if not after.applies(r)),
    }
    response = render(request, f"{TEMPLATE}#autosave", context)
    stored = recorded.after.get(ref)
    response["GovCheck-Answer-Version"] = str(stored.version if stored else 0)
    return response


def _question_fragment(access: AssessmentAccess, bank: Bank, ref: QRef) -> HttpResponse:
    stored = stored_answers_for_assessment(access.assessment)
    applicable = evaluate_applicability(bank, {r: s.value for r, s in stored.items()}).applicable
    question = bank.question(ref)
    _framework, section = find_section(bank, question.framework, question.section)
    items = section_items(section, stored, applicable)
    item = next(i for i in items if i.question.ref == ref)
    return HttpResponse(render_questions([item], can_edit=access.can_edit))
