"""The schema of the question-bank files, as typed models, and their canonical plain-dict form.

Each model is strict (a number is not text, `yes` is not true) and forbids unknown fields, so
reading a file is `Model.model_validate(data)` and every structural fault comes back with its
exact location; `read.py` turns those into problems naming the file, the item and the line.

The canonical form (`canonical()`: defaults left out, fields in the order declared here) is what
the exporter writes and what the immutability check compares, so a load followed by an export
reproduces the exported files byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

FRAMEWORK_KINDS = ("gate", "maturity", "profile", "tier")
STATUSES = ("draft", "published", "retired")
QUESTION_KINDS = ("multiple", "single", "text")
MEANINGS = ("dont_know", "na", "plain")
SOURCE_KINDS = ("essay", "external", "front_matter")
BASES = ("adapted", "policy", "practice", "stated")
STANDINGS = ("government-guidance", "principles", "proposal", "voluntary-policy")
SMALL = 32767  # the largest value of the database's small integer columns


@dataclass(frozen=True)
class Problem:
    """One fault, located: the file, its line (None when unknown), the item and what is wrong.

    `section` and `question` carry the keys of the item, so a page can show the problem beside it.
    """

    file: str
    line: int | None
    item: str
    message: str
    section: str = ""
    question: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.item}: {self.message}"


# Field types --------------------------------------------------------------------------------


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _no_nul(value: str) -> str:
    """Text a database can store: PostgreSQL refuses NUL characters and lone surrogates."""
    if _UNSTORABLE.search(value):
        raise PydanticCustomError("unstorable", "contains a NUL character or a lone surrogate")
    return value


def _one_of(choices: tuple[str, ...], blank: bool = False) -> AfterValidator:
    """One of the choices; with `blank`, also "" (not given)."""

    def check(value: str) -> str:
        if value not in choices and not (blank and value == ""):
            raise PydanticCustomError(
                "one_of", "must be one of {choices}", {"choices": ", ".join(choices)}
            )
        return value

    return AfterValidator(check)


def _iso_date(value: Any) -> Any:
    """A date written YYYY-MM-DD, whether YAML read it as a date or (quoted) as text."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("iso_date", "must be a date written YYYY-MM-DD") from None
    return value


