"""What results list beside the scores: gaps, answers to look at again, and cited sources.

Part of the `Results` shape (results.py, docs/results-format.md), with the same JSON rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .verdicts import JSON, strings


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    """The answer a gap got, as the results keep it: option labels rather than keys, so a
    stored snapshot stays readable after the question bank moves on."""

    choices: tuple[str, ...] = ()
    text: str = ""
    note: str = ""
    reason: str = ""
    evidence: tuple[str, ...] = ()

    def to_json(self) -> JSON:
        return {
            "choices": list(self.choices),
            "text": self.text,
            "note": self.note,
            "reason": self.reason,
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ShownAnswer:
        data = data or {}
        return cls(
            choices=strings(data.get("choices")),
            text=data.get("text", ""),
            note=data.get("note", ""),
            reason=data.get("reason", ""),
            evidence=strings(data.get("evidence")),
        )


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
    basis: str = ""  # how the practice relates to the source (docs/question-bank.md)
    finding: str = ""  # the gap as a statement; "" in snapshots taken before findings existed

    @property
    def critical(self) -> bool:
        return bool(self.why_critical)

    def to_json(self) -> JSON:
        return {
            "framework": self.framework,
            "question": self.question,
            "section": self.section,
            "text": self.text,
            "weight": self.weight,
            "shortfall": self.shortfall,
            "priority": self.priority,
            "critical": self.critical,
            "why_critical": self.why_critical,
            "dont_know": self.dont_know,
            "answer": self.answer.to_json(),
            "remediation": self.remediation,
            "source": self.source,
            "quote": self.quote,
            "supporting": list(self.supporting),
            "basis": self.basis,
            "finding": self.finding,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Gap:
        return cls(
            framework=data["framework"],
            question=data["question"],
            section=data.get("section", ""),
            text=data.get("text", ""),
            weight=int(data.get("weight", 1)),
            shortfall=float(data.get("shortfall", 1.0)),
            priority=float(data.get("priority", 0.0)),
            why_critical=data.get("why_critical") or "",
            dont_know=bool(data.get("dont_know", False)),
            answer=ShownAnswer.from_json(data.get("answer")),
            remediation=data.get("remediation", ""),
            source=data.get("source", ""),
            quote=data.get("quote", ""),
            supporting=strings(data.get("supporting")),
            basis=data.get("basis", ""),
            finding=data.get("finding", ""),
        )


@dataclass(frozen=True, slots=True)
class Listed:
    """A question listed for attention: unanswered, or answered "Don't know"."""

    framework: str
    question: str
    text: str
    required: bool = True
    section: str = ""

    def to_json(self) -> JSON:
        return {
            "framework": self.framework,
            "question": self.question,
            "text": self.text,
            "required": self.required,
            "section": self.section,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Listed:
        return cls(
            framework=data["framework"],
            question=data["question"],
            text=data.get("text", ""),
            required=bool(data.get("required", True)),
            section=data.get("section", ""),
        )


@dataclass(frozen=True, slots=True)
class CitedSource:
    """A source the results cite. Scoring knows only the key; the app adds the citation from
    the database when it stores or shows the results (assessments.results)."""

    key: str
    citation: str = ""
    citation_parts: tuple[str, str, str] = ("", "", "")  # before, italic container, after
    title: str = ""
    authors: str = ""
    pages: str = ""
    kind: str = ""
    url: str = ""
    linked_from: str = ""  # external documents: the essay that links to it

    def to_json(self) -> JSON:
        return {
            "citation": self.citation,
            "citation_parts": list(self.citation_parts),
            "title": self.title,
            "authors": self.authors,
            "pages": self.pages,
            "kind": self.kind,
            "url": self.url,
            "linked_from": self.linked_from,
        }

    @classmethod
    def from_json(cls, key: str, data: Mapping[str, Any]) -> CitedSource:
        citation = data.get("citation", "")
        parts = strings(data.get("citation_parts"))
        lead, container, tail = parts if len(parts) == 3 else (citation, "", "")
        return cls(
            key=key,
            citation=citation,
            citation_parts=(lead, container, tail),
            title=data.get("title", ""),
            authors=data.get("authors", ""),
            pages=data.get("pages", ""),
            kind=data.get("kind", ""),
            url=data.get("url", ""),
            linked_from=data.get("linked_from", ""),
        )
