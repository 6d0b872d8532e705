"""What the report says: the results, the answers and the manifest, arranged for the template.

Everything here is plain data; the template escapes every text it prints (user text included),
and the only markup passed through is the SVG the chart functions build from escaped text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from assessments.charts import not_applying, radar
from assessments.citations import BASES
from assessments.models import Assessment
from assessments.results.approval import approval_for, sign_off_record
from assessments.results.findings import (
    CRITICAL_LABELS,
    Finding,
    FindingGroup,
    FrameworkFindings,
    findings_by_framework,
)
from assessments.scoring import wording
from assessments.scoring.results import (
    CitedSource,
    FrameworkResult,
    Gap,
    Results,
    SectionResult,
)
from assessments.scoring.sentences import Verdict, move_sentences
from assessments.scoring.types import PROFILE, AnswerValue, Bank, QRef
from assessments.scoring.verdicts import Explanation, GateResult

from .appendix import answer_appendix, bank_versions
from .changes import changes_chapter
from .plan import plan_chapter
from .summary import ACTIONS_SHOWN, FINDINGS_SHOWN, executive_summary
from .summary_inputs import summary_actions, summary_changes


@dataclass(frozen=True)
class Manifest:
    """What a report was made from: enough to tell whether two reports must agree."""

    assessment: int
    round: int
    status: str
    frameworks: dict[str, str]
    scoring_rules_version: str
    answers_sha256: str
    generated_at: str
    approval: dict[str, Any] | None = None  # {"status", "by", "at"}: results.approval

    def to_json(self) -> dict[str, Any]:
        return {
            "assessment": self.assessment,
            "round": self.round,
            "status": self.status,
            "frameworks": dict(self.frameworks),
            "scoring_rules_version": self.scoring_rules_version,
            "answers_sha256": self.answers_sha256,
            "generated_at": self.generated_at,
            "approval": dict(self.approval or {}),
        }


def answers_canonical(answers: Mapping[QRef, AnswerValue]) -> bytes:
    """The answers as canonical JSON: sorted by (framework, question), one array per answer of
    [framework, question, choices, text, note, reason, evidence], UTF-8, no spaces."""
    rows = [
        [fw, key, list(v.choices), v.text, v.note, v.reason, list(v.evidence)]
        for (fw, key), v in sorted(answers.items())
    ]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()


def answers_sha256(answers: Mapping[QRef, AnswerValue]) -> str:
    """SHA-256 of the canonical form of the answers, in hex."""
    return hashlib.sha256(answers_canonical(answers)).hexdigest()


def manifest_for(
    *,
    assessment: Assessment,
    bank: Bank,
    answers: Mapping[QRef, AnswerValue],
    results: Results,
    generated_at: dt.datetime,
) -> Manifest:
    return Manifest(
        assessment=assessment.pk,
        round=assessment.round,
        status=assessment.status,
        frameworks={f.key: f.version for f in bank.frameworks},
        scoring_rules_version=results.scoring_rules_version,
        answers_sha256=answers_sha256(answers),
        generated_at=generated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        approval=approval_for(assessment).to_json(),
    )


# Citations ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A citation in the text: a short label and its bibliography anchor ("" when absent)."""

    key: str
    anchor: str
    short: str


@dataclass(frozen=True, slots=True)
class BibliographyEntry:
    source: CitedSource
    anchor: str


def source_anchor(key: str) -> str:
    return f"src-{key}"


def short_authors(authors: str) -> str:
    """Authors as a reference in the text gives them: the first of three or more, et al."""
    names = [n for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", authors) if n.strip()]
    return f"{names[0]} et al." if len(names) > 2 else authors


def source_refs(sources: Iterable[CitedSource]) -> dict[str, SourceRef]:
    """Source key -> its bibliography anchor and a short label (authors or title, pages)."""
    refs = {}
    for source in sources:
        who = short_authors(source.authors) or f"\u201c{source.title}\u201d"
        short = f"{who}, {source.pages}" if source.pages else who
        refs[source.key] = SourceRef(source.key, source_anchor(source.key), short)
    return refs


def _refs(keys: Iterable[str], refs: Mapping[str, SourceRef]) -> tuple[SourceRef, ...]:
    # A key missing from the bibliography is still named, without a link.
    return tuple(refs.get(k, SourceRef(k, "", k)) for k in keys)


def _ref(key: str, refs: Mapping[str, SourceRef]) -> SourceRef | None:
    return _refs([key], refs)[0] if key else None


# Findings and explanations ---------------------------------------------------------------


def priority_text(gap: Gap) -> str:
    """The gap's priority in words: critical and why, or its weight x shortfall."""
    if gap.critical:
        return CRITICAL_LABELS.get(gap.why_critical, "Critical")
    return f"Priority {gap.priority:g}"


@dataclass(frozen=True)
class GapEntry:
    """A finding as the report lists it: numbered in its section and cited."""

    finding: Finding
    source_ref: SourceRef | None
    supporting_refs: tuple[SourceRef, ...]

    @property
    def gap(self) -> Gap:
        return self.finding.gap

    @property
    def anchor(self) -> str:
        return self.finding.anchor

    @property
    def priority_text(self) -> str:
        return priority_text(self.gap)


@dataclass(frozen=True)
class GroupEntry:
    """A section's findings in a framework chapter."""

    group: FindingGroup
    entries: tuple[GapEntry, ...]


@dataclass(frozen=True)
class Explained:
    """An explanation with its sources as references into the bibliography, and what would
    change the result as sentences (the results page prints the same ones)."""

    explanation: Explanation
    source_refs: tuple[SourceRef, ...]
    sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class GateEntry:
    gate: GateResult
    explained: Explained
    text: str = ""  # the decision in words that follow the framework's standing


@dataclass(frozen=True)
class Chapter:
    """A framework's chapter: its results, radar, findings and explained verdicts."""

    result: FrameworkResult
    source_ref: SourceRef | None
    radar: SafeString
    groups: tuple[GroupEntry, ...]
    tier_explained: Explained | None = None
    level_explained: Explained | None = None
    gates: tuple[GateEntry, ...] = ()

    @property
    def anchor(self) -> str:
        return f"fw-{self.result.key}"

    @property
    def gaps(self) -> tuple[GapEntry, ...]:
        return tuple(e for g in self.groups for e in g.entries)

    @property
    def headline(self) -> str:
        result = self.result
        if result.tier is not None:
            return wording.tier_text(result.tier, result.standing)
        if result.gates is not None:
            decisions = " ".join(e.text for e in self.gates)
            return f"{wording.level_text(result.gates, result.standing)} {decisions}"
        if result.risks:
            covered = sum(1 for r in result.risks if r.covered)
            return f"{covered} of {len(result.risks)} risks fully covered"
        return ""

    # The chapter head: what the framework is, and its verdicts in words (scoring.wording).

    @property
    def score_text(self) -> str:
        if self.result.score is not None:
            return f"{self.result.score} / 100"
        return wording.framework_score_text(self.result)

    @property
    def standing_label(self) -> str:
        return wording.standing_label(self.result.standing)

    @property
    def tier_text(self) -> str:
        tier = self.result.tier
        return wording.tier_text(tier, self.result.standing) if tier is not None else ""

    @property
    def level_text(self) -> str:
        gates = self.result.gates
        return wording.level_text(gates, self.result.standing) if gates is not None else ""

    @property
    def not_applying(self) -> tuple[SectionResult, ...]:
        return tuple(not_applying(self.result))


def _explained(
    explanation: Explanation, refs: Mapping[str, SourceRef], verdict: Verdict
) -> Explained:
    return Explained(explanation, _refs(explanation.sources, refs), move_sentences(verdict))


def _entry(finding: Finding, refs: Mapping[str, SourceRef]) -> GapEntry:
    gap = finding.gap
    return GapEntry(finding, _ref(gap.source, refs), _refs(gap.supporting, refs))


def _chapter(shown: FrameworkFindings, source: str, refs: Mapping[str, SourceRef]) -> Chapter:
    result = shown.result
    tier, gates = result.tier, result.gates
    return Chapter(
        result=result,
        source_ref=_ref(source, refs),
        radar=radar(result, f"radar-{result.key}"),
        groups=tuple(
            GroupEntry(g, tuple(_entry(f, refs) for f in g.findings)) for g in shown.groups
        ),
        tier_explained=_explained(tier.explanation, refs, tier) if tier is not None else None,
        level_explained=(
            _explained(gates.level_explanation, refs, gates) if gates is not None else None
        ),
        gates=tuple(
            GateEntry(g, _explained(g.explanation, refs, g), wording.gate_text(g, result.standing))
            for g in (gates.gates if gates else ())
        ),
    )


def pressing_findings(results: Results, chapters: Iterable[Chapter]) -> list[GapEntry]:
    """The findings that come first in the results' order (critical, then by priority)."""
    by_gap = {(e.gap.framework, e.gap.question): e for c in chapters for e in c.gaps}
    firsts = (by_gap.get((g.framework, g.question)) for g in results.gaps)
    return [e for e in firsts if e is not None][:FINDINGS_SHOWN]


# Everything the template reads ------------------------------------------------------------


@dataclass(frozen=True)
class BasisRow:
    """How many of a framework's questions rest on each basis (docs/question-bank.md)."""

    framework: str
    version: str
    counts: tuple[int, ...]  # in the order of BASES

    @property
    def total(self) -> int:
        return sum(self.counts)


def basis_rows(bank: Bank) -> list[BasisRow]:
    """The counts by basis of every framework the assessment uses (the profile has none)."""
    rows = []
    for framework in bank.frameworks:
        if framework.kind == PROFILE:
            continue
        tally = Counter(q.basis for q in framework.questions)
        counts = tuple(tally[b] for b in BASES)
        rows.append(BasisRow(framework.name, framework.version, counts))
    return rows


def report_context(
    *,
    assessment: Assessment,
    bank: Bank,
    answers: Mapping[QRef, AnswerValue],
    results: Results,
    manifest: Manifest,
    framework_sources: Mapping[str, str],
) -> dict[str, Any]:
    """The template's context: cover, summary, chapters, appendices, bibliography."""
    refs = source_refs(results.sources)
    findings = findings_by_framework(results)
    chapters = [_chapter(f, framework_sources.get(f.result.key, ""), refs) for f in findings]
    plan = plan_chapter(assessment=assessment, results=results)
    changes = changes_chapter(assessment, results)
    summary = executive_summary(
        bank=bank,
        findings=findings,
        actions=summary_actions(plan.rows, ACTIONS_SHOWN),
        changes=summary_changes(changes.changes if changes else None),
    )
    return {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "system": assessment.system,
        "draft": not assessment.is_submitted,
        "approval": approval_for(assessment),
        "sign_offs": sign_off_record(assessment),
        "results": results,
        "summary": summary,
        "chapters": chapters,
        "gaps": results.gaps,
        "pressing": pressing_findings(results, chapters),
        "critical_count": results.critical_gaps,
        "dont_know_count": len(results.dont_know),
        "unanswered": results.unanswered,
        "appendix": answer_appendix(bank, answers, results),
        "sources": [BibliographyEntry(s, source_anchor(s.key)) for s in results.sources],
        "manifest": manifest.to_json(),
        "manifest_json": json.dumps(manifest.to_json(), sort_keys=True, ensure_ascii=False),
        "versions": [(f.name, f.version) for f in bank.frameworks if f.kind != PROFILE],
        "bases": BASES,
        "basis_rows": basis_rows(bank),
        "profile_version": next((f.version for f in bank.frameworks if f.kind == PROFILE), ""),
        "plan": plan,
        "changes_chapter": changes,
        "bank_versions": bank_versions(bank, changes.steps if changes else ()),
    }


def framework_source_keys(versions: Iterable[Any]) -> dict[str, str]:
    """Framework key -> the key of the essay the framework comes from."""
    return {
        v.framework.key: v.framework.source.key for v in versions if v.framework.source is not None
    }
