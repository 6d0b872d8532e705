"""Moving an organisation keeps its action plans, their history and where each was carried from."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command

from assessments.models import Action, Organisation
from assessments.services.actions import ActionFields, action_create, action_update
from assessments.services.assessments import assessment_next_round, assessment_submit
from tests.factories import answer_mini, make_assessment


def _export(slug: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("export_organisation", slug, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_export_import_export_keeps_the_plans(
    mini_bank: None, organisation: Organisation, owner: User, assessor: User, tmp_path: Path
) -> None:
    first = make_assessment(organisation, assessor)
    answer_mini(first, assessor)
    action = action_create(
        assessment=first,
        user=assessor,
        framework="mini-gate",
        question="red-team",
        fields=ActionFields("Red-team it", assessor, dt.date(2027, 1, 31)),
    )
    action_update(
        action=action,
        user=owner,
        fields=ActionFields("Red-team it", owner, dt.date(2027, 2, 28), "in_progress"),
    )
    action_create(
        assessment=first,
        user=owner,
        framework="mini-maturity",
        question="metrics",
        fields=ActionFields("Metrics", None, None, "risk_accepted", "Low impact"),
    )
    assessment_next_round(
        assessment=assessment_submit(assessment=first, user=assessor), user=assessor
    )
    before = _export("acme")
    assert len(before["actions"]) == 3  # type: ignore[arg-type]
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(before))
    organisation.delete()
    User.objects.filter(username__in=["olivia", "adam"]).delete()
    Action.history.model.objects.all().delete()  # as on a fresh installation

    call_command("import_organisation", str(path), stdout=io.StringIO())

    assert _export("acme") == before
    carried = Action.objects.get(assessment__round=2)
    assert carried.carried_from is not None
    assert carried.carried_from.assessment.round == 1
    assert (carried.status, carried.owner.username if carried.owner else "") == (
        "in_progress",
        "olivia",
    )
    accepted = Action.objects.get(status="risk_accepted")
    assert accepted.accepted_by is not None
    assert accepted.accepted_by.username == "olivia"
    history = Action.history.model.objects.filter(
        id=Action.objects.get(assessment__round=1, question="red-team").pk
    ).order_by("history_date")
    assert [(h.status, h.history_user.username) for h in history] == [
        ("open", "adam"),
        ("in_progress", "olivia"),
    ]
