"""axe-core finds no WCAG 2.2 A or AA violation on any kind of page."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import Organisation
from assessments.services.organisations import invitation_create
from tests.factories import answer, make_assessment

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


def assert_accessible(page: Page, what: str) -> None:
    results = AXE.run(page, options=WCAG_22_AA)
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert details == [], f"{what}: {details}"


def test_every_kind_of_page_passes_axe(
    page: Page,
    live_server: Any,
    mini_bank: None,
    owner: User,
    assessor: User,
    organisation: Organisation,
) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page, "sign in")
    page.goto(f"{base}/accounts/password_reset/")
    assert_accessible(page, "password reset")
    invitation = invitation_create(
        organisation=organisation, email="new@example.org", role="viewer", invited_by=owner
    )
    page.goto(f"{base}/invitations/{invitation.token}/")
    assert_accessible(page, "invitation")

    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-tier", "supervision", "dont-know", note="Ask ops.")
    sign_in(page, base, owner)
    assert_accessible(page, "dashboard")
    page.goto(f"{base}/o/{organisation.slug}/assessments/new/")
    assert_accessible(page, "new assessment")
    page.goto(f"{base}/assessments/{assessment.pk}/")
    assert_accessible(page, "assessment")
    page.goto(f"{base}/assessments/{assessment.pk}/sections/mini-tier/duties/")
    assert_accessible(page, "section")
    block = page.locator("#q__mini-tier__supervision")
    block.get_by_role("radio", name="Yes").check()
    expect(block.locator(".save-status")).to_have_text("Saved")
    assert_accessible(page, "section after an autosave")
    page.goto(f"{base}/assessments/{assessment.pk}/sections/mini-maturity/design/")
    page.locator("#q__mini-maturity__requirements").get_by_role(
        "radio", name="Not applicable"
    ).check()
    expect(page.locator("#q__mini-maturity__requirements .save-status")).to_contain_text(
        "Not saved yet"
    )
    assert_accessible(page, "section with an answer waiting for its reason")
    page.get_by_label("Why does this question not apply?").focus()
    page.keyboard.press("Tab")  # leaves the reason empty: refused
    expect(page.locator("#q__mini-maturity__requirements .save-status")).to_contain_text(
        "Not saved: say briefly why"
    )
    assert_accessible(page, "section with a refused answer")
    page.goto(f"{base}/assessments/{assessment.pk}/review/")
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "review, submission refused")
    page.goto(base + reverse("assessment_results", args=[assessment.pk]))
    assert_accessible(page, "results")
    page.goto(f"{base}/assessments/{assessment.pk}/history/")
    assert_accessible(page, "history")
    page.goto(f"{base}/o/{organisation.slug}/members/")
    assert_accessible(page, "members")
    page.goto(f"{base}/accounts/password_change/")
    assert_accessible(page, "password change")


def test_a_narrow_touch_screen_passes_axe(
    new_context: Any, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor)
    page = new_context(viewport={"width": 390, "height": 844}, has_touch=True).new_page()
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/sections/mini-maturity/design/")
    assert_accessible(page, "section on a phone")
