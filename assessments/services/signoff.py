"""Sign-off: an owner approves a submitted assessment, or returns it to its assessors with a
comment, which makes it a draft again (submission itself is `assessment_submit`)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Assessment, Membership, Organisation, Role, SignOff

MAX_COMMENT = 4000


def _locked_awaiting(assessment: Assessment, user: User) -> Assessment:
    """The assessment's row, locked as submission locks it, once the user may decide on it."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    is_owner = Membership.objects.filter(
        user=user, organisation_id=locked.organisation_id, role=Role.OWNER
    ).exists()
    if not is_owner:
        raise PermissionDenied("Only an owner approves or returns a submission.")
    if not locked.awaiting_approval:
        raise ValidationError("This assessment is not waiting for approval.")
    if locked.submitted_by_id == user.pk:
        raise PermissionDenied("An owner other than the submitter approves or returns it.")
    return locked


@transaction.atomic
def assessment_approve(*, assessment: Assessment, user: User) -> Assessment:
    """Record the owner's approval of a submission that waits for one."""
    locked = _locked_awaiting(assessment, user)
    locked.approved_by = user
    locked.approved_at = timezone.now()
    locked.revision = F("revision") + 1  # the report now says "Approved by …"
    locked.save(update_fields=["approved_by", "approved_at", "revision", "updated_at"])
    locked.refresh_from_db()
    SignOff.objects.create(
        assessment=locked, step=SignOff.Step.APPROVED, by=user, at=locked.approved_at
    )
    return locked


@transaction.atomic
def assessment_return(*, assessment: Assessment, user: User, comment: str) -> Assessment:
    """Reopen a submission that waits for approval as a draft, with the owner's comment for the
    assessors; its stored results are dropped, as a draft's results are computed when read."""
    comment = comment.strip()
    if not comment:
        raise ValidationError("Say what the assessors should change.")
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT:,} characters.")
    locked = _locked_awaiting(assessment, user)
    locked.status = Assessment.Status.DRAFT
    locked.results = None
    locked.scoring_rules_version = ""
    locked.submitted_at, locked.submitted_by = None, None
    locked.approval_required = False
    locked.returned_by, locked.returned_at = user, timezone.now()
    locked.return_comment = comment
    locked.revision = F("revision") + 1
    locked.save()
    locked.refresh_from_db()
    SignOff.objects.create(
        assessment=locked,
        step=SignOff.Step.RETURNED,
        by=user,
        at=locked.returned_at,
        comment=comment,
    )
    return locked


@transaction.atomic
def organisation_approval_set(
    *, organisation: Organisation, user: User, required: bool
) -> Organisation:
    """Owners decide whether submissions need an owner's approval (from the next submission)."""
    if not Membership.objects.filter(
        user=user, organisation=organisation, role=Role.OWNER
    ).exists():
        raise PermissionDenied("Only owners change whether approval is required.")
    organisation.requires_approval = required
    organisation.save(update_fields=["requires_approval"])
    return organisation
