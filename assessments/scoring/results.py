"""What scoring returns: one typed `Results` object, and its JSON (docs/results-format.md).

Every reader (results page, charts, PDF, gaps CSV, command line) reads these objects; a
submitted assessment stores `to_json()` and is read back with `from_json()`. Fractions stay
unrounded inside; the JSON shows scores as percentages with one decimal, so results read from
JSON carry the stored percentages (as fractions) and show exactly what was stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessments.citations import cited_as

from .listings import CitedSource as CitedSource
from .listings import Gap as Gap
from .listings import Listed as Listed
from .listings import ShownAnswer as ShownAnswer
from .numbers import from_percent, percent
from .progress import Progress
from .verdicts import JSON, GatesResult, TierResult, strings

# Raise whenever a change to assessments/scoring could change any result (docs/scoring.md).
SCORING_RULES_VERSION = "2"

# How a question counts in its section.
SCORED = "scored"  # a plain answer with points
DONT_KNOW_STATUS = "dont_know"  # scores 0
NOT_APPLICABLE_STATUS = "not_applicable"  # leaves numerator and denominator
UNANSWERED = "unanswered"  # counts for nothing until answered
UNSCORED = "unscored"  # weight 0 or free text: never counts
HIDDEN = "hidden"  # its condition is false: counts for nothing, its answer is kept

GATE_BLOCKING = "gate-blocking"
PERMIT_RELATED = "permit-related"


@dataclass(frozen=True, slots=True)
class QuestionScore:
    key: str
    weight: int
    status: str
    fraction: float | None  # points / max points; None unless it counts

    @property
    def counts(self) -> bool:
        return self.fraction is not None and self.weight > 0

    def to_json(self) -> JSON:
        score = percent(self.fraction)
        return {"key": self.key, "weight": self.weight, "status": self.status, "score": score}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuestionScore:
        fraction = from_percent(data.get("score"))
        return cls(data["key"], int(data.get("weight", 1)), data.get("status", SCORED), fraction)


@dataclass(frozen=True, slots=True)
class SectionResult:
    key: str
    title: str
    weight: int
    fraction: float | None
    answered: int  # applicable scored questions answered ("Don't know" and "N/A" included)
    applicable: int  # applicable scored questions
    questions: tuple[QuestionScore, ...]
    complete: bool = True  # enough answered for the score to be shown (numbers.THRESHOLD)

    @property
    def score(self) -> float | None:
        """The score, or None until enough of its questions are answered."""
        return percent(self.fraction) if self.complete else None

    @property
    def provisional_score(self) -> float | None:
        """The score so far while incomplete (charts draw it dashed); None once complete."""
        return None if self.complete else percent(self.fraction)

    @property
    def does_not_apply(self) -> bool:
        return self.applicable == 0

    def to_json(self) -> JSON:
        return {
            "key": self.key,
            "title": self.title,
            "weight": self.weight,
            "score": self.score,
            "provisional_score": self.provisional_score,
            "complete": self.complete,
            "answered": self.answered,
            "applicable": self.applicable,
            "questions": [q.to_json() for q in self.questions],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SectionResult:
        # Snapshots of rules version 1 have no "complete": their stored score is shown as it was.
        score = data.get("score")
        return cls(
            key=data["key"],
            title=data.get("title", data["key"]),
            weight=int(data.get("weight", 1)),
            fraction=from_percent(score if score is not None else data.get("provisional_score")),
            answered=int(data.get("answered", 0)),
            applicable=int(data.get("applicable", 0)),
            questions=tuple(QuestionScore.from_json(q) for q in data.get("questions", ())),
            complete=bool(data.get("complete", score is not None)),
        )


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

    def to_json(self) -> JSON:
        return {
            "key": self.key,
            "label": self.label,
            "questions": list(self.questions),
            "answered": self.answered,
            "score": self.score,
            "covered": self.covered,
            "coverage": self.coverage,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RiskResult:
        default = "full" if data.get("covered") else "unknown"
        return cls(
            key=data["key"],
            label=data.get("label", data["key"]),
            questions=strings(data.get("questions")),
            answered=int(data.get("answered", 0)),
            fraction=from_percent(data.get("score")),
            coverage=data.get("coverage", default),
        )


@dataclass(frozen=True, slots=True)
class FrameworkResult:
    key: str
    name: str
    kind: str
    version: str
    fraction: float | None
    sections: tuple[SectionResult, ...]
    risks: tuple[RiskResult, ...] = ()
    tier: TierResult | None = None  # tier frameworks only
    gates: GatesResult | None = None  # gate frameworks only
    answered: int = 0  # applicable scored questions answered in the scored sections
    applicable: int = 0  # applicable scored questions in the scored sections
    complete: bool = True  # enough answered for the headline score to be shown
    standing: str = ""  # what kind of text the framework comes from (docs/question-bank.md)
    standing_note: str = ""

    @property
    def score(self) -> float | None:
        """The headline score, or None until enough of its questions are answered."""
        return percent(self.fraction) if self.complete else None

    @property
    def scored_sections(self) -> tuple[SectionResult, ...]:
        """The sections that count towards the framework score (weight above zero)."""
        return tuple(s for s in self.sections if s.weight > 0)

    def to_json(self) -> JSON:
        data: JSON = {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "version": self.version,
            "score": self.score,
            "complete": self.complete,
            "answered": self.answered,
            "applicable": self.applicable,
            "standing": self.standing,
            "standing_note": self.standing_note,
            "sections": [s.to_json() for s in self.sections],
            "risks": [r.to_json() for r in self.risks],
        }
        if self.tier is not None:
            data["tier"] = self.tier.to_json()
        if self.gates is not None:
            data["gates"] = self.gates.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FrameworkResult:
        tier, gates = data.get("tier"), data.get("gates")
        sections = tuple(SectionResult.from_json(s) for s in data.get("sections", ()))
        scored = [s for s in sections if s.weight > 0]
        score = data.get("score")
        return cls(
            key=data["key"],
            name=data.get("name", data["key"]),
            kind=data.get("kind", ""),
            version=data.get("version", ""),
            fraction=from_percent(score),
            sections=sections,
            risks=tuple(RiskResult.from_json(r) for r in data.get("risks", ())),
            tier=None if tier is None else TierResult.from_json(tier),
            gates=None if gates is None else GatesResult.from_json(gates),
            answered=int(data.get("answered", sum(s.answered for s in scored))),
            applicable=int(data.get("applicable", sum(s.applicable for s in scored))),
            complete=bool(data.get("complete", score is not None)),
            standing=data.get("standing", ""),
            standing_note=data.get("standing_note", ""),
        )


@dataclass(frozen=True)
class Results:
    """Scores, tier, gates, gaps and explanations of one assessment's answers."""

    fraction: float | None  # mean of the framework scores
    progress: Progress
    frameworks: tuple[FrameworkResult, ...]
    gaps: tuple[Gap, ...]
    dont_know: tuple[Listed, ...]
    unanswered: tuple[Listed, ...]
    sources: tuple[CitedSource, ...]  # in order of first citation, or the report's order
    scoring_rules_version: str = SCORING_RULES_VERSION
    provisional: bool = True  # False once the assessment is submitted

    @property
    def overall(self) -> float | None:
        """The mean of the framework scores; None while any framework's score is."""
        return percent(self.fraction)

    @property
    def answered(self) -> int:
        return sum(f.answered for f in self.frameworks)

    @property
    def applicable(self) -> int:
        return sum(f.applicable for f in self.frameworks)

    @property
    def critical_gaps(self) -> int:
        return sum(1 for g in self.gaps if g.critical)

    def framework(self, key: str) -> FrameworkResult:
        for framework in self.frameworks:
            if framework.key == key:
                return framework
        raise KeyError(key)

    def framework_name(self, key: str) -> str:
        """The framework's name, or its key when these results do not include it."""
        return next((f.name for f in self.frameworks if f.key == key), key)

    def source(self, key: str) -> CitedSource | None:
        return next((s for s in self.sources if s.key == key), None)

    def cited_as(self, gap: Gap) -> str:
        """The gap's citation introduced by its basis ("Sellitto states: “…”"); "" when these
        results do not know the basis (stored before bases existed) or the source."""
        source = self.source(gap.source)
        linked = self.source(source.linked_from) if source and source.linked_from else None
        return cited_as(basis=gap.basis, source=source, quote=gap.quote, linked_from=linked)

    def to_json(self) -> JSON:
        """The JSON-ready shape of docs/results-format.md."""
        return {
            "scoring_rules_version": self.scoring_rules_version,
            "provisional": self.provisional,
            "overall": {
                "score": self.overall,
                "answered": self.answered,
                "applicable": self.applicable,
            },
            "progress": self.progress.to_json(),
            "frameworks": [f.to_json() for f in self.frameworks],
            "gaps": [g.to_json() for g in self.gaps],
            "dont_know": [d.to_json() for d in self.dont_know],
            "unanswered": [u.to_json() for u in self.unanswered],
            "sources": {s.key: s.to_json() for s in self.sources},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Results:
        """Results from their JSON: computed now, or a snapshot stored at submission."""
        sources: Mapping[str, Any] = data.get("sources") or {}
        return cls(
            fraction=from_percent((data.get("overall") or {}).get("score")),
            progress=Progress.from_json(data.get("progress") or {}),
            frameworks=tuple(FrameworkResult.from_json(f) for f in data.get("frameworks", ())),
            gaps=tuple(Gap.from_json(g) for g in data.get("gaps", ())),
            dont_know=tuple(Listed.from_json(d) for d in data.get("dont_know", ())),
            unanswered=tuple(Listed.from_json(u) for u in data.get("unanswered", ())),
            sources=tuple(CitedSource.from_json(k, v) for k, v in sources.items()),
            scoring_rules_version=str(data.get("scoring_rules_version", "")),
            provisional=bool(data.get("provisional", False)),
        )
