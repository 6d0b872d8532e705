"""The executive summary: one page that says what each framework is, what its verdict means and
what to do next, the actions that move the most and what changed since the last round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from assessments.reports import RenderedReport, render_report, report_html
from assessments.reports.summary import gate_sentence, gates_words, maturity_words, tier_words
from assessments.reports.summary_inputs import (
    FrameworkChange,
    RoundChanges,
    SummaryAction,
)
from assessments.results.findings import FrameworkFindings
from assessments.scoring.results import FrameworkResult
from assessments.scoring.verdicts import GateResult
from assessments.scoring.wording import STANDING_LABELS
from assessments.selectors import _BANK_CACHE
from tests.factories import make_member, make_organisation
from tests.full_assessment import make_full_assessment
from tests.report_pdf import bookmark_pages, page_texts, squeezed

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
SUMMARY = "Executive summary"
ACTIONS = tuple(
    SummaryAction(
        title=f"<b>Safeguard {n}</b> & its evidence kept for the next review, across every "
        "deployment of the assistant",
        owner=f"Owner Number{n} Longname",
        due=dt.date(2027, n, 15),
        status="Open",
        moves="Before deployment from Pause to Proceed with conditions",
    )
    for n in range(1, 6)
)
CHANGES = RoundChanges(
    previous_round=1,
    frameworks=tuple(
        FrameworkChange(f"Framework {n} with a long enough name", 40.0 + n, 55.5 + n, "Pause", "Go")
        for n in range(4)
    ),
    closed=12,
    opened=3,
    answers_changed=27,
)


@dataclass
class Rendered:
    plain: RenderedReport
    plain_pages: list[str]
    full: RenderedReport
    full_pages: list[str]
    full_html: str


@pytest.fixture(scope="module")
def rendered(django_db_setup: None, django_db_blocker: Any) -> Rendered:
    """A full assessment's report as it is today, and with five actions and a previous round."""
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as mp:
        _BANK_CACHE.clear()
        call_command("load_question_bank", verbosity=0)
        organisation = make_organisation("acme")
        assessment = make_full_assessment(organisation, make_member(organisation, "ann"))
        plain = render_report(assessment=assessment, generated_at=WHEN)
        # The longest the summary lists: five long actions and four frameworks compared.
        mp.setattr("assessments.reports.content.summary_actions", lambda rows, limit: ACTIONS)
        mp.setattr("assessments.reports.content.summary_changes", lambda changes: CHANGES)
        full = render_report(assessment=assessment, generated_at=WHEN)
        html = report_html(assessment=assessment, generated_at=WHEN)
        transaction.set_rollback(True)
    _BANK_CACHE.clear()
    return Rendered(plain, page_texts(plain.pdf), full, page_texts(full.pdf), html)


def _summary_page(pdf: bytes, pages: list[str]) -> tuple[int, int]:
    """The summary's page and the page the next part begins on (numbered from 1)."""
    starts = sorted(bookmark_pages(pdf).values())
    at = bookmark_pages(pdf)[SUMMARY]
    return at, min(p for p in starts if p > at)


@pytest.mark.parametrize("which", ["plain", "full"])
def test_the_summary_is_one_page_and_the_next_part_begins_on_the_page_after(
    rendered: Rendered, which: str
) -> None:
    report: RenderedReport = getattr(rendered, which)
    pages: list[str] = getattr(rendered, f"{which}_pages")
    at, following = _summary_page(report.pdf, pages)
    assert following == at + 1
    assert SUMMARY in pages[at - 1]


def test_the_actions_show_owners_and_due_dates_and_the_changes_since_round_1(
    rendered: Rendered,
) -> None:
    at, _ = _summary_page(rendered.full.pdf, rendered.full_pages)
    page = squeezed(rendered.full_pages[at - 1])
    for action in ACTIONS:
        assert squeezed(action.owner) in page
        assert squeezed(action.due.strftime("%-d %b %Y")) in page  # type: ignore[union-attr]
    assert squeezed("The actions that move the most") in page
    assert squeezed("Since round 1") in page
    assert squeezed("12 findings closed, 3 opened; 27 answers changed.") in page
    # An action's title is user text: escaped, never markup.
    assert "&lt;b&gt;Safeguard 1&lt;/b&gt; &amp; its evidence" in rendered.full_html
    assert "<b>Safeguard" not in rendered.full_html


def test_without_actions_or_a_previous_round_the_summary_shows_nothing_for_them(
    rendered: Rendered,
) -> None:
    at, _ = _summary_page(rendered.plain.pdf, rendered.plain_pages)
    page = rendered.plain_pages[at - 1]
    assert "actions that move the most" not in page
    assert "Since round" not in page
    assert "most pressing findings" in page


def test_verdicts_are_worded_by_what_each_framework_is(rendered: Rendered) -> None:
    at, _ = _summary_page(rendered.plain.pdf, rendered.plain_pages)
    page = squeezed(rendered.plain_pages[at - 1])
    for standing in (*STANDING_LABELS.values(),):
        assert squeezed(standing) in page
    assert squeezed("Under the proposed Model Law, this activity would need") in page
    assert squeezed("Anthropic's policy would require pausing") in page
    assert squeezed("Next:") in page


# Results not determined yet ----------------------------------------------------------------


def _framework(data: dict[str, Any]) -> FrameworkResult:
    return FrameworkResult.from_json({"key": "f", "name": "F", "sections": [], **data})


def test_an_unsettled_tier_says_it_cannot_be_told_yet() -> None:
    result = _framework(
        {
            "kind": "tier",
            "tier": {"key": None, "label": "Not determined yet", "settled": False},
        }
    )
    headline, meaning, next_step = tier_words(result)
    assert headline == "Tier not determined yet"
    assert "cannot be told yet" in meaning
    assert next_step == "Answer the screening questions."


def test_a_gate_that_does_not_apply_and_an_unknown_level_are_said_so() -> None:
    gate = GateResult.from_json(
        {"key": "scaling", "label": "Before scaling", "decision": "not_applicable"}
    )
    assert gate_sentence(gate) == (
        "The gate before further scaling does not apply to what the organisation does."
    )
    result = _framework(
        {
            "kind": "gate",
            "gates": {
                "required_level": None,
                "required_level_label": "Not determined yet",
                "settled": False,
                "gates": [gate.to_json()],
            },
        }
    )
    _headline, meaning, _next = gates_words(result)
    assert "cannot be told yet" in meaning


def test_a_partial_score_is_not_shown_as_a_number() -> None:
    result = _framework(
        {
            "kind": "maturity",
            "score": None,
            "sections": [
                {
                    "key": "s",
                    "title": "S",
                    "weight": 1,
                    "score": None,
                    "answered": 2,
                    "applicable": 9,
                }
            ],
        }
    )
    headline, meaning, next_step = maturity_words(result, FrameworkFindings(result, ()))
    assert headline == "2 of 9 answered"
    assert meaning == "Not scored yet: 2 of 9 questions are answered."
    assert next_step == "Answer the remaining questions."


def test_a_tier_that_may_still_change_says_so() -> None:
    result = _framework(
        {
            "kind": "tier",
            "tier": {
                "key": "filing",
                "label": "Filing and information disclosure",
                "settled": False,
            },
        }
    )
    headline, meaning, next_step = tier_words(result)
    assert headline == "Tier: Filing and information disclosure"
    assert meaning.startswith("Under the proposed Model Law, this activity would need filing")
    assert meaning.endswith("so the tier may change.")
    assert next_step.startswith("Answer the screening questions.")
