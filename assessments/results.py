"""Results of an assessment as plain JSON-ready data: stored on submission, live for drafts.

The shape is docs/results-format.md. A submitted assessment keeps the snapshot taken when it
was submitted, so later edits of the question bank or of the scoring code never change it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from .models import Assessment, Source
from .scoring.engine import score
from .selectors import answers_for_assessment, bank_for_assessment

# Raise whenever a change to assessments/scoring could change any result (docs/scoring.md).
SCORING_RULES_VERSION = "1"


def results_for_assessment(assessment: Assessment, *, live: bool = False) -> dict[str, Any]:
    """The stored snapshot of a submitted assessment, or results computed now (provisional for
    a draft). live=True computes now even for a submitted assessment."""
    if assessment.is_submitted and assessment.results is not None and not live:
        return dict(assessment.results)
    bank = bank_for_assessment(assessment)
    computed = score(bank, answers_for_assessment(assessment)).as_dict()
    return {
        "scoring_rules_version": SCORING_RULES_VERSION,
        "provisional": not assessment.is_submitted,
        **computed,
        "sources": sources_cited(computed["sources"]),
    }


def sources_cited(keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Citation, title, authors and pages of each source, in the report's order (one query)."""
    wanted = list(keys)
    sources = Source.objects.filter(key__in=wanted).order_by("order", "key")
    return {
        s.key: {
            "citation": s.citation(),
            "citation_parts": list(s.citation_parts()),
            "title": s.title,
            "authors": s.authors,
            "pages": s.pages,
            "kind": s.kind,
            "url": s.url,
        }
        for s in sources
    }


# Gaps as CSV ----------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
GAP_COLUMNS = [
    "rank",
    "critical",
    "why critical",
    "framework",
    "section",
    "question",
    "text",
    "answer",
    "note",
    "evidence",
    "weight",
    "shortfall",
    "priority",
    "remediation",
    "source",
    "quote",
    "supporting",
]


def csv_safe(value: object) -> str:
    """The value as a CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def gap_rows(results: dict[str, Any]) -> list[list[str]]:
    """One row per gap, critical first, as the results list them."""
    sources = results.get("sources", {})
    rows = []
    for rank, gap in enumerate(results.get("gaps", []), start=1):
        answer = gap["answer"]
        source = sources.get(gap["source"], {}).get("citation", gap["source"])
        row = [
            rank,
            "yes" if gap["critical"] else "no",
            gap["why_critical"],
            gap["framework"],
            gap["section"],
            gap["question"],
            gap["text"],
            "; ".join(answer["choices"]) or answer["text"],
            answer["note"],
            " ".join(answer["evidence"]),
            gap["weight"],
            gap["shortfall"],
            gap["priority"],
            gap["remediation"],
            source,
            gap["quote"],
            "; ".join(gap["supporting"]),
        ]
        rows.append([csv_safe(cell) for cell in row])
    return rows


def gaps_csv(results: dict[str, Any]) -> str:
    """The gap list as CSV text with a header row, safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GAP_COLUMNS)
    writer.writerows(gap_rows(results))
    return out.getvalue()


# On the command line --------------------------------------------------------------------


def results_summary(results: dict[str, Any]) -> dict[str, Any]:
    """The shape `assessment_results --json` prints (docs/results-format.md, "Summary")."""
    return {
        "scoring_rules_version": results["scoring_rules_version"],
        "provisional": results["provisional"],
        "overall": results["overall"]["score"],
        "frameworks": [_framework_summary(f) for f in results["frameworks"]],
        "gaps": [
            {
                "framework": g["framework"],
                "question": g["question"],
                "priority": g["priority"],
                "critical": g["critical"],
                "why_critical": g["why_critical"],
            }
            for g in results["gaps"]
        ],
        "dont_know": [
            {"framework": d["framework"], "question": d["question"]} for d in results["dont_know"]
        ],
        "unanswered": [
            {"framework": u["framework"], "question": u["question"]} for u in results["unanswered"]
        ],
    }


def _framework_summary(framework: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "key": framework["key"],
        "version": framework["version"],
        "score": framework["score"],
        "sections": [{"key": s["key"], "score": s["score"]} for s in framework["sections"]],
    }
    if framework["risks"]:
        summary["risks"] = [
            {"key": r["key"], "score": r["score"], "covered": r["covered"]}
            for r in framework["risks"]
        ]
    if "tier" in framework:
        summary["tier"] = framework["tier"]["key"]
        summary["overlays"] = [o["key"] for o in framework["tier"]["overlays"]]
    if "gates" in framework:
        summary["required_level"] = framework["gates"]["required_level"]
        summary["gates"] = [
            {
                "key": g["key"],
                "decision": g["decision"],
                "blocking": g["blocking"],
                "conditions": g["conditions"],
            }
            for g in framework["gates"]["gates"]
        ]
    return summary
