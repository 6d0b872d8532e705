"""Signing in and out, passwords, organisations, members, roles and invitations."""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, Membership, Organisation, Role
from tests.factories import PASSWORD, make_member, make_organisation, make_user


def test_sign_in_returns_to_the_page_asked_for(client: Client, owner: User) -> None:
    target = reverse("member_list", args=["acme"])
    page = client.get(target)
    assert page["Location"] == f"{reverse('login')}?next={target}"
    form = client.get(page["Location"]).content.decode()
    assert "Sign in to continue where you left off" in form
    response = client.post(
        reverse("login"), {"username": "olivia", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_sign_out(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == HTTPStatus.FOUND


def test_password_change(client: Client, owner: User) -> None:
    client.force_login(owner)
    page = client.get(reverse("password_change"))
    assert "Change your password" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Password changed" in client.get(response["Location"]).content.decode()
    owner.refresh_from_db()
    assert owner.check_password("a-new-long-passphrase")


def test_password_reset_by_email_link(client: Client, owner: User) -> None:
    assert "Reset your password" in client.get(reverse("password_reset")).content.decode()
    client.post(reverse("password_reset"), {"email": "olivia@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert link is not None
    confirm = client.get(link.group(0), follow=True)
    assert "Choose a new password" in confirm.content.decode()
    response = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
    )
    assert response["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("another-long-passphrase")


# Members and roles -----------------------------------------------------------------------------


def test_owner_sees_member_controls_and_others_do_not(
    client: Client, owner: User, assessor: User, viewer: User
) -> None:
    url = reverse("member_list", args=["acme"])
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "Send invitation" in html
    assert "Change role" in html
    assert "Remove" in html
    for user in (assessor, viewer):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "olivia" in html
        assert "Send invitation" not in html
        assert "Change role" not in html


def test_owner_changes_a_role(client: Client, owner: User, assessor: User) -> None:
    membership = Membership.objects.get(user=assessor)
    client.force_login(owner)
    client.post(reverse("member_role", args=["acme", membership.pk]), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_the_last_owner_keeps_the_role_and_cannot_be_removed(client: Client, owner: User) -> None:
    membership = Membership.objects.get(user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("member_role", args=["acme", membership.pk]), {"role": "viewer"}, follow=True
    )
    assert "at least one owner" in response.content.decode()
    response = client.post(reverse("member_remove", args=["acme", membership.pk]), follow=True)
    assert "last owner cannot be removed" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_owner_removes_a_member(client: Client, owner: User, assessor: User) -> None:
    membership = Membership.objects.get(user=assessor)
    client.force_login(owner)
    client.post(reverse("member_remove", args=["acme", membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("role", ["assessor", "viewer"])
def test_only_owners_manage_members(
    role: str, client: Client, organisation: Organisation, owner: User
) -> None:
    user = make_member(organisation, f"{role}-user", role)
    target = Membership.objects.get(user=owner)
    client.force_login(user)
    assert (
        client.post(reverse("member_role", args=["acme", target.pk]), {"role": "viewer"})
    ).status_code == HTTPStatus.FORBIDDEN
    assert (
        client.post(reverse("member_remove", args=["acme", target.pk]))
    ).status_code == HTTPStatus.FORBIDDEN
    assert (
        client.post(reverse("member_list", args=["acme"]), {"email": "x@example.org"})
    ).status_code == HTTPStatus.FORBIDDEN


def test_a_member_of_another_organisation_cannot_be_touched(
    client: Client, owner: User, outsider: User
) -> None:
    theirs = Membership.objects.get(user=outsider)
    client.force_login(owner)
    response = client.post(reverse("member_remove", args=["acme", theirs.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("member_list", args=["other"])).status_code == 404


# Invitations -----------------------------------------------------------------------------------


def invite(client: Client, owner: User, email: str, role: str = "assessor") -> str:
    client.force_login(owner)
    client.post(reverse("member_list", args=["acme"]), {"email": email, "role": role})
    link = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert link is not None
    return link.group(0).split("testserver", 1)[1]


def test_invitation_by_email_link_for_a_signed_in_user(
    client: Client, owner: User, outsider: User
) -> None:
    path = invite(client, owner, "oscar@example.org", "viewer")
    assert mail.outbox[-1].to == ["oscar@example.org"]
    client.force_login(outsider)
    page = client.get(path).content.decode()
    assert "Join Acme" in page
    assert "viewer" in page
    response = client.post(path)
    assert response["Location"] == reverse("organisation_dashboard", args=["acme"])
    assert Membership.objects.get(user=outsider, organisation__slug="acme").role == "viewer"
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND  # used once


def test_invitation_lets_a_new_person_set_a_password(client: Client, owner: User) -> None:
    path = invite(client, owner, "newcomer@example.org")
    client.logout()
    response = client.post(
        path,
        {
            "username": "newcomer",
            "password1": "a-good-passphrase",
            "password2": "a-good-passphrase",
        },
    )
    assert response["Location"] == reverse("organisation_dashboard", args=["acme"])
    user = User.objects.get(username="newcomer")
    assert user.email == "newcomer@example.org"
    assert user.check_password("a-good-passphrase")
    assert Membership.objects.get(user=user).role == "assessor"
    assert client.get(response["Location"]).status_code == HTTPStatus.OK  # signed in


def test_expired_invitation_is_refused(client: Client, owner: User) -> None:
    invite(client, owner, "late@example.org")
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.logout()
    response = client.get(reverse("invitation_accept", args=[invitation.token]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "expired" in response.content.decode()


def test_switching_to_an_organisation_one_does_not_belong_to_is_not_found(
    client: Client, owner: User
) -> None:
    make_organisation("elsewhere")
    client.force_login(owner)
    response = client.post(reverse("organisation_switch"), {"organisation": "elsewhere"})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_organisation_menu_lists_every_membership(client: Client, owner: User) -> None:
    Membership.objects.create(user=owner, organisation=make_organisation("zeta"), role="viewer")
    client.force_login(owner)
    html = client.get(reverse("organisation_dashboard", args=["zeta"])).content.decode()
    assert '<option value="acme">Acme</option>' in html
    assert '<option value="zeta" selected>Zeta</option>' in html
    client.force_login(make_user("x"))
    assert "Zeta" not in client.get(reverse("dashboard"), follow=True).content.decode()


def test_accepting_an_invitation_never_lowers_an_existing_role(
    client: Client, owner: User, assessor: User
) -> None:
    path = invite(client, owner, "adam@example.org", "viewer")
    client.force_login(assessor)
    client.post(path)
    assert Membership.objects.get(user=assessor).role == "assessor"
    path = invite(client, owner, "adam@example.org", "owner")
    client.force_login(assessor)
    client.post(path)
    assert Membership.objects.get(user=assessor).role == "owner"
