"""The smallest change of answers that would move a gate's decision (whatif.py's search).

The gate frameworks' screening questions and safeguards form one small bank (a closure) that
every gate shares; changes that touch no question other questions depend on are decided
without walking the bank again, from the states the safeguards already have.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .applicability import Applicability, evaluate_applicability
from .outcome import DECISION_LABELS, Move
from .safeguards import (
    BLOCKS,
    PARTIAL,
    Decision,
    decision_from,
    decision_of_counts,
    safeguard_state,
    safeguards_of,
    states_of,
)
from .types import PLAIN, Answers, AnswerValue, Bank, BankFramework, BankQuestion, QRef
from .whatif import (
    Change,
    Overlay,
    candidates_for,
    closure,
    influencers,
    setters,
    shown_changes,
    smallest_moves,
)


class GateSearch:
    """What the gates of one framework share while their moves are searched."""

    def __init__(
        self, bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
    ) -> None:
        self.bank, self.framework, self.answers = bank, framework, answers
        self.applicability = applicability
        tagged = [q.ref for q in framework.questions if q.tag_values("gate")]
        self.small = closure(bank, [*setters(bank, framework.key), *tagged])
        self.moving = influencers(self.small)
        level_bank = closure(bank, setters(bank, framework.key))
        self.level_refs = frozenset(q.ref for q in level_bank.questions)
        self._applicable: dict[frozenset[Change], frozenset[QRef]] = {}

    def states(self, gate: str) -> dict[str, str]:
        safeguards = safeguards_of(self.bank, self.framework, gate)
        return states_of(safeguards, self.answers, self.applicability.applicable)

    def applicable(self, given: Overlay) -> frozenset[QRef]:
        """Which questions apply after these changes; shared by every gate."""
        key = frozenset((ref, given[ref]) for ref in given.changed if ref in given)
        if key not in self._applicable:
            self._applicable[key] = evaluate_applicability(self.small, given).applicable
        return self._applicable[key]

    def moves(self, gate: str, now: Decision) -> tuple[Move, ...]:
        safeguards = safeguards_of(self.bank, self.framework, gate)
        base = self.states(gate)
        counts = Counter(base.values())
        by_ref = {q.ref: q for q in safeguards}

        def decision_of(given: Answers) -> str:
            if not isinstance(given, Overlay):
                return now.decision
            if given.changed & self.moving:
                applicable = self.applicable(given)
                states = {
                    q.key: base[q.key]
                    if q.key in base and q.ref not in given.changed
                    else safeguard_state(q, given.get(q.ref))
                    for q in safeguards
                    if q.ref in applicable
                }
                return decision_from(states).decision
            # Which questions apply cannot change: only the changed safeguards' states can.
            blocks, partial = counts[BLOCKS], counts[PARTIAL]
            for ref in given.changed:
                if ref in by_ref and ref[1] in base:
                    was, now_state = base[ref[1]], safeguard_state(by_ref[ref], given.get(ref))
                    blocks += (now_state == BLOCKS) - (was == BLOCKS)
                    partial += (now_state == PARTIAL) - (was == PARTIAL)
            return decision_of_counts(blocks, partial)

        applies = self.applicability.applies
        refs = [q.ref for q in self.small.questions if q.ref in self.moving or applies(q.ref)]
        relevant = [r for r in refs if r in self.moving or r in by_ref]
        candidates = candidates_for(self.small, self.answers, relevant)
        found = smallest_moves(
            decision_of,
            self.answers,
            candidates,
            pairable=[c for c in candidates if c[0] in self.level_refs],
            combined=combined_changes(self.framework, now),
        )
        return tuple(
            Move(
                shown_changes(self.bank, self.answers, t.changes),
                t.outcome,
                DECISION_LABELS[t.outcome],
            )
            for t in found
        )


def combined_changes(framework: BankFramework, now: Decision) -> list[tuple[Change, ...]]:
    """Every blocking safeguard lifted just enough; and every shortfall brought to full."""
    keyed = {q.key: q for q in framework.questions}
    lifted = _lift(keyed[k] for k in now.blocking)
    full = _lift((keyed[k] for k in (*now.blocking, *now.conditions)), to_full=True)
    return [c for c in (lifted, full) if c is not None]


def _lift(questions: Iterable[BankQuestion], to_full: bool = False) -> tuple[Change, ...] | None:
    changes = []
    for question in questions:
        value = full_answer(question) if to_full else lowest_passing_answer(question)
        if value is None:
            return None
        changes.append((question.ref, value))
    return tuple(changes)


def full_answer(question: BankQuestion) -> AnswerValue | None:
    """The answer with full marks: the top option, or every option with points."""
    plain = [o for o in question.options if o.meaning == PLAIN]
    if question.kind == "multiple":
        keys = tuple(o.key for o in plain if (o.points or 0) > 0)
        return AnswerValue(keys) if keys else None
    best = max(plain, key=lambda o: o.points or 0, default=None)
    return AnswerValue((best.key,)) if best is not None else None


def lowest_passing_answer(question: BankQuestion) -> AnswerValue | None:
    """The plain option with the fewest points that no longer blocks a gate."""
    passing = [o for o in question.options if o.meaning == PLAIN and (o.points or 0) > 0]
    if not passing:
        return full_answer(question)
    lowest = min(passing, key=lambda o: o.points or 0)
    return AnswerValue((lowest.key,))
