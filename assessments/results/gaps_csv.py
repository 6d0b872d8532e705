"""The findings as CSV, safe to open in a spreadsheet: grouped and numbered as the results page
and the PDF show them (assessments/results/findings.py)."""

from __future__ import annotations

import csv
import io
import unicodedata

from assessments.scoring.results import Results

from .findings import Finding, all_findings

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
FORMULA_SIGNS = "=+-@"
# Forms of the signs that NFKC does not fold to ASCII (it folds the fullwidth ＝＋－＠, the
# small ﹦﹢﹣﹫ and the super- and subscript ⁼⁺₌₊): minus signs, hyphens and dashes, heavy signs.
LOOKALIKES = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2796": "-",  # heavy minus sign
        "\u2795": "+",  # heavy plus sign
        "\u2a72": "+",  # plus sign above equals sign
        "\u229c": "=",  # circled equals
    }
)
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


def _runs_as_formula(text: str) -> bool:
    """True when the text starts, after any spaces, with a formula sign in any of its forms."""
    if text.startswith(FORMULA_STARTS):
        return True
    first = text.lstrip()[:1]  # spreadsheets skip leading spaces, the ideographic one too
    return bool(first) and unicodedata.normalize("NFKC", first)[:1].translate(LOOKALIKES) in tuple(
        FORMULA_SIGNS
    )


def csv_safe(value: object) -> str:
    """The value as a CSV cell that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if _runs_as_formula(text) else text


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
