"""The report's "Action plan" chapter: in the bookmarks and contents, each action with its
owner, due date, status and what it would move; user text escaped."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User

from assessments.models import Assessment, Organisation
from assessments.reports import render_report, report_html
from assessments.services.actions import ActionFields, action_create
from tests.factories import answer_mini, make_assessment
from tests.report_pdf import bookmark_pages, page_texts, squeezed

WHEN = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def assessment(
    mini_bank: None, organisation: Organisation, assessor: User, owner: User
) -> Assessment:
    started = make_assessment(organisation, assessor)
    answer_mini(started, assessor)
    plan = [
        ("mini-gate", "red-team", "Commission an external red team", owner, "open", ""),
        ("mini-tier", "supervision", "<b>Name</b> a supervisor", assessor, "in_progress", ""),
        ("mini-maturity", "metrics", "Track metrics", owner, "risk_accepted", "Low impact"),
    ]
    for framework, question, title, who, status, reason in plan:
        action_create(
            assessment=started,
            user=owner,
            framework=framework,
            question=question,
            fields=ActionFields(title, who, dt.date(2027, 4, 30), status, reason),
        )
    return started


def test_the_report_has_an_action_plan_chapter_in_bookmarks_and_contents(
    assessment: Assessment,
) -> None:
    rendered = render_report(assessment=assessment, generated_at=WHEN)
    pages = page_texts(rendered.pdf)
    bookmarks = bookmark_pages(rendered.pdf)
    assert list(bookmarks)[:3] == ["Cover", "Executive summary", "Action plan"]
    contents = next(p for p in pages if "Contents" in p)
    listed = dict(re.findall(r"^(.+?)(?:\s*\.)+\s*(\d+)$", contents, re.MULTILINE))
    assert int(listed["Action plan"]) == bookmarks["Action plan"]

    chapter = squeezed(pages[bookmarks["Action plan"] - 1])
    # Unfinished actions that move a gate come first, each with its owner and due date.
    first = chapter.index(squeezed("Commission an external red team"))
    assert first < chapter.index(squeezed("<b>Name</b> a supervisor"))
    assert chapter.index(squeezed("<b>Name</b> a supervisor")) < chapter.index("Trackmetrics")
    assert chapter.count("30Apr2027") == 3
    assert "olivia" in chapter
    assert "adam" in chapter
    assert squeezed("Before deployment: from Pause to Proceed with conditions") in chapter
    assert squeezed("Risk accepted") in chapter
    assert "LowImpact".lower() in chapter.lower()


def test_user_text_in_the_plan_is_escaped(assessment: Assessment) -> None:
    html = report_html(assessment=assessment, generated_at=WHEN)
    assert "&lt;b&gt;Name&lt;/b&gt; a supervisor" in html
    assert "<b>Name</b>" not in html


def test_the_executive_summary_lists_the_unfinished_actions_that_move_the_most(
    assessment: Assessment,
) -> None:
    rendered = render_report(assessment=assessment, generated_at=WHEN)
    pages = page_texts(rendered.pdf)
    summary = squeezed(pages[bookmark_pages(rendered.pdf)["Executive summary"] - 1])
    assert squeezed("The actions that move the most") in summary
    # The gate-moving action first, with its owner, due date and the verdict it moves.
    assert summary.index(squeezed("Commission an external red team")) < summary.index(
        squeezed("<b>Name</b> a supervisor")
    )
    assert squeezed("Before deployment: from Pause to Proceed with conditions") in summary
    assert "30Apr2027" in summary
    # A risk accepted is finished: not an action still to take.
    assert "Trackmetrics" not in summary
