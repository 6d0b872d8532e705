"""How far an assessment has come: applicable and answered questions per section."""

from __future__ import annotations

from dataclasses import dataclass

from .applicability import Applicability
from .types import Answers, Bank, BankQuestion


@dataclass(frozen=True, slots=True)
class SectionProgress:
    framework: str
    section: str
    applicable: int
    answered: int
    missing_required: tuple[str, ...]  # keys of required, applicable, unanswered questions

    @property
    def percent(self) -> int:
        return 100 if self.applicable == 0 else round(100 * self.answered / self.applicable)

    @property
    def complete(self) -> bool:
        return self.answered == self.applicable


@dataclass(frozen=True)
class Progress:
    sections: tuple[SectionProgress, ...]

    @property
    def applicable(self) -> int:
        return sum(s.applicable for s in self.sections)

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def percent(self) -> int:
        return 100 if self.applicable == 0 else round(100 * self.answered / self.applicable)

    def section(self, framework: str, section: str) -> SectionProgress:
        for item in self.sections:
            if item.framework == framework and item.section == section:
                return item
        raise KeyError((framework, section))


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
    return Progress(tuple(sections))
