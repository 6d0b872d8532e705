"""Maturity scores: question, section and framework scores, and the coverage of each risk.

Section score = weighted mean of the fractions (points / max points) of its applicable,
answered, scored questions; "Not applicable" leaves numerator and denominator, "Don't know"
counts 0. Framework score = weighted mean of the sections that have a score.
"""

from __future__ import annotations

from collections.abc import Mapping

from .applicability import Applicability
from .numbers import enough_answered, weighted_mean
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
    applicable = [s for s in scores if s.status not in (HIDDEN, UNSCORED)]
    answered = [s for s in applicable if s.status != UNANSWERED]
    fraction = weighted_mean((s.weight, s.fraction) for s in scores if s.fraction is not None)
    return SectionResult(
        key=section.key,
        title=section.title,
        weight=section.weight,
        fraction=fraction,
        answered=len(answered),
        applicable=len(applicable),
        questions=scores,
        complete=enough_answered(len(answered), len(applicable)),
    )


def framework_fraction(sections: tuple[SectionResult, ...]) -> float | None:
    """Weighted mean of the scored sections' scores so far (shown only once complete)."""
    return weighted_mean(
        (s.weight, s.fraction) for s in sections if s.weight > 0 and s.fraction is not None
    )


def framework_counts(sections: tuple[SectionResult, ...]) -> tuple[int, int]:
    """(answered, applicable) scored questions behind the framework score."""
    scored = [s for s in sections if s.weight > 0]
    return sum(s.answered for s in scored), sum(s.applicable for s in scored)


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
        scored = [s for s in linked_scores if s.status != UNSCORED]
        answered = sum(1 for s in scored if s.status != UNANSWERED)
        results.append(
            RiskResult(
                key=risk["key"],
                label=risk["label"],
                questions=tuple(q.key for q in linked),
                answered=answered,
                fraction=fraction,
                coverage=coverage_band(fraction, answered, len(scored)),
            )
        )
    return tuple(results)


# Coverage bands (docs/scoring.md, "Risk coverage"): the lowest score of each band, in percent.
COVERAGE_BANDS = (("substantial", 70.0), ("partial", 40.0), ("low", 0.0))


def coverage_band(fraction: float | None, answered: int, applicable: int) -> str:
    """none, low, partial, substantial or full; unknown until enough linked questions count."""
    if fraction is None or not enough_answered(answered, applicable):
        return "unknown"
    score = 100 * fraction
    if score >= 100 and answered == applicable:
        return "full"
    if score <= 0:
        return "none"
    return next(band for band, lowest in COVERAGE_BANDS if score >= lowest)
