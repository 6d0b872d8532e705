"""Tier frameworks: the tier and overlays the screening answers set, with their explanation.

The tier is the first tier in rules.tiers that a selected, applicable screening option sets
(`effects: {tier: KEY}`); when every screening question is answered and none sets one, it is
rules.default_tier. Overlays are added by `effects: {overlay: KEY}` (applicability.py).
"""

from __future__ import annotations

from .applicability import Applicability, evaluate_applicability, sets_effects
from .conditions import AllOf, AnyOf, Condition, Not, TierIn
from .determined import screening_determined
from .explanations import (
    candidates_for,
    cited,
    closure,
    effect_triggers,
    screening_answers,
    setters,
    shown_changes,
    smallest_moves,
)
from .types import Answers, Bank, BankFramework, BankQuestion
from .verdicts import NOT_DETERMINED, Explanation, Labelled, Move, TierResult

# Tiers whose duties count as permit-related gaps (docs/scoring.md, "Critical gaps").
PERMIT_TIERS = frozenset({"permit", "permit-pending"})
PERMIT_TAG = "permit-related"
UNSETTLED = NOT_DETERMINED


def tier_label(framework: BankFramework, key: str | None) -> str:
    if key is None:
        return UNSETTLED
    return str(framework.rule("tiers", key).get("label") or key)


def tier_rule(framework: BankFramework, key: str | None) -> str:
    """The tier's own explanation from rules.tiers, or the method in words."""
    written = framework.rule("tiers", key).get("explanation") if key else None
    if written:
        return str(written)
    order = ", ".join(tier_label(framework, t["key"]) for t in framework.rules.get("tiers", []))
    default = framework.rules.get("default_tier")
    tail = (
        f"; when every screening question is answered and none sets one, it is "
        f"{tier_label(framework, default)}"
        if default
        else ""
    )
    return f"The tier is the first of {order} that a screening answer sets{tail}."


def tier_result(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> TierResult:
    derived = applicability.derived[framework.key]
    overlays = tuple(
        Labelled(o["key"], o["label"], str(o.get("explanation") or ""))
        for o in framework.rules.get("overlays", [])
        if o["key"] in derived.overlays
    )
    tier = derived.tier if screening_determined(bank, framework, answers, applicability) else None
    return TierResult(
        key=tier,
        label=tier_label(framework, tier),
        settled=tier is not None,
        overlays=overlays,
        explanation=tier_explanation(bank, framework, answers, applicability),
        duties=tuple(
            q.key
            for q in framework.questions
            if q.is_scored and applicability.applies(q.ref) and not sets_effects(q)
        ),
    )


def tier_explanation(
    bank: Bank, framework: BankFramework, answers: Answers, applicability: Applicability
) -> Explanation:
    derived = applicability.derived[framework.key]
    triggers = effect_triggers(
        bank,
        answers,
        derived,
        "tier",
        derived.tier,
        f"sets the tier: {tier_label(framework, derived.tier)}",
    )
    screening = closure(bank, setters(bank, framework.key))
    if not triggers:
        triggers = screening_answers(
            bank,
            answers,
            [q.ref for q in screening.questions],
            applicability.applicable,
            "sets no tier",
        )
    for overlay in framework.rules.get("overlays", []):
        if overlay["key"] in derived.overlays:
            wording = f"adds the overlay: {overlay['label']}"
            triggers += effect_triggers(bank, answers, derived, "overlay", overlay["key"], wording)
    return Explanation(
        rule=tier_rule(framework, derived.tier),
        triggers=tuple(triggers),
        changes=_tier_moves(bank, screening, framework, answers),
        sources=cited(bank, framework, framework.rule("tiers", derived.tier), triggers),
    )


def _tier_moves(
    bank: Bank, screening: Bank, framework: BankFramework, answers: Answers
) -> tuple[Move, ...]:
    def tier_of(given: Answers) -> str | None:
        return evaluate_applicability(screening, given).derived[framework.key].tier

    candidates = candidates_for(screening, answers, [q.ref for q in screening.questions])
    found = smallest_moves(tier_of, answers, candidates, pairable=candidates)
    return tuple(
        Move(
            shown_changes(bank, answers, t.changes),
            t.outcome or "",
            tier_label(framework, t.outcome),
        )
        for t in found
    )


def _positive_tiers(condition: Condition) -> list[frozenset[str]]:
    """The tier tests a condition needs to hold (those not under a 'not')."""
    match condition:
        case TierIn(tiers=tiers):
            return [tiers]
        case AllOf(parts=parts) | AnyOf(parts=parts):
            return [t for part in parts for t in _positive_tiers(part)]
        case Not():
            return []
    return []


def is_permit_related(question: BankQuestion) -> bool:
    """Tagged permit-related, or a duty that applies only under the permit tiers."""
    if PERMIT_TAG in question.tags:
        return True
    if question.condition is None:
        return False
    tests = _positive_tiers(question.condition)
    return bool(tests) and all(tiers <= PERMIT_TIERS for tiers in tests)
