"""Explaining a tier, a level or a gate: the answers that gave it, the sources it cites, and
the smallest change of answers that would move it, found by trying changes.

Nothing here is written by hand per framework: candidate answers come from the question bank,
and each candidate is scored on the assessment's own answers to see whether the result moves.
Search order (docs/scoring.md, section 8): every single change; then every pair of changes to
the screening questions; then, when the caller offers them, combined changes (for a gate: every
blocking safeguard improved at once). The first size that moves the result is the answer.

A gate framework's screening questions and safeguards form one small bank (a closure) that
every gate shares; changes that touch no question other questions depend on are decided
without walking the bank again, from the states the safeguards already have (`GateSearch`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Generic, TypeVar

from .applicability import Applicability, Derived, evaluate_applicability, sets_effects
from .conditions import question_refs, resolve_ref, uses_derived
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
from .types import (
    PLAIN,
    Answers,
    AnswerValue,
    Bank,
    BankFramework,
    BankQuestion,
    BankSection,
    QRef,
    selected_options,
)
from .verdicts import DECISION_LABELS, AnswerChange, Move, TriggerShown

# The search -------------------------------------------------------------------------------

MOVES_SHOWN = 6
PAIR_CANDIDATES_MAX = 40

Change = tuple[QRef, AnswerValue]
T = TypeVar("T", bound=Hashable)


class Overlay(Mapping[QRef, AnswerValue]):
    """The answers with a few of them replaced, without copying the rest."""

    def __init__(self, base: Answers, changes: Iterable[Change]) -> None:
        self._base = base
        self._changes = dict(changes)

    @property
    def changed(self) -> frozenset[QRef]:
        return frozenset(self._changes)

    def __getitem__(self, ref: QRef) -> AnswerValue:
        if ref in self._changes:
            return self._changes[ref]
        return self._base[ref]

    def __iter__(self) -> Iterator[QRef]:
        yield from self._changes
        yield from (ref for ref in self._base if ref not in self._changes)

    def __len__(self) -> int:
        return len(self._base) + sum(1 for ref in self._changes if ref not in self._base)


def setters(bank: Bank, framework: str) -> frozenset[QRef]:
    """The questions of a framework whose options set a tier, an overlay or a level."""

    def compute() -> frozenset[QRef]:
        return frozenset(q.ref for q in bank.framework(framework).questions if sets_effects(q))

    return bank.memo(("setters", framework), compute)


def dependencies(bank: Bank, question: BankQuestion) -> set[QRef]:
    """Questions whose answers or applicability decide whether this one applies."""
    deps: set[QRef] = set()
    if question.condition is not None:
        for part in question_refs(question.condition):
            deps.add(resolve_ref(part.question, question.framework))
    if question.required_level is not None or (
        question.condition is not None and uses_derived(question.condition)
    ):
        deps.update(setters(bank, question.framework))
    return {ref for ref in deps if bank.has(ref)}


def closure(bank: Bank, seeds: Iterable[QRef]) -> Bank:
    """The seeds and everything their applicability depends on, as a bank of its own.

    Applicability in this smaller bank is exactly that of the full bank for these questions,
    so trying changes on it is much cheaper than scoring everything again.
    """
    wanted = frozenset(seeds)
    return bank.memo(("closure", wanted), lambda: _closure(bank, wanted))


def _closure(bank: Bank, seeds: frozenset[QRef]) -> Bank:
    needed = set(seeds)
    stack = list(needed)
    while stack:
        for dep in dependencies(bank, bank.question(stack.pop())):
            if dep not in needed:
                needed.add(dep)
                stack.append(dep)
    frameworks = []
    for framework in bank.frameworks:
        sections = tuple(
            BankSection(s.key, s.title, s.weight, tuple(q for q in s.questions if q.ref in needed))
            for s in framework.sections
        )
        kept = tuple(s for s in sections if s.questions)
        frameworks.append(
            BankFramework(
                framework.key,
                framework.name,
                framework.kind,
                framework.version,
                kept,
                framework.rules,
                framework.source,
            )
        )
    return Bank(tuple(frameworks))


def influencers(bank: Bank) -> frozenset[QRef]:
    """Questions whose answers can change which questions apply."""

    def compute() -> frozenset[QRef]:
        found: set[QRef] = set()
        for question in bank.questions:
            found.update(dependencies(bank, question))
            if sets_effects(question):
                found.add(question.ref)
        return frozenset(found)

    return bank.memo(("influencers",), compute)


def alternatives(question: BankQuestion, answer: AnswerValue | None) -> list[AnswerValue]:
    """Other plain answers one could give: each option (and, for multiple choice, each option
    added to or removed from the current ones). "Don't know" and "Not applicable" are never
    suggested as a change."""
    plain = [o.key for o in question.options if o.meaning == PLAIN]
    if question.kind == "text" or not plain:
        return []
    chosen = {o.key for o in selected_options(question, answer)}
    current = frozenset(chosen) if answer is not None and answer.is_given else None
    sets = [frozenset({key}) for key in plain]
    if question.kind == "multiple" and current is not None and current <= set(plain):
        sets.extend(current ^ {key} for key in plain)
    order = {key: i for i, key in enumerate(plain)}
    seen: set[frozenset[str]] = set()
    found = []
    for choice in sets:
        if choice and choice != current and choice not in seen:
            seen.add(choice)
            found.append(AnswerValue(tuple(sorted(choice, key=order.__getitem__))))
    return found


def candidates_for(bank: Bank, answers: Answers, refs: Iterable[QRef]) -> list[Change]:
    return [
        (ref, value) for ref in refs for value in alternatives(bank.question(ref), answers.get(ref))
    ]


@dataclass(frozen=True)
class Tried(Generic[T]):
    changes: tuple[Change, ...]
    outcome: T


def smallest_moves(
    outcome_of: Callable[[Answers], T],
    answers: Answers,
    candidates: Sequence[Change],
    *,
    pairable: Sequence[Change] = (),
    combined: Sequence[tuple[Change, ...]] = (),
) -> list[Tried[T]]:
    """The changes of the smallest size whose outcome differs from the current one."""
    current = outcome_of(answers)

    def moved(changes: tuple[Change, ...]) -> Tried[T] | None:
        outcome = outcome_of(Overlay(answers, changes))
        return Tried(changes, outcome) if outcome != current else None

    found = [t for t in (moved((c,)) for c in candidates) if t is not None]
    if not found and len(pairable) <= PAIR_CANDIDATES_MAX:
        pairs = ((a, b) for a, b in combinations(pairable, 2) if a[0] != b[0])
        found = [t for t in (moved(p) for p in pairs) if t is not None]
    if not found:
        by_size = sorted((c for c in combined if c), key=len)
        found = [t for t in (moved(c) for c in by_size) if t is not None]
        found = [t for t in found if len(t.changes) == len(found[0].changes)] if found else []
    return found[:MOVES_SHOWN]


def labels(question: BankQuestion, answer: AnswerValue | None) -> str:
    """The answer as its option labels (or its text), '' when unanswered."""
    if answer is None or not answer.is_given:
        return ""
    chosen = selected_options(question, answer)
    if chosen:
        return ", ".join(o.label for o in chosen)
    return answer.text.strip()


def shown_changes(
    bank: Bank, answers: Answers, changes: Iterable[Change]
) -> tuple[AnswerChange, ...]:
    shown = []
    for ref, value in changes:
        question = bank.question(ref)
        shown.append(
            AnswerChange(
                framework=ref[0],
                question=ref[1],
                text=question.text,
                before=labels(question, answers.get(ref)),
                after=labels(question, value),
            )
        )
    return tuple(shown)


# What an explanation shows ----------------------------------------------------------------


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


# The moves of a gate ----------------------------------------------------------------------


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
