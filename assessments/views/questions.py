"""What the questionnaire shows: plain view data built from the bank, answers and progress.

Templates lay out; these helpers decide names, ids, numbers, what is checked and what counts, so
that a 200-question page renders without a query or a URL lookup per question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.db.models import Q
from django.template import engines
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

from assessments.citations import cited_as
from assessments.forms import answer_name
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
from assessments.selectors import StoredAnswer, reference_data
from assessments.services.answers import MAX_NOTE, MAX_REASON, MAX_TEXT

EMPTY = AnswerValue()
QUESTIONS_TEMPLATE = "assessments/questions.html"  # Jinja2: templates/jinja2/
MACROS_TEMPLATE = "assessments/question_macros.html"
NO_ERRORS = MappingProxyType({"choices": "", "text": "", "note": "", "reason": "", "evidence": ""})
LIMITS = MappingProxyType({"text": str(MAX_TEXT), "note": str(MAX_NOTE), "reason": str(MAX_REASON)})
NOTHING: Mapping[str, Any] = MappingProxyType({})
REFERENCE_TAGS = ("reference:negative-list", "reference:foundation-model-scale")


@dataclass(frozen=True, slots=True)
class Conflict:
    """Someone else's newer answer beside the one this person tried to save, labelled."""

    version: int
    by: str
    when: str
    theirs: list[str]
    theirs_note: str
    yours: list[str]
    yours_note: str


@dataclass(slots=True)
class QuestionItem:
    """One question as the page shows it; `name` prefixes the names of its form fields and
    `number` counts only the questions that apply (None for the others). A 200-question page
    makes 200 of these and little else: few objects, so little work for the garbage collector."""

    question: BankQuestion
    dom_id: str
    name: str
    number: int | None
    applicable: bool
    answer: AnswerValue
    version: int
    source: str = ""
    supporting: tuple[str, ...] = ()
    cited_as: str = ""  # the lead-in and quote, worded by the practice's basis
    reference: Mapping[str, Any] = field(default_factory=lambda: NOTHING)  # shared, read-only
    errors: Mapping[str, str] = field(default_factory=lambda: NO_ERRORS)
    conflict: Conflict | None = None
    limits: Mapping[str, str] = field(default_factory=lambda: LIMITS)

    def refuse(self, field_key: str, message: str) -> None:
        """Show the message beside the field (or the options, for a field not shown)."""
        self.errors = {**NO_ERRORS, (field_key if field_key in NO_ERRORS else "choices"): message}

    @property
    def problem(self) -> tuple[str, str]:
        """(the id of the field to fix, what is wrong) for the list of refused answers."""
        if self.conflict:
            return f"{self.dom_id}__conflict-panel", "someone else changed it; choose an answer"
        for field_key in ("reason", "note", "evidence", "text"):
            if self.errors[field_key]:
                return f"{self.dom_id}__{field_key}", self.errors[field_key]
        options = self.question.options
        first = f"{self.dom_id}__{options[0].key}" if options else f"{self.dom_id}__text"
        return first, self.errors["choices"]

    @property
    def refused(self) -> bool:
        return bool(self.conflict) or any(self.errors.values())

    @property
    def has_na(self) -> bool:
        return any(o.meaning == NOT_APPLICABLE for o in self.question.options)

    @property
    def evidence_text(self) -> str:
        return "\n".join(self.answer.evidence)

    @property
    def has_extra(self) -> bool:
        return bool(
            self.answer.note
            or self.answer.evidence
            or self.errors["evidence"]
            or self.errors["note"]
        )


def render_questions(
    items: Iterable[QuestionItem], *, can_edit: bool, oob: bool = False, path: str = ""
) -> SafeString:
    """The questions' HTML, rendered afresh (fast enough to need no cache: docs/benchmarks.md).

    `oob` marks each for an out-of-band htmx swap; `path` is the page that "Take their answer"
    reloads."""
    template = engines["jinja2"].env.get_template(QUESTIONS_TEMPLATE)  # type: ignore[attr-defined]
    context = {"items": items, "can_edit": can_edit, "oob": oob, "path": path}
    html: str = template.render(context)
    return mark_safe(html)  # noqa: S308 - autoescaped by Jinja2


