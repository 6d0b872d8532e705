"""The action plan's part of an organisation document (assessments/portability.py): every
action with its history, so that moving an organisation keeps its plans and who changed them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User

from assessments.models import Action, Assessment, Organisation

HistoricalAction = Action.history.model
UserRef = Callable[[int | None], str | None]


def _time(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _fields(row: Any, user_ref: UserRef) -> dict[str, Any]:
    """What an action and each of its history rows share."""
    return {
        "title": row.title,
        "owner": user_ref(row.owner_id),
        "due": _time(row.due),
        "status": row.status,
        "reason": row.reason,
        "accepted_by": user_ref(row.accepted_by_id),
        "accepted_at": _time(row.accepted_at),
    }


def actions_document(
    *, organisation: Organisation, assessment_no: Mapping[int, int], user_ref: UserRef
) -> list[dict[str, Any]]:
    """Every action of the organisation's assessments, numbered locally, with its history."""
    actions = list(Action.objects.filter(assessment__organisation=organisation).order_by("pk"))
    number = {a.pk: n for n, a in enumerate(actions, start=1)}
    history: dict[int, list[dict[str, Any]]] = {}
    rows = HistoricalAction.objects.filter(assessment__organisation=organisation)
    for h in rows.order_by("history_date", "history_id"):
        history.setdefault(h.id, []).append(
            _fields(h, user_ref)
            | {
                "date": _time(h.history_date),
                "type": h.history_type,
                "user": user_ref(h.history_user_id),
            }
        )
    return [
        {
            "id": number[a.pk],
            "assessment": assessment_no[a.assessment_id],
            "framework": a.framework,
            "question": a.question,
            **_fields(a, user_ref),
            "carried_from": number.get(a.carried_from_id or 0),
            "created_by": user_ref(a.created_by_id),
            "created_at": _time(a.created_at),
            "updated_at": _time(a.updated_at),
            "history": history.get(a.pk, []),
        }
        for a in actions
    ]


def _values(row: Mapping[str, Any], users: Mapping[str, User]) -> dict[str, Any]:
    return {
        "title": row["title"],
        "owner": users.get(row["owner"] or ""),
        "due": _parse_date(row["due"]),
        "status": row["status"],
        "reason": row["reason"],
        "accepted_by": users.get(row["accepted_by"] or ""),
        "accepted_at": _parse_time(row["accepted_at"]),
    }


def actions_from_document(
    rows: list[dict[str, Any]], assessments: Mapping[int, Assessment], users: Mapping[str, User]
) -> None:
    """Recreate the document's actions and their history, as they were (no new history)."""
    created = Action.objects.bulk_create(
        Action(
            assessment=assessments[row["assessment"]],
            framework=row["framework"],
            question=row["question"],
            created_by=users.get(row["created_by"] or ""),
            **_values(row, users),
        )
        for row in rows
    )
    by_number = {row["id"]: action for row, action in zip(rows, created, strict=True)}
    for row, action in zip(rows, created, strict=True):
        carried = by_number.get(row["carried_from"]) if row["carried_from"] else None
        Action.objects.filter(pk=action.pk).update(
            carried_from=carried,
            created_at=_parse_time(row["created_at"]),
            updated_at=_parse_time(row["updated_at"]),
        )
    HistoricalAction.objects.bulk_create(
        HistoricalAction(
            id=action.pk,
            assessment=action.assessment,
            framework=action.framework,
            question=action.question,
            created_by=action.created_by,
            created_at=_parse_time(row["created_at"]),
            carried_from_id=by_number[row["carried_from"]].pk if row["carried_from"] else None,
            history_date=_parse_time(h["date"]),
            history_type=h["type"],
            history_user=users.get(h["user"] or ""),
            **_values(h, users),
        )
        for row, action in zip(rows, created, strict=True)
        for h in row["history"]
    )
