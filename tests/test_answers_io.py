"""Answers in and out: the JSON file, the round trip, refusals, the commands and the upload."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from assessments.answers_io import (
    AnswersFileRefused,
    answers_dump,
    answers_export,
    answers_import,
)
from assessments.models import AISystem, Answer, Assessment, Organisation, Role
from tests.factories import answer_mini, make_assessment, make_member, make_organisation


@pytest.fixture
def assessment(mini_bank: None, organisation: Organisation, assessor: User) -> Assessment:
    started = make_assessment(organisation, assessor, name="Triage bot 周")
    answer_mini(started, assessor)
    return started


@pytest.fixture
def exported(assessment: Assessment) -> dict[str, Any]:
    return answers_export(assessment=assessment)


def test_export_follows_the_documented_format(exported: dict[str, Any]) -> None:
    assert list(exported) == ["format", "version", "system", "frameworks", "answers", "actions"]
    assert exported["format"] == "govcheck.answers"
    assert exported["version"] == 2
    assert exported["system"] == {
        "name": "Triage bot 周",
        "description": "A customer-facing assistant.",
    }
    assert exported["frameworks"] == {
        "profile": "v1",
        "mini-maturity": "v1",
        "mini-tier": "v1",
        "mini-gate": "v1",
    }
    first = exported["answers"][0]
    assert first == {
        "framework": "profile",
        "question": "role",
        "options": ["rnd", "provision"],
        "text": "",
        "note": "",
        "reason": "",
        "evidence": [],
    }
    assert len(exported["answers"]) == Answer.objects.count()


def test_export_import_export_gives_identical_files(
    assessment: Assessment, organisation: Organisation, owner: User
) -> None:
    first = answers_dump(answers_export(assessment=assessment))
    # Into another organisation: in the same one the new system is marked as imported.
    elsewhere = make_organisation("elsewhere")
    other_owner = make_member(elsewhere, "eve", Role.OWNER)
    imported = answers_import(organisation=elsewhere, user=other_owner, raw=first.encode())
    assert imported.pk != assessment.pk
    assert not imported.is_submitted
    assert answers_dump(answers_export(assessment=imported)) == first


def test_commands_round_trip_and_print_the_new_id_last(
    assessment: Assessment, organisation: Organisation, owner: User, tmp_path: Path
) -> None:
    file = tmp_path / "answers.json"
    out = StringIO()
    call_command("export_answers", str(assessment.pk), stdout=out)
    file.write_text(out.getvalue(), encoding="utf-8")
    printed = StringIO()
    elsewhere = make_organisation("elsewhere")
    other_owner = make_member(elsewhere, "eve", Role.OWNER)
    call_command("import_answers", str(file), "--organisation", "elsewhere", stdout=printed)
    new_id = int(printed.getvalue().strip().splitlines()[-1])
    created = Assessment.objects.get(pk=new_id)
    assert created.created_by == other_owner
    again = StringIO()
    call_command("export_answers", str(new_id), stdout=again)
    assert again.getvalue() == out.getvalue()


def edit(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], str]:
    def apply(data: dict[str, Any]) -> str:
        change(data)
        return json.dumps(data)

    return apply


def answer_of(data: dict[str, Any], question: str) -> dict[str, Any]:
    return next(a for a in data["answers"] if a["question"] == question)


REFUSED: dict[str, tuple[Callable[[dict[str, Any]], str], str]] = {
    "not json": (lambda d: "{not json", "not valid JSON"),
    "unknown top-level key": (
        edit(lambda d: d.update(extra=1)),
        "Unknown field(s) in the file: extra",
    ),
    "missing answers": (edit(lambda d: d.pop("answers")), "Missing field(s) in the file: answers"),
    "other format": (edit(lambda d: d.update(format="other")), "'format' must be"),
    "format version 3": (edit(lambda d: d.update(version=3)), "Format version 3"),
    "unknown framework": (
        edit(lambda d: d["frameworks"].update({"eu-ai-act": "v1"})),
        "Unknown framework(s): eu-ai-act",
    ),
    "unknown version": (
        edit(lambda d: d["frameworks"].update({"mini-tier": "v9"})),
        "mini-tier version 'v9' is not the current published version (v1)",
    ),
    "unknown question": (
        edit(lambda d: answer_of(d, "reviews").update(question="nope")),
        "(mini-maturity/nope): There is no such question in this assessment",
    ),
    "wrong option": (
        edit(lambda d: answer_of(d, "negative-list").update(options=["perhaps"])),
        "'perhaps' is not an option of this question (options: yes, unsure, no)",
    ),
    "unknown answer key": (
        edit(lambda d: answer_of(d, "reviews").update(score=3)),
        "Unknown field(s) in answers[3]: score",
    ),
    "answered twice": (
        edit(lambda d: d["answers"].append(dict(answer_of(d, "reviews")))),
        "the question is answered twice",
    ),
    "text for a choice": (
        edit(lambda d: answer_of(d, "reviews").update(text="hello")),
        "A written answer is given for a choice question",
    ),
    "framework not listed": (
        edit(lambda d: d["frameworks"].pop("mini-gate")),
        "(mini-gate/frontier): framework not listed",
    ),
    "empty system name": (edit(lambda d: d["system"].update(name=" ")), "system name is empty"),
    "options not a list": (
        edit(lambda d: answer_of(d, "reviews").update(options="yes")),
        "options of answers[3] must be a list of text",
    ),
    # Passes every check of the file; the answer service refuses it after the assessment
    # was created, and the transaction takes everything back.
    "two options for a single choice": (
        edit(lambda d: answer_of(d, "high-risk").update(options=["yes", "no"])),
        "(mini-tier/high-risk): Choose only one option",
    ),
    "N/A without a reason": (
        edit(lambda d: answer_of(d, "requirements").update(options=["na"], note="")),
        "(mini-maturity/requirements): Say briefly why",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_bad_file_is_refused_naming_the_problem_and_nothing_is_created(
    exported: dict[str, Any], organisation: Organisation, owner: User, case: str
) -> None:
    make_file, message = REFUSED[case]
    counts = (Assessment.objects.count(), AISystem.objects.count(), Answer.objects.count())
    with pytest.raises(AnswersFileRefused) as refused:
        answers_import(organisation=organisation, user=owner, raw=make_file(exported))
    assert message in str(refused.value)
    assert counts == (Assessment.objects.count(), AISystem.objects.count(), Answer.objects.count())


def test_import_command_refuses_with_the_message(
    exported: dict[str, Any], organisation: Organisation, owner: User, tmp_path: Path
) -> None:
    exported["frameworks"]["mini-tier"] = "v9"
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(exported))
    with pytest.raises(CommandError, match="nothing was created: mini-tier version 'v9'"):
        call_command("import_answers", str(file), "--organisation", organisation.slug)
    assert Assessment.objects.count() == 1


def test_import_command_needs_an_author_who_may_edit(
    exported: dict[str, Any], organisation: Organisation, viewer: User, tmp_path: Path
) -> None:
    file = tmp_path / "answers.json"
    file.write_text(json.dumps(exported))
    with pytest.raises(CommandError, match="not an owner or assessor"):
        call_command(
            "import_answers", str(file), "--organisation", organisation.slug, "--user", "vera"
        )


# The download and the upload -------------------------------------------------------------


def test_download_is_the_exported_file(
    client: Client, assessment: Assessment, viewer: User
) -> None:
    client.force_login(viewer)
    response = client.get(reverse("answers_export", args=[assessment.pk]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f'filename="answers-{assessment.pk}-round-1.json"' in response["Content-Disposition"]
    assert response.content.decode() == answers_dump(answers_export(assessment=assessment))


def upload(client: Client, slug: str, content: str) -> Any:
    file = SimpleUploadedFile("answers.json", content.encode(), content_type="application/json")
    return client.post(reverse("answers_import", args=[slug]), {"file": file})


def test_assessors_upload_a_file_into_a_new_draft(
    client: Client, exported: dict[str, Any], organisation: Organisation, assessor: User
) -> None:
    client.force_login(assessor)
    assert client.get(reverse("answers_import", args=[organisation.slug])).status_code == 200
    response = upload(client, organisation.slug, json.dumps(exported))
    created = Assessment.objects.latest("pk")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("assessment_results", args=[created.pk])
    assert created.organisation == organisation
    assert created.answers.count() == len(exported["answers"])


def test_a_refused_upload_says_why_and_creates_nothing(
    client: Client, exported: dict[str, Any], organisation: Organisation, owner: User
) -> None:
    client.force_login(owner)
    answer_of(exported, "negative-list")["options"] = ["perhaps"]
    response = upload(client, organisation.slug, json.dumps(exported))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "&#x27;perhaps&#x27; is not an option" in response.content.decode()
    assert Assessment.objects.count() == 1


def test_viewers_cannot_upload(
    client: Client, exported: dict[str, Any], organisation: Organisation, viewer: User
) -> None:
    client.force_login(viewer)
    response = upload(client, organisation.slug, json.dumps(exported))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Assessment.objects.count() == 1


def test_another_organisation_cannot_upload_here(
    client: Client, exported: dict[str, Any], organisation: Organisation, outsider: User
) -> None:
    client.force_login(outsider)
    assert upload(client, organisation.slug, json.dumps(exported)).status_code == 404
    assert client.get(reverse("answers_import", args=[organisation.slug])).status_code == 404


def test_anonymous_upload_is_sent_to_sign_in(client: Client, organisation: Organisation) -> None:
    response = client.get(reverse("answers_import", args=[organisation.slug]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
