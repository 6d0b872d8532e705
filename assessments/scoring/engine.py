"""The one entry point: score(bank, answers) -> Results."""

from __future__ import annotations

from .applicability import Applicability, evaluate_applicability
from .gaps import dont_know_answers, find_gaps, unanswered_questions
from .gates import gates_result
from .maturity import framework_counts, framework_fraction, risk_results, section_result
from .numbers import enough_answered, mean
from .progress import progress
from .results import CitedSource, FrameworkResult, QuestionScore, Results
from .tiers import tier_result
from .types import GATE, PROFILE, TIER, Answers, Bank, BankFramework, QRef


def score(bank: Bank, answers: Answers) -> Results:
    """Scores, tier, gates, gaps and their explanations for one assessment's answers.

    Answers to questions that do not apply are kept by the caller but play no part here, not
    even in the changes an explanation tries, so they cannot change any result."""
    applicability = evaluate_applicability(bank, answers)
    answers = {ref: a for ref, a in answers.items() if applicability.applies(ref)}
    frameworks = tuple(
        framework_result(bank, f, answers, applicability)
        for f in bank.frameworks
        if f.kind != PROFILE
    )
    scores: dict[QRef, QuestionScore] = {
        (f.key, q.key): q for f in frameworks for s in f.sections for q in s.questions
    }
    complete = all(f.complete for f in frameworks)
    return Results(
        fraction=mean(f.fraction for f in frameworks if f.fraction is not None)
        if complete
        else None,
        progress=progress(bank, answers, applicability),
        frameworks=frameworks,
        gaps=find_gaps(bank, answers, scores, blocking_refs(frameworks)),
        dont_know=dont_know_answers(bank, answers, applicability),
        unanswered=unanswered_questions(bank, answers, applicability),
        sources=tuple(CitedSource(key) for key in cited_sources(bank, applicability, frameworks)),
    )


def framework_result(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> FrameworkResult:
    sections = tuple(section_result(s, answers, applicability) for s in framework.sections)
    scores = {(framework.key, q.key): q for s in sections for q in s.questions}
    answered, applicable = framework_counts(sections)
    return FrameworkResult(
        key=framework.key,
        name=framework.name,
        kind=framework.kind,
        version=framework.version,
        fraction=framework_fraction(sections),
        sections=sections,
        risks=risk_results(framework, scores),
        tier=(
            tier_result(bank, framework, answers, applicability) if framework.kind == TIER else None
        ),
        gates=(
            gates_result(bank, framework, answers, applicability)
            if framework.kind == GATE
            else None
        ),
        answered=answered,
        applicable=applicable,
        complete=enough_answered(answered, applicable),
        standing=framework.standing,
        standing_note=framework.standing_note,
    )


def blocking_refs(frameworks: tuple[FrameworkResult, ...]) -> frozenset[QRef]:
    return frozenset(
        (f.key, key)
        for f in frameworks
        if f.gates is not None
        for gate in f.gates.gates
        for key in gate.blocking
    )


def cited_sources(
    bank: Bank, applicability: Applicability, frameworks: tuple[FrameworkResult, ...]
) -> tuple[str, ...]:
    """Every source the results cite: frameworks, applicable questions, explanations."""
    keys: list[str] = [f.source for f in bank.frameworks]
    for question in bank.questions:
        if applicability.applies(question.ref):
            keys.append(question.source)
            keys.extend(question.supporting)
    for result in frameworks:
        explanations = []
        if result.tier is not None:
            explanations.append(result.tier.explanation)
        if result.gates is not None:
            explanations.append(result.gates.level_explanation)
            explanations.extend(g.explanation for g in result.gates.gates)
        for explanation in explanations:
            keys.extend(explanation.sources)
    return tuple(dict.fromkeys(k for k in keys if k))
