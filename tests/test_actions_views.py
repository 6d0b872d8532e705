"""The plan page, adding and changing actions, the plan's CSV and Excel exports, query counts."""

from __future__ import annotations

import datetime as dt
import io
from http import HTTPStatus
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments import selectors
from assessments.models import Action, Assessment, Organisation
from assessments.services.actions import ActionFields, action_create
from tests.factories import answer, make_assessment, make_user
from tests.test_results_views import bulk_bank

PLAN_PAGE_QUERIES = 13


def add(assessment: Assessment, user: User, framework: str, question: str, **kw: object) -> Action:
    fields = ActionFields(
        title=str(kw.get("title", f"Fix {question}")),
        owner=kw.get("owner", user),  # type: ignore[arg-type]
        due=kw.get("due", dt.date(2099, 1, 1)),  # type: ignore[arg-type]
        status=str(kw.get("status", "open")),
        reason=str(kw.get("reason", "")),
    )
    return action_create(
        assessment=assessment, user=user, framework=framework, question=question, fields=fields
    )


def new_url(assessment: Assessment, framework: str, question: str) -> str:
    url = reverse("action_new", args=[assessment.pk])
    return f"{url}?framework={framework}&question={question}"


def test_the_results_page_offers_each_finding_to_the_plan(
    client: Client, assessment: Assessment, assessor: User, viewer: User
) -> None:
    client.force_login(assessor)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    assert page.count("Add to plan") == len(assessment_gaps(client, assessment))
    assert new_url(assessment, "mini-gate", "red-team").replace("&", "&amp;") in page
    assert "In the action plan" not in page
    client.force_login(viewer)
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    assert "Add to plan" not in page


def test_the_results_page_says_which_findings_are_in_the_plan(
    client: Client, assessment: Assessment, assessor: User, viewer: User
) -> None:
    add(assessment, assessor, "mini-gate", "red-team")
    add(assessment, assessor, "mini-gate", "red-team")
    client.force_login(viewer)  # read-only, and still told
    page = client.get(reverse("assessment_results", args=[assessment.pk])).content.decode()
    assert page.count("In the action plan") == 1
    start = page.index('id="gap-mini-gate-red-team"')
    assert page.index("In the action plan") > start


def assessment_gaps(client: Client, assessment: Assessment) -> list[str]:
    csv = client.get(reverse("gaps_csv", args=[assessment.pk])).content.decode("utf-8-sig")
    return csv.splitlines()[1:]


