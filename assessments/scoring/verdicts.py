"""Tier and gate verdicts and their explanations, as results carry them, with their JSON.

`to_json()` gives the shape of docs/results-format.md; `from_json()` reads it back, from results
computed now or from a snapshot stored at submission (missing optional fields take defaults).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

PROCEED = "proceed"
PROCEED_WITH_CONDITIONS = "proceed_with_conditions"
PAUSE = "pause"
GATE_NOT_APPLICABLE = "not_applicable"  # the gate's `applies_when` in rules.gates is false
DECISION_LABELS = {
    PROCEED: "Proceed",
    PROCEED_WITH_CONDITIONS: "Proceed with conditions",
    PAUSE: "Pause",
    GATE_NOT_APPLICABLE: "Not applicable",
}
NOT_DETERMINED = "Not determined yet"


def strings(values: Iterable[Any] | None) -> tuple[str, ...]:
    """A JSON list of strings as a tuple; nothing when absent."""
    return tuple(str(v) for v in values or ())


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """One answer changed by a move, as option labels ("" when unanswered before)."""

    framework: str
    question: str
    text: str
    before: str
    after: str

    def to_json(self) -> JSON:
        return {
            "framework": self.framework,
            "question": self.question,
            "text": self.text,
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerChange:
        return cls(
            framework=data["framework"],
            question=data["question"],
            text=data.get("text", ""),
            before=data.get("before", ""),
            after=data.get("after", ""),
        )


@dataclass(frozen=True, slots=True)
class Move:
    """A set of answer changes, tried on the data, and the result it would give."""

    changes: tuple[AnswerChange, ...]
    result: str
    result_label: str

    def to_json(self) -> JSON:
        return {
            "changes": [c.to_json() for c in self.changes],
            "result": self.result,
            "result_label": self.result_label,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Move:
        return cls(
            changes=tuple(AnswerChange.from_json(c) for c in data.get("changes", ())),
            result=data.get("result", ""),
            result_label=data.get("result_label", ""),
        )


@dataclass(frozen=True, slots=True)
class TriggerShown:
    """An answer that gave a result, and what it did, in words."""

    framework: str
    question: str
    text: str
    answer: str
    effect: str

    def to_json(self) -> JSON:
        return {
            "framework": self.framework,
            "question": self.question,
            "text": self.text,
            "answer": self.answer,
            "effect": self.effect,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TriggerShown:
        return cls(
            framework=data["framework"],
            question=data["question"],
            text=data.get("text", ""),
            answer=data.get("answer", ""),
            effect=data.get("effect", ""),
        )


@dataclass(frozen=True, slots=True)
class Explanation:
    """The rule, the answers that triggered the result, the smallest changes that move it."""

    rule: str
    triggers: tuple[TriggerShown, ...]
    changes: tuple[Move, ...]
    sources: tuple[str, ...]

    def to_json(self) -> JSON:
        return {
            "rule": self.rule,
            "triggers": [t.to_json() for t in self.triggers],
            "changes": [m.to_json() for m in self.changes],
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Explanation:
        data = data or {}
        return cls(
            rule=data.get("rule", ""),
            triggers=tuple(TriggerShown.from_json(t) for t in data.get("triggers", ())),
            changes=tuple(Move.from_json(m) for m in data.get("changes", ())),
            sources=strings(data.get("sources")),
        )


@dataclass(frozen=True, slots=True)
class Labelled:
    """An overlay: its key, its label and what it adds."""

    key: str
    label: str
    explanation: str = ""

    def to_json(self) -> JSON:
        return {"key": self.key, "label": self.label, "explanation": self.explanation}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Labelled:
        return cls(data["key"], data.get("label", data["key"]), data.get("explanation", ""))


@dataclass(frozen=True, slots=True)
class TierResult:
    key: str | None  # None until the screening that sets it is answered
    label: str
    settled: bool
    overlays: tuple[Labelled, ...]
    explanation: Explanation
    duties: tuple[str, ...]  # keys of the scored questions that apply at this tier

    def to_json(self) -> JSON:
        return {
            "key": self.key,
            "label": self.label,
            "settled": self.settled,
            "overlays": [o.to_json() for o in self.overlays],
            "explanation": self.explanation.to_json(),
            "duties": list(self.duties),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TierResult:
        return cls(
            key=data.get("key"),
            label=data.get("label", ""),
            settled=bool(data.get("settled", True)),
            overlays=tuple(Labelled.from_json(o) for o in data.get("overlays", ())),
            explanation=Explanation.from_json(data.get("explanation")),
            duties=strings(data.get("duties")),
        )


@dataclass(frozen=True, slots=True)
class GateResult:
    key: str
    label: str
    decision: str  # PROCEED, PROCEED_WITH_CONDITIONS, PAUSE or GATE_NOT_APPLICABLE
    blocking: tuple[str, ...]  # keys of the safeguards that pause the gate
    conditions: tuple[str, ...]  # keys of those only partly in place (or N/A with no reason)
    safeguards: tuple[str, ...]  # keys of every safeguard the gate needs at the level
    explanation: Explanation
    reason: str = ""  # why the gate does not apply, in one line (GATE_NOT_APPLICABLE only)

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS.get(self.decision, self.decision)

    def to_json(self) -> JSON:
        return {
            "key": self.key,
            "label": self.label,
            "decision": self.decision,
            "decision_label": self.decision_label,
            "blocking": list(self.blocking),
            "conditions": list(self.conditions),
            "safeguards": list(self.safeguards),
            "explanation": self.explanation.to_json(),
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GateResult:
        return cls(
            key=data["key"],
            label=data.get("label", data["key"]),
            decision=data["decision"],
            blocking=strings(data.get("blocking")),
            conditions=strings(data.get("conditions")),
            safeguards=strings(data.get("safeguards")),
            explanation=Explanation.from_json(data.get("explanation")),
            reason=data.get("reason", ""),
        )


@dataclass(frozen=True, slots=True)
class GatesResult:
    required_level: int | None  # None until the capability screening is answered
    required_level_label: str
    settled: bool
    level_explanation: Explanation
    gates: tuple[GateResult, ...]

    def to_json(self) -> JSON:
        return {
            "required_level": self.required_level,
            "required_level_label": self.required_level_label,
            "settled": self.settled,
            "level_explanation": self.level_explanation.to_json(),
            "gates": [g.to_json() for g in self.gates],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GatesResult:
        level = data.get("required_level")
        return cls(
            required_level=None if level is None else int(level),
            required_level_label=data.get("required_level_label", ""),
            settled=bool(data.get("settled", True)),
            level_explanation=Explanation.from_json(data.get("level_explanation")),
            gates=tuple(GateResult.from_json(g) for g in data.get("gates", ())),
        )
