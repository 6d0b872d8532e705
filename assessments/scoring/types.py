"""Plain, frozen data that scoring reads: the question bank and the answers.

Nothing here touches the ORM, the request or settings, so scoring tests need no database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from .conditions import Condition

T = TypeVar("T")

QRef = tuple[str, str]
"""A question's address: (framework key, question key)."""

PLAIN = "plain"
NOT_APPLICABLE = "na"
DONT_KNOW = "dont_know"

PROFILE = "profile"
MATURITY = "maturity"
TIER = "tier"
GATE = "gate"


@dataclass(frozen=True, slots=True)
class BankOption:
    key: str
    label: str
    points: int | None = None
    meaning: str = PLAIN
    effects: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BankQuestion:
    framework: str
    section: str
    key: str
    position: int
    text: str
    kind: str = "single"
    weight: int = 1
    required: bool = True
    condition: Condition | None = None
    options: tuple[BankOption, ...] = ()
    tags: frozenset[str] = frozenset()
    required_level: int | None = None
    source: str = ""
    quote: str = ""
    supporting: tuple[str, ...] = ()
    remediation: str = ""
    guidance: str = ""
    basis: str = ""
    finding: str = ""
    ref: QRef = field(init=False, repr=False, compare=False)
    """The question's address, (framework, key): computed once, read very often."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", (self.framework, self.key))

    @property
    def is_scored(self) -> bool:
        return self.weight > 0 and self.kind != "text"

    @property
    def max_points(self) -> int:
        plain = [o.points or 0 for o in self.options if o.meaning == PLAIN]
        if self.kind == "multiple":
            return sum(p for p in plain if p > 0)
        return max(plain, default=0)

    def option(self, key: str) -> BankOption | None:
        for option in self.options:
            if option.key == key:
                return option
        return None

    def tag_values(self, facet: str) -> tuple[str, ...]:
        """Values of tags written 'facet:value', sorted."""
        prefix = facet + ":"
        return tuple(sorted(t[len(prefix) :] for t in self.tags if t.startswith(prefix)))


@dataclass(frozen=True, slots=True)
class BankSection:
    key: str
    title: str
    weight: int
    questions: tuple[BankQuestion, ...]


@dataclass(frozen=True)
class BankFramework:
    key: str
    name: str
    kind: str
    version: str
    sections: tuple[BankSection, ...]
    rules: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    standing: str = ""
    standing_note: str = ""

    @cached_property
    def questions(self) -> tuple[BankQuestion, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def rule(self, name: str, key: Any, field: str = "key") -> Mapping[str, Any]:
        """The entry of rules[name] whose field equals key, or an empty mapping."""
        for entry in self.rules.get(name, []):
            if isinstance(entry, Mapping) and entry.get(field) == key:
                return entry
        return {}

    @cached_property
    def screening(self) -> tuple[BankQuestion, ...]:
        """The questions whose options set a tier, an overlay or a level, in asking order."""
        return tuple(q for q in self.questions if any(o.effects for o in q.options))

    @cached_property
    def screening_refs(self) -> frozenset[QRef]:
        return frozenset(q.ref for q in self.screening)


@dataclass(frozen=True)
class Bank:
    """The frameworks an assessment is pinned to, profile first, in asking order."""

    frameworks: tuple[BankFramework, ...]
    _index: dict[QRef, BankQuestion] = field(default_factory=dict, init=False, repr=False)
    _memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for framework in self.frameworks:
            for question in framework.questions:
                self._index[question.ref] = question

    def question(self, ref: QRef) -> BankQuestion:
        return self._index[ref]

    def has(self, ref: QRef) -> bool:
        return ref in self._index

    def framework(self, key: str) -> BankFramework:
        for framework in self.frameworks:
            if framework.key == key:
                return framework
        raise KeyError(key)

    @cached_property
    def questions(self) -> tuple[BankQuestion, ...]:
        return tuple(q for f in self.frameworks for q in f.questions)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What compute() gives, worked out once per bank: a bank never changes."""
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result


@dataclass(frozen=True, slots=True)
class AnswerValue:
    choices: tuple[str, ...] = ()
    text: str = ""
    note: str = ""
    reason: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def is_given(self) -> bool:
        return bool(self.choices) or bool(self.text.strip())


Answers = Mapping[QRef, AnswerValue]


def selected_options(question: BankQuestion, answer: AnswerValue | None) -> tuple[BankOption, ...]:
    if answer is None or not answer.choices:
        return ()
    choices = answer.choices
    return tuple([o for o in question.options if o.key in choices])


def answer_meaning(question: BankQuestion, answer: AnswerValue | None) -> str | None:
    """PLAIN, NOT_APPLICABLE, DONT_KNOW, or None when unanswered."""
    if answer is None or not answer.is_given:
        return None
    choices = answer.choices
    for option in question.options:
        if option.meaning != PLAIN and option.key in choices:
            return option.meaning
    return PLAIN


def answer_fraction(question: BankQuestion, answer: AnswerValue | None) -> float | None:
    """Points over max points in [0, 1]; None when unanswered or not applicable."""
    meaning = answer_meaning(question, answer)
    if meaning is None or meaning == NOT_APPLICABLE or not question.is_scored:
        return None
    if meaning == DONT_KNOW or question.max_points <= 0:
        return 0.0
    points = sum(o.points or 0 for o in selected_options(question, answer))
    return min(max(points / question.max_points, 0.0), 1.0)