def _page(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _plain(value: Any) -> Any:
    """Mappings of the YAML reader back to plain dicts (recursively), for storage."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


SLUG = r"^[-a-zA-Z0-9_]+$"
# Keys (slugs) and one-line texts, each as long as the database column that stores it.
Key20 = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=SLUG)]
Key40 = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=SLUG)]
Key60 = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=SLUG)]
Key80 = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=SLUG)]
Line10 = Annotated[str, StringConstraints(max_length=10), AfterValidator(_no_nul)]
Line40 = Annotated[str, StringConstraints(max_length=40), AfterValidator(_no_nul)]
Line80 = Annotated[str, StringConstraints(max_length=80), AfterValidator(_no_nul)]
Line120 = Annotated[str, StringConstraints(max_length=120), AfterValidator(_no_nul)]
Line200 = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]
Line300 = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_nul)]
Line400 = Annotated[str, StringConstraints(max_length=400), AfterValidator(_no_nul)]
Text = Annotated[str, AfterValidator(_no_nul)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]
Page = Annotated[Line10, BeforeValidator(_page)]
Count = Annotated[int, Field(ge=0, le=SMALL)]
Data = Annotated[dict[str, Any], AfterValidator(_plain)]
Keys = list[Key80]


class Spec(BaseModel):
    """Strict, closed to unknown fields; remembers the line of the mapping it was read from.

    An empty YAML value (`guidance:`) means "not given" for a field that has a default.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
    _line: int = PrivateAttr(default=0)

    @model_validator(mode="wrap")
    @classmethod
    def _read(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        line = getattr(data, "line", 0)
        if isinstance(data, dict):
            fields = cls.model_fields
            data = {
                k: v
                for k, v in data.items()
                if v is not None or k not in fields or fields[k].is_required()
            }
        spec = handler(data)
        spec._line = line
        return spec

    @property
    def line(self) -> int:
        return self._line

    def canonical(self) -> dict[str, Any]:
        """Fields in declared order, those at their default left out."""
        return self.model_dump(exclude_defaults=True)


# Sources and reference data -----------------------------------------------------------------


class SourceSpec(Spec):
    key: Key80
    kind: Annotated[str, _one_of(SOURCE_KINDS)] = "essay"
    title: Line300
    authors: Line300 = ""
    chapter: Count | None = None
    chapter_title: Line200 = ""
    first_page: Page = ""
    last_page: Page = ""
    publisher: Line200 = ""
    published: Line40 = ""
    url: Line200 = ""
    linked_from: Line80 = ""
    note: Text = ""


class CategorySpec(Spec):
    key: Key60
    title: Line300
    description: Text = ""
    source: Line300
    effective_from: Date
    effective_until: Date | None = None
    is_example: bool = False


class JurisdictionSpec(Spec):
    key: Key40
    name: Line200
    foundation_model_scale: Line300 = ""
    is_example: bool = False
    note: Text = ""
    negative_list: list[CategorySpec] = []


class SourcesFile(Spec):
    sources: list[SourceSpec]


class JurisdictionsFile(Spec):
    jurisdictions: list[JurisdictionSpec]


# Framework versions -------------------------------------------------------------------------


class OptionSpec(Spec):
    key: Key60
    label: Line300
    points: Annotated[int, Field(ge=0, le=SMALL)] | None = None
    meaning: Annotated[str, _one_of(MEANINGS)] = "plain"
    effects: Data = {}


class QuestionSpec(Spec):
    key: Key80
    text: Text
    guidance: Text = ""
    kind: Annotated[str, _one_of(QUESTION_KINDS)] = "single"
    weight: Count = 1
    required: bool = True
    applies_when: Data | None = None
    source: Line80 = ""
    quote: Line400 = ""
    supporting_sources: Annotated[Keys, AfterValidator(sorted)] = []
    basis: Annotated[str, _one_of(BASES, blank=True)] = ""
    finding: Text = ""
    remediation: Text = ""
    tags: list[Line120] = []
    required_level: Count | None = None
    options: list[OptionSpec] = []


class SectionSpec(Spec):
    key: Key60
    title: Line200
    summary: Text = ""
    weight: Count = 1
    source: Line80 = ""
    quote: Line400 = ""
    questions: list[QuestionSpec]


class FrameworkSpec(Spec):
    key: Key40
    name: Line200
    kind: Annotated[str, _one_of(FRAMEWORK_KINDS)]
    description: Text = ""
    standing: Annotated[str, _one_of(STANDINGS, blank=True)] = ""
    standing_note: Text = ""
    standing_quote: Line400 = ""
    source: Line80 = ""
    order: Count = 0


class VersionInfo(Spec):
    label: Key20
    status: Annotated[str, _one_of(STATUSES)]
    published_on: Date | None = None
    changelog: Text = ""


class VersionSpec(Spec):
    """One framework version: one file `frameworks/<framework>/<label>.yaml`."""

    framework: FrameworkSpec
    version: VersionInfo
    rules: Data = {}
    sections: list[SectionSpec]
    _file: str = PrivateAttr(default="")

    @property
    def file(self) -> str:
        return self._file

    def located(self, file: str) -> VersionSpec:
        self._file = file
        return self

    @property
    def label(self) -> str:
        return self.version.label

    @property
    def status(self) -> str:
        return self.version.status

    @property
    def published_on(self) -> dt.date | None:
        return self.version.published_on

    @property
    def changelog(self) -> str:
        return self.version.changelog

    @property
    def name(self) -> str:
        return f"{self.framework.key} {self.label}"

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for s in self.sections for q in s.questions]


# Rules: checked as typed models, kept as the plain mapping the scoring reads. --------------


class RuleEntry(Spec):
    key: Key60
    label: Line200
    description: Text = ""
    explanation: Text = ""
    source: Line80 = ""
    quote: Line400 = ""

    @property
    def name(self) -> str:
        return self.key


class GateEntry(RuleEntry):
    """A gate; `applies_when` (profile questions only) says which organisations it concerns,
    and `not_applicable` is the one line shown when it does not apply (docs/scoring.md)."""

    applies_when: Data | None = None
    not_applicable: Line200 = ""


class LevelEntry(Spec):
    level: Count
    label: Line200
    description: Text = ""
    source: Line80 = ""
    quote: Line400 = ""

    @property
    def name(self) -> str:
        return str(self.level)


class Rules(Spec):
    tiers: list[RuleEntry] = []
    default_tier: Key60 | None = None
    overlays: list[RuleEntry] = []
    levels: list[LevelEntry] = []
    default_level: Count | None = None
    areas: list[RuleEntry] = []
    gates: list[GateEntry] = []
    risks: list[RuleEntry] = []

    def entries(self) -> Iterator[tuple[str, RuleEntry | LevelEntry]]:
        for name in ("tiers", "overlays", "levels", "areas", "gates", "risks"):
            for entry in getattr(self, name):
                yield name, entry


@dataclass
class BankFiles:
    """Everything read from a set of paths, with the file each part came from."""

    sources: list[tuple[str, SourceSpec]] = field(default_factory=list)
    versions: list[VersionSpec] = field(default_factory=list)
    jurisdictions: list[tuple[str, JurisdictionSpec]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def version_dict(v: VersionSpec) -> dict[str, Any]:
    return v.canonical()


def source_dict(s: SourceSpec) -> dict[str, Any]:
    return s.canonical()


def jurisdiction_dict(j: JurisdictionSpec) -> dict[str, Any]:
    return j.canonical()
