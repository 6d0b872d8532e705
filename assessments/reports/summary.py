"""The one-page executive summary: what each framework is, its verdict in words and what to do
next, the actions that move the most, and what changed since the last round.

Verdicts are worded by the framework's standing: the Model Law is a proposal ("under the
proposed Model Law, this activity would need ..."), the gates follow one company's voluntary
policy ("Anthropic's policy would require ..."). A score, tier, level or gate that is not
determined yet (None, or a gate that does not apply) is said to be so, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessments.results.findings import FrameworkFindings
from assessments.scoring.results import FrameworkResult
from assessments.scoring.types import Bank
from assessments.scoring.verdicts import (
    GATE_NOT_APPLICABLE,
    PAUSE,
    PROCEED,
    PROCEED_WITH_CONDITIONS,
    GateResult,
)
from assessments.scoring.wording import NOT_DETERMINED_YET, standing_label

from .summary_inputs import RoundChanges, SummaryAction

ACTIONS_SHOWN = 5
FINDINGS_SHOWN = 5
TIER_WORDS = {
    "permit": (
        "Under the proposed Model Law, this activity would need an administrative permit: it "
        "matches a negative-list category configured for the jurisdiction.",
        "Confirm the match with legal counsel and prepare for the permit; close the "
        "permit-related findings first.",
    ),
    "permit-pending": (
        "Under the proposed Model Law, this activity might need an administrative permit: "
        "whether it is on the negative list is not settled, so it is treated as needing one.",
        "Have a legal review settle whether the activity is on the negative list.",
    ),
    "filing": (
        "Under the proposed Model Law, this activity would need filing and information "
        "disclosure, not a permit.",
        "Prepare the filing and its disclosures; close the findings on this tier's duties.",
    ),
    "none": (
        "Under the proposed Model Law, using a system others provide would need neither a "
        "permit nor filing; the ethical duties, such as human supervision, would still apply.",
        "Close the findings on the ethical duties.",
    ),
}
ACTIVITY = {"scaling": "further scaling", "deployment": "deployment"}


@dataclass(frozen=True)
class FrameworkSummary:
    """One framework on the summary page."""

    key: str
    name: str
    standing: str  # what kind of document it comes from, in words; "" when not recorded
    result: str  # the headline result, short
    findings: int
    critical: int
    meaning: str  # what the verdict means for the organisation
    next_step: str  # what it must do next

    @property
    def anchor(self) -> str:
        return f"fw-{self.key}"


@dataclass(frozen=True)
class Summary:
    frameworks: tuple[FrameworkSummary, ...]
    actions: tuple[SummaryAction, ...]
    changes: RoundChanges | None


def _score(value: float | None) -> str:
    return "not scored yet" if value is None else f"{value:g} / 100"


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def tier_words(result: FrameworkResult) -> tuple[str, str, str]:
    """The tier's headline, its meaning and the next step."""
    tier = result.tier
    assert tier is not None
    if tier.key is None:
        return (
            f"Tier {NOT_DETERMINED_YET}",
            "Under the proposed Model Law, the tier cannot be told yet: screening questions "
            "are unanswered.",
            "Answer the screening questions.",
        )
    meaning, next_step = TIER_WORDS.get(
        tier.key,
        (
            f"Under the proposed Model Law, this activity falls in the tier {_quoted(tier.label)}.",
            "Close the findings on this tier's duties.",
        ),
    )
    if tier.overlays:
        meaning += f" It would add: {'; '.join(o.label for o in tier.overlays)}."
    if not tier.settled:
        meaning += " Screening questions are still unanswered, so the tier may change."
        next_step = f"Answer the screening questions. {next_step}"
    return f"Tier: {tier.label}", meaning, next_step


def _activity(gate: GateResult) -> str:
    return ACTIVITY.get(gate.key, gate.label[:1].lower() + gate.label[1:])


def gate_sentence(gate: GateResult) -> str:
    """What a gate decision means, as the policy the framework follows would have it."""
    return gates_sentence([gate])


