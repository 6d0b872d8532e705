"""Results of an assessment as plain JSON-ready data: stored on submission, live for drafts."""

from __future__ import annotations

from typing import Any

from .models import Assessment
from .selectors import answers_for_assessment, bank_for_assessment

SCORING_RULES_VERSION = "0-dev"


def results_for_assessment(assessment: Assessment, *, live: bool = False) -> dict[str, Any]:
    """The stored snapshot of a submitted assessment, or results computed now."""
    if assessment.is_submitted and assessment.results is not None and not live:
        return dict(assessment.results)
    bank = bank_for_assessment(assessment)
    answers_for_assessment(assessment)
    return {
        "scoring_rules_version": SCORING_RULES_VERSION,
        "provisional": not assessment.is_submitted,
        "frameworks": [
            {"key": f.key, "score": None} for f in bank.frameworks if f.kind != "profile"
        ],
        "gaps": [],
    }
