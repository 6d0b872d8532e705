"""Organisations, members, roles and invitations."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from assessments.models import Membership, Organisation, Role


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
