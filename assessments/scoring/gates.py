"""Gate frameworks: the required safety level and a decision for each gate, explained.

The required level is the highest level a selected, applicable screening option sets
(`effects: {level: N}`), and at least rules.default_level. Each gate's decision comes from
its safeguards (safeguards.py); the changes that would move it are found in explanations.py.
"""

from __future__ import annotations

from .applicability import Applicability, evaluate_applicability
from .determined import gate_applies, screening_determined
from .explanations import (
    GateSearch,
    candidates_for,
    cited,
    closure,
    effect_triggers,
    labels,
    screening_answers,
    setters,
    shown_changes,
    smallest_moves,
)
from .safeguards import decision_from, state_wording
from .types import Answers, Bank, BankFramework, BankQuestion
from .verdicts import (
    GATE_NOT_APPLICABLE,
    NOT_DETERMINED,
    Explanation,
    GateResult,
    GatesResult,
    Move,
    TriggerShown,
)


def level_label(framework: BankFramework, level: int | None) -> str:
    if level is None:
        return ""
    return str(framework.rule("levels", level, field="level").get("label") or level)


def gates_result(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> GatesResult:
    derived = applicability.derived[framework.key]
    search = GateSearch(bank, framework, answers, applicability)
    determined = screening_determined(bank, framework, answers, applicability)
    level = derived.level if determined else None
    return GatesResult(
        required_level=level,
        required_level_label=level_label(framework, level) if determined else NOT_DETERMINED,
        settled=determined,
        level_explanation=level_explanation(bank, framework, answers, applicability),
        gates=tuple(
            gate_result(search, entry)
            if gate_applies(bank, framework, entry, answers, applicability)
            else gate_not_applicable(bank, framework, entry)
            for entry in framework.rules.get("gates", [])
        ),
    )


GATE_NOT_APPLICABLE_REASON = "The profile's answers fall outside the activities this gate covers."


def gate_not_applicable(bank: Bank, framework: BankFramework, entry: dict[str, str]) -> GateResult:
    """A gate whose `applies_when` is false: no safeguard, no move, and the one-line reason."""
    reason = str(entry.get("not_applicable") or GATE_NOT_APPLICABLE_REASON)
    return GateResult(
        key=entry["key"],
        label=str(entry.get("label") or entry["key"]),
        decision=GATE_NOT_APPLICABLE,
        blocking=(),
        conditions=(),
        safeguards=(),
        explanation=Explanation(
            rule=reason, triggers=(), changes=(), sources=cited(bank, framework, entry, ())
        ),
        reason=reason,
    )


def level_rule(framework: BankFramework, level: int | None) -> str:
    """rules.levels[].explanation, or the method in words followed by the level's description."""
    entry = framework.rule("levels", level, field="level")
    if entry.get("explanation"):
        return str(entry["explanation"])
    default = level_label(framework, int(framework.rules.get("default_level", 1)))
    method = (
        "The required level is the highest level that a screening answer sets, "
        f"and at least {default}."
    )
    if entry.get("description"):
        method += f" {level_label(framework, level)}: {entry['description']}"
    return method


def level_explanation(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> Explanation:
    derived = applicability.derived[framework.key]
    label = level_label(framework, derived.level)
    triggers = effect_triggers(bank, answers, derived, "level", derived.level, f"sets {label}")
    screening = closure(bank, setters(bank, framework.key))
    if not triggers:
        refs = [q.ref for q in screening.questions]
        triggers = screening_answers(
            bank, answers, refs, applicability.applicable, "sets no higher level"
        )

    def level_of(given: Answers) -> int | None:
        return evaluate_applicability(screening, given).derived[framework.key].level

    candidates = candidates_for(screening, answers, [q.ref for q in screening.questions])
    found = smallest_moves(level_of, answers, candidates, pairable=candidates)
    entry = framework.rule("levels", derived.level, field="level")
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


GATE_METHOD = (
    "Pause when a safeguard this gate needs at the required level is answered with no points, "
    "\u201cDon\u2019t know\u201d, or not at all; proceed with conditions when one is only partly "
    "in place, or marked not applicable without a reason; otherwise proceed. A safeguard marked "
    "not applicable with its reason counts neither for nor against the gate."
)


def gate_rule(framework: BankFramework, gate: str) -> str:
    """rules.gates[].explanation, or the gate's description followed by the method in words."""
    entry = framework.rule("gates", gate)
    if entry.get("explanation"):
        return str(entry["explanation"])
    return f"{entry['description']} {GATE_METHOD}" if entry.get("description") else GATE_METHOD


def gate_result(search: GateSearch, entry: dict[str, str]) -> GateResult:
    bank, framework, answers = search.bank, search.framework, search.answers
    gate = entry["key"]
    now = decision_from(search.states(gate))
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
            changes=search.moves(gate, now),
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
        effect=state_wording(question, answer),
    )
