"""export_organisation / import_organisation move one organisation losslessly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from assessments.models import (
    Answer,
    Assessment,
    FrameworkVersion,
    Invitation,
    Organisation,
    SignOff,
)
from assessments.services.assessments import assessment_next_round, assessment_submit
from assessments.services.signoff import assessment_approve
from tests.factories import PASSWORD, answer, make_assessment


@pytest.fixture
def populated(
    mini_bank: None, organisation: Organisation, owner: User, assessor: User
) -> Organisation:
    first = make_assessment(organisation, owner)
    answer(first, owner, "profile", "role", "rnd", "provision")
    answer(first, owner, "profile", "foundation-model", "yes")
    answer(first, assessor, "mini-maturity", "requirements", "partly", note="Draft policy 中文")
    answer(first, owner, "mini-maturity", "requirements", "yes")  # two history rows
    answer(first, owner, "mini-maturity", "metrics", "jailbreak")
    answer(first, owner, "mini-tier", "negative-list", "no")
    answer(first, owner, "mini-tier", "high-risk", "no")
    answer(first, owner, "mini-tier", "supervision", "partly")
    answer(first, owner, "mini-gate", "frontier", "no")
    answer(first, owner, "mini-gate", "pause", "yes")
    answer(first, owner, "mini-maturity", "reviews", "yes")
    first = assessment_submit(assessment=first, user=owner)
    second = assessment_next_round(assessment=first, user=owner).assessment
    answer(second, assessor, "mini-maturity", "requirements", "na", reason="Bought in, not built")
    Invitation.objects.create(
        organisation=organisation,
        email="new@example.org",
        role="viewer",
        token="t" * 40,
        invited_by=owner,
        expires_at="2030-01-01T00:00:00+00:00",
    )
    return organisation


def _export(slug: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("export_organisation", slug, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_export_import_export_is_identical(populated: Organisation, tmp_path: Path) -> None:
    before = _export("acme")
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(before))
    populated.delete()
    User.objects.filter(username__in=["olivia", "adam"]).delete()
    Answer.history.model.objects.all().delete()  # as on a fresh installation

    out = io.StringIO()
    call_command("import_organisation", str(path), stdout=out)

    assert "Imported organisation acme" in out.getvalue()
    assert _export("acme") == before
    imported = Assessment.objects.get(round=2)
    assert imported.previous is not None
    assert imported.previous.results == before["assessments"][0]["results"]  # type: ignore[index]
    assert Answer.history.model.objects.filter(
        assessment__organisation__slug="acme"
    ).count() == len(before["history"])  # type: ignore[arg-type]
    # No password hashes by default: members set a password through password reset.
    assert not User.objects.get(username="olivia").has_usable_password()
    assert "password" not in json.dumps(before["users"])
    assert "token" not in json.dumps(before["invitations"])


def test_password_hashes_travel_only_when_asked_for(
    populated: Organisation, tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command("export_organisation", "acme", "--include-password-hashes", stdout=out)
    path = tmp_path / "acme.json"
    path.write_text(out.getvalue())
    populated.delete()
    User.objects.filter(username__in=["olivia", "adam"]).delete()

    call_command("import_organisation", str(path), stdout=io.StringIO())

    assert User.objects.get(username="olivia").check_password(PASSWORD)


def test_a_copy_under_another_slug_on_the_same_installation_gets_new_tokens(
    populated: Organisation, tmp_path: Path
) -> None:
    document = _export("acme")
    document["organisation"]["slug"] = "acme-copy"  # type: ignore[index]
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(document))

    call_command("import_organisation", str(path), stdout=io.StringIO())

    tokens = list(Invitation.objects.values_list("token", flat=True))
    assert len(tokens) == 2
    assert len(set(tokens)) == 2
    assert Invitation.objects.get(organisation__slug="acme-copy").email == "new@example.org"


def test_import_refuses_when_the_question_bank_differs_and_creates_nothing(
    populated: Organisation, tmp_path: Path
) -> None:
    document = _export("acme")
    document["organisation"]["slug"] = "acme-copy"  # type: ignore[index]
    document["assessments"][0]["versions"].append(["mini-maturity", "v7"])  # type: ignore[index]
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(document))
    organisations = Organisation.objects.count()

    with pytest.raises(
        CommandError, match="Load these question-bank versions first: mini-maturity v7"
    ):
        call_command("import_organisation", str(path))

    assert Organisation.objects.count() == organisations
    assert not FrameworkVersion.objects.filter(label="v7").exists()


def test_import_refuses_an_existing_slug(populated: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(_export("acme")))
    with pytest.raises(CommandError, match="already exists"):
        call_command("import_organisation", str(path))


@pytest.mark.django_db(transaction=True)
def test_online_sqlite_backup_is_a_usable_copy(populated: Organisation, tmp_path: Path) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("The online backup command is for SQLite; PostgreSQL uses pg_dump.")
    target = tmp_path / "backup.sqlite3"
    call_command("backup_database", str(target), stdout=io.StringIO())

    import sqlite3

    with sqlite3.connect(target) as copy:
        count = copy.execute("SELECT COUNT(*) FROM assessments_answer").fetchone()[0]
    assert count == Answer.objects.count()


def test_sign_off_travels_with_the_organisation(
    populated: Organisation, owner: User, assessor: User, tmp_path: Path
) -> None:
    Organisation.objects.filter(pk=populated.pk).update(requires_approval=True)
    populated.refresh_from_db()
    second = Assessment.objects.get(organisation=populated, round=2)
    submitted = assessment_submit(assessment=second, user=assessor)
    approved = assessment_approve(assessment=submitted, user=owner)
    before = _export("acme")
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(before))
    populated.delete()

    call_command("import_organisation", str(path), stdout=io.StringIO())

    assert _export("acme") == before
    imported = Assessment.objects.get(organisation__slug="acme", round=2)
    assert imported.organisation.requires_approval
    assert imported.approval_status == Assessment.Approval.APPROVED
    assert (imported.approved_by, imported.approved_at) == (owner, approved.approved_at)
    assert imported.submitted_by == assessor
    record = [(s.step, s.by) for s in SignOff.objects.filter(assessment=imported)]
    assert record == [("submitted", assessor), ("approved", owner)]


def test_a_file_written_before_the_sign_off_record_gets_one_from_its_assessments(
    populated: Organisation, owner: User, tmp_path: Path
) -> None:
    before = _export("acme")
    before.pop("sign_offs")
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(before))
    populated.delete()

    call_command("import_organisation", str(path), stdout=io.StringIO())

    first = Assessment.objects.get(organisation__slug="acme", round=1)
    assert [(s.step, s.by, s.at) for s in SignOff.objects.filter(assessment=first)] == [
        ("submitted", owner, first.submitted_at)
    ]
    second = Assessment.objects.get(organisation__slug="acme", round=2)
    assert not SignOff.objects.filter(assessment=second).exists()
