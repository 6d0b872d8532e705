"""When a verdict is determined: the screening behind a tier or level is answered, and whether
a gate applies at all (its `applies_when` in rules.gates, read from the profile).

A tier or required level is determined once every applicable question that could change it is
answered: its screening questions and every question their conditions read, transitively.
Answering more questions then never makes it undetermined again, because the answers it rests
on, and so which of those questions apply, stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .applicability import Applicability
from .conditions import evaluate, parse_condition, question_refs, resolve_ref
from .explanations import closure, setters
from .progress import is_answered
from .types import Answers, Bank, BankFramework


def screening_determined(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> bool:
    """Every applicable question that can move the framework's tier or level is answered."""
    screening = closure(bank, setters(bank, framework.key))
    return all(is_answered(q, answers) for q in screening.questions if applicability.applies(q.ref))


def gate_applies(
    bank: Bank,
    framework: BankFramework,
    entry: Mapping[str, Any],
    answers: Answers,
    applicability: Applicability,
) -> bool:
    """False only when the gate's `applies_when` is false on answered questions.

    While a question the condition reads is unanswered the gate is taken to apply, so a draft
    never shows a gate as not applicable on an answer nobody has given yet."""
    raw = entry.get("applies_when")
    if raw is None:
        return True
    condition = parse_condition(raw)
    refs = [resolve_ref(part.question, framework.key) for part in question_refs(condition)]
    if any(
        not bank.has(ref) or not applicability.applies(ref) or ref not in answers for ref in refs
    ) or not all(is_answered(bank.question(ref), answers) for ref in refs):
        return True

    def choices_of(key: str) -> tuple[str, ...] | None:
        answer = answers.get(resolve_ref(key, framework.key))
        return None if answer is None or not answer.is_given else answer.choices

    derived = applicability.derived[framework.key]
    return evaluate(
        condition,
        choices_of=choices_of,
        derived=lambda: (derived.tier, derived.overlays, derived.level),
    )
