"""The findings as CSV, safe to open in a spreadsheet: grouped and numbered as the results page
and the PDF show them (assessments/results/findings.py)."""

from __future__ import annotations

import csv
import io

from assessments.scoring.results import Results

from .findings import Finding, all_findings

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
GAP_COLUMNS = [
    "finding",
    "critical",
    "why critical",
    "framework",
    "section",
    "section title",
    "question",
    "statement",
    "text",
    "answer",
    "note",
    "evidence",
    "why it matters",
    "weight",
    "shortfall",
    "priority",
    "remediation",
    "source",
    "quote",
    "supporting",
    "basis",
    "cited as",
]


def csv_safe(value: object) -> str:
    """The value as a CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def gap_row(finding: Finding) -> list[str]:
    gap, answer = finding.gap, finding.gap.answer
    row = [
        finding.number,
        "yes" if gap.critical else "no",
        gap.why_critical,
        gap.framework,
        gap.section,
        finding.section_title,
        gap.question,
        finding.statement,
        gap.text,
        "; ".join(answer.choices) or answer.text,
        answer.note,
        " ".join(answer.evidence),
        finding.why,
        gap.weight,
        gap.shortfall,
        gap.priority,
        gap.remediation,
        finding.citation,
        gap.quote,
        "; ".join(gap.supporting),
        gap.basis,
        finding.cited_as,
    ]
    return [csv_safe(cell) for cell in row]


def gap_rows(results: Results) -> list[list[str]]:
    """One row per finding, framework by framework and section by section, numbered as the
    results page and the PDF number them."""
    return [gap_row(finding) for finding in all_findings(results)]


def gaps_csv(results: Results) -> str:
    """The findings as CSV text with a header row, safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GAP_COLUMNS)
    writer.writerows(gap_rows(results))
    return out.getvalue()
