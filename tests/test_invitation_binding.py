"""Invitations bound to the address they were sent to, single use, their expiry shown to the
owner; password reset throttled per address and per client."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from assessments.models import Invitation, Membership, Organisation
from assessments.services.organisations import invitation_create
from assessments.views.accounts import RESETS_PER_ADDRESS, RESETS_PER_CLIENT
from tests.factories import make_member, make_organisation


def _invitation(organisation: Organisation, owner: User, email: str) -> Invitation:
    return invitation_create(organisation=organisation, email=email, role="owner", invited_by=owner)


def test_another_organisations_owner_holding_the_link_cannot_accept(
    client: Client, organisation: Organisation, owner: User
) -> None:
    invitation = _invitation(organisation, owner, "invited@example.org")
    rival = make_member(make_organisation("rival"), "rita", role="owner")  # rita@example.org
    client.force_login(rival)
    url = reverse("invitation_accept", args=[invitation.token])

    page = client.get(url).content.decode()
    refused = client.post(url)

    assert "This invitation was sent to invited@example.org" in page
    assert "Join as" not in page
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert not Membership.objects.filter(user=rival, organisation=organisation).exists()
    assert Invitation.objects.get().accepted_at is None  # still open for the person invited


def test_the_invited_address_accepts_once(
    client: Client, organisation: Organisation, owner: User
) -> None:
    invitation = _invitation(organisation, owner, "Invited@Example.org")
    invited = User.objects.create_user("ivy", "invited@example.org", "a-long-passphrase")
    client.force_login(invited)
    url = reverse("invitation_accept", args=[invitation.token])

    accepted = client.post(url)
    again = client.post(url)

    assert accepted.status_code == HTTPStatus.FOUND
    assert Membership.objects.get(user=invited, organisation=organisation).role == "owner"
    assert again.status_code == HTTPStatus.NOT_FOUND


def test_the_owner_and_the_invited_see_until_when_it_works(
    client: Client, organisation: Organisation, owner: User
) -> None:
    invitation = _invitation(organisation, owner, "invited@example.org")
    client.force_login(owner)
    expiry = f"{invitation.expires_at:%-d %b %Y}"

    members = client.get(reverse("member_list", args=[organisation.slug])).content.decode()
    client.logout()
    link = client.get(reverse("invitation_accept", args=[invitation.token])).content.decode()

    assert f"invited@example.org as owner, until {expiry}" in members
    assert f"until {invitation.expires_at:%-d %B %Y}" in link


def _reset(client: Client, email: str, address: str = "203.0.113.5") -> Any:
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_emails_one_address_at_most_so_often(
    client: Client, owner: User, assessor: User
) -> None:
    answers = [
        _reset(client, owner.email, f"198.51.100.{n}") for n in range(RESETS_PER_ADDRESS + 2)
    ]

    assert {r.status_code for r in answers} == {HTTPStatus.FOUND}  # the same page every time
    assert len(mail.outbox) == RESETS_PER_ADDRESS
    _reset(client, assessor.email)
    assert len(mail.outbox) == RESETS_PER_ADDRESS + 1  # another address is not held back


def test_password_reset_requests_from_one_client_are_limited(client: Client, owner: User) -> None:
    for n in range(RESETS_PER_CLIENT):
        assert _reset(client, f"nobody{n}@example.org").status_code == HTTPStatus.FOUND

    refused = _reset(client, owner.email)
    elsewhere = _reset(Client(), owner.email, address="192.0.2.44")

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many password reset requests" in refused.content.decode()
    assert elsewhere.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
