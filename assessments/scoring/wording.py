"""Verdicts in words, worded by what each framework is (its standing), for every reader.

The results page, the PDF and the summary cards call these, so a tier never reads as law and a
gate never reads as an obligation: "Under the proposed Model Law, this activity would need …",
"Anthropic's policy would require …". Scores below the answered threshold read "x of y
answered", and an undetermined tier or level reads "not determined yet".
"""

from __future__ import annotations

from .results import FrameworkResult, RiskResult, SectionResult
from .verdicts import (
    GATE_NOT_APPLICABLE,
    PAUSE,
    PROCEED,
    PROCEED_WITH_CONDITIONS,
    GateResult,
    GatesResult,
    TierResult,
)

STANDING_LABELS = {
    "proposal": "Proposal for legislation, not enacted law",
    "voluntary-policy": "One company's voluntary policy",
    "government-guidance": "Government discussion paper, not regulation",
    "principles": "Design principles for governance institutions",
}
STANDING_SHORT = {
    "proposal": "A scholar's proposal for legislation; not enacted law.",
    "voluntary-policy": "One company's published policy; it binds only that company.",
    "government-guidance": "A government discussion paper's recommendations; not regulation.",
    "principles": "A think tank's design principles for governance institutions.",
}
COVERAGE_LABELS = {
    "full": "Covered",
    "substantial": "Substantially covered",
    "partial": "Partly covered",
    "low": "Little covered",
    "none": "Not covered",
    "unknown": "Not yet known",
}
NOT_DETERMINED_YET = "not determined yet"


def standing_label(standing: str) -> str:
    return STANDING_LABELS.get(standing, "")


def standing_line(standing: str) -> str:
    """One line saying what kind of text the framework comes from."""
    return STANDING_SHORT.get(standing, "")


def answered_text(answered: int, applicable: int) -> str:
    return f"{answered} of {applicable} answered"


def score_text(score: float | None, answered: int, applicable: int) -> str:
    """The score, or "x of y answered" while it is not shown."""
    if score is not None:
        return f"{score:.1f}"
    if applicable == 0:
        return "no question applies"
    return answered_text(answered, applicable)


def framework_score_text(framework: FrameworkResult) -> str:
    return score_text(framework.score, framework.answered, framework.applicable)


def section_score_text(section: SectionResult) -> str:
    if section.does_not_apply:
        return "does not apply"
    return score_text(section.score, section.answered, section.applicable)


def coverage_label(risk: RiskResult) -> str:
    return COVERAGE_LABELS.get(risk.coverage, risk.coverage)


def tier_text(tier: TierResult, standing: str) -> str:
    """The tier in words that follow the framework's standing."""
    if tier.key is None:
        return f"Tier {NOT_DETERMINED_YET}: answer the screening questions."
    if standing == "proposal":
        return f"Under the proposed Model Law, this activity would need: {tier.label}."
    return f"Tier: {tier.label}."


def level_text(gates: GatesResult, standing: str) -> str:
    if gates.required_level is None:
        return f"Required level {NOT_DETERMINED_YET}: answer the capability screening."
    if standing == "voluntary-policy":
        return (
            "Anthropic's policy would require the safeguards of "
            f"{gates.required_level_label} for a model like this."
        )
    return f"Required level: {gates.required_level_label}."


GATE_ENDINGS = {
    PAUSE: "a pause until the blocking safeguards are in place",
    PROCEED_WITH_CONDITIONS: "the conditions to be checked before going ahead",
    PROCEED: "nothing more: the safeguards it needs are in place",
}


def gate_text(gate: GateResult, standing: str) -> str:
    """One gate's decision in words that follow the framework's standing."""
    if gate.decision == GATE_NOT_APPLICABLE:
        return f"{gate.label}: not applicable. {gate.reason}".strip()
    ending = GATE_ENDINGS.get(gate.decision, gate.decision_label)
    if standing == "voluntary-policy":
        return f"{gate.label}: Anthropic's policy would require {ending}."
    return f"{gate.label}: {gate.decision_label}."
