"""What the report says: the results, the answers and the manifest, arranged for the template.

Everything here is plain data; the template escapes every text it prints (user text included),
and the only markup passed through is the SVG the chart functions build from escaped text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.charts import radar, scored_sections
from assessments.models import Assessment
from assessments.scoring.types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    PROFILE,
    AnswerValue,
    Bank,
    BankQuestion,
    QRef,
)

TOP_GAPS = 10
WHY_CRITICAL = {
    "gate-blocking": "Critical: blocks a gate",
    "permit-related": "Critical: permit-related",
}
STATUS_TEXT = {
    "scored": "Scored",
    "dont_know": "Don't know: scores zero",
    "not_applicable": "Not applicable: not counted",
    "unanswered": "Not answered",
    "unscored": "Not scored (screening or written answer)",
    "hidden": "Does not apply (its condition is false): not counted",
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

    def as_dict(self) -> dict[str, Any]:
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
    results: Mapping[str, Any],
    generated_at: dt.datetime,
) -> Manifest:
    return Manifest(
        assessment=assessment.pk,
        round=assessment.round,
        status=assessment.status,
        frameworks={f.key: f.version for f in bank.frameworks},
        scoring_rules_version=str(results["scoring_rules_version"]),
        answers_sha256=answers_sha256(answers),
        generated_at=generated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


# Gaps and explanations ---------------------------------------------------------------------


def priority_text(gap: Mapping[str, Any]) -> str:
    """The gap's priority in words: critical and why, or its weight x shortfall."""
    if gap["critical"]:
        return WHY_CRITICAL.get(gap["why_critical"], "Critical")
    return f"Priority {gap['priority']:g}"


def answer_text(answer: Mapping[str, Any]) -> str:
    return "; ".join(answer["choices"]) or answer["text"] or "Not answered"


