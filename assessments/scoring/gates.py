"""Gate frameworks: the required safety level and a decision for each gate, explained.

The required level is the highest level a selected, applicable screening option sets
(`effects: {level: N}`), and at least rules.default_level. A gate's safeguards are the
applicable questions tagged `gate:<key>`; a question with `required_level: N` applies only
from level N, so these are the safeguards required at the required level. Decision:
pause when a safeguard is answered with no points, "Don't know", or not at all; proceed with
conditions when one is partly in place or marked not applicable; otherwise proceed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .applicability import Applicability, evaluate_applicability, sets_effects
from .explaining import cited, effect_triggers, rule_entry, screening_answers
from .outcome import (
    DECISION_LABELS,
    PAUSE,
    PROCEED,
    PROCEED_WITH_CONDITIONS,
    Explanation,
    GateResult,
    GatesResult,
    Move,
    TriggerShown,
)
from .types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    PLAIN,
    Answers,
    AnswerValue,
    Bank,
    BankFramework,
    BankQuestion,
    QRef,
    answer_meaning,
    selected_options,
)
from .whatif import (
    Change,
    Overlay,
    candidates_for,
    closure,
    influencers,
    labels,
    shown_changes,
    smallest_moves,
)

MET, PARTIAL, BLOCKS = "met", "partial", "blocks"
STATE_WORDING = {
    MET: "in place",
    PARTIAL: "a condition: only partly in place or marked not applicable",
    BLOCKS: "blocks the gate",
}


def level_label(framework: BankFramework, level: int | None) -> str:
    if level is None:
        return ""
    return str(rule_entry(framework, "levels", level, field="level").get("label") or level)


def safeguard_state(question: BankQuestion, answer: AnswerValue | None) -> str:
    """MET, PARTIAL or BLOCKS, from the answer's share of the question's points."""
    meaning = answer_meaning(question, answer)
    if meaning is None or meaning == DONT_KNOW:
        return BLOCKS
    if meaning == NOT_APPLICABLE:
        return PARTIAL
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


def safeguards_of(framework: BankFramework, gate: str) -> list[BankQuestion]:
    return [q for q in framework.questions if gate in q.tag_values("gate") and q.kind != "text"]


def decide(
    framework: BankFramework, gate: str, answers: Answers, applicable: frozenset[QRef]
) -> Decision:
    needed = [q for q in safeguards_of(framework, gate) if q.ref in applicable]
    states = {q.key: safeguard_state(q, answers.get(q.ref)) for q in needed}
    blocking = tuple(k for k, s in states.items() if s == BLOCKS)
    conditions = tuple(k for k, s in states.items() if s == PARTIAL)
    decision = PAUSE if blocking else PROCEED_WITH_CONDITIONS if conditions else PROCEED
    return Decision(decision, blocking, conditions, tuple(states))


def gates_result(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> GatesResult:
    derived = applicability.derived[framework.key]
    return GatesResult(
        required_level=derived.level,
        required_level_label=level_label(framework, derived.level),
        settled=derived.settled,
        level_explanation=level_explanation(bank, framework, answers, applicability),
        gates=tuple(
            gate_result(bank, framework, entry, answers, applicability)
            for entry in framework.rules.get("gates", [])
        ),
    )


def level_rule(framework: BankFramework, level: int | None) -> str:
    written = rule_entry(framework, "levels", level, field="level").get("explanation")
    if written:
        return str(written)
    default = level_label(framework, int(framework.rules.get("default_level", 1)))
    return (
        "The required level is the highest level that a screening answer sets, "
        f"and at least {default}."
    )


def level_explanation(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> Explanation:
    derived = applicability.derived[framework.key]
    label = level_label(framework, derived.level)
    triggers = effect_triggers(bank, answers, derived, "level", derived.level, f"sets {label}")
    screening = closure(bank, [q.ref for q in framework.questions if sets_effects(q)])
    if not triggers:
        refs = [q.ref for q in screening.questions]
        triggers = screening_answers(
            bank, answers, refs, applicability.applicable, "sets no higher level"
        )

    def level_of(given: Answers) -> int | None:
        return evaluate_applicability(screening, given).derived[framework.key].level

    candidates = candidates_for(screening, answers, [q.ref for q in screening.questions])
    found = smallest_moves(level_of, answers, candidates, pairable=candidates)
    entry = rule_entry(framework, "levels", derived.level, field="level")
    return Explanation(
        rule=level_rule(framework, derived.level),
        triggers=tuple(triggers),
        changes=tuple(
            Move(
                shown_changes(bank, answers, t.changes),
                str(t.outcome or ""),
                level_label(framework, t.outcome),
            )
            for t in found
        ),
        sources=cited(bank, framework, entry, triggers),
    )


def gate_rule(framework: BankFramework, gate: str) -> str:
    written = rule_entry(framework, "gates", gate).get("explanation")
    if written:
        return str(written)
    return (
        "Pause when a safeguard this gate needs at the required level is answered with no "
        "points, \u201cDon\u2019t know\u201d, or not at all; proceed with conditions when one is "
        "only partly in place or marked not applicable; otherwise proceed."
    )


def gate_result(
    bank: Bank,
    framework: BankFramework,
    entry: dict[str, str],
    answers: Answers,
    applicability: Applicability,
) -> GateResult:
    gate = entry["key"]
    now = decide(framework, gate, answers, applicability.applicable)
    shown = (*now.blocking, *now.conditions) or now.safeguards
    triggers = tuple(
        _safeguard_trigger(bank.question((framework.key, key)), answers) for key in shown
    )
    return GateResult(
        key=gate,
        label=str(entry.get("label") or gate),
        decision=now.decision,
        blocking=now.blocking,
        conditions=now.conditions,
        safeguards=now.safeguards,
        explanation=Explanation(
            rule=gate_rule(framework, gate),
            triggers=triggers,
            changes=_gate_moves(bank, framework, gate, answers, applicability, now),
            sources=cited(bank, framework, entry, triggers),
        ),
    )


def _safeguard_trigger(question: BankQuestion, answers: Answers) -> TriggerShown:
    answer = answers.get(question.ref)
    return TriggerShown(
        framework=question.framework,
        question=question.key,
        text=question.text,
        answer=labels(question, answer) or "not answered",
        effect=STATE_WORDING[safeguard_state(question, answer)],
    )


def _gate_moves(
    bank: Bank,
    framework: BankFramework,
    gate: str,
    answers: Answers,
    applicability: Applicability,
    now: Decision,
) -> tuple[Move, ...]:
    seeds = [q.ref for q in framework.questions if sets_effects(q)]
    seeds += [q.ref for q in safeguards_of(framework, gate)]
    small = closure(bank, seeds)
    moving = influencers(small)
    decision_of = _decision_function(small, framework, gate, answers, applicability, moving)
    refs = [q.ref for q in small.questions if q.ref in moving or applicability.applies(q.ref)]
    candidates = candidates_for(small, answers, refs)
    screening = [c for c in candidates if c[0] in moving]
    combined = _combined_changes(framework, answers, now)
    found = smallest_moves(decision_of, answers, candidates, pairable=screening, combined=combined)
    return tuple(
        Move(shown_changes(bank, answers, t.changes), t.outcome, DECISION_LABELS[t.outcome])
        for t in found
    )


def _decision_function(
    small: Bank,
    framework: BankFramework,
    gate: str,
    answers: Answers,
    applicability: Applicability,
    moving: frozenset[QRef],
) -> Callable[[Answers], str]:
    def decision_of(given: Answers) -> str:
        changed = given.changed if isinstance(given, Overlay) else frozenset()
        applicable = applicability.applicable
        if changed & moving:
            applicable = evaluate_applicability(small, given).applicable
        return decide(framework, gate, given, applicable).decision

    return decision_of


def _combined_changes(
    framework: BankFramework, answers: Answers, now: Decision
) -> list[tuple[Change, ...]]:
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
