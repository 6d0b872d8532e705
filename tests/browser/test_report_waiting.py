"""The report page in the browser: it says the report is being prepared, then offers it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.models import Organisation
from tests.factories import answer, make_assessment

from .conftest import sign_in
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_waiting_page_offers_the_report_once_the_worker_is_done(
    page: Page,
    live_server: Any,
    mini_bank: None,
    assessor: User,
    organisation: Organisation,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-tier", "supervision", "no")
    sign_in(page, live_server.url, assessor)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")

    page.get_by_role("button", name="Download the draft report (PDF)").click()
    status = page.get_by_role("status").filter(has_text="report")
    expect(status).to_contain_text("being prepared")
    assert_accessible(page, "report being prepared")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    expect(status).to_contain_text("Your report is ready", timeout=10_000)
    assert_accessible(page, "report ready")
    with page.expect_download() as download:
        status.get_by_role("link", name="Download the report (PDF)").click()
    assert download.value.suggested_filename.endswith("-draft.pdf")