def short_authors(authors: str) -> str:
    """Authors as a reference in the text gives them: the first of three or more, et al."""
    names = [n for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", authors) if n.strip()]
    return f"{names[0]} et al." if len(names) > 2 else authors


def source_refs(sources: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Source key -> its bibliography anchor and a short label (authors or title, pages)."""
    refs = {}
    for key, entry in sources.items():
        who = short_authors(entry["authors"]) or f"\u201c{entry['title']}\u201d"
        refs[key] = {
            "key": key,
            "anchor": f"src-{key}",
            "short": f"{who}, {entry['pages']}" if entry["pages"] else who,
        }
    return refs


def _refs(keys: Iterable[str], refs: Mapping[str, dict[str, str]]) -> list[dict[str, str]]:
    # A key missing from the bibliography is still named, without a link.
    return [refs.get(k, {"key": k, "anchor": "", "short": k}) for k in keys]


def _explained(explanation: Mapping[str, Any], refs: Mapping[str, dict[str, str]]) -> Any:
    return dict(explanation) | {"source_refs": _refs(explanation.get("sources", []), refs)}


def _gap_rows(
    results: Mapping[str, Any],
    sections: Mapping[QRef, str],
    refs: Mapping[str, dict[str, str]],
) -> list[dict[str, Any]]:
    names = {f["key"]: f["name"] for f in results["frameworks"]}
    return [
        gap
        | {
            "source_ref": _refs([gap["source"]], refs)[0] if gap["source"] else None,
            "supporting_refs": _refs(gap["supporting"], refs),
            "rank": rank,
            "anchor": f"gap-{gap['framework']}-{gap['question']}",
            "framework_name": names.get(gap["framework"], gap["framework"]),
            "section_title": sections.get((gap["framework"], gap["section"]), gap["section"]),
            "priority_text": priority_text(gap),
            "answer_text": answer_text(gap["answer"]),
        }
        for rank, gap in enumerate(results["gaps"], start=1)
    ]


def _texts(bank: Bank) -> dict[QRef, str]:
    return {q.ref: q.text for f in bank.frameworks for s in f.sections for q in s.questions}


def _gate_rows(
    gates: Mapping[str, Any],
    texts: Mapping[QRef, str],
    fw: str,
    refs: Mapping[str, dict[str, str]],
) -> list[Any]:
    return [
        gate
        | {
            "explanation": _explained(gate["explanation"], refs),
            "blocking_texts": [texts.get((fw, k), k) for k in gate["blocking"]],
            "condition_texts": [texts.get((fw, k), k) for k in gate["conditions"]],
        }
        for gate in gates["gates"]
    ]


def _framework_chapter(
    framework: Mapping[str, Any],
    gaps: list[dict[str, Any]],
    texts: Mapping[QRef, str],
    source: str,
    refs: Mapping[str, dict[str, str]],
) -> dict[str, Any]:
    key = framework["key"]
    chapter: dict[str, Any] = {
        "data": framework,
        "anchor": f"fw-{key}",
        "source_ref": _refs([source], refs)[0] if source else None,
        "sections": scored_sections(framework),
        "radar": radar(framework, f"radar-{key}"),
        "gaps": [g for g in gaps if g["framework"] == key],
    }
    if "tier" in framework:
        chapter["tier_explanation"] = _explained(framework["tier"]["explanation"], refs)
    if "gates" in framework:
        chapter["gates"] = _gate_rows(framework["gates"], texts, key, refs)
        chapter["level_explanation"] = _explained(framework["gates"]["level_explanation"], refs)
    return chapter


# The appendix of every answer -------------------------------------------------------------


def _choice_labels(question: BankQuestion, value: AnswerValue) -> list[str]:
    labels = []
    for key in value.choices:
        option = question.option(key)
        labels.append(option.label if option else key)
    return labels


def _answer_row(
    question: BankQuestion, value: AnswerValue | None, status: str | None
) -> dict[str, Any]:
    meanings = {o.key: o.meaning for o in question.options}
    chosen = {meanings.get(c) for c in value.choices} if value else set()
    if status is None:  # the profile is never scored: say only whether it was answered
        status = "unscored" if value else "unanswered"
    return {
        "key": question.key,
        "text": question.text,
        "choices": _choice_labels(question, value) if value else [],
        "written": value.text if value else "",
        "note": value.note if value else "",
        "reason": value.reason if value and NOT_APPLICABLE in chosen else "",
        "evidence": list(value.evidence) if value else [],
        "answered": value is not None,
        "dont_know": DONT_KNOW in chosen,
        "status": STATUS_TEXT.get(status, status),
        "counted": status not in ("hidden", "not_applicable", "unanswered"),
    }


def answer_appendix(
    bank: Bank, answers: Mapping[QRef, AnswerValue], results: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every question of every pinned framework, profile first, with the answer it got."""
    statuses: dict[QRef, str] = {}
    for framework in results["frameworks"]:
        for section in framework["sections"]:
            for q in section.get("questions", []):
                statuses[(framework["key"], q["key"])] = q["status"]
    return [
        {
            "key": framework.key,
            "name": framework.name,
            "version": framework.version,
            "anchor": f"answers-{framework.key}",
            "sections": [
                {
                    "title": section.title,
                    "questions": [
                        _answer_row(q, answers.get(q.ref), statuses.get(q.ref))
                        for q in section.questions
                    ],
                }
                for section in framework.sections
            ],
        }
        for framework in bank.frameworks
    ]


# Everything the template reads ------------------------------------------------------------


def _source_entries(sources: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": key, "anchor": f"src-{key}"} | dict(entry) for key, entry in sources.items()]


def _section_titles(bank: Bank) -> dict[QRef, str]:
    return {(f.key, s.key): s.title for f in bank.frameworks for s in f.sections}


def _headline(chapter: Mapping[str, Any]) -> str:
    data = chapter["data"]
    if "tier" in data:
        return f"Tier: {data['tier']['label']}"
    if "gates" in data:
        decisions = ", ".join(f"{g['label']}: {g['decision_label']}" for g in chapter["gates"])
        return f"Required level {data['gates']['required_level_label']}; {decisions}"
    covered = [r for r in data.get("risks", []) if r["covered"]]
    if data.get("risks"):
        return f"{len(covered)} of {len(data['risks'])} risks fully covered"
    return ""


def report_context(
    *,
    assessment: Assessment,
    bank: Bank,
    answers: Mapping[QRef, AnswerValue],
    results: Mapping[str, Any],
    manifest: Manifest,
    framework_sources: Mapping[str, str],
) -> dict[str, Any]:
    """The template's context: cover, summary, chapters, appendices, bibliography."""
    refs = source_refs(results.get("sources", {}))
    gaps = _gap_rows(results, _section_titles(bank), refs)
    texts = _texts(bank)
    chapters = [
        _framework_chapter(f, gaps, texts, framework_sources.get(f["key"], ""), refs)
        for f in results["frameworks"]
    ]
    for chapter in chapters:
        chapter["headline"] = _headline(chapter)
    return {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "system": assessment.system,
        "draft": not assessment.is_submitted,
        "results": results,
        "chapters": chapters,
        "gaps": gaps,
        "top_gaps": gaps[:TOP_GAPS],
        "critical_count": sum(1 for g in gaps if g["critical"]),
        "dont_know_count": len(results["dont_know"]),
        "unanswered": results["unanswered"],
        "appendix": answer_appendix(bank, answers, results),
        "sources": _source_entries(results.get("sources", {})),
        "manifest": manifest.as_dict(),
        "manifest_json": json.dumps(manifest.as_dict(), sort_keys=True, ensure_ascii=False),
        "versions": [(f.name, f.version) for f in bank.frameworks if f.kind != PROFILE],
        "profile_version": next((f.version for f in bank.frameworks if f.kind == PROFILE), ""),
    }


def framework_source_keys(versions: Iterable[Any]) -> dict[str, str]:
    """Framework key -> the key of the essay the framework comes from."""
    return {
        v.framework.key: v.framework.source.key for v in versions if v.framework.source is not None
    }
