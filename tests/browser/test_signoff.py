"""Sign-off and changes in the browser, at desktop and phone widths, checked with axe: the
assessor submits through the confirmation step, an owner returns the submission with a
comment, it is submitted again and approved; the confirmation works without JavaScript; a
second round's changes page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from assessments.models import Organisation
from assessments.services.assessments import assessment_next_round, assessment_submit
from tests.factories import answer, make_assessment
from tests.test_views_assessments import answer_all_required

from .conftest import sign_in
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True},
}


def _fits(page: Page, what: str) -> None:
    """The page itself never scrolls sideways (a wide table scrolls inside its own box)."""
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{what}: the page is {wide}px wider than the screen"


def _check(page: Page, what: str) -> None:
    assert_accessible(page, what)
    _fits(page, what)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_submit_return_resubmit_and_approve(
    width: str,
    new_context: Any,
    live_server: Any,
    mini_bank: None,
    organisation: Organisation,
    owner: User,
    assessor: User,
) -> None:
    organisation.requires_approval = True
    organisation.save()
    assessment = make_assessment(organisation, assessor)
    answer_all_required(assessment, assessor)
    base = live_server.url
    review = f"{base}/assessments/{assessment.pk}/review/"

    writer = new_context(**WIDTHS[width]).new_page()
    sign_in(writer, base, assessor)
    writer.goto(review)
    writer.get_by_role("button", name="Submit the assessment").click()
    expect(writer.get_by_role("heading", name="Submit Chat assistant, round 1?")).to_be_visible()
    _check(writer, f"submission confirmation ({width})")
    writer.get_by_role("button", name="Yes, submit").click()
    expect(writer.get_by_role("status")).to_contain_text("waits for an owner's approval")

    writer.set_default_timeout(10_000)
    approver = new_context(**WIDTHS[width]).new_page()
    approver.set_default_timeout(10_000)
    sign_in(approver, base, owner)
    approver.goto(review)
    expect(approver.get_by_text("Submitted, awaiting approval.")).to_be_visible()
    _check(approver, f"review awaiting approval ({width})")
    approver.get_by_role("button", name="Return to the assessors").click()
    expect(approver.get_by_text("Say what the assessors should change.")).to_be_visible()
    _check(approver, f"return refused without a comment ({width})")
    approver.get_by_label("What should the assessors change?").fill("Attach the pause drill.")
    approver.get_by_role("button", name="Return to the assessors").click()
    expect(approver.get_by_role("status")).to_contain_text("Returned to the assessors")

    writer.goto(f"{base}/assessments/{assessment.pk}/")
    expect(writer.locator("#returned").get_by_text("Attach the pause drill.")).to_be_visible()
    # The sign-off record keeps the step, with its comment, after the next submission too.
    record = writer.locator(".sign-off-record")
    record.get_by_text("Sign-off record (2 steps)").click()
    expect(record).to_contain_text("Returned for changes by olivia")
    expect(record.get_by_text("Attach the pause drill.")).to_be_visible()
    _check(writer, f"assessment returned for changes ({width})")
    writer.goto(review)
    writer.get_by_role("button", name="Submit the assessment").click()
    writer.get_by_role("button", name="Yes, submit").click()
    expect(writer.get_by_role("status")).to_contain_text("Submitted.")
    writer.goto(review)
    expect(writer.get_by_role("button", name="Approve this submission")).to_have_count(0)

    approver.goto(review)
    approver.get_by_role("button", name="Approve this submission").click()
    expect(approver.get_by_role("status")).to_contain_text("Approved.")
    expect(approver.get_by_text("Approved by olivia")).to_be_visible()
    _check(approver, f"review approved ({width})")


def test_the_confirmation_step_works_without_javascript(
    new_context: Any, live_server: Any, mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    assessment = make_assessment(organisation, assessor)
    answer_all_required(assessment, assessor)
    page = new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_role("heading", name="Submit Chat assistant, round 1?")).to_be_visible()
    page.get_by_role("link", name="No, back to the review").click()
    expect(page.get_by_role("button", name="Submit the assessment")).to_be_visible()
    assessment.refresh_from_db()
    assert not assessment.is_submitted
    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_role("button", name="Yes, submit").click()
    expect(page.get_by_text("Submitted. This round is now read-only.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.is_submitted


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_changes_page_of_a_second_round(
    width: str,
    new_context: Any,
    live_server: Any,
    mini_bank: None,
    organisation: Organisation,
    assessor: User,
) -> None:
    first = make_assessment(organisation, assessor)
    answer_all_required(first, assessor)
    first = assessment_submit(assessment=first, user=assessor)
    second = assessment_next_round(assessment=first, user=assessor).assessment
    answer(second, assessor, "mini-maturity", "requirements", "yes")
    answer(second, assessor, "mini-gate", "pause", "no")
    base = live_server.url
    page = new_context(**WIDTHS[width]).new_page()
    sign_in(page, base, assessor)
    page.goto(f"{base}/assessments/{second.pk}/results/")
    expect(page.get_by_role("heading", name="Changes since round 1")).to_be_visible()
    page.get_by_role("link", name="Every change since round 1").click()
    expect(page.get_by_role("heading", name="Findings opened (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Answers changed (2)")).to_be_visible()
    _check(page, f"changes page ({width})")
    page.goto(f"{base}/assessments/{first.pk}/changes/")
    expect(page.get_by_text("there is no earlier round")).to_be_visible()
    _check(page, f"changes page of a first round ({width})")
