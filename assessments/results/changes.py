"""What changed since the previous round of the same system: per framework the score, tier,
required level and gate decisions before and after, the findings closed and opened, and every
answer that changed. Read by the changes page, the results page, the PDF and the command line.

`changes_since_previous(assessment)` is None for a first round. The previous round is always
submitted (a next round starts only from one), so "before" is its stored snapshot; "after" is
this round's stored snapshot once submitted, and its provisional results until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessments.models import Assessment, FrameworkVersion
from assessments.scoring.results import FrameworkResult, Gap, Results
from assessments.scoring.types import AnswerValue, Bank, QRef
from assessments.selectors import answers_for_assessment, bank_for_versions, pinned_versions

from .selectors import results_for_assessment
from .versions import VersionStep, steps_between


@dataclass(frozen=True, slots=True)
class GateChange:
    key: str
    label: str
    before: str  # decision label; "" when the gate was not assessed in that round
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class FrameworkChange:
    key: str
    name: str
    score_before: float | None
    score_after: float | None
    tier_before: str = ""  # tier labels, tier frameworks only
    tier_after: str = ""
    level_before: str = ""  # required safety level labels, gate frameworks only
    level_after: str = ""
    gates: tuple[GateChange, ...] = ()

    @property
    def score_delta(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return round(self.score_after - self.score_before, 1)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "score_before": self.score_before,
            "score_after": self.score_after,
        }
        if self.tier_before or self.tier_after:
            data["tier_before"], data["tier_after"] = self.tier_before, self.tier_after
        if self.level_before or self.level_after:
            data["required_level_before"] = self.level_before
            data["required_level_after"] = self.level_after
        if self.gates:
            data["gates"] = [
                {"key": g.key, "before": g.before, "after": g.after} for g in self.gates
            ]
        return data


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding closed (a gap of the previous round, gone now) or opened (new this round)."""

    framework: str
    framework_name: str
    question: str
    text: str
    finding: str
    critical: bool

    @property
    def statement(self) -> str:
        return self.finding or self.text

    def to_json(self) -> dict[str, Any]:
        return {"framework": self.framework, "question": self.question}


@dataclass(frozen=True, slots=True)
class AnswerChanged:
    framework: str
    framework_name: str
    question: str
    text: str
    before: str  # as option labels or the written text; "" when not answered
    after: str

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "question": self.question,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class Changes:
    previous: Assessment
    assessment: Assessment
    overall_before: float | None
    overall_after: float | None
    frameworks: tuple[FrameworkChange, ...]
    closed: tuple[FindingChange, ...]
    opened: tuple[FindingChange, ...]
    answers_changed: tuple[AnswerChanged, ...]
    versions_before: tuple[FrameworkVersion, ...] = ()
    versions_after: tuple[FrameworkVersion, ...] = ()

    @property
    def previous_round(self) -> int:
        return self.previous.round

    def version_steps(self) -> list[VersionStep]:
        """Frameworks asked in a newer question-bank version than in the previous round."""
        return steps_between(self.versions_before, self.versions_after)

    def to_json(self) -> dict[str, Any]:
        """The `changes` of `assessment_results --json` (docs/results-format.md)."""
        return {
            "previous": self.previous.pk,
            "previous_round": self.previous.round,
            "frameworks": [f.to_json() for f in self.frameworks],
            "closed": [f.to_json() for f in self.closed],
            "opened": [f.to_json() for f in self.opened],
            "answers_changed": [a.to_json() for a in self.answers_changed],
        }

    def summary_lines(self) -> list[str]:
        """A few short sentences for a summary: scores, verdicts, findings, answers."""
        lines = [
            f"Overall score {_score(self.overall_before)} in round {self.previous.round}, "
            f"{_score(self.overall_after)} now."
        ]
        for f in self.frameworks:
            moved = []
            if f.score_before != f.score_after:
                moved.append(f"score {_score(f.score_before)} → {_score(f.score_after)}")
            if f.tier_before != f.tier_after:
                moved.append(f"tier {f.tier_before or 'none'} → {f.tier_after or 'none'}")
            if f.level_before != f.level_after:
                moved.append(f"required level {f.level_before} → {f.level_after}")
            moved += [
                f"{g.label} {g.before or '–'} → {g.after or '–'}" for g in f.gates if g.changed
            ]
            kept = f"unchanged (tier {f.tier_after})" if f.tier_after else "unchanged"
            lines.append(f"{f.name}: {'; '.join(moved) if moved else kept}.")
        lines.append(
            f"{_count(len(self.closed), 'finding')} closed, {len(self.opened)} opened; "
            f"{_count(len(self.answers_changed), 'answer')} changed."
        )
        return lines


