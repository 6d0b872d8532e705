"""At a phone's width (390 CSS pixels) the results, dashboard and members pages fit the screen:
the page itself never scrolls sideways, and a member's role can still be changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect

from assessments.models import Organisation
from tests.factories import answer_mini, make_assessment, make_member

from .conftest import sign_in
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    width: int = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


def wide_elements(page: Page) -> list[str]:
    """Elements that stick out past the right edge of the screen, outside any scroller."""
    found: list[str] = page.evaluate(
        """() => {
          const edge = document.documentElement.clientWidth;
          const inScroller = (el) => {
            for (let p = el.parentElement; p; p = p.parentElement) {
              const s = getComputedStyle(p).overflowX;
              if (s === 'auto' || s === 'scroll') return true;
            }
            return false;
          };
          return [...document.body.querySelectorAll('*')]
            .filter((el) => el.getBoundingClientRect().right > edge + 1 && !inScroller(el))
            .slice(0, 5)
            .map((el) => el.tagName + '.' + el.className);
        }"""
    )
    return found


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(viewport=PHONE).new_page()


def assert_fits(page: Page, what: str) -> None:
    assert wide_elements(page) == [], what
    assert page_overflow(page) == 0, what


def test_results_dashboard_and_members_fit_a_phone(
    phone: Page,
    live_server: Any,
    mini_bank: None,
    owner: User,
    assessor: User,
    organisation: Organisation,
) -> None:
    base = live_server.url
    make_member(organisation, "a-member-with-a-rather-long-username-indeed")
    assessment = make_assessment(organisation, assessor)
    answer_mini(assessment, assessor)
    sign_in(phone, base, owner)
    assert_fits(phone, "dashboard")
    assert_accessible(phone, "dashboard at phone width")

    phone.goto(f"{base}/assessments/{assessment.pk}/results/")
    expect(phone.get_by_role("heading", name="Findings", exact=True)).to_be_visible()
    assert_fits(phone, "results")
    assert_accessible(phone, "results at phone width")

    phone.goto(f"{base}/o/{organisation.slug}/members/")
    assert_fits(phone, "members")
    assert_accessible(phone, "members at phone width")
    role = phone.get_by_label("Role of adam")
    role.scroll_into_view_if_needed()
    expect(role).to_be_in_viewport()
    role.select_option("viewer")
    change = phone.get_by_role("button", name="Change role of adam")
    change.scroll_into_view_if_needed()
    expect(change).to_be_in_viewport()
    change.click()
    expect(phone.get_by_label("Role of adam")).to_have_value("viewer")
