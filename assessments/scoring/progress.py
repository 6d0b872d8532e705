"""How far an assessment has come: applicable and answered questions, in all and per section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .applicability import Applicability
from .types import Answers, Bank, BankQuestion


def share(answered: int, applicable: int) -> int:
    """Answered questions as a whole percentage of the applicable ones (100 when none apply)."""
    return 100 if applicable == 0 else round(100 * answered / applicable)


@dataclass(frozen=True, slots=True)
class SectionProgress:
    framework: str
    section: str
    applicable: int
    answered: int
    missing_required: tuple[str, ...]  # keys of required, applicable, unanswered questions

    @property
    def percent(self) -> int:
        return share(self.answered, self.applicable)

    @property
    def complete(self) -> bool:
        return self.answered == self.applicable


@dataclass(frozen=True)
class Progress:
    """The totals, and each section's progress when computed from answers (a stored snapshot
    keeps only the totals)."""

    applicable: int
    answered: int
    sections: tuple[SectionProgress, ...] = ()

    @classmethod
    def of_sections(cls, sections: tuple[SectionProgress, ...]) -> Progress:
        applicable = sum(s.applicable for s in sections)
        return cls(applicable, sum(s.answered for s in sections), sections)

    @property
    def percent(self) -> int:
        return share(self.answered, self.applicable)

    def section(self, framework: str, section: str) -> SectionProgress:
        for item in self.sections:
            if item.framework == framework and item.section == section:
                return item
        raise KeyError((framework, section))

    def to_json(self) -> dict[str, Any]:
        return {"applicable": self.applicable, "answered": self.answered, "percent": self.percent}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Progress:
        return cls(int(data.get("applicable", 0)), int(data.get("answered", 0)))


def is_answered(question: BankQuestion, answers: Answers) -> bool:
    answer = answers.get(question.ref)
    return answer is not None and answer.is_given


def progress(bank: Bank, answers: Answers, applicability: Applicability) -> Progress:
    sections = []
    for framework in bank.frameworks:
        for section in framework.sections:
            applicable = [q for q in section.questions if applicability.applies(q.ref)]
            answered = [q for q in applicable if is_answered(q, answers)]
            missing = tuple(q.key for q in applicable if q.required and not is_answered(q, answers))
            sections.append(
                SectionProgress(framework.key, section.key, len(applicable), len(answered), missing)
            )
    return Progress.of_sections(tuple(sections))
