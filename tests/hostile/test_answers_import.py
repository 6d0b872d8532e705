"""Hostile answers files, uploaded as a person would: every one is refused with a message naming
the problem (never a 500), the same on SQLite and PostgreSQL, and nothing in the database
changes. And the export of an assessment with every field at its limit imports again."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.answers_checks import answers_file_max_bytes
from assessments.answers_io import answers_dump, answers_export
from assessments.limits import (
    MAX_EVIDENCE_LINKS,
    MAX_LINK,
    MAX_NOTE,
    MAX_SYSTEM_DESCRIPTION,
    MAX_SYSTEM_NAME,
    MAX_TEXT,
)
from assessments.models import Assessment, Organisation
from assessments.scoring.types import PLAIN, AnswerValue
from assessments.selectors import bank_for_assessment
from assessments.services.answers import AnswerEdit, answers_record
from tests.factories import answer, make_assessment

Change = Callable[[dict[str, Any]], object]


@pytest.fixture
def exported(mini_bank: None, organisation: Organisation, assessor: User) -> dict[str, Any]:
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "profile", "role", "rnd", "provision")
    answer(assessment, assessor, "mini-maturity", "requirements", "partly", note="Draft.")
    return answers_export(assessment=assessment)


def upload(client: Client, slug: str, content: bytes) -> Any:
    file = SimpleUploadedFile("answers.json", content, content_type="application/json")
    return client.post(reverse("answers_import", args=[slug]), {"file": file})


def edited(change: Change) -> Callable[[dict[str, Any]], bytes]:
    def apply(data: dict[str, Any]) -> bytes:
        change(data)
        return json.dumps(data).encode()  # ASCII: a lone surrogate travels as "\ud800"

    return apply


def note(data: dict[str, Any], value: Any) -> None:
    data["answers"][-1]["note"] = value


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


def version_written_as(data: dict[str, Any], raw: str) -> bytes:
    """The file with its version written as `raw` JSON text (which json.dumps cannot write)."""
    return json.dumps(data | {"version": 0}).replace('"version": 0', f'"version": {raw}').encode()


CASES: dict[str, tuple[Callable[[dict[str, Any]], bytes], str]] = {
    "system name too long": (
        edited(lambda d: d["system"].update(name="n" * (MAX_SYSTEM_NAME + 1))),
        "The system name is 201 characters long; at most 200 are kept.",
    ),
    "description too long": (
        edited(lambda d: d["system"].update(description="d" * (MAX_SYSTEM_DESCRIPTION + 1))),
        "The system description is 5,001 characters long; at most 5,000 are kept.",
    ),
    "null byte in the system name": (
        edited(lambda d: d["system"].update(name="Bot\x00")),
        "The system name contains a null character",
    ),
    "null byte in the description": (
        edited(lambda d: d["system"].update(description="\x00")),
        "The system description contains a null character",
    ),
    "null byte in a note": (edited(lambda d: note(d, "a\x00b")), "note contains a null character"),
    "lone surrogate in the system name": (
        edited(lambda d: d["system"].update(name="Bot \ud800")),
        "invalid character (a lone surrogate",
    ),
    "lone surrogate in a note": (edited(lambda d: note(d, "\udfff")), "invalid character"),
    "lone surrogate in a key": (
        edited(lambda d: d["answers"][-1].update({"\ud800": 1})),
        "invalid character",
    ),
    "lone surrogate in an option": (
        edited(lambda d: d["answers"][-1].update(options=["\ud800"])),
        "invalid character",
    ),
    "note too long": (edited(lambda d: note(d, "n" * (MAX_NOTE + 1))), "at most 10,000"),
    "nesting 100,000 deep": (
        lambda d: b"[" * 100_000 + b"]" * 100_000,
        "nests lists or objects more than 32 deep",
    ),
    "nesting 40 deep inside a note": (edited(lambda d: note(d, nested(40))), "more than 32 deep"),
    "a 5,000-digit integer": (
        lambda d: version_written_as(d, "9" * 5_000),
        "a number too long to read",
    ),
    "not UTF-8": (lambda d: b'{"format": "\xff"}', "not UTF-8 text"),
    "empty": (lambda d: b"", "The submitted file is empty."),
    "only a space": (lambda d: b" ", "not valid JSON"),
    "a list, not an object": (lambda d: b"[]", "The file must be a JSON object."),
    "NaN as the version": (
        lambda d: version_written_as(d, "NaN"),
        "Format version nan is not supported",
    ),
    "a number as the name": (
        edited(lambda d: d["system"].update(name=1e308)),
        "The system name must be text.",
    ),
    "too many links": (
        edited(
            lambda d: d["answers"][-1].update(
                evidence=[f"https://e.org/{n}" for n in range(MAX_EVIDENCE_LINKS + 1)]
            )
        ),
        "21 evidence links are given; at most 20",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hostile_answers_file_is_refused_naming_the_problem(
    case: str,
    client: Client,
    exported: dict[str, Any],
    organisation: Organisation,
    assessor: User,
    unchanged: Callable[[], None],
) -> None:
    make, message = CASES[case]
    content = make(exported)
    client.force_login(assessor)
    unchanged()
    response = upload(client, organisation.slug, content)
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:300]
    assert message in response.content.decode().replace("&#x27;", "'")
    unchanged()


def test_a_file_over_the_largest_possible_export_is_refused_unread(
    client: Client,
    exported: dict[str, Any],
    organisation: Organisation,
    assessor: User,
    unchanged: Callable[[], None],
) -> None:
    limit = answers_file_max_bytes()
    client.force_login(assessor)
    unchanged()
    response = upload(client, organisation.slug, b" " * (limit + 1))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert f"larger than {limit:,} bytes" in response.content.decode()
    unchanged()


def at_the_limits(assessment: Assessment, user: User) -> None:
    """Every question answered with every field at its limit, in the longest JSON characters."""
    longest = "\x01"  # written as "\u0001": six bytes for one character
    prefixes = [f"https://example.org/{n}/" for n in range(MAX_EVIDENCE_LINKS)]
    links = tuple(p + "é" * (MAX_LINK - len(p)) for p in prefixes)
    edits = []
    for q in bank_for_assessment(assessment).questions:
        plain = [o.key for o in q.options if o.meaning == PLAIN]
        value = AnswerValue(
            choices=tuple(plain[:1]),
            text=longest * MAX_TEXT if q.kind == "text" else "",
            note="n" + longest * (MAX_NOTE - 1),
            evidence=links,
        )
        edits.append(AnswerEdit(q.ref, value))
    recorded = answers_record(assessment=assessment, user=user, edits=edits)
    assert recorded.ok, recorded.refused


def test_the_export_of_an_assessment_at_every_limit_imports_again(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User
) -> None:
    assessment = make_assessment(organisation, assessor, name="\U0001d54f" * MAX_SYSTEM_NAME)
    assessment.system.description = "\x01" * MAX_SYSTEM_DESCRIPTION
    assessment.system.full_clean()
    assessment.system.save()
    at_the_limits(assessment, assessor)
    first = answers_dump(answers_export(assessment=assessment))
    client.force_login(assessor)

    response = upload(client, organisation.slug, first.encode())

    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    imported = Assessment.objects.latest("pk")
    assert imported.pk != assessment.pk
    # The organisation already has a system of that name: the copy is marked, within the limit.
    assert imported.system.name.endswith(" (imported)")
    assert len(imported.system.name) == MAX_SYSTEM_NAME
    again = json.loads(answers_dump(answers_export(assessment=imported)))
    original = json.loads(first)
    assert again | {"system": None} == original | {"system": None}
    assert again["system"]["description"] == original["system"]["description"]
