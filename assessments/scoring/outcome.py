"""What scoring returns: frozen dataclasses, and their JSON-ready form (docs/results-format.md).

Internally fractions stay unrounded; `as_dict()` shows scores as percentages with one decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from .numbers import percent

# How a question counts in its section.
SCORED = "scored"  # a plain answer with points
DONT_KNOW_STATUS = "dont_know"  # scores 0
NOT_APPLICABLE_STATUS = "not_applicable"  # leaves numerator and denominator
UNANSWERED = "unanswered"  # counts for nothing until answered
UNSCORED = "unscored"  # weight 0 or free text: never counts
HIDDEN = "hidden"  # its condition is false: counts for nothing, its answer is kept

PROCEED = "proceed"
PROCEED_WITH_CONDITIONS = "proceed_with_conditions"
PAUSE = "pause"
DECISION_LABELS = {
    PROCEED: "Proceed",
    PROCEED_WITH_CONDITIONS: "Proceed with conditions",
    PAUSE: "Pause",
}

GATE_BLOCKING = "gate-blocking"
PERMIT_RELATED = "permit-related"


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    """An answer as the results show it: option labels rather than keys."""

    choices: tuple[str, ...] = ()
    text: str = ""
    note: str = ""
    reason: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuestionScore:
    key: str
    weight: int
    status: str
    fraction: float | None  # points / max points; None unless it counts

    @property
    def counts(self) -> bool:
        return self.fraction is not None and self.weight > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "weight": self.weight,
            "status": self.status,
            "score": percent(self.fraction),
        }


@dataclass(frozen=True, slots=True)
class SectionResult:
    key: str
    title: str
    weight: int
    fraction: float | None
    answered: int
    applicable: int
    questions: tuple[QuestionScore, ...]

    @property
    def score(self) -> float | None:
        return percent(self.fraction)


@dataclass(frozen=True, slots=True)
class RiskResult:
    key: str
    label: str
    questions: tuple[str, ...]  # applicable questions linked to the risk
    answered: int
    fraction: float | None
    coverage: str  # "full", "partial", "none" or "unknown" (nothing linked is answered yet)

    @property
    def score(self) -> float | None:
        return percent(self.fraction)

    @property
    def covered(self) -> bool:
        return self.coverage == "full"


@dataclass(frozen=True, slots=True)
class AnswerChange:
    framework: str
    question: str
    text: str
    before: str  # labels of the answer now, "" when unanswered
    after: str


@dataclass(frozen=True, slots=True)
class Move:
    """A set of answer changes, tried on the data, and the result it would give."""

    changes: tuple[AnswerChange, ...]
    result: str
    result_label: str


@dataclass(frozen=True, slots=True)
class TriggerShown:
    framework: str
    question: str
    text: str
    answer: str
    effect: str


@dataclass(frozen=True, slots=True)
class Explanation:
    rule: str
    triggers: tuple[TriggerShown, ...]
    changes: tuple[Move, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Labelled:
    key: str
    label: str
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class TierResult:
    key: str | None
    label: str
    settled: bool
    overlays: tuple[Labelled, ...]
    explanation: Explanation
    duties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GateResult:
    key: str
    label: str
    decision: str
    blocking: tuple[str, ...]
    conditions: tuple[str, ...]
    safeguards: tuple[str, ...]
    explanation: Explanation

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS[self.decision]


@dataclass(frozen=True, slots=True)
class GatesResult:
    required_level: int | None
    required_level_label: str
    settled: bool
    level_explanation: Explanation
    gates: tuple[GateResult, ...]


@dataclass(frozen=True, slots=True)
class FrameworkResult:
    key: str
    name: str
    kind: str
    version: str
    fraction: float | None
    sections: tuple[SectionResult, ...]
    risks: tuple[RiskResult, ...] = ()
    tier: TierResult | None = None
    gates: GatesResult | None = None

    @property
    def score(self) -> float | None:
        return percent(self.fraction)


@dataclass(frozen=True, slots=True)
class Gap:
    framework: str
    question: str
    section: str
    text: str
    weight: int
    shortfall: float
    priority: float
    why_critical: str  # GATE_BLOCKING, PERMIT_RELATED or ""
    dont_know: bool
    answer: ShownAnswer
    remediation: str
    source: str
    quote: str
    supporting: tuple[str, ...]

    @property
    def critical(self) -> bool:
        return bool(self.why_critical)


@dataclass(frozen=True, slots=True)
class Listed:
    framework: str
    question: str
    text: str
    required: bool = True
    section: str = ""


@dataclass(frozen=True, slots=True)
class Progress:
    applicable: int
    answered: int
    percent: int


@dataclass(frozen=True)
class Results:
    fraction: float | None  # mean of the framework scores
    progress: Progress
    frameworks: tuple[FrameworkResult, ...]
    gaps: tuple[Gap, ...]
    dont_know: tuple[Listed, ...]
    unanswered: tuple[Listed, ...]
    sources: tuple[str, ...]  # every source the results cite, in order of first citation

    @property
    def overall(self) -> float | None:
        return percent(self.fraction)

    def framework(self, key: str) -> FrameworkResult:
        for framework in self.frameworks:
            if framework.key == key:
                return framework
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready shape of docs/results-format.md (without what only the app adds)."""
        return {
            "overall": {"score": self.overall},
            "progress": plain(self.progress),
            "frameworks": [framework_dict(f) for f in self.frameworks],
            "gaps": [gap_dict(g) for g in self.gaps],
            "dont_know": [plain(d) for d in self.dont_know],
            "unanswered": [plain(u) for u in self.unanswered],
            "sources": list(self.sources),
        }


