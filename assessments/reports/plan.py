"""The report's "Action plan" chapter: every action with its owner, due date, status and what
it would move, the unfinished ones that move the most first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from assessments.models import Action, Assessment
from assessments.plan.selectors import PlanRow, plan_rows_for, ranked
from assessments.scoring.results import Results

ANCHOR = "plan"


@dataclass(frozen=True)
class PlanChapter:
    rows: tuple[PlanRow, ...]
    counts: tuple[tuple[str, int], ...]  # (status label, number) of the statuses present
    overdue: int

    @property
    def anchor(self) -> str:
        return ANCHOR


def plan_chapter(*, assessment: Assessment, results: Results) -> PlanChapter:
    """The chapter's rows: unfinished actions by how much they move, then finished ones."""
    rows = plan_rows_for(assessment, results)
    unfinished = ranked(rows)
    finished = [r for r in rows if r not in unfinished]
    tally = Counter(r.action.status for r in rows)
    counts = tuple((label, tally[value]) for value, label in Action.Status.choices if tally[value])
    return PlanChapter(
        rows=tuple(unfinished + finished),
        counts=counts,
        overdue=sum(1 for r in rows if r.overdue),
    )