def _score(value: float | None) -> str:
    return "not scored" if value is None else f"{value:g}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _gate_changes(
    before: FrameworkResult | None, after: FrameworkResult | None
) -> tuple[GateChange, ...]:
    old = {g.key: g for g in (before.gates.gates if before and before.gates else ())}
    new = {g.key: g for g in (after.gates.gates if after and after.gates else ())}
    keys = list(dict.fromkeys([*new, *old]))
    return tuple(
        GateChange(
            key,
            (new.get(key) or old[key]).label,
            old[key].decision_label if key in old else "",
            new[key].decision_label if key in new else "",
        )
        for key in keys
    )


def _framework_change(
    before: FrameworkResult | None, after: FrameworkResult | None
) -> FrameworkChange:
    either = after or before
    assert either is not None
    return FrameworkChange(
        key=either.key,
        name=either.name,
        score_before=before.score if before else None,
        score_after=after.score if after else None,
        tier_before=before.tier.label if before and before.tier else "",
        tier_after=after.tier.label if after and after.tier else "",
        level_before=before.gates.required_level_label if before and before.gates else "",
        level_after=after.gates.required_level_label if after and after.gates else "",
        gates=_gate_changes(before, after),
    )


def _finding(gap: Gap, results: Results) -> FindingChange:
    name = results.framework_name(gap.framework)
    return FindingChange(gap.framework, name, gap.question, gap.text, gap.finding, gap.critical)


def _shown(bank: Bank, ref: QRef, value: AnswerValue | None) -> str:
    if value is None:
        return ""
    if not bank.has(ref):
        return "; ".join(value.choices) or value.text
    question = bank.question(ref)
    labels = [(o.label if (o := question.option(c)) else c) for c in value.choices]
    return "; ".join(labels) or value.text


def _answers_changed(
    banks: tuple[Bank, Bank],
    answers: tuple[Mapping[QRef, AnswerValue], Mapping[QRef, AnswerValue]],
    names: Mapping[str, str],
) -> tuple[AnswerChanged, ...]:
    """Answers that differ in what they say (options or written text), in the current round's
    asking order, then those of questions no longer asked."""
    (old_bank, new_bank), (old, new) = banks, answers
    order = [q.ref for q in new_bank.questions] + [
        q.ref for q in old_bank.questions if not new_bank.has(q.ref)
    ]
    changed = []
    for ref in order:
        before, after = old.get(ref), new.get(ref)
        shown_before, shown_after = _shown(old_bank, ref, before), _shown(new_bank, ref, after)
        if shown_before == shown_after:
            continue
        bank = new_bank if new_bank.has(ref) else old_bank
        text = bank.question(ref).text
        fw, key = ref
        changed.append(AnswerChanged(fw, names.get(fw, fw), key, text, shown_before, shown_after))
    return tuple(changed)


def changes_since_previous(
    assessment: Assessment, *, results: Results | None = None
) -> Changes | None:
    """What changed since the previous round; None for a first round. `results`: this round's
    results when the caller has them already (they are not computed twice)."""
    previous = assessment.previous
    if previous is None:
        return None
    before = results_for_assessment(previous)
    after = results if results is not None else results_for_assessment(assessment)
    old_fw = {f.key: f for f in before.frameworks}
    new_fw = {f.key: f for f in after.frameworks}
    keys = list(dict.fromkeys([*new_fw, *old_fw]))
    old_gaps = {(g.framework, g.question): g for g in before.gaps}
    new_gaps = {(g.framework, g.question): g for g in after.gaps}
    names = {f.key: f.name for f in (*before.frameworks, *after.frameworks)}
    versions_before, versions_after = pinned_versions(previous), pinned_versions(assessment)
    return Changes(
        previous=previous,
        assessment=assessment,
        overall_before=before.overall,
        overall_after=after.overall,
        frameworks=tuple(_framework_change(old_fw.get(k), new_fw.get(k)) for k in keys),
        closed=tuple(_finding(g, before) for ref, g in old_gaps.items() if ref not in new_gaps),
        opened=tuple(_finding(g, after) for ref, g in new_gaps.items() if ref not in old_gaps),
        answers_changed=_answers_changed(
            (bank_for_versions(versions_before), bank_for_versions(versions_after)),
            (answers_for_assessment(previous), answers_for_assessment(assessment)),
            names,
        ),
        versions_before=tuple(versions_before),
        versions_after=tuple(versions_after),
    )
