"""Which questions apply, and what the screening answers set: tier, overlays, safety level.

One pass in asking order: the profile first, then each framework's questions by position.
A question applies when its condition holds and, for a gate framework, when the required
safety level has reached the level from which it is required.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import evaluate, resolve_ref
from .types import Answers, Bank, BankFramework, BankQuestion, QRef, selected_options


@dataclass(frozen=True, slots=True)
class Trigger:
    """One selected option whose effect set a tier, an overlay or a level."""

    question: QRef
    option: str
    effect: str  # "tier", "overlay" or "level"
    value: Any


@dataclass(frozen=True, slots=True)
class Derived:
    tier: str | None
    overlays: frozenset[str]
    level: int | None
    settled: bool  # every applicable screening question is answered
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True)
class Applicability:
    applicable: frozenset[QRef]
    derived: Mapping[str, Derived]

    def applies(self, ref: QRef) -> bool:
        return ref in self.applicable


def sets_effects(question: BankQuestion) -> bool:
    return any(option.effects for option in question.options)


def derive(
    framework: BankFramework, answers: Answers, applicable: set[QRef] | frozenset[QRef]
) -> Derived:
    """Tier, overlays and level from the applicable, answered screening questions."""
    rules = framework.rules
    triggers: list[Trigger] = []
    settled = True
    for question in framework.screening:
        if question.ref not in applicable:
            continue
        chosen = selected_options(question, answers.get(question.ref))
        if not chosen:
            settled = False
        for option in chosen:
            for effect, value in option.effects.items():
                triggers.append(Trigger(question.ref, option.key, effect, value))
    tier: str | None = None
    if framework.kind == "tier":
        order = [t["key"] for t in rules.get("tiers", [])]
        candidates = {t.value for t in triggers if t.effect == "tier"}
        ranked = [key for key in order if key in candidates]
        if ranked:
            tier = ranked[0]
        elif settled:
            tier = rules.get("default_tier")
    level: int | None = None
    if framework.kind == "gate":
        levels = [int(t.value) for t in triggers if t.effect == "level"]
        level = max([int(rules.get("default_level", 1)), *levels])
    overlays = frozenset(str(t.value) for t in triggers if t.effect == "overlay")
    return Derived(tier, overlays, level, settled, tuple(triggers))


def evaluate_applicability(bank: Bank, answers: Answers) -> Applicability:
    """Walk the bank in asking order and decide, for each question, whether it applies."""
    applicable: set[QRef] = set()
    derived: dict[str, Derived] = {}
    for framework in bank.frameworks:
        _walk_framework(framework, answers, applicable)
        derived[framework.key] = derive(framework, answers, applicable)
    return Applicability(frozenset(applicable), derived)


def _walk_framework(framework: BankFramework, answers: Answers, applicable: set[QRef]) -> None:
    def choices_of_key(key: str) -> tuple[str, ...] | None:
        ref = resolve_ref(key, framework.key)
        answer = answers.get(ref)
        if ref not in applicable or answer is None or not answer.is_given:
            return None
        return answer.choices

    # Derived values change only when a question that sets effects joins the applicable set,
    # so they are computed once per such change rather than once per question.
    memo: list[tuple[str | None, frozenset[str], int | None]] = []
    screening = framework.screening_refs

    def derived_now() -> tuple[str | None, frozenset[str], int | None]:
        # Validation guarantees every screening question precedes the first use of this.
        if not memo:
            now = derive(framework, answers, applicable)
            memo.append((now.tier, now.overlays, now.level))
        return memo[0]

    for question in framework.questions:
        holds = question.condition is None or evaluate(
            question.condition, choices_of=choices_of_key, derived=derived_now
        )
        if holds and question.required_level is not None:
            level = derived_now()[2]
            holds = level is not None and level >= question.required_level
        if holds:
            applicable.add(question.ref)
            if question.ref in screening:
                memo.clear()
