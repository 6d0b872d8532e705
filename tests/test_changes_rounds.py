"""Rounds of one system are numbered in order; an imported assessment is round 1 of a new
system (marked as imported when the name is taken) or the next round of a system named for it,
never a second, indistinguishable round 1."""

from __future__ import annotations

from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from assessments.answers_io import AnswersFileRefused, answers_dump, answers_export, answers_import
from assessments.models import AISystem, Assessment, Organisation
from assessments.results.changes import changes_since_previous
from assessments.services.assessments import assessment_submit
from tests.factories import make_assessment, make_organisation
from tests.test_views_assessments import answer_all_required

pytestmark = pytest.mark.django_db


def _submitted_file(organisation: Organisation, user: User) -> tuple[Assessment, bytes]:
    first = make_assessment(organisation, user)
    answer_all_required(first, user)
    first = assessment_submit(assessment=first, user=user)
    data = answers_export(assessment=first)
    pause = next(a for a in data["answers"] if a["question"] == "pause")
    pause["options"] = ["no"]
    return first, answers_dump(data).encode()


def test_an_import_into_the_same_organisation_is_a_new_system_marked_imported(
    mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    _first, raw = _submitted_file(organisation, assessor)
    once = answers_import(organisation=organisation, user=assessor, raw=raw)
    twice = answers_import(organisation=organisation, user=assessor, raw=raw)
    assert (str(once), str(twice)) == (
        "Chat assistant (imported), round 1",
        "Chat assistant (imported 2), round 1",
    )
    assert AISystem.objects.filter(organisation=organisation).count() == 3
    elsewhere = answers_import(organisation=make_organisation("other"), user=assessor, raw=raw)
    assert str(elsewhere) == "Chat assistant, round 1"  # the name is free there


def test_an_import_as_the_next_round_is_numbered_after_the_latest(
    mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    first, raw = _submitted_file(organisation, assessor)
    second = answers_import(
        organisation=organisation, user=assessor, raw=raw, round_of=first.system
    )
    assert (second.system, second.round, second.previous) == (first.system, 2, first)
    changes = changes_since_previous(second)
    assert changes is not None
    assert [a.to_json() for a in changes.answers_changed] == [
        {"framework": "mini-gate", "question": "pause", "before": "Yes", "after": "No"}
    ]
    with pytest.raises(AnswersFileRefused, match="Round 2 of Chat assistant is still a draft"):
        answers_import(organisation=organisation, user=assessor, raw=raw, round_of=first.system)
    assert Assessment.objects.filter(system=first.system).count() == 2


def test_the_command_imports_a_named_round(
    mini_bank: None, organisation: Organisation, owner: User, assessor: User, tmp_path: Path
) -> None:
    first, raw = _submitted_file(organisation, assessor)
    out = StringIO()
    file = tmp_path / "answers.json"
    file.write_bytes(raw)
    call_command(
        "import_answers",
        str(file),
        "--organisation",
        organisation.slug,
        "--round-of",
        "Chat assistant",
        stdout=out,
    )
    created = Assessment.objects.get(pk=int(out.getvalue().strip().splitlines()[-1]))
    assert (created.system, created.round) == (first.system, 2)
    assert "Chat assistant, round 2" in out.getvalue()
    with pytest.raises(CommandError, match="no AI system named 'Nope'"):
        call_command("import_answers", str(file), "--organisation", "acme", "--round-of", "Nope")


def test_the_upload_form_offers_the_organisation_systems_only(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, outsider: User
) -> None:
    first, raw = _submitted_file(organisation, assessor)
    theirs = make_assessment(make_organisation("other"), outsider, name="Their system")
    client.force_login(assessor)
    url = reverse("answers_import", args=[organisation.slug])
    page = client.get(url).content.decode()
    assert "The next round of Chat assistant" in page
    assert "Their system" not in page
    refused = client.post(
        url, {"file": SimpleUploadedFile("a.json", raw), "round_of": theirs.system.pk}
    )
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert Assessment.objects.filter(system=theirs.system).count() == 1
    done = client.post(
        url, {"file": SimpleUploadedFile("a.json", raw), "round_of": first.system.pk}
    )
    second = Assessment.objects.get(system=first.system, round=2)
    assert done["Location"] == reverse("assessment_results", args=[second.pk])
    results = client.get(done["Location"]).content.decode()
    assert "Changes since round 1" in results
