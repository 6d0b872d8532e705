"""The sign-off record's part of an organisation document (assessments/portability.py): every
submission, approval and return, so that moving an organisation keeps who signed off what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.models import User

from .models import Assessment, Organisation, SignOff

UserRef = Callable[[int | None], str | None]


def sign_offs_document(
    *, organisation: Organisation, assessment_no: Mapping[int, int], user_ref: UserRef
) -> list[dict[str, Any]]:
    """Every sign-off step of the organisation's assessments, oldest first."""
    rows = SignOff.objects.filter(assessment__organisation=organisation).order_by("at", "pk")
    return [
        {
            "assessment": assessment_no[s.assessment_id],
            "step": s.step,
            "by": user_ref(s.by_id),
            "at": s.at.isoformat(),
            "comment": s.comment,
        }
        for s in rows
    ]


def sign_offs_from_document(
    rows: list[dict[str, Any]] | None,
    assessments: Mapping[int, Assessment],
    users: Mapping[str, User],
) -> None:
    """Recreate the record; a file written before the record existed gives each signed-off
    assessment its last steps, read from the assessment's own fields."""
    if rows is None:
        SignOff.objects.bulk_create(_from_fields(assessments.values()))
        return
    SignOff.objects.bulk_create(
        SignOff(
            assessment=assessments[row["assessment"]],
            step=row["step"],
            by=users.get(row["by"] or ""),
            at=dt.datetime.fromisoformat(row["at"]),
            comment=row["comment"],
        )
        for row in rows
    )


def _from_fields(assessments: Any) -> list[SignOff]:
    steps = []
    for a in assessments:
        if a.is_submitted and a.submitted_at is not None:
            steps.append(
                SignOff(assessment=a, step="submitted", by=a.submitted_by, at=a.submitted_at)
            )
        if a.approved_at is not None:
            steps.append(SignOff(assessment=a, step="approved", by=a.approved_by, at=a.approved_at))
        if a.returned_at is not None:
            steps.append(
                SignOff(
                    assessment=a,
                    step="returned",
                    by=a.returned_by,
                    at=a.returned_at,
                    comment=a.return_comment,
                )
            )
    return steps
