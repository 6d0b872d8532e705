"""The PDF of a later round: a chapter "Changes since round N" in the contents and the
bookmarks, and a method appendix that names the bank versions and summarises their diff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from assessments.models import FrameworkVersion, Organisation, Question
from assessments.reports import render_report, report_html
from assessments.services.assessments import assessment_next_round, assessment_submit
from assessments.services.question_bank import (
    framework_version_new_draft,
    framework_version_publish,
)
from tests.factories import answer, make_assessment
from tests.report_pdf import bookmark_pages, page_texts, squeezed
from tests.test_views_assessments import answer_all_required

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_a_second_round_has_a_changes_chapter_in_contents_and_bookmarks(
    mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    first = make_assessment(organisation, assessor)
    answer_all_required(first, assessor)
    first = assessment_submit(assessment=first, user=assessor)
    first_pdf = render_report(assessment=first, generated_at=WHEN)
    assert "Changes since round" not in " ".join(bookmark_pages(first_pdf.pdf))

    draft = framework_version_new_draft(
        version=FrameworkVersion.objects.get(framework__key="mini-gate")
    )
    Question.objects.filter(version=draft, key="pause").update(
        text="Is there a tested, documented procedure to pause scaling or deployment?"
    )
    framework_version_publish(version=draft)
    second = assessment_next_round(assessment=first, user=assessor).assessment
    answer(second, assessor, "mini-maturity", "requirements", "yes")
    answer(second, assessor, "mini-maturity", "reviews", "yes")  # applies once requirements do
    answer(second, assessor, "mini-gate", "pause", "no")
    second = assessment_submit(assessment=second, user=assessor)

    rendered = render_report(assessment=second, generated_at=WHEN)
    bookmarks = bookmark_pages(rendered.pdf)
    titles = list(bookmarks)
    assert "Changes since round 1" in titles
    assert titles.index("Executive summary") < titles.index("Changes since round 1")
    pages = page_texts(rendered.pdf)
    chapter = squeezed(pages[bookmarks["Changes since round 1"] - 1])
    assert squeezed("Findings closed (1)") in chapter
    assert squeezed("Answers changed (3)") in chapter
    assert squeezed("Before further scaling") in chapter
    contents = squeezed(pages[1])
    assert squeezed("Changes since round 1") in contents
    # The executive summary compares the rounds, gate decisions included.
    summary = squeezed(pages[bookmarks["Executive summary"] - 1])
    assert squeezed("Since round 1") in summary
    assert squeezed("Before deployment: Proceed") in summary
    assert squeezed("Before deployment: Pause") in summary

    html = report_html(assessment=second, generated_at=WHEN)
    assert "Mini gate</strong>, version v2 (round 1: v1). Questions: 1 changed." in html
    assert "Changed: pause (text)." in html
    assert "<strong>Mini maturity</strong>, version v1</li>" in html
