"""Verdicts in the browser: no headline score on partial results, a deployer's scaling gate
not applicable, and axe clean on the pages that show them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from assessments.models import Organisation
from tests.factories import answer, make_assessment

from .conftest import sign_in
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partial_results_page_shows_no_headline_score(
    page: Page, live_server: Any, mini_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-maturity", "requirements", "yes")
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    overall = page.locator("#summary-overall")
    expect(overall.locator(".score-shown")).to_have_count(0)
    expect(overall.locator(".score-pending")).to_contain_text("answered")
    expect(page.locator(".summary-card .score-shown")).to_have_count(0)
    expect(page.get_by_text("Overall score 100")).to_have_count(0)
    assert_accessible(page, "partial results")


def test_a_deployers_results_show_the_scaling_gate_as_not_applicable(
    page: Page, live_server: Any, full_bank: None, assessor: User, organisation: Organisation
) -> None:
    assessment = make_assessment(organisation, assessor, frameworks=("rsp-asl", "model-law"))
    answer(assessment, assessor, "profile", "activities", "integrate", "deploy")
    answer(assessment, assessor, "profile", "weights-held", "no")
    answer(assessment, assessor, "rsp-asl", "general-purpose-frontier", "yes")
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    gate = page.locator("#gate-scaling")
    expect(gate).to_contain_text("Not applicable")
    expect(gate).to_contain_text("trains or fine-tunes")
    summary = page.locator("#summary-rsp-asl")
    expect(summary).to_contain_text("Before further scaling: not applicable")
    expect(summary).to_contain_text("One company's voluntary policy")
    expect(page.locator("#summary-model-law")).to_contain_text("Proposal for legislation")
    assert_accessible(page, "deployer's results")
    page.goto(f"{live_server.url}/o/{organisation.slug}/assessments/new/")
    expect(page.locator("#offer-model-law")).to_contain_text("not enacted law")
    page.get_by_role("checkbox", name="China", exact=True).check()
    page.get_by_role("button", name="Suggest frameworks").click()
    expect(page.locator("#suggestions")).to_contain_text("Suggested from your answers")
    assert_accessible(page, "new assessment with suggestions")
