"""Checks of the "applies_when" conditions of one version: they parse, name questions and
options that exist, use tiers, overlays and levels only where they are known, and look only back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from assessments.scoring.conditions import (
    PROFILE_PREFIX,
    Condition,
    ConditionError,
    HasOverlay,
    LevelAtLeast,
    QuestionIs,
    TierIn,
    parse_condition,
    question_refs,
    uses_derived,
    walk,
)

from .scope import Scope
from .specs import Problem, QuestionSpec


@dataclass
class _Order:
    """Where each question of the version is asked, and which earlier ones its condition reads."""

    position: dict[str, int]
    options: dict[str, set[str]]
    last_screening: int  # the last question whose options set a tier, overlay or level
    reads: dict[str, set[str]] = field(default_factory=dict)


def condition_problems(scope: Scope) -> Iterator[Problem]:
    questions = scope.version.questions
    order = _Order(
        position={q.key: i for i, q in enumerate(questions)},
        options={q.key: {o.key for o in q.options} for q in questions},
        last_screening=max(
            (i for i, q in enumerate(questions) if any(o.effects for o in q.options)), default=-1
        ),
    )
    for index, q in enumerate(questions):
        if q.applies_when is None:
            continue
        try:
            condition = parse_condition(q.applies_when)
        except ConditionError as exc:
            yield scope.at_question(q, f"applies_when: {exc}")
            continue
        order.reads[q.key] = set()
        for ref in question_refs(condition):
            yield from _reference(scope, q, ref, order)
        yield from _derived(scope, q, condition, index > order.last_screening)
    yield from _order_problems(scope, order)
    yield from _gate_conditions(scope)


def _gate_conditions(scope: Scope) -> Iterator[Problem]:
    """A gate's applies_when reads only profile questions, by options they have."""
    for gate in scope.rules.gates:
        if gate.applies_when is None:
            continue
        where = f"gates '{gate.key}'"
        try:
            condition = parse_condition(gate.applies_when)
        except ConditionError as exc:
            yield scope.at_rules(f"applies_when: {exc}", where)
            continue
        if uses_derived(condition):
            yield scope.at_rules("applies_when may read only profile questions", where)
        for ref in question_refs(condition):
            target = ref.question.removeprefix(PROFILE_PREFIX)
            known = scope.profile_options.get(target)
            if not ref.question.startswith(PROFILE_PREFIX) or known is None:
                yield scope.at_rules(
                    f"applies_when refers to '{ref.question}', not a profile question", where
                )
                continue
            for option in sorted(ref.options - known):
                yield scope.at_rules(f"applies_when: '{target}' has no option '{option}'", where)
        if not gate.not_applicable:
            yield scope.at_rules("a gate with applies_when needs 'not_applicable'", where)


def _reference(scope: Scope, q: QuestionSpec, ref: QuestionIs, order: _Order) -> Iterator[Problem]:
    key = ref.question
    if key.startswith(PROFILE_PREFIX):
        target = key[len(PROFILE_PREFIX) :]
        known = scope.profile_options.get(target)
        if known is None:
            yield scope.at_question(
                q, f"applies_when refers to unknown profile question '{target}'"
            )
            return
    elif "." in key:
        yield scope.at_question(
            q,
            "applies_when may refer only to this framework's questions or to 'profile.<key>', "
            f"not '{key}'",
        )
        return
    else:
        known = order.options.get(key)
        if known is None:
            yield scope.at_question(q, f"applies_when refers to unknown question '{key}'")
            return
        order.reads[q.key].add(key)
    for option in sorted(ref.options - known):
        yield scope.at_question(q, f"applies_when: question '{key}' has no option '{option}'")


def _derived(
    scope: Scope, q: QuestionSpec, condition: Condition, after_screening: bool
) -> Iterator[Problem]:
    """Tiers, overlays and levels: known in this framework, and set before they are read."""
    uses = False
    for part in walk(condition):
        if isinstance(part, TierIn):
            uses = True
            if scope.kind != "tier":
                yield scope.at_question(q, "applies_when uses 'tier' outside a tier framework")
            for tier in sorted(part.tiers - scope.vocabulary("tiers")):
                yield scope.at_question(q, f"applies_when: unknown tier '{tier}'")
        elif isinstance(part, HasOverlay):
            uses = True
            if part.overlay not in scope.vocabulary("overlays"):
                yield scope.at_question(q, f"applies_when: unknown overlay '{part.overlay}'")
        elif isinstance(part, LevelAtLeast):
            uses = True
            if scope.kind != "gate":
                message = "applies_when uses 'level_at_least' outside a gate framework"
                yield scope.at_question(q, message)
    if uses and not after_screening:
        yield scope.at_question(
            q,
            "applies_when uses a tier, overlay or level before every screening question that "
            "sets it has been asked",
        )


def _order_problems(scope: Scope, order: _Order) -> Iterator[Problem]:
    cycles = _cycles(order.reads)
    by_key = {q.key: q for q in scope.version.questions}
    for cycle in cycles:
        path = " -> ".join([*cycle, cycle[0]])
        yield scope.at_question(by_key[cycle[0]], f"applies_when conditions form a cycle: {path}")
    cyclic = {key for cycle in cycles for key in cycle}
    for key, targets in order.reads.items():
        for target in sorted(targets):
            if key not in cyclic and order.position[target] > order.position[key]:
                yield scope.at_question(
                    by_key[key],
                    f"applies_when refers to '{target}', which is asked later "
                    "(conditions may only look back)",
                )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by depth-first search (one per back edge)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles
