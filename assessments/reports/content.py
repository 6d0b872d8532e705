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
from assessments.scoring import wording
from assessments.scoring.results import (
    GATE_BLOCKING,
    PERMIT_RELATED,
    CitedSource,
    FrameworkResult,
    Gap,
    Results,
    SectionResult,
)
from assessments.scoring.types import PROFILE, AnswerValue, Bank, QRef
from assessments.scoring.verdicts import Explanation, GateResult

from .appendix import answer_appendix

TOP_GAPS = 10
WHY_CRITICAL = {
    GATE_BLOCKING: "Critical: blocks a gate",
    PERMIT_RELATED: "Critical: permit-related",
}


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

    def to_json(self) -> dict[str, Any]:
        return {
            "assessment": self.assessment,
            "round": self.round,
            "status": self.status,
            "frameworks": dict(self.frameworks),
            "scoring_rules_version": self.scoring_rules_version,
            "answers_sha256": self.answers_sha256,
            "generated_at": self.generated_at,
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


# Gaps and explanations ---------------------------------------------------------------------


def priority_text(gap: Gap) -> str:
    """The gap's priority in words: critical and why, or its weight x shortfall."""
    if gap.critical:
        return WHY_CRITICAL.get(gap.why_critical, "Critical")
    return f"Priority {gap.priority:g}"


@dataclass(frozen=True)
class GapEntry:
    """A gap as the report lists it: ranked, placed and cited."""

    gap: Gap
    rank: int
    framework_name: str
    section_title: str
    source_ref: SourceRef | None
    supporting_refs: tuple[SourceRef, ...]
    cited_as: str  # the citation's lead-in and quote, worded by the practice's basis

    @property
    def anchor(self) -> str:
        return f"gap-{self.gap.framework}-{self.gap.question}"

    @property
    def priority_text(self) -> str:
        return priority_text(self.gap)

    @property
    def answer_text(self) -> str:
        answer = self.gap.answer
        return "; ".join(answer.choices) or answer.text or "Not answered"


@dataclass(frozen=True)
class Explained:
    """An explanation with its sources as references into the bibliography."""

    explanation: Explanation
    source_refs: tuple[SourceRef, ...]


@dataclass(frozen=True)
class GateEntry:
    gate: GateResult
    explained: Explained
    text: str = ""  # the decision in words that follow the framework's standing


@dataclass(frozen=True)
class Chapter:
    """A framework's chapter: its results, radar, gaps and explained verdicts."""

    result: FrameworkResult
    source_ref: SourceRef | None
    radar: SafeString
    gaps: tuple[GapEntry, ...]
    tier_explained: Explained | None = None
    level_explained: Explained | None = None
    gates: tuple[GateEntry, ...] = ()

    @property
    def anchor(self) -> str:
        return f"fw-{self.result.key}"

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


def _explained(explanation: Explanation, refs: Mapping[str, SourceRef]) -> Explained:
    return Explained(explanation, _refs(explanation.sources, refs))


def _gap_entries(
    results: Results, sections: Mapping[QRef, str], refs: Mapping[str, SourceRef]
) -> tuple[GapEntry, ...]:
    return tuple(
        GapEntry(
            gap=gap,
            rank=rank,
            framework_name=results.framework_name(gap.framework),
            section_title=sections.get((gap.framework, gap.section), gap.section),
            source_ref=_ref(gap.source, refs),
            supporting_refs=_refs(gap.supporting, refs),
            cited_as=results.cited_as(gap),
        )
        for rank, gap in enumerate(results.gaps, start=1)
    )


def _chapter(
    result: FrameworkResult,
    gaps: Iterable[GapEntry],
    source: str,
    refs: Mapping[str, SourceRef],
) -> Chapter:
    tier, gates = result.tier, result.gates
    return Chapter(
        result=result,
        source_ref=_ref(source, refs),
        radar=radar(result, f"radar-{result.key}"),
        gaps=tuple(g for g in gaps if g.gap.framework == result.key),
        tier_explained=_explained(tier.explanation, refs) if tier is not None else None,
        level_explained=_explained(gates.level_explanation, refs) if gates is not None else None,
        gates=tuple(
            GateEntry(g, _explained(g.explanation, refs), wording.gate_text(g, result.standing))
            for g in (gates.gates if gates else ())
        ),
    )


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


def _section_titles(bank: Bank) -> dict[QRef, str]:
    return {(f.key, s.key): s.title for f in bank.frameworks for s in f.sections}


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
    gaps = _gap_entries(results, _section_titles(bank), refs)
    chapters = [
        _chapter(f, gaps, framework_sources.get(f.key, ""), refs) for f in results.frameworks
    ]
    return {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "system": assessment.system,
        "draft": not assessment.is_submitted,
        "results": results,
        "chapters": chapters,
        "gaps": gaps,
        "top_gaps": gaps[:TOP_GAPS],
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
    }


def framework_source_keys(versions: Iterable[Any]) -> dict[str, str]:
    """Framework key -> the key of the essay the framework comes from."""
    return {
        v.framework.key: v.framework.source.key for v in versions if v.framework.source is not None
    }
