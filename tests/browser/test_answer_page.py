"""The section page in Chromium: "Not applicable" and its reason, leaving with unsaved answers,
the skip link, numbering without gaps, and legible read-only answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Dialog, Page, expect

from assessments.models import Answer, Assessment, Organisation
from tests.banks import GEN, make_generated_bank
from tests.factories import answer, make_assessment

from .conftest import sign_in
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Contrast of an element's text with what is behind it, with every ancestor's opacity applied
# (WCAG 2.2 relative luminance).
CONTRAST = """(el) => {
  const rgba = (s) => { const p = s.match(/rgba?\\(([^)]+)\\)/)[1].split(",").map(Number);
                        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92
                                           : Math.pow((v + 0.055) / 1.055, 2.4); };
                       return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  let opacity = 1;
  for (let n = el; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
  let bg = [255, 255, 255, 1];
  for (let n = el; n; n = n.parentElement) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    if (c[3] > 0) { bg = c; break; }
  }
  const fg = rgba(getComputedStyle(el).color);
  const a = fg[3] * opacity;
  const seen = [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a));
  const [hi, lo] = [lum(seen), lum(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""
BEFORE_UNLOAD_ASKS = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def section(assessment: Assessment, framework: str, key: str) -> str:
    return f"/assessments/{assessment.pk}/sections/{framework}/{key}/"


def test_not_applicable_waits_for_its_reason_and_leaving_first_warns(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor)
    path = section(assessment, "mini-maturity", "design")
    sign_in(page, live_server.url, assessor, path)
    requirements = page.locator("#q__mini-maturity__requirements")
    status = requirements.locator(".save-status")
    summary = page.locator("[data-save-summary]")
    reason = requirements.get_by_label("Why does this question not apply?")

    requirements.get_by_role("radio", name="Not applicable").check()
    # No error yet: the reason field is there to be typed in, and nothing was sent.
    expect(reason).to_be_visible()
    expect(status).to_have_text("Not saved yet: give the reason for “Not applicable” below.")
    expect(reason).not_to_have_attribute("aria-invalid", "true")
    expect(summary).to_contain_text("1 answer not saved")
    expect(summary).to_contain_text("Question 1: needs a reason")
    expect(summary).not_to_contain_text("All answers are saved")
    assert not Answer.objects.filter(assessment=assessment).exists()

    # Leaving through the page's own links, or any other way, warns first.
    page.get_by_role("link", name="Evidence →").click()
    warning = page.get_by_role("alert").filter(has_text="will be lost if you leave")
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    assert page.url == live_server.url + path
    assert_accessible(page, "section warning before leaving")
    assert page.evaluate(BEFORE_UNLOAD_ASKS) is True
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on this page"

    page.on("dialog", dismiss)
    page.get_by_role("navigation", name="Sections of this assessment").get_by_role(
        "link", name="Evidence"
    ).click()
    expect(warning).to_be_visible()
    warning.get_by_role("button", name="Stay and fix").click()
    expect(reason).to_be_focused()

    # Tabbing away from an empty reason: now it is an error.
    page.keyboard.press("Tab")
    expect(status).to_have_text("Not saved: say briefly why this question does not apply.")
    expect(reason).to_have_attribute("aria-invalid", "true")

    reason.fill("Bought in from a supplier.")
    expect(status).to_have_text("Saved")
    expect(summary).to_have_text("All answers are saved.")
    assert page.evaluate(BEFORE_UNLOAD_ASKS) is False
    page.reload()
    expect(requirements.get_by_role("radio", name="Not applicable")).to_be_checked()
    expect(reason).to_have_value("Bought in from a supplier.")
    assert Answer.objects.get(question__key="requirements").reason == "Bought in from a supplier."
    page.get_by_role("link", name="Evidence →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    assert dialogs == []


def test_the_skip_link_lands_on_the_first_question(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor)
    sign_in(page, live_server.url, assessor, section(assessment, "mini-tier", "duties"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the first question")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#q__mini-tier__supervision")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('[data-question]').id")
    assert focused == "q__mini-tier__supervision"


def test_questions_that_do_not_apply_take_no_number(
    page: Page, live_server: Any, sources: None, assessor: User, organisation: Organisation
) -> None:
    make_generated_bank(questions=7)  # q4 applies only when q3 is answered "yes"
    assessment = make_assessment(organisation, assessor, frameworks=[GEN])
    sign_in(page, live_server.url, assessor, section(assessment, GEN, "s0"))

    def number(n: int) -> str:
        return page.locator(f"#q__{GEN}__q{n} .q-number").inner_text()

    expect(page.locator(f"#q__{GEN}__q4")).to_be_hidden()
    assert [number(n) for n in (0, 1, 2, 3, 5, 6)] == ["1.", "2.", "3.", "4.", "5.", "6."]
    block = page.locator(f"#q__{GEN}__q3")
    block.get_by_role("radio", name="Yes").check()
    expect(block.locator(".save-status")).to_contain_text("Saved")
    expect(page.locator(f"#q__{GEN}__q4")).to_be_visible()
    assert [number(n) for n in range(7)] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    block.get_by_role("radio", name="No", exact=True).check()
    expect(page.locator(f"#q__{GEN}__q4")).to_be_hidden()
    assert [number(n) for n in (0, 1, 2, 3, 5, 6)] == ["1.", "2.", "3.", "4.", "5.", "6."]


def test_read_only_answers_are_legible(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-tier", "supervision", "partly", note="Only by day.")
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    sign_in(page, live_server.url, assessor, section(assessment, "mini-tier", "duties"))
    block = page.locator("#q__mini-tier__supervision")
    expect(block.get_by_role("radio", name="Partly")).to_be_disabled()
    block.get_by_text("Note and evidence").click()
    chosen = block.locator(".form-check-label", has_text="Partly")
    other = block.locator(".form-check-label").filter(has_text=re.compile(r"^No$"))
    for what, element in [
        ("chosen option", chosen),
        ("other option", other),
        ("note", block.get_by_label("Note")),
    ]:
        ratio = element.evaluate(CONTRAST)
        assert ratio >= 4.5, f"{what}: contrast {ratio:.2f} is below 4.5:1"
    assert chosen.evaluate("(el) => getComputedStyle(el).fontWeight") == "700"


def test_leaving_without_saving_forgets_the_unsaved_answer(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor)
    sign_in(page, live_server.url, assessor, section(assessment, "mini-maturity", "design"))
    page.locator("#q__mini-maturity__requirements").get_by_role(
        "radio", name="Not applicable"
    ).check()
    page.get_by_role("link", name="Evidence →").click()
    page.get_by_role("link", name="Leave without saving").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    expect(page.locator("[data-save-summary]")).to_have_text("All answers are saved.")
    assert page.evaluate("localStorage.getItem('govcheck.pending.v1')") == "{}"
    assert not Answer.objects.exists()
