"""What the review and history pages list, as plain rows built from the bank and answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.progress import progress
from assessments.scoring.types import DONT_KNOW, Bank, BankQuestion, answer_meaning
from assessments.selectors import AssessmentAccess, answers_for_assessment, bank_for_assessment

from .questions import choice_labels, dom_id, navigator


@dataclass(frozen=True, slots=True)
class ReviewItem:
    framework: str
    section: str
    question: BankQuestion
    url: str
    required: bool


def review_lists(access: AssessmentAccess) -> dict[str, Any]:
    """Unanswered applicable questions and "Don't know" answers, each with a link to it."""
    assessment = access.assessment
    bank = bank_for_assessment(assessment)
    answers = answers_for_assessment(assessment)
    applicability = evaluate_applicability(bank, answers)
    done = progress(bank, answers, applicability)
    urls = {
        (s.framework, s.key): s.url for f in navigator(assessment, bank, done) for s in f.sections
    }
    unanswered, dont_know = [], []
    for framework in bank.frameworks:
        for section in framework.sections:
            for q in section.questions:
                if not applicability.applies(q.ref):
                    continue
                url = f"{urls[(framework.key, section.key)]}#{dom_id(q.ref)}"
                item = ReviewItem(framework.name, section.title, q, url, q.required)
                meaning = answer_meaning(q, answers.get(q.ref))
                if meaning is None:
                    unanswered.append(item)
                elif meaning == DONT_KNOW:
                    dont_know.append(item)
    return {
        "assessment": assessment,
        "progress": done,
        "unanswered": unanswered,
        "required_missing": [i for i in unanswered if i.required],
        "dont_know": dont_know,
        "can_submit": access.can_submit,
        "access": access,
    }


@dataclass(frozen=True, slots=True)
class HistoryRow:
    when: Any
    who: str
    change: str
    question: str
    framework: str
    value: str
    note: str
    reason: str
    evidence: tuple[str, ...]
    version: int


CHANGES = {"+": "Answered", "~": "Changed", "-": "Deleted"}


def history_rows(records: list[Any], bank: Bank) -> list[HistoryRow]:
    """One row per recorded change, with option labels from the pinned bank."""
    rows = []
    for record in records:
        framework = record.question.version.framework.key
        try:
            question = bank.question((framework, record.question.key))
            text = question.text
            value = ", ".join(choice_labels(question, record.choices)) or record.text
        except KeyError:
            text, value = record.question.text, ", ".join(record.choices) or record.text
        who = record.history_user.get_username() if record.history_user else "Unknown"
        rows.append(
            HistoryRow(
                record.history_date,
                who,
                CHANGES.get(record.history_type, record.history_type),
                text,
                record.question.version.framework.name,
                value,
                record.note,
                record.reason,
                tuple(record.evidence),
                record.version,
            )
        )
    return rows
