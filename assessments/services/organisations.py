"""Organisations, members, roles and invitations."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from assessments.models import Invitation, Membership, Organisation, Role


@transaction.atomic
def organisation_create(*, name: str, slug: str, owner: User) -> Organisation:
    """A new organisation with the given user as its first owner."""
    organisation = Organisation(name=name, slug=slug)
    organisation.full_clean()
    organisation.save()
    membership = Membership(user=owner, organisation=organisation, role=Role.OWNER)
    membership.full_clean()
    membership.save()
    return organisation


@transaction.atomic
def demo_seed(*, slug: str, username: str, password: str) -> tuple[Organisation, User]:
    """Create or update a demo organisation and its owner login (idempotent)."""
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    user.set_password(password)
    user.save()
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title()}
    )
    Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": Role.OWNER}
    )
    return organisation, user


INVITATION_DAYS = 14


class LastOwnerError(ValidationError):
    """Refused: an organisation always keeps at least one owner."""


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    """Give a member another role; refused when it would leave the organisation without owners."""
    if role not in Role.values:
        raise ValidationError(f"'{role}' is not a role.")
    if membership.role == Role.OWNER and role != Role.OWNER and not _other_owners(membership):
        raise LastOwnerError(
            "An organisation needs at least one owner; make someone else owner first."
        )
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; refused for the last owner."""
    if membership.role == Role.OWNER and not _other_owners(membership):
        raise LastOwnerError("The last owner cannot be removed; make someone else owner first.")
    membership.delete()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User
) -> Invitation:
    """A new invitation with an unguessable token, valid for INVITATION_DAYS days."""
    invitation = Invitation(
        organisation=organisation,
        email=email.strip(),
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str) -> None:
    """Email the invitation link to the person invited."""
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "An owner"
    send_mail(
        subject=f"Invitation to {invitation.organisation.name} on GovCheck",
        message=(
            f"{inviter} invites you to join {invitation.organisation.name} on GovCheck as "
            f"{invitation.get_role_display().lower()}.\n\nAccept the invitation here (the link "
            f"works until {invitation.expires_at:%d %B %Y}):\n{accept_url}\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


INVITATION_FOR_SOMEONE_ELSE = (
    "This invitation was sent to {email}. Sign in with the account that uses that address, or "
    "sign out and create an account for it."
)


def invitation_is_for(*, invitation: Invitation, user: User) -> bool:
    """An invitation is accepted only by the account of the address it was sent to."""
    return bool(user.email) and user.email.casefold() == invitation.email.casefold()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make the user a member with the invited role (an existing membership keeps the higher
    of the two roles) and close the invitation."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None or locked.expires_at <= timezone.now():
        raise ValidationError("This invitation has already been used or has expired.")
    if not invitation_is_for(invitation=locked, user=user):
        raise ValidationError(INVITATION_FOR_SOMEONE_ELSE.format(email=locked.email))
    membership = Membership.objects.filter(user=user, organisation=locked.organisation).first()
    rank = [Role.VIEWER, Role.ASSESSOR, Role.OWNER]
    if membership is None:
        membership = Membership(user=user, organisation=locked.organisation, role=locked.role)
    elif rank.index(Role(locked.role)) > rank.index(Role(membership.role)):
        membership.role = locked.role
    membership.full_clean()
    membership.save()
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save()
    return membership


@transaction.atomic
def user_create_from_invitation(
    *, invitation: Invitation, username: str, password: str
) -> tuple[User, Membership]:
    """A new account for the person invited, already a member."""
    user = User(username=username, email=invitation.email)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, invitation_accept(invitation=invitation, user=user)
