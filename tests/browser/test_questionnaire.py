"""The questionnaire in Chromium: answers saved as given, progress, conditions, submission."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from assessments.models import Answer, Assessment, Organisation

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(page: Page, dom_id: str) -> Any:
    return page.locator(f"#{dom_id}__status")


def test_answers_are_saved_as_given_and_survive_a_reload(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    sign_in(page, live_server.url, assessor)
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("AI system name").fill("Support bot")
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("link", name="Start with “The system”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The system")

    page.get_by_label("Research and development").check()
    expect(status_of(page, "q__profile__role")).to_have_text("Saved")
    expect(page.locator("#overall-progress")).to_contain_text("1 of")
    page.get_by_role("link", name="Design", exact=True).click()
    page.get_by_role("radio", name="Not applicable").check()
    expect(status_of(page, "q__mini-maturity__requirements")).to_contain_text("why")
    page.get_by_label("Why does this question not apply?").fill("We buy the model.")
    expect(status_of(page, "q__mini-maturity__requirements")).to_have_text("Saved")
    page.reload()
    expect(page.get_by_role("radio", name="Not applicable")).to_be_checked()
    expect(page.get_by_label("Why does this question not apply?")).to_have_value(
        "We buy the model."
    )
    assessment = Assessment.objects.get()
    assert Answer.objects.filter(assessment=assessment).count() == 2
