"""Roles in the browser: a viewer reads without write controls; an owner invites a colleague."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Page, expect

from assessments.models import Membership, Organisation
from tests.factories import make_assessment

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_reads_without_write_controls(
    page: Page,
    live_server: Any,
    mini_bank: None,
    assessor: User,
    viewer: User,
    organisation: Organisation,
) -> None:
    assessment = make_assessment(organisation, assessor)
    sign_in(page, live_server.url, viewer)
    expect(page.get_by_role("link", name="New assessment")).to_have_count(0)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/sections/mini-tier/duties/")
    expect(page.get_by_text("only owners and assessors change answers")).to_be_visible()
    expect(page.get_by_role("radio", name="Yes").first).to_be_disabled()
    expect(page.get_by_role("button", name="Save this section")).to_have_count(0)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    expect(page.get_by_role("button", name="Submit the assessment")).to_have_count(0)


def test_an_owner_invites_a_colleague_who_sets_a_password(
    page: Page, new_context: Any, live_server: Any, owner: User, organisation: Organisation
) -> None:
    sign_in(page, live_server.url, owner)
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email address").fill("new.colleague@example.org")
    page.locator("#id_role").select_option("viewer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.colleague@example.org.")).to_be_visible()
    link = re.search(r"https?://\S+", str(mail.outbox[-1].body))
    assert link is not None

    colleague = new_context().new_page()
    colleague.goto(link.group(0))
    colleague.get_by_label("Username").fill("newcolleague")
    colleague.locator("#id_password1").fill("a-long-new-passphrase")
    colleague.locator("#id_password2").fill("a-long-new-passphrase")
    colleague.get_by_role("button", name="Create account and join").click()
    expect(colleague.get_by_text(f"Welcome to {organisation.name}.")).to_be_visible()
    assert Membership.objects.get(user__username="newcolleague").role == "viewer"
