"""The report's chapter "Changes since round N" for a round after the first: scores and
verdicts before and after, findings closed and opened, answers changed, and the question-bank
versions that moved (assessments.results.changes and .versions do the comparing)."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Assessment
from assessments.results.changes import Changes, changes_since_previous
from assessments.results.versions import VersionStep
from assessments.scoring.results import Results

ANCHOR = "changes"


@dataclass(frozen=True)
class ChangesChapter:
    changes: Changes
    steps: tuple[VersionStep, ...]
    anchor: str = ANCHOR

    @property
    def title(self) -> str:
        return f"Changes since round {self.changes.previous_round}"


def changes_chapter(assessment: Assessment, results: Results) -> ChangesChapter | None:
    """The chapter of a later round, from the results the report shows; None for round 1."""
    changes = changes_since_previous(assessment, results=results)
    if changes is None:
        return None
    return ChangesChapter(changes, tuple(changes.version_steps()))
