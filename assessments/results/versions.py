"""The question-bank versions of a round against those of the previous round: which frameworks
moved to a newer version, what changed in them (assessments.bank.diff), and which of the
changed questions had their answers carried over, so the assessor can check them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assessments.bank.diff import Change, VersionDiff
from assessments.models import Assessment, FrameworkVersion
from assessments.scoring.types import Bank, QRef
from assessments.selectors import answers_for_assessment, pinned_versions
from assessments.services.question_bank import framework_version_diff


@dataclass(frozen=True)
class VersionStep:
    """A framework this round asks in a newer version than the previous round did."""

    framework: str
    name: str
    old: str
    new: str
    diff: VersionDiff

    @property
    def summary(self) -> str:
        return f"{self.name}: {self.old} → {self.new}. {self.diff.summary()}"


@dataclass(frozen=True)
class ChangedQuestion:
    """A question whose wording, options or rules changed, and whose answer was carried over."""

    framework: str
    key: str
    section: str
    text: str
    what: tuple[str, ...]  # the fields that changed, as a reader names them


def version_steps(assessment: Assessment) -> list[VersionStep]:
    """Frameworks whose pinned version differs from the previous round's; [] for round 1."""
    previous = assessment.previous
    if previous is None:
        return []
    return steps_between(pinned_versions(previous), pinned_versions(assessment))


def steps_between(
    before: Iterable[FrameworkVersion], after: Iterable[FrameworkVersion]
) -> list[VersionStep]:
    """The frameworks of `after` pinned to another version in `before`, with their diff."""
    old_versions = {v.framework.key: v for v in before}
    steps = []
    for version in after:
        old = old_versions.get(version.framework.key)
        if old is None or old.pk == version.pk:
            continue
        diff = framework_version_diff(version=version, since=old)
        if diff is not None:
            name = version.framework.name
            steps.append(VersionStep(version.framework.key, name, old.label, version.label, diff))
    return steps


def _what(changes: Iterable[Change], moved: bool) -> tuple[str, ...]:
    said = [c.what for c in changes]
    return tuple(dict.fromkeys([*said, *(["section"] if moved else [])]))


def changed_and_carried(
    steps: Iterable[VersionStep], bank: Bank, carried: Iterable[QRef]
) -> list[ChangedQuestion]:
    """The changed questions, among those the round carried an answer over to."""
    answered = set(carried)
    found = []
    for step in steps:
        for item in step.diff.questions_changed:
            ref = (step.framework, item.key)
            if ref in answered and bank.has(ref):
                question = bank.question(ref)
                what = _what(item.changes, bool(item.moved_from))
                found.append(ChangedQuestion(ref[0], ref[1], question.section, question.text, what))
    return found


def carried_to_check(assessment: Assessment, bank: Bank) -> list[ChangedQuestion]:
    """Changed questions of a round on a newer bank version whose answer is still the one
    carried over from the previous round: the assessor checks it still says what they mean."""
    steps = version_steps(assessment)
    if not steps or assessment.previous is None:
        return []
    before = answers_for_assessment(assessment.previous)
    now = answers_for_assessment(assessment)
    carried = [ref for ref, value in now.items() if before.get(ref) == value]
    return changed_and_carried(steps, bank, carried)
