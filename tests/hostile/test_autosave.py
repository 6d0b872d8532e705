"""Hostile input on the answer path: every malformed autosave or section save is refused with a
message naming the problem (never a 500), the same on SQLite and PostgreSQL, and nothing in the
database changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Organisation
from tests.factories import answer, make_assessment

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
Q = "mini-maturity.requirements"  # single choice, with "Not applicable"


@pytest.fixture
def draft(
    mini_bank: None, organisation: Organisation, assessor: User, client: Client
) -> Assessment:
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-maturity", "requirements", "yes", note="Stored.")
    client.force_login(assessor)
    return assessment


def fields(**given: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"{Q}-choices": "no", f"{Q}-version": "1"}
    for name, value in given.items():
        data[name if name == "unconfirmed" else f"{Q}-{name}"] = value
    return data


DEEP = "[" * 100_000 + "]" * 100_000
CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "null byte in the note": (fields(note="a\x00b"), "note", "null character"),
    "null byte in the reason": (fields(choices="na", reason="\x00"), "reason", "null character"),
    "null byte in the text": (fields(text="\x00"), "text", "null character"),
    "null byte in a link": (fields(evidence="https://e.org/\x00"), "evidence", "null character"),
    "null byte in an option": (fields(choices="ye\x00s"), "choices", "is not an option"),
    "note too long": (fields(note="n" * 10_001), "note", "at most 10,000"),
    "reason too long": (fields(choices="na", reason="r" * 2_001), "reason", "at most 2,000"),
    "text too long": (fields(text="t" * 10_001), "text", "at most 10,000"),
    "too many links": (
        fields(evidence="\n".join(f"https://e.org/{n}" for n in range(21))),
        "evidence",
        "at most 20",
    ),
    "link too long": (fields(evidence="https://e.org/" + "a" * 2_000), "evidence", "at most 2,000"),
    "not a link": (fields(evidence="javascript:alert(1)"), "evidence", "not a web address"),
    "unknown option": (fields(choices="perhaps"), "choices", "'perhaps' is not an option"),
    "two options": (fields(choices=["yes", "no"]), "choices", "Choose only one"),
    "option twice": (fields(choices=["no", "no"]), "choices", "chosen twice"),
    "N/A without a reason": (fields(choices="na"), "reason", "Say briefly why"),
    "version not a number": (fields(version="one"), "version", "not a whole number"),
    "negative version": (fields(version="-1"), "version", "not a whole number"),
    "version too long": (fields(version="9" * 5_000), "version", "not a whole number"),
    "version twice": (fields(version=["1", "2"]), "version", "sent more than once"),
    "note twice": (fields(note=["a", "b"]), "note", "sent more than once"),
    "unconfirmed not JSON": (fields(unconfirmed="[[oops"), "unconfirmed", "not in the page's"),
    "unconfirmed an object": (fields(unconfirmed='{"a": 1}'), "unconfirmed", "not in the page's"),
    "unconfirmed a number": (fields(unconfirmed="5"), "unconfirmed", "not in the page's"),
    "unconfirmed nested": (fields(unconfirmed=DEEP), "unconfirmed", "not in the page's"),
    "unconfirmed huge integer": (
        fields(unconfirmed="[" + "9" * 5_000 + "]"),
        "unconfirmed",
        "not in the page's",
    ),
    "unconfirmed pairs nested": (
        fields(unconfirmed=json.dumps([[[f"{Q}-note", ["nested"]]]])),
        "unconfirmed",
        "not in the page's",
    ),
    "unconfirmed too many": (
        fields(unconfirmed=json.dumps([[]] * 6)),
        "unconfirmed",
        "not in the page's",
    ),
    "unconfirmed twice": (fields(unconfirmed=["[]", "[]"]), "unconfirmed", "sent more than once"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_autosave_is_refused_naming_the_problem(
    case: str, client: Client, draft: Assessment, unchanged: Callable[[], None]
) -> None:
    data, field, message = CASES[case]
    unchanged()
    url = reverse("answer_update", args=[draft.pk, "mini-maturity", "requirements"])
    response = client.post(url, data, **HX)
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content[:300]
    assert response["GovCheck-Error-Field"] == field
    assert message in response.content.decode()
    unchanged()  # the second call compares


STALE = {
    "a stale version": fields(version="0"),
    "a stale version with a lone surrogate sent earlier": fields(
        version="0", unconfirmed=json.dumps([[[f"{Q}-choices", "yes"], [f"{Q}-note", "\ud800"]]])
    ),
    "a stale version with an unknown option sent earlier": fields(
        version="0", unconfirmed=json.dumps([[[f"{Q}-choices", "perhaps"]]])
    ),
}


@pytest.mark.parametrize("case", STALE, ids=list(STALE))
def test_a_stale_autosave_is_a_conflict_showing_both_answers(
    case: str, client: Client, draft: Assessment, unchanged: Callable[[], None]
) -> None:
    unchanged()
    url = reverse("answer_update", args=[draft.pk, "mini-maturity", "requirements"])
    response = client.post(url, STALE[case], **HX)
    assert response.status_code == HTTPStatus.CONFLICT
    assert "changed this answer" in response.content.decode()
    assert response["GovCheck-Answer-Version"] == "1"
    unchanged()


SECTION = {
    "null byte in a note": (fields(note="\x00"), "null character"),
    "note too long": (fields(note="n" * 10_001), "at most 10,000"),
    "unknown option": (fields(choices="perhaps"), "is not an option"),
    "version not a number": (fields(version="x"), "not a whole number"),
    "N/A without a reason": (fields(choices="na"), "Say briefly why"),
}


@pytest.mark.parametrize("case", SECTION, ids=list(SECTION))
def test_a_bad_section_save_is_refused_beside_the_question(
    case: str, client: Client, draft: Assessment, unchanged: Callable[[], None]
) -> None:
    data, message = SECTION[case]
    unchanged()
    url = reverse("section_detail", args=[draft.pk, "mini-maturity", "design"])
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "0 answer(s) saved; 1 could not be saved" in html
    assert message in html
    unchanged()
