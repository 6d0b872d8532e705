"""What the questionnaire shows: plain view data built from the bank, answers and progress.

Templates lay out; these helpers decide names, ids, what is checked and what counts, so that a
200-question page renders without a query or a URL lookup per question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from assessments.models import Assessment, Source
from assessments.scoring.applicability import Applicability
from assessments.scoring.progress import Progress
from assessments.scoring.types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    AnswerValue,
    Bank,
    BankOption,
    BankQuestion,
    QRef,
)
from assessments.selectors import AnswerState

EMPTY = AnswerValue()
REFERENCE_TAGS = ("reference:negative-list", "reference:foundation-model-scale")


@dataclass(frozen=True, slots=True)
class OptionItem:
    key: str
    label: str
    input_id: str
    checked: bool
    meaning: str


@dataclass
class QuestionItem:
    """One question as the page shows it; `name` prefixes the names of its form fields."""

    question: BankQuestion
    dom_id: str
    name: str
    number: int
    applicable: bool
    answer: AnswerValue
    version: int
    options: list[OptionItem]
    url: str = ""
    source: Source | None = None
    supporting: list[Source] = field(default_factory=list)
    reference: Mapping[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    conflict: Any = None

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.kind == "multiple" else "radio"

    @property
    def answered(self) -> bool:
        return self.answer.is_given

    @property
    def is_dont_know(self) -> bool:
        return any(o.checked and o.meaning == DONT_KNOW for o in self.options)

    @property
    def has_na(self) -> bool:
        return any(o.meaning == NOT_APPLICABLE for o in self.options)

    @property
    def na_chosen(self) -> bool:
        return any(o.checked and o.meaning == NOT_APPLICABLE for o in self.options)

    @property
    def evidence_text(self) -> str:
        return "\n".join(self.answer.evidence)

    @property
    def has_extra(self) -> bool:
        return bool(self.answer.note or self.answer.evidence or self.errors.get("evidence"))


def dom_id(ref: QRef) -> str:
    return f"q__{ref[0]}__{ref[1]}"


def field_name(ref: QRef) -> str:
    return f"{ref[0]}.{ref[1]}"


def answer_url_prefix(assessment: Assessment) -> str:
    """The answer_update URL up to the framework key; reversed once per page, not per question."""
    return reverse("answer_update", args=[assessment.pk, "FW", "KEY"]).removesuffix("FW/KEY/")


def option_items(question: BankQuestion, answer: AnswerValue) -> list[OptionItem]:
    base = dom_id(question.ref)
    return [
        OptionItem(o.key, o.label, f"{base}__{o.key}", o.key in answer.choices, o.meaning)
        for o in question.options
    ]


def question_item(
    question: BankQuestion,
    *,
    number: int,
    state: AnswerState | None,
    applicable: bool,
    url_prefix: str = "",
    sources: Mapping[str, Source] | None = None,
    reference: Mapping[str, Any] | None = None,
) -> QuestionItem:
    answer = state.value if state else EMPTY
    sources = sources or {}
    return QuestionItem(
        question=question,
        dom_id=dom_id(question.ref),
        name=field_name(question.ref),
        number=number,
        applicable=applicable,
        answer=answer,
        version=state.version if state else 0,
        options=option_items(question, answer),
        url=f"{url_prefix}{question.framework}/{question.key}/" if url_prefix else "",
        source=sources.get(question.source),
        supporting=[sources[k] for k in question.supporting if k in sources],
        reference=_reference_for(question, reference or {}),
    )


def _reference_for(question: BankQuestion, reference: Mapping[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    if "reference:negative-list" in question.tags:
        shown["negative_list"] = reference.get("negative_list", [])
    if "reference:foundation-model-scale" in question.tags:
        shown["scales"] = reference.get("scales", [])
    return shown


def source_keys(questions: Iterable[BankQuestion]) -> set[str]:
    keys: set[str] = set()
    for question in questions:
        if question.source:
            keys.add(question.source)
        keys.update(question.supporting)
    return keys


def reference_tags(questions: Iterable[BankQuestion]) -> set[str]:
    return {tag for q in questions for tag in q.tags if tag in REFERENCE_TAGS}


def choice_labels(question: BankQuestion, choices: Iterable[str]) -> list[str]:
    """The labels of chosen options (the key when the option no longer exists)."""
    labels = []
    for key in choices:
        option: BankOption | None = question.option(key)
        labels.append(option.label if option else key)
    return labels


# Navigation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionEntry:
    framework: str
    key: str
    title: str
    url: str
    applicable: int
    answered: int
    current: bool

    @property
    def complete(self) -> bool:
        return self.answered >= self.applicable

    @property
    def percent(self) -> int:
        return 100 if self.applicable == 0 else round(100 * self.answered / self.applicable)


@dataclass(frozen=True)
class FrameworkEntry:
    key: str
    name: str
    sections: list[SectionEntry]


def navigator(
    assessment: Assessment, bank: Bank, done: Progress, current: tuple[str, str] | None = None
) -> list[FrameworkEntry]:
    """Every section of the assessment with its progress, grouped by framework."""
    prefix = reverse("section_detail", args=[assessment.pk, "FW", "SEC"]).removesuffix("FW/SEC/")
    by_ref = {(s.framework, s.section): s for s in done.sections}
    entries = []
    for framework in bank.frameworks:
        sections = []
        for section in framework.sections:
            p = by_ref[(framework.key, section.key)]
            sections.append(
                SectionEntry(
                    framework.key,
                    section.key,
                    section.title,
                    f"{prefix}{framework.key}/{section.key}/",
                    p.applicable,
                    p.answered,
                    (framework.key, section.key) == current,
                )
            )
        entries.append(FrameworkEntry(framework.key, framework.name, sections))
    return entries


def flat_sections(entries: list[FrameworkEntry]) -> list[SectionEntry]:
    return [s for f in entries for s in f.sections]


def next_incomplete(entries: list[FrameworkEntry]) -> SectionEntry | None:
    sections = flat_sections(entries)
    return next((s for s in sections if not s.complete), sections[0] if sections else None)


def applicable_refs(applicability: Applicability, questions: Iterable[BankQuestion]) -> set[QRef]:
    return {q.ref for q in questions if applicability.applies(q.ref)}
