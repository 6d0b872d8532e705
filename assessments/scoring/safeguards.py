"""A gate's safeguards and its decision: pause, proceed with conditions, or proceed.

A gate's safeguards are the applicable questions tagged `gate:<key>`; a question with
`required_level: N` applies only from level N, so these are the safeguards required at the
required level. Pause when one is answered with no points, "Don't know", or not at all;
proceed with conditions when one is partly in place, or marked not applicable without a
reason; else proceed. "Not applicable" with its reason counts neither for nor against a gate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Answers,
    AnswerValue,
    Bank,
    BankFramework,
    BankQuestion,
    QRef,
    answer_meaning,
    selected_options,
)
from .verdicts import PAUSE, PROCEED, PROCEED_WITH_CONDITIONS

MET, PARTIAL, BLOCKS = "met", "partial", "blocks"


def safeguard_state(question: BankQuestion, answer: AnswerValue | None) -> str:
    """MET, PARTIAL or BLOCKS, from the answer's share of the question's points."""
    meaning = answer_meaning(question, answer)
    if meaning is None or meaning == DONT_KNOW:
        return BLOCKS
    if meaning == NOT_APPLICABLE:
        return MET if answer is not None and answer.reason.strip() else PARTIAL
    points = sum(o.points or 0 for o in selected_options(question, answer))
    top = question.max_points
    if top <= 0:
        return MET
    if points <= 0:
        return BLOCKS
    return MET if points >= top else PARTIAL


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str
    blocking: tuple[str, ...]
    conditions: tuple[str, ...]
    safeguards: tuple[str, ...]


def safeguards_of(bank: Bank, framework: BankFramework, gate: str) -> tuple[BankQuestion, ...]:
    """The questions tagged gate:<key>, in asking order."""

    def compute() -> tuple[BankQuestion, ...]:
        return tuple(
            q for q in framework.questions if gate in q.tag_values("gate") and q.kind != "text"
        )

    return bank.memo(("safeguards", framework.key, gate), compute)


def states_of(
    safeguards: Iterable[BankQuestion], answers: Answers, applicable: frozenset[QRef]
) -> dict[str, str]:
    """The state of each safeguard that applies (and so is required at the level)."""
    return {
        q.key: safeguard_state(q, answers.get(q.ref)) for q in safeguards if q.ref in applicable
    }


def decision_from(states: dict[str, str]) -> Decision:
    blocking = tuple(k for k, s in states.items() if s == BLOCKS)
    conditions = tuple(k for k, s in states.items() if s == PARTIAL)
    decision = PAUSE if blocking else PROCEED_WITH_CONDITIONS if conditions else PROCEED
    return Decision(decision, blocking, conditions, tuple(states))


def decision_of_counts(blocks: int, partial: int) -> str:
    return PAUSE if blocks else PROCEED_WITH_CONDITIONS if partial else PROCEED


def state_wording(question: BankQuestion, answer: AnswerValue | None) -> str:
    """What the safeguard's answer does to the gate, in words."""
    state, meaning = safeguard_state(question, answer), answer_meaning(question, answer)
    if state == BLOCKS:
        return "not answered, so it blocks the gate" if meaning is None else "blocks the gate"
    if state == PARTIAL:
        if meaning == NOT_APPLICABLE:
            return "marked not applicable with no reason given: a condition to check"
        return "only partly in place: a condition"
    if meaning == NOT_APPLICABLE:
        return "marked not applicable, with the reason given: does not count"
    return "in place"