def render_conflict(conflict: Conflict, *, ref: QRef, path: str) -> SafeString:
    """The panel that shows both answers and lets the person choose."""
    template = engines["jinja2"].env.get_template(MACROS_TEMPLATE)  # type: ignore[attr-defined]
    html = template.module.conflict(conflict, dom_id(ref), path)
    return mark_safe(str(html))  # noqa: S308 - autoescaped by Jinja2


def conflict_of(question: BankQuestion, theirs: StoredAnswer, yours: AnswerValue) -> Conflict:
    """Both answers, labelled, for the person to choose between."""
    when = dateformat.format(timezone.localtime(theirs.at), r"j M Y \a\t H:i") if theirs.at else ""
    return Conflict(
        version=theirs.version,
        by=theirs.by or "Someone",
        when=when,
        theirs=choice_labels(question, theirs.value.choices) or [theirs.value.text],
        theirs_note=theirs.value.note,
        yours=choice_labels(question, yours.choices) or [yours.text],
        yours_note=yours.note,
    )


def dom_id(ref: QRef) -> str:
    return f"q__{ref[0]}__{ref[1]}"


def answer_url_prefix(assessment: Assessment) -> str:
    """The answer_update URL up to the framework key; reversed once per page, not per question."""
    return reverse("answer_update", args=[assessment.pk, "FW", "KEY"]).removesuffix("FW/KEY/")


def question_item(
    question: BankQuestion,
    *,
    number: int | None,
    stored: StoredAnswer | None,
    applicable: bool,
    citations: Mapping[str, Source] | None = None,
    reference: Mapping[str, Any] | None = None,
) -> QuestionItem:
    """The view of one question with its stored answer (if any) and its citations (by source
    key: see citations_for)."""
    answer = stored.value if stored else EMPTY
    citations = citations or {}
    source = citations.get(question.source)
    linked = citations.get(source.linked_from) if source and source.linked_from else None
    return QuestionItem(
        question=question,
        dom_id=dom_id(question.ref),
        name=answer_name(question.ref),
        number=number,
        applicable=applicable,
        answer=answer,
        version=stored.version if stored else 0,
        source=source.citation() if source else "",
        supporting=tuple(citations[k].citation() for k in question.supporting if k in citations),
        cited_as=cited_as(
            basis=question.basis, source=source, quote=question.quote, linked_from=linked
        ),
        reference=_reference_for(question, reference) if reference else NOTHING,
    )


def _reference_for(question: BankQuestion, reference: Mapping[str, Any]) -> dict[str, Any]:
    """The reference data a tagged question shows, as plain rows."""
    shown: dict[str, Any] = {}
    if "reference:negative-list" in question.tags:
        groups: dict[str, list[dict[str, Any]]] = {}
        for c in reference.get("negative_list", []):
            groups.setdefault(str(c.jurisdiction), []).append(
                {
                    "title": c.title,
                    "is_example": c.is_example,
                    "source": c.source,
                    "effective_from": dateformat.format(c.effective_from, "j M Y"),
                }
            )
        shown["negative_list"] = list(groups.items())
        selected = reference.get("selected_jurisdictions")
        shown["no_list"] = not any(
            not c.is_example and (selected is None or c.jurisdiction.key in selected)
            for c in reference.get("negative_list", [])
        )
    if "reference:foundation-model-scale" in question.tags:
        scales = reference.get("scales", [])
        shown["scales"] = [(str(j), j.foundation_model_scale) for j in scales]
    return shown


def citations_for(questions: Iterable[BankQuestion]) -> dict[str, Source]:
    """Every source the questions cite, and the essays that link to the external ones (a
    citation worded by its basis names them), by source key, in one query."""
    keys = source_keys(questions)
    linking = Source.objects.filter(key__in=keys).exclude(linked_from="").values("linked_from")
    return {s.key: s for s in Source.objects.filter(Q(key__in=keys) | Q(key__in=linking))}


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


def preview_item(question: BankQuestion) -> QuestionItem:
    """The question unanswered, as the admin preview shows it, with its citations and the
    reference data in force today."""
    tags = reference_tags([question])
    reference = reference_data(tags=tags, on=timezone.localdate()) if tags else {}
    citations = citations_for([question])
    return question_item(
        question, number=1, stored=None, applicable=True, citations=citations, reference=reference
    )
