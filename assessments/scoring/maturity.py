"""Maturity scores: question, section and framework scores, and the coverage of each risk.

Section score = weighted mean of the fractions (points / max points) of its applicable,
answered, scored questions; "Not applicable" leaves numerator and denominator, "Don't know"
counts 0. Framework score = weighted mean of the sections that have a score.
"""

from __future__ import annotations

from collections.abc import Mapping

from .applicability import Applicability
from .numbers import weighted_mean
from .results import (
    DONT_KNOW_STATUS,
    HIDDEN,
    NOT_APPLICABLE_STATUS,
    SCORED,
    UNANSWERED,
    UNSCORED,
    QuestionScore,
    RiskResult,
    SectionResult,
)
from .types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Answers,
    BankFramework,
    BankQuestion,
    BankSection,
    QRef,
    answer_fraction,
    answer_meaning,
)


def question_score(question: BankQuestion, answers: Answers, applies: bool) -> QuestionScore:
    """How one question counts in its section."""
    answer = answers.get(question.ref)
    meaning = answer_meaning(question, answer)
    if not applies:
        status = HIDDEN
    elif not question.is_scored:
        status = UNSCORED
    elif meaning is None:
        status = UNANSWERED
    elif meaning == NOT_APPLICABLE:
        status = NOT_APPLICABLE_STATUS
    elif meaning == DONT_KNOW:
        status = DONT_KNOW_STATUS
    else:
        status = SCORED
    counted = status in (SCORED, DONT_KNOW_STATUS)
    fraction = answer_fraction(question, answer) if counted else None
    return QuestionScore(question.key, question.weight, status, fraction)


def section_result(
    section: BankSection, answers: Answers, applicability: Applicability
) -> SectionResult:
    scores = tuple(
        question_score(q, answers, applicability.applies(q.ref)) for q in section.questions
    )
    applicable = [q for q in section.questions if applicability.applies(q.ref)]
    answered = [q for q in applicable if answer_meaning(q, answers.get(q.ref)) is not None]
    fraction = weighted_mean((s.weight, s.fraction) for s in scores if s.fraction is not None)
    return SectionResult(
        key=section.key,
        title=section.title,
        weight=section.weight,
        fraction=fraction,
        answered=len(answered),
        applicable=len(applicable),
        questions=scores,
    )


def framework_fraction(sections: tuple[SectionResult, ...]) -> float | None:
    return weighted_mean((s.weight, s.fraction) for s in sections if s.fraction is not None)


def risk_results(
    framework: BankFramework, scores: Mapping[QRef, QuestionScore]
) -> tuple[RiskResult, ...]:
    """Coverage of each risk in rules.risks by the applicable questions tagged risk:<key>."""
    results = []
    for risk in framework.rules.get("risks", []):
        linked = [
            q
            for q in framework.questions
            if risk["key"] in q.tag_values("risk") and scores[q.ref].status != HIDDEN
        ]
        linked_scores = [scores[q.ref] for q in linked]
        counted = [s for s in linked_scores if s.fraction is not None]
        fraction = weighted_mean((s.weight, s.fraction) for s in counted if s.fraction is not None)
        pending = any(s.status == UNANSWERED for s in linked_scores)
        results.append(
            RiskResult(
                key=risk["key"],
                label=risk["label"],
                questions=tuple(q.key for q in linked),
                answered=sum(1 for s in linked_scores if s.status not in (UNANSWERED, UNSCORED)),
                fraction=fraction,
                coverage=_coverage(fraction, pending),
            )
        )
    return tuple(results)


def _coverage(fraction: float | None, pending: bool) -> str:
    if fraction is None:
        return "unknown"
    if fraction >= 1 and not pending:
        return "full"
    if fraction <= 0:
        return "none"
    return "partial"
