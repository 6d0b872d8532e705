"""The questionnaire in Chromium: answers saved as given, progress, conditions, submission."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Locator, Page, expect

from assessments.models import Answer, Assessment, Organisation

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def question(page: Page, framework: str, key: str) -> Locator:
    return page.locator(f"#q__{framework}__{key}")


def choose(page: Page, framework: str, key: str, label: str) -> None:
    block = question(page, framework, key)
    block.get_by_role("radio", name=label, exact=True).or_(
        block.get_by_role("checkbox", name=label, exact=True)
    ).check()
    expect(block.locator(".save-status")).to_contain_text("Saved")


def go_to_section(page: Page, title: str) -> None:
    page.get_by_role("navigation", name="Sections of this assessment").get_by_role(
        "link", name=title, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def overall(page: Page) -> Locator:
    return page.locator("#overall-progress label")


def test_answer_reload_conditions_progress_and_submit(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    sign_in(page, live_server.url, assessor)
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("AI system name").fill("Support bot")
    page.get_by_role("button", name="Start the assessment").click()
    expect(overall(page)).to_contain_text("0 of 9")

    # Profile: the role makes the negative-list screening apply (one more question).
    choose(page, "profile", "role", "Research and development")
    expect(overall(page)).to_contain_text("1 of 10")
    choose(page, "profile", "foundation-model", "No")

    _a_condition_shows_and_hides_its_question(page)
    _text_note_and_evidence_are_kept_after_a_reload(page)
    _submission_is_refused_until_everything_required_is_answered(page)

    assessment = Assessment.objects.get()
    assert assessment.is_submitted
    assert Answer.objects.get(question__key="supervision").evidence == [
        "https://example.org/runbook"
    ]


def _a_condition_shows_and_hides_its_question(page: Page) -> None:
    """A conditional question appears and disappears at once, and stops counting."""
    go_to_section(page, "Design")
    reviews = question(page, "mini-maturity", "reviews")
    expect(reviews).to_be_hidden()
    choose(page, "mini-maturity", "requirements", "Yes")
    expect(reviews).to_be_visible()
    status = question(page, "mini-maturity", "requirements").locator(".save-status")
    expect(status).to_have_text("Saved; 1 more question now applies below")
    choose(page, "mini-maturity", "reviews", "Yes")
    expect(overall(page)).to_contain_text("4 of 11")
    choose(page, "mini-maturity", "requirements", "No")
    expect(reviews).to_be_hidden()
    expect(overall(page)).to_contain_text("3 of 10")
    requirements = question(page, "mini-maturity", "requirements")
    requirements.get_by_role("button", name="Clear this answer").click()
    expect(requirements.locator(".save-status")).to_have_text("Saved")
    expect(overall(page)).to_contain_text("2 of 10")
    choose(page, "mini-maturity", "requirements", "No")
    nav_design = page.locator(".navigator a", has_text="Design").locator("xpath=..")
    expect(nav_design).to_contain_text("1/1")


def _text_note_and_evidence_are_kept_after_a_reload(page: Page) -> None:
    """Text is saved while typing pauses; a note and evidence travel with the answer."""
    go_to_section(page, "Duties")
    supervision = question(page, "mini-tier", "supervision")
    supervision.get_by_role("radio", name="Partly", exact=True).check()
    supervision.get_by_text("Note and evidence").click()
    supervision.get_by_label("Note").fill("Only during office hours.")
    supervision.get_by_label("Evidence links, one per line").fill("https://example.org/runbook")
    expect(supervision.locator(".save-status")).to_have_text("Saved")

    page.reload()
    expect(supervision.get_by_role("radio", name="Partly", exact=True)).to_be_checked()
    expect(supervision.get_by_label("Note")).to_have_value("Only during office hours.")
    go_to_section(page, "Design")
    expect(
        question(page, "mini-maturity", "requirements").get_by_role("radio", name="No", exact=True)
    ).to_be_checked()
    go_to_section(page, "The system")
    expect(page.get_by_role("checkbox", name="Research and development")).to_be_checked()


def _submission_is_refused_until_everything_required_is_answered(page: Page) -> None:
    """Submission is refused with the list, then accepted once everything required is there."""
    page.get_by_role("link", name="Review and submit").first.click()
    page.get_by_role("button", name="Submit the assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("required questions are still unanswered")
    page.get_by_role("link", name="Which controls have effectiveness metrics?").click()
    choose(page, "mini-maturity", "metrics", "None yet")
    go_to_section(page, "Screening")
    choose(page, "mini-tier", "negative-list", "No")
    choose(page, "mini-tier", "high-risk", "No")
    go_to_section(page, "Capability screening")
    choose(page, "mini-gate", "frontier", "No")
    go_to_section(page, "Safeguards")
    choose(page, "mini-gate", "pause", "Yes")
    page.get_by_role("link", name="Review and submit →").click()
    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_role("button", name="Yes, submit").click()
    expect(page.get_by_text("Submitted. This round is now read-only.")).to_be_visible()


def test_a_failed_save_retries_with_back_off_and_keeps_the_answer(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    from tests.factories import make_assessment

    assessment = make_assessment(organisation, assessor)
    sign_in(
        page, live_server.url, assessor, f"/assessments/{assessment.pk}/sections/mini-tier/duties/"
    )
    failures = {"left": 2}

    def flaky(route: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, body="Service unavailable")
        else:
            route.continue_()

    page.route("**/answers/**", flaky)
    block = question(page, "mini-tier", "supervision")
    block.get_by_role("radio", name="Yes").check()
    expect(block.locator(".save-status")).to_contain_text("Not saved, retrying")
    stored = page.evaluate("localStorage.getItem('govcheck.pending.v1')")
    assert "supervision" in stored
    expect(block.locator(".save-status")).to_have_text("Saved", timeout=15_000)
    assert Answer.objects.get(question__key="supervision").choices == ["yes"]
    assert page.evaluate("localStorage.getItem('govcheck.pending.v1')") == "{}"


def test_without_javascript_a_section_is_saved_by_its_button(
    new_context: Any, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    from tests.factories import make_assessment

    assessment = make_assessment(organisation, assessor)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(
        page,
        live_server.url,
        assessor,
        f"/assessments/{assessment.pk}/sections/mini-maturity/design/",
    )
    page.get_by_role("radio", name="Not applicable").check()
    page.get_by_role("button", name="Save this section").click()
    expect(page.get_by_text("could not be saved")).to_be_visible()
    expect(page.locator(".field-error")).to_have_text(
        "Say briefly why this question does not apply."
    )
    # The list of refused answers links to the field to fix.
    page.get_by_role("alert").get_by_role("link", name="Question 1").click()
    expect(page.get_by_label("Why does this question not apply?")).to_be_focused()
    page.get_by_label("Why does this question not apply?").fill("Bought in.")
    page.get_by_role("button", name="Save and continue to “Evidence”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    assert Answer.objects.get(question__key="requirements").reason == "Bought in."
