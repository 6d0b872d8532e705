"""Pieces every explanation shares: the rule entry, the triggers shown, the sources cited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .applicability import Derived, sets_effects
from .outcome import TriggerShown
from .types import Answers, Bank, BankFramework, QRef
from .whatif import labels


def rule_entry(
    framework: BankFramework, name: str, key: Any, field: str = "key"
) -> Mapping[str, Any]:
    """The entry of rules[name] whose field equals key, or an empty mapping."""
    for entry in framework.rules.get(name, []):
        if isinstance(entry, Mapping) and entry.get(field) == key:
            return entry
    return {}


def effect_triggers(
    bank: Bank, answers: Answers, derived: Derived, effect: str, value: Any, wording: str
) -> list[TriggerShown]:
    """The selected options whose effect set this value."""
    shown = []
    for trigger in derived.triggers:
        if trigger.effect == effect and trigger.value == value:
            question = bank.question(trigger.question)
            shown.append(
                TriggerShown(
                    framework=question.framework,
                    question=question.key,
                    text=question.text,
                    answer=labels(question, answers.get(question.ref)),
                    effect=wording,
                )
            )
    return shown


def screening_answers(
    bank: Bank, answers: Answers, refs: Iterable[QRef], applicable: frozenset[QRef], wording: str
) -> list[TriggerShown]:
    """The given answers among these questions: what left a default result in place."""
    shown = []
    for ref in refs:
        question = bank.question(ref)
        answer = labels(question, answers.get(ref))
        if answer and (ref in applicable or not sets_effects(question)):
            shown.append(
                TriggerShown(question.framework, question.key, question.text, answer, wording)
            )
    return shown


def cited(
    bank: Bank, framework: BankFramework, entry: Mapping[str, Any], triggers: Iterable[TriggerShown]
) -> tuple[str, ...]:
    """Sources of an explanation: the rule's own, the framework's, the triggers' questions'."""
    keys = [str(entry.get("source") or ""), framework.source]
    for trigger in triggers:
        ref = (trigger.framework, trigger.question)
        if bank.has(ref):
            keys.append(bank.question(ref).source)
    return tuple(dict.fromkeys(k for k in keys if k))
