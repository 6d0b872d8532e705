"""The action plan's services and reads: role rules, risk acceptance, carrying actions to the
next round, and what each action would move."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from assessments.models import Action, Assessment, Role
from assessments.plan.moves import DUTY, GATE, SCORE, moves_for
from assessments.plan.selectors import plan_rows, top_actions
from assessments.results import results_for_assessment
from assessments.services.actions import (
    ActionFields,
    action_create,
    action_update,
)
from assessments.services.assessments import assessment_next_round, assessment_submit
from tests.factories import answer, make_member, make_organisation

DUE = dt.date(2027, 3, 31)


def add(
    assessment: Assessment,
    user: User,
    question: tuple[str, str] = ("mini-gate", "red-team"),
    **changes: object,
) -> Action:
    fields = ActionFields(
        title=str(changes.get("title", "Commission an external red team")),
        owner=changes.get("owner", user),  # type: ignore[arg-type]
        due=changes.get("due", DUE),  # type: ignore[arg-type]
        status=str(changes.get("status", Action.Status.OPEN)),
        reason=str(changes.get("reason", "")),
    )
    return action_create(
        assessment=assessment, user=user, framework=question[0], question=question[1], fields=fields
    )


def test_an_assessor_creates_an_action_with_its_history(
    assessment: Assessment, assessor: User
) -> None:
    action = add(assessment, assessor)
    assert (action.framework, action.question, action.owner, action.due) == (
        "mini-gate",
        "red-team",
        assessor,
        DUE,
    )
    action_update(
        action=action,
        user=assessor,
        fields=ActionFields(action.title, assessor, DUE, Action.Status.IN_PROGRESS),
    )
    statuses = [h.status for h in action.history.order_by("history_date")]
    assert statuses == ["open", "in_progress"]


def test_a_viewer_cannot_create_an_action(assessment: Assessment, viewer: User) -> None:
    with pytest.raises(PermissionDenied):
        add(assessment, viewer, owner=None)
    assert not Action.objects.exists()


def test_an_owner_creates_an_action(assessment: Assessment, owner: User) -> None:
    assert add(assessment, owner).created_by == owner


def test_the_owner_of_an_action_must_be_a_member(
    assessment: Assessment, assessor: User, outsider: User
) -> None:
    with pytest.raises(ValidationError, match="member"):
        add(assessment, assessor, owner=outsider)


def test_an_action_names_a_question_of_the_assessment(
    assessment: Assessment, assessor: User
) -> None:
    with pytest.raises(ValidationError, match="no such question"):
        add(assessment, assessor, question=("mini-gate", "no-such-question"))


def test_only_an_owner_accepts_a_risk(assessment: Assessment, assessor: User, owner: User) -> None:
    with pytest.raises(PermissionDenied, match="Only an owner"):
        add(assessment, assessor, status=Action.Status.RISK_ACCEPTED, reason="Too costly")
    action = add(assessment, assessor)
    accept = ActionFields(action.title, assessor, DUE, Action.Status.RISK_ACCEPTED, "Too costly")
    with pytest.raises(PermissionDenied):
        action_update(action=action, user=assessor, fields=accept)

    action_update(action=action, user=owner, fields=accept)

    action.refresh_from_db()
    assert (action.status, action.reason, action.accepted_by) == (
        "risk_accepted",
        "Too costly",
        owner,
    )
    # An assessor may still change the date of an accepted risk, not why it was accepted.
    later = ActionFields(action.title, assessor, DUE.replace(day=1), accept.status, accept.reason)
    assert action_update(action=action, user=assessor, fields=later).accepted_by == owner
    other = ActionFields(action.title, assessor, DUE, accept.status, "Changed my mind")
    with pytest.raises(PermissionDenied):
        action_update(action=action, user=assessor, fields=other)


def test_accepting_a_risk_needs_a_reason(assessment: Assessment, owner: User) -> None:
    with pytest.raises(ValidationError, match="why"):
        add(assessment, owner, status=Action.Status.RISK_ACCEPTED, reason="  ")


def test_a_next_round_carries_unfinished_actions_to_the_same_questions(
    assessment: Assessment, assessor: User, owner: User
) -> None:
    open_one = add(assessment, assessor)
    started = add(
        assessment, assessor, ("mini-tier", "supervision"), status=Action.Status.IN_PROGRESS
    )
    add(assessment, assessor, ("mini-maturity", "metrics"), status=Action.Status.DONE)
    add(assessment, owner, ("mini-maturity", "reviews"), status="risk_accepted", reason="Small")
    submitted = assessment_submit(assessment=assessment, user=assessor)

    new = assessment_next_round(assessment=submitted, user=assessor).assessment

    carried = {(a.framework, a.question): a for a in new.actions.all()}
    assert set(carried) == {("mini-gate", "red-team"), ("mini-tier", "supervision")}
    assert carried[("mini-gate", "red-team")].carried_from == open_one
    assert carried[("mini-tier", "supervision")].status == "in_progress"
    assert carried[("mini-tier", "supervision")].carried_from == started
    assert assessment.actions.count() == 4  # the previous round keeps its own


def test_an_action_whose_finding_is_gone_is_offered_for_closing(
    assessment: Assessment, assessor: User
) -> None:
    add(assessment, assessor)
    add(assessment, assessor, ("mini-tier", "supervision"))
    new = assessment_next_round(
        assessment=assessment_submit(assessment=assessment, user=assessor), user=assessor
    ).assessment
    answer(new, assessor, "mini-gate", "red-team", "yes")

    rows = plan_rows(results_for_assessment(new), new.actions.all(), today=DUE)

    offered = {r.action.question for r in rows if r.offer_close}
    assert offered == {"red-team"}
    moves = {r.action.question: r.moves.items for r in rows}
    assert moves["supervision"]  # a duty of the tier still to meet
    # Once its finding is gone too, its work is done: it moves no verdict, duty or score.
    answer(new, assessor, "mini-tier", "supervision", "yes")
    rows = plan_rows(results_for_assessment(new), new.actions.all(), today=DUE)
    assert {r.action.question: r.moves.items for r in rows} == {"red-team": (), "supervision": ()}


def test_each_action_says_which_verdict_it_would_move(assessment: Assessment) -> None:
    results = results_for_assessment(assessment)
    moves = moves_for(
        results, [("mini-gate", "red-team"), ("mini-tier", "supervision"), ("mini-gate", "zz")]
    )

    red_team = moves[("mini-gate", "red-team")].items
    gate = next(m for m in red_team if m.kind == GATE)
    assert (gate.before, gate.after) == ("Pause", "Proceed with conditions")
    assert "Before deployment" in gate.text
    assert any(m.kind == SCORE and m.by and m.by > 0 for m in red_team)
    supervision = moves[("mini-tier", "supervision")].items
    assert [m.kind for m in supervision] == [DUTY, SCORE]
    assert moves[("mini-gate", "zz")].items == ()


def test_a_score_moves_by_what_full_marks_would_give(assessment: Assessment) -> None:
    results = results_for_assessment(assessment)
    (gain,) = [
        m.by
        for m in moves_for(results, [("mini-tier", "supervision")])[
            ("mini-tier", "supervision")
        ].items
        if m.kind == SCORE
    ]
    answer(assessment, assessment.created_by, "mini-tier", "supervision", "yes")  # type: ignore[arg-type]
    after = results_for_assessment(assessment).framework("mini-tier").score
    before = results.framework("mini-tier").score
    assert after is not None
    assert before is not None
    assert gain == pytest.approx(after - before, abs=0.11)


def test_top_actions_move_the_most_first_then_by_due_date(
    assessment: Assessment, assessor: User
) -> None:
    maturity = add(assessment, assessor, ("mini-maturity", "metrics"), due=dt.date(2027, 1, 1))
    gate = add(assessment, assessor, ("mini-gate", "red-team"), due=dt.date(2027, 6, 1))
    duty = add(assessment, assessor, ("mini-tier", "supervision"), due=dt.date(2027, 2, 1))
    add(assessment, assessor, ("mini-tier", "permit-held"), status=Action.Status.DONE)

    top = top_actions(assessment, limit=5)

    assert [r.action for r in top] == [gate, duty, maturity]
    assert [r.action for r in top_actions(assessment, limit=1)] == [gate]
    # Once its finding is closed, an action is offered for closing, not listed as moving.
    answer(assessment, assessor, "mini-gate", "red-team", "yes")
    assert [r.action for r in top_actions(assessment, limit=5)] == [duty, maturity]


def test_members_of_another_organisation_are_never_owners(
    assessment: Assessment, assessor: User
) -> None:
    stranger = make_member(make_organisation("elsewhere"), "sam", Role.OWNER)
    with pytest.raises(ValidationError):
        add(assessment, assessor, owner=stranger)


def test_the_results_command_lists_the_actions_with_their_moves(
    assessment: Assessment, assessor: User
) -> None:
    add(assessment, assessor)
    out = io.StringIO()
    call_command("assessment_results", str(assessment.pk), "--json", stdout=out)
    (shown,) = json.loads(out.getvalue())["actions"]
    assert {k: shown[k] for k in ("framework", "question", "owner", "due", "status")} == {
        "framework": "mini-gate",
        "question": "red-team",
        "owner": "adam",
        "due": "2027-03-31",
        "status": "open",
    }
    gate = next(m for m in shown["moves"] if m["kind"] == "gate")
    assert (gate["before"], gate["after"], gate["together_with"]) == (
        "Pause",
        "Proceed with conditions",
        0,
    )


def test_a_changed_plan_asks_for_a_new_report(assessment: Assessment, assessor: User) -> None:
    before = Assessment.objects.get(pk=assessment.pk).revision
    action = add(assessment, assessor)
    after_create = Assessment.objects.get(pk=assessment.pk).revision
    done = ActionFields(action.title, assessor, DUE, Action.Status.DONE)
    action_update(action=action, user=assessor, fields=done)
    assert before < after_create < Assessment.objects.get(pk=assessment.pk).revision