def test_the_new_action_form_is_prefilled_from_the_remediation(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    response = client.get(new_url(assessment, "mini-maturity", "requirements"))
    assert response.status_code == HTTPStatus.OK
    assert ">\nWrite the requirements first.</textarea>" in response.content.decode()
    # An assessor is not offered "Risk accepted".
    assert 'value="risk_accepted"' not in response.content.decode()


def test_an_assessor_adds_an_action_from_a_finding(
    client: Client, assessment: Assessment, assessor: User, owner: User
) -> None:
    client.force_login(assessor)
    data = {"title": "Red-team the model", "owner": owner.pk, "due": "2027-02-01", "status": "open"}
    response = client.post(new_url(assessment, "mini-gate", "red-team"), data)
    assert response.status_code == HTTPStatus.FOUND
    action = Action.objects.get()
    assert (action.question, action.owner, action.due) == ("red-team", owner, dt.date(2027, 2, 1))
    page = client.get(response["Location"]).content.decode()
    assert "Red-team the model" in page
    assert "from Pause to Proceed with conditions" in page
    assert "The action was added to the plan." in page


def test_an_unknown_question_is_not_found(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    assert client.get(new_url(assessment, "mini-gate", "nope")).status_code == 404


def test_an_assessor_posting_a_risk_acceptance_is_refused(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    action = add(assessment, assessor, "mini-gate", "red-team")
    client.force_login(assessor)
    data = {"title": "x", "status": "risk_accepted", "reason": "Cost"}
    response = client.post(reverse("action_edit", args=[assessment.pk, action.pk]), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST  # not a choice offered to assessors
    assert Action.objects.get().status == "open"


def test_an_owner_accepts_a_risk_with_a_reason(
    client: Client, assessment: Assessment, assessor: User, owner: User
) -> None:
    action = add(assessment, assessor, "mini-gate", "red-team")
    client.force_login(owner)
    url = reverse("action_edit", args=[assessment.pk, action.pk])
    missing = client.post(url, {"title": "x", "status": "risk_accepted", "reason": ""})
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert "Say why the risk is accepted." in missing.content.decode()
    client.post(url, {"title": "x", "status": "risk_accepted", "reason": "Accepted by the board"})
    action.refresh_from_db()
    assert (action.status, action.accepted_by) == ("risk_accepted", owner)


def test_an_action_is_reached_only_through_its_own_assessment(
    client: Client, assessment: Assessment, assessor: User, organisation: Organisation
) -> None:
    action = add(assessment, assessor, "mini-gate", "red-team")
    other = make_assessment(organisation, assessor, name="Other system")
    client.force_login(assessor)
    assert client.get(reverse("action_edit", args=[other.pk, action.pk])).status_code == 404


def test_the_plan_filters_by_status_owner_framework_and_overdue(
    client: Client, assessment: Assessment, assessor: User, owner: User
) -> None:
    add(assessment, assessor, "mini-gate", "red-team", title="Alpha", due=dt.date(2020, 1, 1))
    add(assessment, assessor, "mini-tier", "supervision", title="Bravo", owner=owner)
    add(assessment, assessor, "mini-maturity", "metrics", title="Charlie", status="in_progress")
    client.force_login(assessor)
    url = reverse("assessment_plan", args=[assessment.pk])

    def titles(**query: str | int) -> set[str]:
        page = client.get(url, query).content.decode()
        return {t for t in ("Alpha", "Bravo", "Charlie") if f"<strong>{t}</strong>" in page}

    assert titles() == {"Alpha", "Bravo", "Charlie"}
    assert titles(status="in_progress") == {"Charlie"}
    assert titles(owner=owner.pk) == {"Bravo"}
    assert titles(framework="mini-gate") == {"Alpha"}
    assert titles(overdue="on") == {"Alpha"}


def test_a_viewer_reads_the_plan_but_gets_no_edit_buttons(
    client: Client, assessment: Assessment, assessor: User, viewer: User
) -> None:
    add(assessment, assessor, "mini-gate", "red-team")
    client.force_login(viewer)
    page = client.get(reverse("assessment_plan", args=[assessment.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "Fix red-team" in page.content.decode()
    assert ">Edit<" not in page.content.decode()


def test_an_action_whose_finding_is_gone_can_be_marked_done(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    action = add(assessment, assessor, "mini-gate", "red-team")
    answer(assessment, assessor, "mini-gate", "red-team", "yes")
    client.force_login(assessor)
    page = client.get(reverse("assessment_plan", args=[assessment.pk])).content.decode()
    assert "Findings gone in this round" in page
    client.post(reverse("action_done", args=[assessment.pk, action.pk]))
    assert Action.objects.get().status == "done"


# Exports ---------------------------------------------------------------------------------

HOSTILE = '=HYPERLINK("https://evil.example","x")'


def test_the_plan_csv_is_formula_safe(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    add(assessment, assessor, "mini-gate", "red-team", title=HOSTILE)
    client.force_login(assessor)
    response = client.get(reverse("plan_csv", args=[assessment.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("number,framework,question,finding,action,owner,due,status")
    assert "'=HYPERLINK" in lines[1]
    assert "Pause to Proceed with conditions" in lines[1]


def test_the_plan_workbook_opens_and_its_cells_are_formula_safe(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    add(assessment, assessor, "mini-gate", "red-team", title=HOSTILE)
    add(assessment, assessor, "mini-tier", "supervision", title="+SUM(1,2)")
    client.force_login(assessor)
    response = client.get(reverse("plan_xlsx", args=[assessment.pk]))
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Action plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("number", "framework", "question", "finding", "action")
    assert {r[4] for r in rows[1:]} == {"'" + HOSTILE, "'+SUM(1,2)"}
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert all(not str(c.value or "").startswith(("=", "+", "-", "@")) for c in cells)


# Query counts ----------------------------------------------------------------------------


def plan_page_queries(
    client: Client, user: User, organisation: Organisation, questions: int, actions: int
) -> int:
    assessment = make_assessment(organisation, user, frameworks=["bulk"], name=f"S{questions}")
    for i in range(questions):
        answer(assessment, user, "bulk", f"q{i}", "no")
    for i in range(actions):
        add(assessment, user, "bulk", f"q{i}", title=f"Action {i}")
    selectors._BANK_CACHE.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessment_plan", args=[assessment.pk]))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("<strong>Action ") == actions
    return len(queries)


def test_plan_page_queries_do_not_grow_with_actions_or_questions(
    client: Client,
    sources: None,
    organisation: Organisation,
    assessor: User,
    tmp_path: Path,
) -> None:
    bulk_bank(tmp_path / "small", 8)
    call_command("load_question_bank", str(tmp_path / "small"), verbosity=0)
    call_command("load_question_bank", "tests/fixtures/mini", verbosity=0)
    small = plan_page_queries(client, assessor, organisation, 8, 2)
    Assessment.objects.all().delete()
    bulk_bank(tmp_path / "large", 80)
    large_file = tmp_path / "large" / "bulk.yaml"
    large_file.write_text(large_file.read_text().replace("label: v1", "label: v2"))
    large_file.write_text(large_file.read_text().replace("2026-11-01", "2026-12-01"))
    call_command("load_question_bank", str(tmp_path / "large"), verbosity=0)
    large = plan_page_queries(client, assessor, organisation, 80, 40)
    assert small == large == PLAN_PAGE_QUERIES


def test_the_edit_page_shows_the_history_of_the_action(
    client: Client, assessment: Assessment, assessor: User, owner: User
) -> None:
    action = add(assessment, assessor, "mini-gate", "red-team", title="First wording")
    client.force_login(owner)
    url = reverse("action_edit", args=[assessment.pk, action.pk])
    client.post(url, {"title": "Second wording", "status": "in_progress", "owner": owner.pk})
    page = client.get(url).content.decode()
    history = page[page.index("History</h2>") :]
    assert history.index("Second wording") < history.index("First wording")
    assert "<td>olivia</td><td>In progress" in history
    assert "<td>adam</td><td>Open" in history


def test_an_assessor_editing_an_accepted_risk_keeps_it_accepted(
    client: Client, assessment: Assessment, assessor: User, owner: User
) -> None:
    action = add(assessment, owner, "mini-gate", "red-team", status="risk_accepted", reason="Cost")
    client.force_login(assessor)
    url = reverse("action_edit", args=[assessment.pk, action.pk])
    form = client.get(url).content.decode()
    assert '<option value="risk_accepted" selected>' in form
    data = {"title": "New title", "status": "risk_accepted", "reason": "Cost", "due": "2027-09-01"}
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    action.refresh_from_db()
    assert (action.status, action.accepted_by, action.due) == (
        "risk_accepted",
        owner,
        dt.date(2027, 9, 1),
    )
    changed = client.post(url, data | {"reason": "Another reason"})
    assert changed.status_code == HTTPStatus.BAD_REQUEST
    assert "Only an owner of the organisation can accept a risk." in changed.content.decode()
    action.refresh_from_db()
    assert action.reason == "Cost"


def test_staff_read_actions_and_their_history_in_the_admin(
    client: Client, assessment: Assessment, assessor: User
) -> None:
    action = add(assessment, assessor, "mini-gate", "red-team", title="Red-team it")
    client.force_login(make_user("root", staff=True))
    listed = client.get(reverse("admin:assessments_action_changelist"))
    assert "Red-team it" in listed.content.decode()
    history = client.get(reverse("admin:assessments_action_history", args=[action.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "adam" in history.content.decode()
    assert client.post(reverse("admin:assessments_action_add"), {}).status_code == 403
