"""Reading the action plan: one action through its assessment's access, the plan's rows with
what each would move, filters, and the actions that move the most."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from assessments.models import Action, Assessment
from assessments.results import results_for_assessment
from assessments.scoring.results import Gap, Results
from assessments.selectors import AnyUser, AssessmentAccess, assessment_access_for_user

from .moves import Moves, moves_for

UNFINISHED = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


def action_get_for_user(
    *, user: AnyUser, assessment_pk: int, pk: int
) -> tuple[AssessmentAccess, Action]:
    """The action with its assessment's access, if the user belongs to the organisation;
    Http404 otherwise, and for an action of another assessment."""
    access = assessment_access_for_user(user=user, pk=assessment_pk)
    action = (
        Action.objects.select_related("owner", "accepted_by")
        .filter(pk=pk, assessment=access.assessment)
        .first()
    )
    if action is None:
        raise Http404
    action.assessment = access.assessment
    return access, action


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    owner: int | None = None
    overdue: bool = False
    framework: str = ""

    @property
    def any(self) -> bool:
        return bool(self.status or self.owner or self.overdue or self.framework)


def planned_findings(assessment: Assessment) -> frozenset[str]:
    """The findings of the assessment that have an action, as "framework/question" (one
    query), so that a findings list can say which are in the plan already."""
    keys = Action.objects.filter(assessment=assessment).values_list("framework", "question")
    return frozenset(f"{framework}/{question}" for framework, question in keys)


def actions_of(assessment: Assessment) -> QuerySet[Action]:
    """Every action of the assessment, soonest due first (no date last), in one query."""
    return (
        Action.objects.filter(assessment=assessment)
        .select_related("owner", "accepted_by")
        .order_by(F("due").asc(nulls_last=True), "pk")
    )


def actions_filtered(
    assessment: Assessment, filters: PlanFilters, *, today: dt.date
) -> QuerySet[Action]:
    actions = actions_of(assessment)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.owner:
        actions = actions.filter(owner_id=filters.owner)
    if filters.framework:
        actions = actions.filter(framework=filters.framework)
    if filters.overdue:
        actions = actions.filter(due__lt=today, status__in=UNFINISHED)
    return actions


@dataclass(frozen=True)
class PlanRow:
    """An action with its finding (None when the finding is gone) and what it would move."""

    action: Action
    framework_name: str
    finding: Gap | None
    moves: Moves
    overdue: bool

    @property
    def offer_close(self) -> bool:
        """Unfinished, but its finding is gone: offered for closing."""
        return self.finding is None and self.action.status in UNFINISHED

    @property
    def finding_text(self) -> str:
        if self.finding is None:
            return ""
        return self.finding.finding or self.finding.text

    def to_json(self) -> dict[str, Any]:
        action = self.action
        return {
            "framework": action.framework,
            "question": action.question,
            "title": action.title,
            "owner": action.owner.username if action.owner else "",
            "due": action.due.isoformat() if action.due else "",
            "status": action.status,
            "moves": self.moves.to_json(),
        }


def plan_rows(results: Results, actions: Iterable[Action], *, today: dt.date) -> list[PlanRow]:
    """The rows of the plan, with the moves of every action computed once from the results."""
    actions = list(actions)
    gaps = {(g.framework, g.question): g for g in results.gaps}
    moves = moves_for(results, ((a.framework, a.question) for a in actions))
    return [
        PlanRow(
            action=a,
            framework_name=results.framework_name(a.framework),
            finding=gaps.get((a.framework, a.question)),
            moves=moves[(a.framework, a.question)],
            overdue=a.status in UNFINISHED and a.due is not None and a.due < today,
        )
        for a in actions
    ]


def plan_rows_for(assessment: Assessment, results: Results) -> list[PlanRow]:
    """Every action of the assessment as plan rows, soonest due first."""
    return plan_rows(results, actions_of(assessment), today=timezone.localdate())


def ranked(rows: Sequence[PlanRow]) -> list[PlanRow]:
    """Unfinished actions, the ones that move the most first, then by due date."""
    unfinished = [r for r in rows if r.action.status in UNFINISHED]

    def order(row: PlanRow) -> tuple[Any, ...]:
        verdicts, duties, points = row.moves.rank
        due = row.action.due or dt.date.max
        return (-verdicts, -duties, -points, due, row.action.pk)

    return sorted(unfinished, key=order)


def top_actions(
    assessment: Assessment, limit: int = 5, *, results: Results | None = None
) -> list[PlanRow]:
    """The unfinished actions that move the most verdicts (then duties, then score points),
    soonest due first among equals, among those whose finding is open; pass the results when
    the caller already has them."""
    if results is None:
        results = results_for_assessment(assessment)
    return most_moving(plan_rows_for(assessment, results))[:limit]


def most_moving(rows: Sequence[PlanRow]) -> list[PlanRow]:
    """Unfinished actions whose finding is still open, the ones that move the most first (an
    action whose finding is gone is offered for closing instead)."""
    return ranked([row for row in rows if row.finding is not None])


def action_history(action: Action) -> list[Any]:
    """Every saved version of the action, newest first, with who saved it (one query)."""
    return list(
        action.history.select_related("history_user", "owner").order_by("-history_date", "-pk")
    )


def organisation_members(assessment: Assessment) -> QuerySet[User]:
    """The people an action can be given to: members of the assessment's organisation."""
    return User.objects.filter(memberships__organisation_id=assessment.organisation_id).order_by(
        "username"
    )
