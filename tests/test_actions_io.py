"""The action plan in the answers file (format version 2), still reading version 1."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from assessments.answers_io import (
    AnswersFileRefused,
    answers_dump,
    answers_export,
    answers_import,
)
from assessments.models import Action, Assessment, Organisation
from assessments.services.actions import ActionFields, action_create
from tests.factories import answer_mini, make_assessment


@pytest.fixture
def assessment(
    mini_bank: None, organisation: Organisation, assessor: User, owner: User
) -> Assessment:
    started = make_assessment(organisation, assessor)
    answer_mini(started, assessor)
    for question, status, reason in [
        ("red-team", "open", ""),
        ("weights-security", "risk_accepted", "Covered by the vendor's controls"),
    ]:
        action_create(
            assessment=started,
            user=owner,
            framework="mini-gate",
            question=question,
            fields=ActionFields(f"Fix {question}", owner, dt.date(2027, 5, 1), status, reason),
        )
    return started


@pytest.fixture
def exported(assessment: Assessment) -> dict[str, Any]:
    return answers_export(assessment=assessment)


def test_export_writes_version_2_with_the_actions(exported: dict[str, Any]) -> None:
    assert exported["version"] == 2
    assert exported["actions"] == [
        {
            "framework": "mini-gate",
            "question": "red-team",
            "title": "Fix red-team",
            "owner": "olivia",
            "due": "2027-05-01",
            "status": "open",
            "reason": "",
        },
        {
            "framework": "mini-gate",
            "question": "weights-security",
            "title": "Fix weights-security",
            "owner": "olivia",
            "due": "2027-05-01",
            "status": "risk_accepted",
            "reason": "Covered by the vendor's controls",
        },
    ]


def test_export_import_export_keeps_the_actions(
    exported: dict[str, Any], organisation: Organisation, owner: User
) -> None:
    text = answers_dump(exported)
    created = answers_import(organisation=organisation, user=owner, raw=text)
    again = answers_export(assessment=created)
    assert answers_dump(again | {"system": exported["system"]}) == text
    accepted = created.actions.get(question="weights-security")
    assert accepted.accepted_by == owner


def test_a_version_1_file_is_still_read(
    exported: dict[str, Any], organisation: Organisation, owner: User
) -> None:
    old = {k: v for k, v in exported.items() if k != "actions"} | {"version": 1}
    created = answers_import(organisation=organisation, user=owner, raw=json.dumps(old))
    assert created.answers.count() == len(exported["answers"])
    assert not created.actions.exists()


def change(fn: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], str]:
    def apply(data: dict[str, Any]) -> str:
        fn(data)
        return json.dumps(data)

    return apply


REFUSED: dict[str, tuple[Callable[[dict[str, Any]], str], str]] = {
    "unknown owner": (
        change(lambda d: d["actions"][0].update(owner="mallory")),
        "actions[0] (mini-gate/red-team): owner 'mallory' is not a member",
    ),
    "unknown status": (
        change(lambda d: d["actions"][0].update(status="parked")),
        "actions[0]: unknown status 'parked'",
    ),
    "bad date": (
        change(lambda d: d["actions"][1].update(due="31/12/2027")),
        "actions[1]: the due date '31/12/2027' is not a date",
    ),
    "unknown question": (
        change(lambda d: d["actions"][0].update(question="nope")),
        "actions[0] (mini-gate/nope): This assessment has no such question.",
    ),
    "unknown field": (
        change(lambda d: d["actions"][0].update(priority=1)),
        "Unknown field(s) in actions[0]: priority",
    ),
    "not a list": (change(lambda d: d.update(actions={})), "'actions' must be a list."),
    "actions in version 1": (
        change(lambda d: d.update(version=1)),
        "Unknown field(s) in the file: actions",
    ),
    "accepted without a reason": (
        change(lambda d: d["actions"][1].update(reason="")),
        "Say why the risk is accepted.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_bad_actions_part_is_refused_and_nothing_is_created(
    exported: dict[str, Any], organisation: Organisation, owner: User, case: str
) -> None:
    make_file, message = REFUSED[case]
    counts = (Assessment.objects.count(), Action.objects.count())
    with pytest.raises(AnswersFileRefused) as refused:
        answers_import(organisation=organisation, user=owner, raw=make_file(exported))
    assert message in str(refused.value)
    assert (Assessment.objects.count(), Action.objects.count()) == counts


def test_only_an_owner_imports_an_accepted_risk(
    exported: dict[str, Any], organisation: Organisation, assessor: User
) -> None:
    with pytest.raises(AnswersFileRefused, match="Only an owner"):
        answers_import(organisation=organisation, user=assessor, raw=json.dumps(exported))
