"""Where an assessment stands in its sign-off, as the report, the command line and the pages
say it: "Approved by … on …", "Submitted, awaiting approval", "Draft"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from assessments.models import Assessment, SignOff

Approval = Assessment.Approval


@dataclass(frozen=True, slots=True)
class ApprovalShown:
    status: str  # an Assessment.Approval value
    by: str  # username of who approved, submitted or returned it; "" for a draft
    at: dt.datetime | None

    @property
    def words(self) -> str:
        """The status in a sentence fragment, as the report's cover and manifest print it."""
        day = self.at.astimezone(dt.UTC).strftime("%-d %B %Y") if self.at else ""
        if self.status == Approval.APPROVED:
            return f"Approved by {self.by} on {day}"
        if self.status == Approval.AWAITING:
            return "Submitted, awaiting approval"
        if self.status == Approval.SUBMITTED:
            return f"Submitted by {self.by} on {day}" if self.by else f"Submitted on {day}"
        if self.status == Approval.RETURNED:
            return f"Draft (returned by {self.by} on {day})"
        return "Draft"

    def to_json(self) -> dict[str, Any]:
        at = self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if self.at else None
        return {"status": self.status, "by": self.by or None, "at": at}


def _name(user: Any) -> str:
    return str(user.get_username()) if user is not None else ""


def approval_for(assessment: Assessment) -> ApprovalShown:
    """Who last moved the assessment's sign-off, and when."""
    status = assessment.approval_status
    if status == Approval.APPROVED:
        return ApprovalShown(status, _name(assessment.approved_by), assessment.approved_at)
    if status in (Approval.AWAITING, Approval.SUBMITTED):
        return ApprovalShown(status, _name(assessment.submitted_by), assessment.submitted_at)
    if status == Approval.RETURNED:
        return ApprovalShown(status, _name(assessment.returned_by), assessment.returned_at)
    return ApprovalShown(status, "", None)


@dataclass(frozen=True, slots=True)
class SignOffStep:
    """One step of the sign-off record, as the pages, the report and the command show it."""

    step: str  # a SignOff.Step value
    label: str
    by: str  # username; "" when the account is gone
    at: dt.datetime
    comment: str

    @property
    def words(self) -> str:
        day = self.at.astimezone(dt.UTC).strftime("%-d %B %Y")
        who = f" by {self.by}" if self.by else ""
        return f"{self.label}{who} on {day}"

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "by": self.by or None,
            "at": self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "comment": self.comment,
        }


def sign_off_record(assessment: Assessment) -> list[SignOffStep]:
    """Every submission, approval and return of the assessment, oldest first (one query)."""
    rows = SignOff.objects.filter(assessment=assessment).select_related("by")
    return [SignOffStep(s.step, s.get_step_display(), _name(s.by), s.at, s.comment) for s in rows]
