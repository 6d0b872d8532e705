"""Writing the action plan: creating and changing actions, and carrying them to a next round.

Role rules: owners and assessors create and change actions; viewers cannot; only an owner
accepts a risk. An action's owner is a member of the assessment's organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Action, Assessment, Membership, Role
from assessments.selectors import bank_for_assessment


@dataclass(frozen=True)
class ActionFields:
    """What a person writes about an action; the same for creating and changing one."""

    title: str
    owner: User | None
    due: dt.date | None
    status: str = Action.Status.OPEN
    reason: str = ""


def _role(user: User, assessment: Assessment) -> str | None:
    membership = Membership.objects.filter(user=user, organisation_id=assessment.organisation_id)
    return membership.values_list("role", flat=True).first()


def _check(*, assessment: Assessment, user: User, fields: ActionFields, accepting: bool) -> None:
    role = _role(user, assessment)
    if role not in (Role.OWNER, Role.ASSESSOR):
        raise PermissionDenied("Viewers can read the action plan but not change it.")
    if accepting and role != Role.OWNER:
        raise PermissionDenied("Only an owner of the organisation can accept a risk.")
    if fields.owner is not None and _role(fields.owner, assessment) is None:
        raise ValidationError({"owner": "The owner must be a member of the organisation."})
    if fields.status == Action.Status.RISK_ACCEPTED and not fields.reason.strip():
        raise ValidationError({"reason": "Say why the risk is accepted."})


def _apply(action: Action, fields: ActionFields, user: User) -> None:
    accepting = fields.status == Action.Status.RISK_ACCEPTED
    if accepting and (action.status != fields.status or action.reason != fields.reason):
        action.accepted_by, action.accepted_at = user, timezone.now()
    if not accepting:
        action.accepted_by, action.accepted_at = None, None
    action.title = fields.title.strip()
    action.owner, action.due, action.status = fields.owner, fields.due, fields.status
    action.reason = fields.reason.strip() if accepting else ""


def _accepting(action: Action, fields: ActionFields) -> bool:
    """Accepting a risk, or changing why one is accepted."""
    if fields.status != Action.Status.RISK_ACCEPTED:
        return False
    return action.status != fields.status or action.reason != fields.reason.strip()


def action_create(
    *, assessment: Assessment, user: User, framework: str, question: str, fields: ActionFields
) -> Action:
    """A new action against a question of the assessment; PermissionDenied for a viewer, or
    for anyone but an owner accepting a risk; ValidationError for an unknown question or an
    owner from outside the organisation."""
    action = Action(assessment=assessment, framework=framework, question=question, created_by=user)
    _check(assessment=assessment, user=user, fields=fields, accepting=_accepting(action, fields))
    if not bank_for_assessment(assessment).has((framework, question)):
        raise ValidationError("This assessment has no such question.")
    _apply(action, fields, user)
    _save(action, user)
    return action


def _save(action: Action, user: User) -> None:
    """Validate and save, recording who made this version in the action's history (whatever
    path called: the plan page, an import, a next round); the report, which lists the plan,
    is rendered again."""
    action.full_clean()
    action._history_user = user  # type: ignore[attr-defined]
    action.save()
    # Reports are kept per revision of the assessment: a new revision asks for a new one.
    Assessment.objects.filter(pk=action.assessment_id).update(revision=F("revision") + 1)


def action_update(*, action: Action, user: User, fields: ActionFields) -> Action:
    """The action with these fields, under the same rules as `action_create`."""
    _check(
        assessment=action.assessment, user=user, fields=fields, accepting=_accepting(action, fields)
    )
    _apply(action, fields, user)
    _save(action, user)
    return action


def action_close(*, action: Action, user: User) -> Action:
    """Mark the action done (offered when its finding is gone)."""
    fields = ActionFields(action.title, action.owner, action.due, Action.Status.DONE)
    return action_update(action=action, user=user, fields=fields)


@transaction.atomic
def actions_carry_over(*, previous: Assessment, new: Assessment, user: User) -> list[Action]:
    """Copy the previous round's unfinished actions to the same question keys of the new
    round, with their owner, date and status; each remembers where it came from."""
    unfinished = previous.actions.filter(
        status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS]
    ).order_by("pk")
    carried = [
        Action(
            assessment=new,
            framework=a.framework,
            question=a.question,
            title=a.title,
            owner=a.owner,
            due=a.due,
            status=a.status,
            carried_from=a,
            created_by=user,
        )
        for a in unfinished
    ]
    # One by one, so each gets its first history record (bulk_create would skip them).
    for action in carried:
        _save(action, user)
    return carried
