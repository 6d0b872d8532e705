"""What an action would move if done: read from results, never scored again.

Texts name the gate, the tier or the score of the action's own framework, which the plan shows
beside them ("Before deployment: from Pause to Proceed with conditions", "Score up 5 points").

A gate or a tier moves when the action's question is part of a change that the smallest-change
search (scoring/explanations.py) already found for it and stored in the results' explanations;
a tier's duty is met when the question is one of the tier's duties; a score moves by what the
framework score would be with the question at full marks. Pure: results in, moves out, so a
page computes the moves of every action from the one `Results` it already has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from assessments.scoring.maturity import framework_fraction
from assessments.scoring.numbers import percent, weighted_mean
from assessments.scoring.results import SCORED, FrameworkResult, Results, SectionResult
from assessments.scoring.verdicts import DECISION_LABELS, PROCEED, Explanation, Move

GATE = "gate"
TIER = "tier"
DUTY = "duty"
SCORE = "score"

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Moved:
    """One verdict or score an action would move, and by how much, in words."""

    kind: str  # GATE, TIER, DUTY or SCORE
    framework: str
    text: str
    before: str = ""
    after: str = ""
    by: float | None = None  # SCORE: percentage points
    together_with: int = 0  # other answers that must change too

    @property
    def is_verdict(self) -> bool:
        return self.kind in (GATE, TIER)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "framework": self.framework, "text": self.text}
        if self.is_verdict:
            data |= {"before": self.before, "after": self.after}
            data["together_with"] = self.together_with
        if self.by is not None:
            data["by"] = self.by
        return data


@dataclass(frozen=True, slots=True)
class Moves:
    items: tuple[Moved, ...] = ()

    @property
    def verdicts(self) -> int:
        return sum(1 for m in self.items if m.is_verdict)

    @property
    def score_by(self) -> float:
        return sum(m.by or 0.0 for m in self.items if m.kind == SCORE)

    @property
    def rank(self) -> tuple[int, int, float]:
        """Sorts by how much the action moves: verdicts, then duties, then score points."""
        duties = sum(1 for m in self.items if m.kind == DUTY)
        return (self.verdicts, duties, self.score_by)

    def to_json(self) -> list[dict[str, Any]]:
        return [m.to_json() for m in self.items]


def moves_for(results: Results, keys: Iterable[Key]) -> dict[Key, Moves]:
    """The moves of each (framework, question) key, from one set of results. A question that
    is not a gap (full marks now, or no longer asked) moves nothing: its work is done."""
    by_framework = {f.key: f for f in results.frameworks}
    gaps = {(g.framework, g.question) for g in results.gaps}
    found = {}
    for key in set(keys):
        framework = by_framework.get(key[0])
        if framework is None or key not in gaps:
            found[key] = Moves()
        else:
            found[key] = Moves(tuple(_moves(framework, key[1])))
    return found


def _moves(framework: FrameworkResult, question: str) -> Iterable[Moved]:
    if framework.gates is not None:
        for gate in framework.gates.gates:
            if gate.decision != PROCEED:
                yield from _verdict(
                    GATE, framework.key, gate.label, gate.decision_label, gate.explanation, question
                )
    if framework.tier is not None:
        tier = framework.tier
        yield from _verdict(TIER, framework.key, "Tier", tier.label, tier.explanation, question)
        if question in tier.duties:
            text = f"Meets a duty of the {tier.label} tier"
            yield Moved(DUTY, framework.key, text)
    by = score_gain(framework, question)
    if by:
        yield Moved(SCORE, framework.key, f"Score up {by:g} points", by=by)


def _verdict(
    kind: str, framework: str, label: str, now: str, explanation: Explanation, question: str
) -> Iterable[Moved]:
    """The smallest stored move this question takes part in, if any."""
    moves = [m for m in explanation.changes if _touches(m, framework, question)]
    if not moves:
        return
    move = min(moves, key=lambda m: len(m.changes))
    after = move.result_label or DECISION_LABELS.get(move.result, move.result)
    others = len(move.changes) - 1
    text = f"{label}: from {now} to {after}"
    if others:
        text += f" (with {others} other answer{'s' if others > 1 else ''})"
    yield Moved(kind, framework, text, before=now, after=after, together_with=others)


def _touches(move: Move, framework: str, question: str) -> bool:
    return any(c.framework == framework and c.question == question for c in move.changes)


def score_gain(framework: FrameworkResult, question: str) -> float | None:
    """Percentage points the framework score gains with this question at full marks; None when
    the question does not count in the score or already has full marks."""
    sections = []
    changed = False
    for section in framework.sections:
        scores = tuple(
            replace(q, status=SCORED, fraction=1.0)
            if q.key == question and q.counts and (q.fraction or 0.0) < 1
            else q
            for q in section.questions
        )
        changed = changed or scores != section.questions
        sections.append(_rescored(section, scores))
    if not changed or framework.score is None:
        return None
    after = percent(framework_fraction(tuple(sections)))
    gain = round((after or 0.0) - framework.score, 1)
    return gain if gain > 0 else None


def _rescored(section: SectionResult, scores: tuple[Any, ...]) -> SectionResult:
    if scores == section.questions:
        return section
    fraction = weighted_mean((s.weight, s.fraction) for s in scores if s.fraction is not None)
    return replace(section, questions=scores, fraction=fraction)
