"""Gaps, "Don't know" answers and unanswered questions.

A gap is an applicable, scored question answered below full marks ("Don't know" included);
its priority is weight x shortfall (1 - fraction). Critical gaps come first: gate-blocking
(a safeguard blocking a gate) and permit-related ones; then by priority, then asking order.
"""

from __future__ import annotations

from collections.abc import Mapping

from .applicability import Applicability
from .numbers import rounded_priority, rounded_shortfall
from .results import (
    DONT_KNOW_STATUS,
    GATE_BLOCKING,
    PERMIT_RELATED,
    SCORED,
    Gap,
    Listed,
    QuestionScore,
    ShownAnswer,
)
from .tiers import is_permit_related
from .types import (
    DONT_KNOW,
    Answers,
    Bank,
    BankQuestion,
    QRef,
    answer_meaning,
    selected_options,
)


def why_critical(question: BankQuestion, blocking: frozenset[QRef]) -> str:
    if question.ref in blocking:
        return GATE_BLOCKING
    if is_permit_related(question):
        return PERMIT_RELATED
    return ""


def shown_answer(question: BankQuestion, answers: Answers) -> ShownAnswer:
    answer = answers.get(question.ref)
    if answer is None:
        return ShownAnswer()
    return ShownAnswer(
        choices=tuple(o.label for o in selected_options(question, answer)),
        text=answer.text,
        note=answer.note,
        reason=answer.reason,
        evidence=answer.evidence,
    )


def find_gaps(
    bank: Bank,
    answers: Answers,
    scores: Mapping[QRef, QuestionScore],
    blocking: frozenset[QRef],
) -> tuple[Gap, ...]:
    gaps = []
    order = {q.ref: i for i, q in enumerate(bank.questions)}
    for question in bank.questions:
        score = scores.get(question.ref)
        if score is None or score.status not in (SCORED, DONT_KNOW_STATUS):
            continue
        fraction = score.fraction or 0.0
        if fraction >= 1:
            continue
        shortfall = 1.0 - fraction
        gaps.append(
            Gap(
                framework=question.framework,
                question=question.key,
                section=question.section,
                text=question.text,
                weight=question.weight,
                shortfall=rounded_shortfall(shortfall),
                priority=rounded_priority(question.weight * shortfall),
                why_critical=why_critical(question, blocking),
                dont_know=score.status == DONT_KNOW_STATUS,
                answer=shown_answer(question, answers),
                remediation=question.remediation,
                source=question.source,
                quote=question.quote,
                supporting=question.supporting,
                basis=question.basis,
                finding=question.finding,
            )
        )
    gaps.sort(key=lambda g: (not g.critical, -g.priority, order[(g.framework, g.question)]))
    return tuple(gaps)


def dont_know_answers(
    bank: Bank, answers: Answers, applicability: Applicability
) -> tuple[Listed, ...]:
    """Every applicable question answered "Don't know", scored or not."""
    return tuple(
        Listed(q.framework, q.key, q.text, q.required, q.section)
        for q in bank.questions
        if applicability.applies(q.ref) and answer_meaning(q, answers.get(q.ref)) == DONT_KNOW
    )


def unanswered_questions(
    bank: Bank, answers: Answers, applicability: Applicability
) -> tuple[Listed, ...]:
    """Every applicable question without an answer, the profile's included."""
    return tuple(
        Listed(q.framework, q.key, q.text, q.required, q.section)
        for q in bank.questions
        if applicability.applies(q.ref) and answer_meaning(q, answers.get(q.ref)) is None
    )
