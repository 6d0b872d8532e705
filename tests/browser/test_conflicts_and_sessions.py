"""Two tabs editing one answer, and a session that expires with answers still unsaved."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect

from assessments.models import Answer, Organisation
from tests.factories import make_assessment

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PENDING = "localStorage.getItem('govcheck.pending.v1')"


def test_two_tabs_conflict_shows_both_values_and_lets_the_user_choose(
    context: BrowserContext,
    page: Page,
    live_server: Any,
    mini_bank: None,
    assessor: User,
    organisation: Organisation,
) -> None:
    assessment = make_assessment(organisation, assessor)
    path = f"/assessments/{assessment.pk}/sections/mini-tier/duties/"
    sign_in(page, live_server.url, assessor, path)
    other = context.new_page()
    other.goto(live_server.url + path)
    first = page.locator("#q__mini-tier__supervision")
    second = other.locator("#q__mini-tier__supervision")

    first.get_by_role("radio", name="Yes").check()
    expect(first.locator(".save-status")).to_have_text("Saved")
    second.get_by_role("radio", name="No", exact=True).check()
    panel = second.get_by_role("alert")
    expect(panel).to_contain_text("changed this answer")
    expect(panel.locator("[data-conflict-theirs]")).to_have_text("Yes")
    expect(panel.locator("[data-conflict-yours]")).to_have_text("No")
    expect(second.locator(".save-status")).to_contain_text("Not saved")
    assert Answer.objects.get(question__key="supervision").choices == ["yes"]

    panel.get_by_role("button", name="Keep my answer").click()
    expect(second.locator(".save-status")).to_have_text("Saved")
    assert Answer.objects.get(question__key="supervision").choices == ["no"]

    # The first tab is now behind: it takes the other answer instead.
    first.get_by_role("radio", name="Partly").check()
    first.get_by_role("alert").get_by_role("link", name="Take their answer").click()
    expect(
        page.locator("#q__mini-tier__supervision").get_by_role("radio", name="No", exact=True)
    ).to_be_checked()
    assert Answer.objects.get(question__key="supervision").choices == ["no"]
    assert page.evaluate(PENDING) == "{}"


def test_expired_session_keeps_answers_and_signing_in_returns_to_the_page(
    context: BrowserContext,
    page: Page,
    live_server: Any,
    mini_bank: None,
    assessor: User,
    organisation: Organisation,
) -> None:
    assessment = make_assessment(organisation, assessor)
    path = f"/assessments/{assessment.pk}/sections/mini-tier/duties/"
    sign_in(page, live_server.url, assessor, path)
    block = page.locator("#q__mini-tier__supervision")
    block.get_by_role("radio", name="Yes").check()
    expect(block.locator(".save-status")).to_have_text("Saved")

    context.clear_cookies()  # the session ends, as it would after expiry
    block.get_by_role("radio", name="Partly").check()
    block.get_by_text("Note and evidence").click()
    block.get_by_label("Note").fill("Typed while signed out.")
    expect(block.locator(".save-status")).to_contain_text("signed out")
    summary = page.locator("[data-save-summary]")
    expect(summary).to_contain_text("kept on this device")
    assert "Typed while signed out." in page.evaluate(PENDING)
    assert Answer.objects.get(question__key="supervision").choices == ["yes"]

    summary.get_by_role("link", name="sign in again").click()
    page.get_by_label("Username").fill(assessor.get_username())
    from tests.factories import PASSWORD

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + path)
    block = page.locator("#q__mini-tier__supervision")
    expect(block.locator(".save-status")).to_have_text("Saved")
    expect(block.get_by_label("Note")).to_have_value("Typed while signed out.")
    row = Answer.objects.get(question__key="supervision")
    assert row.choices == ["partly"]
    assert row.note == "Typed while signed out."
    page.reload()
    expect(block.get_by_role("radio", name="Partly")).to_be_checked()
    assert page.evaluate(PENDING) == "{}"
