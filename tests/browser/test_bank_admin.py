"""An admin keeps the question bank in Chromium: signs in with the login seed_admin prints, makes
a draft from a published version, edits a question and an option's points, is refused
publishing while a condition looks forward, fixes it, publishes, reads the diff, downloads the
YAML, and that YAML loaded on a fresh database gives the bank the admin shows."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.bank.export import export_files
from assessments.models import FrameworkVersion, Question

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Axe()
WCAG_22_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


def assert_accessible(page: Page, what: str) -> None:
    """The page's own content (Django's admin chrome around it is Django's)."""
    results = AXE.run(page, context="#content", options=WCAG_22_AA)
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert details == [], f"{what}: {details}"


def printed_login() -> tuple[str, str]:
    out = io.StringIO()
    call_command("seed_admin", stdout=out)
    lines = dict(line.split(":", 1) for line in out.getvalue().splitlines() if ":" in line)
    return lines["Username"].strip(), lines["Password"].strip()


def sign_in_to_admin(page: Page, base: str) -> None:
    username, password = printed_login()
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def make_draft(page: Page, base: str) -> FrameworkVersion:
    page.goto(f"{base}/admin/assessments/frameworkversion/")
    row = page.get_by_role("row").filter(has_text="Mini maturity").filter(has_text="v1")
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="New draft from the selected version")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Created draft mini-maturity v2.")).to_be_visible()
    return FrameworkVersion.objects.get(framework__key="mini-maturity", label="v2")


def edit_requirements(page: Page, base: str, draft: FrameworkVersion, condition: str) -> None:
    question = Question.objects.get(version=draft, key="requirements")
    page.goto(f"{base}/admin/assessments/question/{question.pk}/change/")
    page.locator("#id_text").fill("Are safety requirements approved before development starts?")
    page.locator("#id_applies_when").fill(condition)
    partly = page.locator("tr.form-row").filter(has=page.locator("input[value='partly']"))
    partly.locator("input[name$='-points']").fill("2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def fresh_database_export(folder: Path, work: Path) -> dict[str, str]:
    """Load the files on a new SQLite database in another process, then export it."""
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{work / 'fresh.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "govcheck.settings.test",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_question_bank", str(folder)],
        ["export_question_bank", "--output", str(work / "export")],
    ):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True, timeout=300)
    return {
        str(p.relative_to(work / "export")): p.read_text()
        for p in (work / "export").rglob("*.yaml")
    }


def test_an_admin_edits_checks_publishes_compares_and_downloads(
    page: Page, live_server: Any, mini_bank: None, tmp_path: Path
) -> None:
    base = live_server.url
    sign_in_to_admin(page, base)
    draft = make_draft(page, base)
    edit_requirements(page, base, draft, '{"question": "metrics", "any_of": ["jailbreak"]}')

    # Refused while the condition refers to a later question, the problem beside the question.
    page.goto(f"{base}/admin/assessments/frameworkversion/{draft.pk}/change/")
    page.get_by_role("link", name="Check and publish").click()
    expect(page.get_by_role("heading", name="1 problem to fix before publishing")).to_be_visible()
    problems = page.locator(".bank-problems")
    expect(problems).to_contain_text("question 'requirements'")
    expect(problems).to_contain_text("refers to 'metrics', which is asked later")
    assert_accessible(page, "publish refused")
    expect(page.get_by_role("button", name="Publish mini-maturity v2")).to_have_count(0)

    # Fixed from the link beside the problem, then published with the diff shown.
    problems.get_by_role("link", name="question 'requirements'").click()
    page.locator("#id_applies_when").fill("null")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{base}/admin/assessments/frameworkversion/{draft.pk}/publish/")
    expect(page.get_by_role("heading", name="The checks found no problem")).to_be_visible()
    changes = page.locator("#content table")
    expect(changes).to_contain_text("option 'partly' points")
    assert_accessible(page, "publish with the diff")
    page.get_by_role("button", name="Publish mini-maturity v2").click()
    expect(page.locator(".messagelist")).to_contain_text("Published mini-maturity v2.")
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Question 'requirements' option 'partly' points: 1 -> 2." in draft.changelog

    # The diff from the previous version, on its own page.
    page.get_by_role("link", name="Compare with another version").click()
    expect(page.get_by_role("heading", name="Changes from v1 to v2")).to_be_visible()
    text_row = page.get_by_role("row").filter(has_text="requirements").filter(has_text="text")
    expect(text_row).to_contain_text("Are safety requirements approved before development starts?")
    assert_accessible(page, "diff")

    # Download as YAML; loaded on a fresh database it gives the bank the admin shows.
    page.goto(f"{base}/admin/assessments/frameworkversion/{draft.pk}/change/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as YAML").click()
    archive_path = tmp_path / "bank.zip"
    download.value.save_as(archive_path)
    folder = tmp_path / "fixtures"
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(folder)
        names = set(archive.namelist())
    assert "frameworks/mini-maturity/v2.yaml" in names
    loaded = fresh_database_export(folder, tmp_path)
    in_admin = export_files()
    assert {n: loaded[n] for n in names} == {n: in_admin[n] for n in names}