def gates_sentence(gates: Sequence[GateResult]) -> str:
    """What gates with one and the same decision mean, in one sentence."""
    gate = gates[0]
    activity = " and ".join(_activity(g) for g in gates)
    blocking = sorted({k for g in gates for k in g.blocking})
    conditions = sorted({k for g in gates for k in g.conditions})
    if gate.decision == PAUSE:
        which = (
            "the blocking safeguard is"
            if len(blocking) == 1
            else f"the {len(blocking)} blocking safeguards are"
        )
        return f"Anthropic's policy would require pausing {activity} until {which} in place."
    if gate.decision == PROCEED_WITH_CONDITIONS:
        return (
            f"Anthropic's policy would allow {activity} with conditions: "
            f"{_plural(len(conditions), 'safeguard')} only partly in place or marked not "
            "applicable."
        )
    if gate.decision == PROCEED:
        return f"Anthropic's policy would allow {activity}: every safeguard it needs is in place."
    if gate.decision == GATE_NOT_APPLICABLE:
        noun, verb = ("gate", "does") if len(gates) == 1 else ("gates", "do")
        return f"The {noun} before {activity} {verb} not apply to what the organisation does."
    return " ".join(f"{g.label}: {g.decision_label}." for g in gates)


def gates_words(result: FrameworkResult) -> tuple[str, str, str]:
    """The required level and gate decisions: headline, meaning and next step."""
    gates = result.gates
    assert gates is not None
    decisions = "; ".join(f"{g.label}: {g.decision_label}" for g in gates.gates)
    headline = f"{gates.required_level_label}; {decisions}" if decisions else ""
    if gates.required_level is None or not gates.settled:
        return (
            headline or f"Level {NOT_DETERMINED_YET}",
            "The required safety level cannot be told yet: capability screening is unanswered.",
            "Answer the capability screening questions.",
        )
    by_decision: dict[str, list[GateResult]] = {}
    for gate in gates.gates:
        by_decision.setdefault(gate.decision, []).append(gate)
    meaning = " ".join(
        [f"The capabilities reported call for {gates.required_level_label} safeguards."]
        + [gates_sentence(same) for same in by_decision.values()]
    )
    paused = [ACTIVITY.get(g.key, g.label) for g in gates.gates if g.decision == PAUSE]
    if paused:
        next_step = f"Put the blocking safeguards in place before {' or '.join(paused)}."
    elif any(g.decision == PROCEED_WITH_CONDITIONS for g in gates.gates):
        next_step = "Complete the safeguards that are only partly in place."
    else:
        next_step = "Keep the safeguards in place and screen capabilities again before scaling."
    return headline, meaning, next_step


def maturity_words(result: FrameworkResult, shown: FrameworkFindings) -> tuple[str, str, str]:
    """The score in words: headline, meaning and next step."""
    answered = sum(s.answered for s in result.scored_sections)
    applicable = sum(s.applicable for s in result.scored_sections)
    if result.score is None:
        return (
            f"{answered} of {applicable} answered",
            f"Not scored yet: {answered} of {applicable} questions are answered.",
            "Answer the remaining questions.",
        )
    scored = [s for s in result.scored_sections if s.score is not None]
    weakest = min(scored, key=lambda s: s.score or 0.0, default=None)
    parts = []
    if weakest is not None:
        parts.append(f"Weakest section: {_quoted(weakest.title)} ({_score(weakest.score)})")
    if result.risks:
        covered = sum(1 for r in result.risks if r.covered)
        parts.append(f"{covered} of {len(result.risks)} risks fully covered")
    meaning = "; ".join(parts) + "." if parts else ""
    groups = [g for g in shown.groups if weakest and g.section == weakest.key] or shown.groups
    if groups:
        count = _plural(len(groups[0].findings), "finding")
        next_step = f"Close the {count} of {_quoted(groups[0].section_title)}."
    else:
        next_step = "Keep the practices in place."
    return f"Score {_score(result.score)}", meaning, next_step


def framework_summary(
    result: FrameworkResult, shown: FrameworkFindings, standing: str
) -> FrameworkSummary:
    if result.tier is not None:
        headline, meaning, next_step = tier_words(result)
        if result.score is not None:
            meaning += f" Its duties score {_score(result.score)}."
    elif result.gates is not None:
        headline, meaning, next_step = gates_words(result)
    else:
        headline, meaning, next_step = maturity_words(result, shown)
    return FrameworkSummary(
        key=result.key,
        name=result.name,
        standing=standing_label(standing),
        result=headline,
        findings=len(shown.findings),
        critical=shown.critical,
        meaning=meaning,
        next_step=next_step,
    )


def executive_summary(
    *,
    bank: Bank,
    findings: Sequence[FrameworkFindings],
    actions: tuple[SummaryAction, ...],
    changes: RoundChanges | None,
) -> Summary:
    """The executive summary of an assessment's results and findings, with the actions that
    move the most and the comparison with the previous round."""
    standings = {f.key: f.standing for f in bank.frameworks}
    return Summary(
        frameworks=tuple(
            framework_summary(s.result, s, standings.get(s.result.key, "")) for s in findings
        ),
        actions=actions[:ACTIONS_SHOWN],
        changes=changes,
    )
