"""In-memory form of the question-bank files, and its canonical plain-dict form.

The canonical form is what the exporter writes and what the immutability check compares, so a
load followed by an export reproduces the exported files byte for byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    item: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.item}: {self.message}"


@dataclass
class SourceSpec:
    key: str
    title: str
    kind: str = "essay"
    authors: str = ""
    chapter: int | None = None
    chapter_title: str = ""
    first_page: str = ""
    last_page: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""
    linked_from: str = ""
    note: str = ""
    line: int = 0


@dataclass
class OptionSpec:
    key: str
    label: str
    points: int | None = None
    meaning: str = "plain"
    effects: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass
class QuestionSpec:
    key: str
    text: str
    guidance: str = ""
    kind: str = "single"
    weight: int = 1
    required: bool = True
    applies_when: dict[str, Any] | None = None
    source: str = ""
    quote: str = ""
    supporting_sources: list[str] = field(default_factory=list)
    basis: str = ""
    finding: str = ""
    remediation: str = ""
    tags: list[str] = field(default_factory=list)
    required_level: int | None = None
    options: list[OptionSpec] = field(default_factory=list)
    line: int = 0


@dataclass
class SectionSpec:
    key: str
    title: str
    summary: str = ""
    weight: int = 1
    source: str = ""
    quote: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)
    line: int = 0


@dataclass
class FrameworkSpec:
    key: str
    name: str
    kind: str
    description: str = ""
    standing: str = ""
    standing_note: str = ""
    standing_quote: str = ""
    source: str = ""
    order: int = 0
    line: int = 0


@dataclass
class VersionSpec:
    file: str
    framework: FrameworkSpec
    label: str
    status: str = "draft"
    published_on: dt.date | None = None
    changelog: str = ""
    rules: dict[str, Any] = field(default_factory=dict)
    sections: list[SectionSpec] = field(default_factory=list)
    line: int = 0

    @property
    def name(self) -> str:
        return f"{self.framework.key} {self.label}"

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for s in self.sections for q in s.questions]


@dataclass
class CategorySpec:
    key: str
    title: str
    source: str
    effective_from: dt.date
    description: str = ""
    effective_until: dt.date | None = None
    is_example: bool = False
    line: int = 0


@dataclass
class JurisdictionSpec:
    key: str
    name: str
    foundation_model_scale: str = ""
    is_example: bool = False
    note: str = ""
    negative_list: list[CategorySpec] = field(default_factory=list)
    line: int = 0


@dataclass
class BankFiles:
    """Everything read from a set of paths, with the file each part came from."""

    sources: list[tuple[str, SourceSpec]] = field(default_factory=list)
    versions: list[VersionSpec] = field(default_factory=list)
    jurisdictions: list[tuple[str, JurisdictionSpec]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# Canonical dicts: defaults omitted, keys in a fixed order. -----------------------------------


def _compact(pairs: list[tuple[str, Any, Any]]) -> dict[str, Any]:
    return {name: value for name, value, default in pairs if value != default}


def source_dict(s: SourceSpec) -> dict[str, Any]:
    return {"key": s.key} | _compact(
        [
            ("kind", s.kind, "essay"),
            ("title", s.title, None),
            ("authors", s.authors, ""),
            ("chapter", s.chapter, None),
            ("chapter_title", s.chapter_title, ""),
            ("first_page", s.first_page, ""),
            ("last_page", s.last_page, ""),
            ("publisher", s.publisher, ""),
            ("published", s.published, ""),
            ("url", s.url, ""),
            ("linked_from", s.linked_from, ""),
            ("note", s.note, ""),
        ]
    )


def option_dict(o: OptionSpec) -> dict[str, Any]:
    return {"key": o.key, "label": o.label} | _compact(
        [("points", o.points, None), ("meaning", o.meaning, "plain"), ("effects", o.effects, {})]
    )


def question_dict(q: QuestionSpec) -> dict[str, Any]:
    return {"key": q.key, "text": q.text} | _compact(
        [
            ("guidance", q.guidance, ""),
            ("kind", q.kind, "single"),
            ("weight", q.weight, 1),
            ("required", q.required, True),
            ("applies_when", q.applies_when, None),
            ("source", q.source, ""),
            ("quote", q.quote, ""),
            ("supporting_sources", sorted(q.supporting_sources), []),
            ("basis", q.basis, ""),
            ("finding", q.finding, ""),
            ("remediation", q.remediation, ""),
            ("tags", q.tags, []),
            ("required_level", q.required_level, None),
            ("options", [option_dict(o) for o in q.options], []),
        ]
    )


def section_dict(s: SectionSpec) -> dict[str, Any]:
    return {"key": s.key, "title": s.title} | _compact(
        [
            ("summary", s.summary, ""),
            ("weight", s.weight, 1),
            ("source", s.source, ""),
            ("quote", s.quote, ""),
            ("questions", [question_dict(q) for q in s.questions], []),
        ]
    )


def framework_dict(f: FrameworkSpec) -> dict[str, Any]:
    return {"key": f.key, "name": f.name, "kind": f.kind} | _compact(
        [
            ("description", f.description, ""),
            ("standing", f.standing, ""),
            ("standing_note", f.standing_note, ""),
            ("standing_quote", f.standing_quote, ""),
            ("source", f.source, ""),
            ("order", f.order, 0),
        ]
    )


def version_dict(v: VersionSpec) -> dict[str, Any]:
    version = {"label": v.label, "status": v.status} | _compact(
        [("published_on", v.published_on, None), ("changelog", v.changelog, "")]
    )
    body: dict[str, Any] = {"framework": framework_dict(v.framework), "version": version}
    if v.rules:
        body["rules"] = v.rules
    body["sections"] = [section_dict(s) for s in v.sections]
    return body


def category_dict(c: CategorySpec) -> dict[str, Any]:
    return {"key": c.key, "title": c.title} | _compact(
        [
            ("description", c.description, ""),
            ("source", c.source, None),
            ("effective_from", c.effective_from, None),
            ("effective_until", c.effective_until, None),
            ("is_example", c.is_example, False),
        ]
    )


def jurisdiction_dict(j: JurisdictionSpec) -> dict[str, Any]:
    return {"key": j.key, "name": j.name} | _compact(
        [
            ("foundation_model_scale", j.foundation_model_scale, ""),
            ("is_example", j.is_example, False),
            ("note", j.note, ""),
            ("negative_list", [category_dict(c) for c in j.negative_list], []),
        ]
    )