def plain(value: Any) -> Any:
    """Dataclasses to dicts and tuples to lists, recursively."""
    if is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "as_dict"):
            return value.as_dict()
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def explanation_dict(explanation: Explanation) -> dict[str, Any]:
    return {
        "rule": explanation.rule,
        "triggers": plain(explanation.triggers),
        "changes": [
            {
                "changes": plain(move.changes),
                "result": move.result,
                "result_label": move.result_label,
            }
            for move in explanation.changes
        ],
        "sources": list(explanation.sources),
    }


def section_dict(section: SectionResult) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "weight": section.weight,
        "score": section.score,
        "answered": section.answered,
        "applicable": section.applicable,
        "questions": [q.as_dict() for q in section.questions],
    }


def risk_dict(risk: RiskResult) -> dict[str, Any]:
    return {
        "key": risk.key,
        "label": risk.label,
        "questions": list(risk.questions),
        "answered": risk.answered,
        "score": risk.score,
        "covered": risk.covered,
        "coverage": risk.coverage,
    }


def tier_dict(tier: TierResult) -> dict[str, Any]:
    return {
        "key": tier.key,
        "label": tier.label,
        "settled": tier.settled,
        "overlays": plain(tier.overlays),
        "explanation": explanation_dict(tier.explanation),
        "duties": list(tier.duties),
    }


def gates_dict(gates: GatesResult) -> dict[str, Any]:
    return {
        "required_level": gates.required_level,
        "required_level_label": gates.required_level_label,
        "settled": gates.settled,
        "level_explanation": explanation_dict(gates.level_explanation),
        "gates": [
            {
                "key": g.key,
                "label": g.label,
                "decision": g.decision,
                "decision_label": g.decision_label,
                "blocking": list(g.blocking),
                "conditions": list(g.conditions),
                "safeguards": list(g.safeguards),
                "explanation": explanation_dict(g.explanation),
            }
            for g in gates.gates
        ],
    }


def framework_dict(framework: FrameworkResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": framework.key,
        "name": framework.name,
        "kind": framework.kind,
        "version": framework.version,
        "score": framework.score,
        "sections": [section_dict(s) for s in framework.sections],
        "risks": [risk_dict(r) for r in framework.risks],
    }
    if framework.tier is not None:
        data["tier"] = tier_dict(framework.tier)
    if framework.gates is not None:
        data["gates"] = gates_dict(framework.gates)
    return data


def gap_dict(gap: Gap) -> dict[str, Any]:
    return {
        "framework": gap.framework,
        "question": gap.question,
        "section": gap.section,
        "text": gap.text,
        "weight": gap.weight,
        "shortfall": round(gap.shortfall, 4),
        "priority": gap.priority,
        "critical": gap.critical,
        "why_critical": gap.why_critical,
        "dont_know": gap.dont_know,
        "answer": plain(gap.answer),
        "remediation": gap.remediation,
        "source": gap.source,
        "quote": gap.quote,
        "supporting": list(gap.supporting),
    }
