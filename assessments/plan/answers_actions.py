"""The action plan's part of the answers file (format version 2, docs/answers-format.md):
written by `answers_export`, read and checked by `answers_parse`, created by `answers_import`
in the same transaction as the answers, so a refused file creates nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.limits import MAX_ACTION_TITLE, MAX_REASON, text_problem
from assessments.models import Action, Assessment
from assessments.services.actions import ActionFields, action_create

ACTION_FIELDS = ("framework", "question", "title", "owner", "due", "status", "reason")
STATUSES = tuple(Action.Status.values)


class ActionsRefused(ValueError):
    """The actions part of a file cannot be imported; the message names the problem."""


def actions_export(assessment: Assessment) -> list[dict[str, str]]:
    """Every action of the assessment, in the order they were made, every field written."""
    actions = assessment.actions.select_related("owner").order_by("pk")
    return [
        {
            "framework": a.framework,
            "question": a.question,
            "title": a.title,
            "owner": a.owner.username if a.owner else "",
            "due": a.due.isoformat() if a.due else "",
            "status": a.status,
            "reason": a.reason,
        }
        for a in actions
    ]


@dataclass(frozen=True)
class ActionLine:
    index: int
    framework: str
    question: str
    title: str
    owner: str
    due: dt.date | None
    status: str
    reason: str

    @property
    def where(self) -> str:
        return f"actions[{self.index}] ({self.framework}/{self.question})"


def actions_parse(value: Any) -> list[ActionLine]:
    """The file's actions, checked for shape, types, status and date; ActionsRefused otherwise."""
    if not isinstance(value, list):
        raise ActionsRefused("'actions' must be a list.")
    return [_line(index, item) for index, item in enumerate(value)]


def _line(index: int, item: Any) -> ActionLine:
    what = f"actions[{index}]"
    if not isinstance(item, dict):
        raise ActionsRefused(f"{what} must be a JSON object.")
    unknown = [str(k) for k in item if k not in ACTION_FIELDS]
    if unknown:
        raise ActionsRefused(f"Unknown field(s) in {what}: {', '.join(unknown)}.")
    missing = [k for k in ("framework", "question", "title") if k not in item]
    if missing:
        raise ActionsRefused(f"Missing field(s) in {what}: {', '.join(missing)}.")
    text = {k: item.get(k, "") for k in ACTION_FIELDS}
    wrong = [k for k, v in text.items() if not isinstance(v, str)]
    if wrong:
        raise ActionsRefused(f"The {', '.join(wrong)} of {what} must be text.")
    for key, what_text, limit in (
        ("title", "title", MAX_ACTION_TITLE),
        ("reason", "reason", MAX_REASON),
        ("owner", "owner", 150),
        ("framework", "framework", 60),
        ("question", "question", 100),
    ):
        problem = text_problem(text[key], f"{what_text} of {what}", limit)
        if problem:
            raise ActionsRefused(problem)
    status = text["status"] or Action.Status.OPEN
    if status not in STATUSES:
        raise ActionsRefused(f"{what}: unknown status {status!r} (one of: {', '.join(STATUSES)}).")
    return ActionLine(
        index=index,
        framework=text["framework"],
        question=text["question"],
        title=text["title"],
        owner=text["owner"],
        due=_date(text["due"], what),
        status=status,
        reason=text["reason"],
    )


def _date(value: str, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ActionsRefused(
            f"{what}: the due date {value!r} is not a date (YYYY-MM-DD)."
        ) from None


def actions_import(*, assessment: Assessment, user: User, lines: list[ActionLine]) -> None:
    """Create the file's actions in the new assessment, through the action service; an owner
    who is not a member of the organisation, or any action the service refuses, refuses all."""
    members = {
        u.username: u
        for u in User.objects.filter(memberships__organisation_id=assessment.organisation_id)
    }
    for line in lines:
        if line.owner and line.owner not in members:
            raise ActionsRefused(
                f"{line.where}: owner {line.owner!r} is not a member of {assessment.organisation}."
            )
    for line in lines:
        fields = ActionFields(
            line.title, members.get(line.owner), line.due, line.status, line.reason
        )
        try:
            action_create(
                assessment=assessment,
                user=user,
                framework=line.framework,
                question=line.question,
                fields=fields,
            )
        except (PermissionDenied, ValidationError) as exc:
            raise ActionsRefused(f"{line.where}: {_message(exc)}") from None


def _message(exc: PermissionDenied | ValidationError) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
