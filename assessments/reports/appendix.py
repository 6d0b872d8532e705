"""The report's appendix of every answer (each question of each pinned framework, as asked),
and the question-bank versions its method appendix names, with what changed since the
previous round's versions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assessments.results.versions import VersionStep
from assessments.scoring.results import (
    DONT_KNOW_STATUS,
    HIDDEN,
    NOT_APPLICABLE_STATUS,
    SCORED,
    UNANSWERED,
    UNSCORED,
    Results,
)
from assessments.scoring.types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    AnswerValue,
    Bank,
    BankQuestion,
    QRef,
)

STATUS_TEXT = {
    SCORED: "Scored",
    DONT_KNOW_STATUS: "Don't know: scores zero",
    NOT_APPLICABLE_STATUS: "Not applicable: not counted",
    UNANSWERED: "Not answered",
    UNSCORED: "Not scored (screening or written answer)",
    HIDDEN: "Does not apply (its condition is false): not counted",
}


@dataclass(frozen=True)
class AnswerRow:
    key: str
    text: str
    choices: tuple[str, ...]  # option labels
    written: str
    note: str
    reason: str  # only for "Not applicable"
    evidence: tuple[str, ...]
    answered: bool
    dont_know: bool
    status: str  # in words
    counted: bool


@dataclass(frozen=True)
class AppendixSection:
    title: str
    questions: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class AppendixFramework:
    key: str
    name: str
    version: str
    sections: tuple[AppendixSection, ...]

    @property
    def anchor(self) -> str:
        return f"answers-{self.key}"


def _choice_labels(question: BankQuestion, value: AnswerValue) -> tuple[str, ...]:
    labels = []
    for key in value.choices:
        option = question.option(key)
        labels.append(option.label if option else key)
    return tuple(labels)


def answer_row(question: BankQuestion, value: AnswerValue | None, status: str | None) -> AnswerRow:
    meanings = {o.key: o.meaning for o in question.options}
    chosen = {meanings.get(c) for c in value.choices} if value else set()
    if status is None:  # the profile is never scored: say only whether it was answered
        status = UNSCORED if value else UNANSWERED
    return AnswerRow(
        key=question.key,
        text=question.text,
        choices=_choice_labels(question, value) if value else (),
        written=value.text if value else "",
        note=value.note if value else "",
        reason=value.reason if value and NOT_APPLICABLE in chosen else "",
        evidence=value.evidence if value else (),
        answered=value is not None,
        dont_know=DONT_KNOW in chosen,
        status=STATUS_TEXT.get(status, status),
        counted=status not in (HIDDEN, NOT_APPLICABLE_STATUS, UNANSWERED),
    )


def answer_appendix(
    bank: Bank, answers: Mapping[QRef, AnswerValue], results: Results
) -> tuple[AppendixFramework, ...]:
    """Every question of every pinned framework, profile first, with the answer it got."""
    statuses = {
        (framework.key, q.key): q.status
        for framework in results.frameworks
        for section in framework.sections
        for q in section.questions
    }
    return tuple(
        AppendixFramework(
            key=framework.key,
            name=framework.name,
            version=framework.version,
            sections=tuple(
                AppendixSection(
                    section.title,
                    tuple(
                        answer_row(q, answers.get(q.ref), statuses.get(q.ref))
                        for q in section.questions
                    ),
                )
                for section in framework.sections
            ),
        )
        for framework in bank.frameworks
    )


# The question-bank versions, for the method appendix -------------------------------------

MAX_DIFF_LINES = 12


@dataclass(frozen=True)
class BankVersion:
    """A framework's version as the method names it and, for a later round on a newer version,
    what changed since the version the previous round used."""

    name: str
    version: str
    previous: str = ""  # the previous round's version label, when it differs
    summary: str = ""  # the diff's counts
    lines: tuple[str, ...] = ()  # the first changed questions, one line each
    more: int = 0  # changed questions not listed


def _diff_lines(step: VersionStep) -> list[str]:
    diff = step.diff
    lines = [f"Added: {q.key}." for q in diff.questions_added]
    lines += [f"Removed: {q.key}." for q in diff.questions_removed]
    for q in diff.questions_changed:
        what = list(dict.fromkeys(c.what for c in q.changes))
        if q.moved_from:
            what.append(f"moved from section {q.moved_from}")
        lines.append(f"Changed: {q.key} ({', '.join(what)}).")
    return lines


def bank_versions(bank: Bank, steps: Iterable[VersionStep]) -> tuple[BankVersion, ...]:
    """Every framework version the assessment is pinned to, profile first, with the diff from
    the previous round's version where it moved."""
    moved = {s.framework: s for s in steps}
    found = []
    for framework in bank.frameworks:
        step = moved.get(framework.key)
        if step is None:
            found.append(BankVersion(framework.name, framework.version))
            continue
        lines = _diff_lines(step)
        found.append(
            BankVersion(
                framework.name,
                framework.version,
                previous=step.old,
                summary=step.diff.summary(),
                lines=tuple(lines[:MAX_DIFF_LINES]),
                more=max(0, len(lines) - MAX_DIFF_LINES),
            )
        )
    return tuple(found)
