"""The plan page in a browser: adding an action from a finding, filtering, and axe at desktop
and phone widths, where the table fits without sideways page scroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from assessments.models import Action, Organisation
from assessments.services.actions import ActionFields, action_create
from tests.factories import answer_mini, make_assessment

from .conftest import sign_in
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def fits_without_sideways_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


@pytest.fixture
def planned(mini_bank: None, organisation: Organisation, assessor: User, owner: User) -> int:
    assessment = make_assessment(organisation, assessor)
    answer_mini(assessment, assessor)
    long_title = "Write down and publish the supervision arrangements " * 4
    for question, framework, title, due in [
        ("supervision", "mini-tier", long_title, dt.date(2020, 1, 31)),
        ("metrics", "mini-maturity", "Track harmful-output metrics monthly", None),
    ]:
        action_create(
            assessment=assessment,
            user=owner,
            framework=framework,
            question=question,
            fields=ActionFields(title, owner, due, "open"),
        )
    return assessment.pk


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_plan_page_passes_axe_and_fits_the_screen(
    new_context: Any, live_server: Any, planned: int, assessor: User, size: str
) -> None:
    page = new_context(**(PHONE if size == "phone" else DESKTOP)).new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{planned}/plan/")
    expect(page.get_by_role("heading", name="Action plan: Chat assistant, round 1")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True).first).to_be_visible()
    assert_accessible(page, f"plan page ({size})")
    assert fits_without_sideways_scroll(page), f"the plan page scrolls sideways ({size})"
    if size == "phone":
        # Each action is a block of labelled lines, not six columns squeezed into 390 pixels.
        cell = page.locator('td[data-label="Would move"]').first.bounding_box()
        assert cell is not None
        assert cell["width"] > 300
    # The edit buttons stay reachable: within the screen's width once scrolled to.
    edit = page.get_by_role("link", name="Edit").first
    edit.scroll_into_view_if_needed()
    expect(edit).to_be_in_viewport()
    box = edit.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]


def test_an_assessor_adds_an_action_from_a_finding_and_filters_the_plan(
    page: Page, live_server: Any, planned: int, assessor: User
) -> None:
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{planned}/results/")
    page.get_by_role("link", name="Add to plan").first.click()
    assert_accessible(page, "new action form")
    page.get_by_label("Title").fill("Commission an external red team")
    page.get_by_label("Owner").select_option(label="adam")
    page.get_by_label("Due date").fill("2027-03-31")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_role("status")).to_contain_text("The action was added to the plan.")
    assert Action.objects.filter(owner=assessor).count() == 1
    assert_accessible(page, "plan page after adding")

    page.get_by_label("Owner").select_option(label="adam")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_text("1 action match the filters.")).to_be_visible()
