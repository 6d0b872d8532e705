"""What the questionnaire shows: plain view data built from the bank, answers and progress.

Templates lay out; these helpers decide names, ids, what is checked and what counts, so that a
200-question page renders without a query or a URL lookup per question.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from assessments.models import Assessment, Source
from assessments.scoring.progress import Progress
from assessments.scoring.types import (
    NOT_APPLICABLE,
    AnswerValue,
    Bank,
    BankOption,
    BankQuestion,
    QRef,
)
from assessments.selectors import AnswerState, reference_data

EMPTY = AnswerValue()
TEMPLATE = "assessments/section_detail.html"
NO_ERRORS = {"choices": "", "reason": "", "evidence": ""}
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
    source: Source | None = None
    supporting: list[Source] = field(default_factory=list)
    reference: Mapping[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=lambda: dict(NO_ERRORS))
    conflict: Any = None
    html: SafeString = field(default_factory=SafeString)

    def head_key(self) -> Fragment:
        q = self.question
        return (
            ("dom_id", self.dom_id),
            ("number", self.number),
            ("text", q.text),
            ("required", q.required),
            ("guidance", q.guidance),
            ("quote", q.quote),
            ("source", self.source.citation() if self.source else ""),
            ("supporting", tuple(s.citation() for s in self.supporting)),
        )

    def answer_key(self) -> Fragment:
        return (
            ("dom_id", self.dom_id),
            ("name", self.name),
            ("kind", self.question.kind),
            ("input_type", self.input_type),
            (
                "options",
                tuple((o.key, o.label, o.meaning, o.input_id, o.checked) for o in self.options),
            ),
            ("text", self.answer.text),
            ("has_na", self.has_na),
            ("reason", self.answer.reason),
            ("error_choices", self.errors["choices"]),
            ("error_reason", self.errors["reason"]),
        )

    def extra_key(self) -> Fragment:
        return (
            ("dom_id", self.dom_id),
            ("name", self.name),
            ("note", self.answer.note),
            ("evidence", self.evidence_text),
            ("open", self.has_extra),
            ("error_evidence", self.errors["evidence"]),
        )

    @property
    def head_html(self) -> SafeString:
        """The legend, guidance and citations: the same for every answer."""
        return fragment("question_head", self.head_key())

    @property
    def answer_html(self) -> SafeString:
        """The answer's own fields (options or text, and the reason for "not applicable")."""
        return fragment("question_answer", self.answer_key())

    @property
    def extra_html(self) -> SafeString:
        """The note and the evidence links."""
        return fragment("question_extra", self.extra_key())

    @property
    def problem(self) -> tuple[str, str]:
        """(the id of the field to fix, what is wrong) for the list of refused answers."""
        if self.conflict:
            return f"{self.dom_id}__conflict-panel", "someone else changed it; choose an answer"
        for field_key in ("reason", "evidence"):
            if self.errors[field_key]:
                return f"{self.dom_id}__{field_key}", self.errors[field_key]
        first = self.options[0].input_id if self.options else f"{self.dom_id}__text"
        return first, self.errors["choices"]

    @property
    def input_type(self) -> str:
        return "checkbox" if self.question.kind == "multiple" else "radio"

    @property
    def answered(self) -> bool:
        return self.answer.is_given

    @property
    def has_na(self) -> bool:
        return any(o.meaning == NOT_APPLICABLE for o in self.options)

    @property
    def evidence_text(self) -> str:
        return "\n".join(self.answer.evidence)

    @property
    def has_extra(self) -> bool:
        return bool(self.answer.note or self.answer.evidence or self.errors["evidence"])


Fragment = tuple[tuple[str, Any], ...]


@functools.lru_cache(maxsize=20_000)
def fragment(partial: str, context: Fragment) -> SafeString:
    """A partial of the questionnaire rendered from plain values, memoised on those values.

    Pure in its arguments, so a memoised fragment is never stale.
    """
    return mark_safe(get_template(f"{TEMPLATE}#{partial}").render(dict(context)))  # noqa: S308


_QUESTIONS: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_QUESTIONS_LOCK = threading.Lock()
QUESTIONS_KEPT = 10_000


def render_question(item: QuestionItem, *, can_edit: bool, oob: bool = False) -> SafeString:
    """The question partial for this item, memoised on everything it shows (least recently
    used first out); a page of unchanged answers is then a join of kept strings."""
    if item.reference or item.conflict:
        return _render_question(item, can_edit, oob)
    key = (
        can_edit,
        oob,
        item.applicable,
        item.version,
        item.head_key(),
        item.answer_key(),
        item.extra_key(),
    )
    with _QUESTIONS_LOCK:
        html = _QUESTIONS.get(key)
        if html is not None:
            _QUESTIONS.move_to_end(key)
            return html
    html = _render_question(item, can_edit, oob)
    with _QUESTIONS_LOCK:
        _QUESTIONS[key] = html
        if len(_QUESTIONS) > QUESTIONS_KEPT:
            _QUESTIONS.popitem(last=False)
    return html


def _render_question(item: QuestionItem, can_edit: bool, oob: bool) -> SafeString:
    context = {"item": item, "can_edit": can_edit, "oob": oob}
    return mark_safe(get_template(f"{TEMPLATE}#question").render(context))  # noqa: S308


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
    sources: Mapping[str, Source] | None = None,
    reference: Mapping[str, Any] | None = None,
) -> QuestionItem:
    """The view of one question with its stored answer (if any) and its citations."""
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
    """Where to go on: the first section with applicable questions left, else the first."""
    sections = flat_sections(entries)
    return next((s for s in sections if not s.complete), sections[0] if sections else None)


def memo_clear(*, parts: bool = True) -> None:
    """Forget the memoised questions and, with parts, their parts (for benchmarks)."""
    if parts:
        fragment.cache_clear()
    with _QUESTIONS_LOCK:
        _QUESTIONS.clear()


def preview_item(question: BankQuestion) -> QuestionItem:
    """The question unanswered, as the admin preview shows it, with its citations and the
    reference data in force today."""
    sources = {s.key: s for s in Source.objects.filter(key__in=source_keys([question]))}
    tags = reference_tags([question])
    reference = reference_data(tags=tags, on=timezone.localdate()) if tags else {}
    return question_item(
        question, number=1, state=None, applicable=True, sources=sources, reference=reference
    )
