"""Hostile organisation files (import_organisation): every one is refused with a message naming
the place and the problem (never a traceback), the same on SQLite and PostgreSQL, and nothing
in the database changes. A valid copy under a new slug imports beside the original."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Action, Organisation
from tests.test_portability import _export, populated  # noqa: F401 (a fixture)

Document = dict[str, Any]


@pytest.fixture
def document(populated: Organisation) -> Document:  # noqa: F811
    exported: Document = _export("acme")
    exported["organisation"]["slug"] = "acme-copy"  # imports beside the original
    return exported


def run(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "organisation.json"
    path.write_bytes(content)
    call_command("import_organisation", str(path), stdout=io.StringIO())


def changed(change: Callable[[Document], object]) -> Callable[[Document], bytes]:
    def apply(document: Document) -> bytes:
        change(document)
        return json.dumps(document).encode()

    return apply


def nested(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def first(name: str) -> Callable[[Document], dict[str, Any]]:
    return lambda d: d[name][0]


def an_action(document: Document, **change: Any) -> None:
    """Give the file one action of the plan: valid, but for `change`."""
    action = {
        "id": 1,
        "assessment": document["assessments"][0]["id"],
        "framework": "mini-gate",
        "question": "red-team",
        "title": "Commission a red team",
        "owner": document["members"][0]["username"],
        "due": "2027-01-31",
        "status": "open",
        "reason": "",
        "accepted_by": None,
        "accepted_at": None,
        "carried_from": None,
        "created_by": None,
        "created_at": "2026-12-01T09:00:00+00:00",
        "updated_at": "2026-12-01T09:00:00+00:00",
        "history": [],
    }
    document["actions"] = [action | change]


CASES: dict[str, tuple[Callable[[Document], bytes], str]] = {
    "an action with an unknown status": (
        changed(lambda d: an_action(d, status="archived")),
        "actions[0].status: Input should be 'open', 'in_progress', 'done' or 'risk_accepted'",
    ),
    "an action given to someone not in the file": (
        changed(lambda d: an_action(d, owner="nobody")),
        "actions[0]: 'nobody' is not in the file",
    ),
    "an action of an assessment not in the file": (
        changed(lambda d: an_action(d, assessment=999)),
        "actions[0].assessment: 999 is not in the file",
    ),
    "an action title too long": (
        changed(lambda d: an_action(d, title="t" * 501)),
        "actions[0].title: String should have at most 500 characters",
    ),
    "a role superadmin": (
        changed(lambda d: first("members")(d).update(role="superadmin")),
        "members[0].role: Input should be 'owner', 'assessor' or 'viewer'",
    ),
    "a slug with spaces": (
        changed(lambda d: d["organisation"].update(slug="acme copy")),
        "organisation.slug: String should match pattern",
    ),
    "results that are not results": (
        changed(lambda d: first("assessments")(d).update(results="garbage")),
        "assessments[0].results: Input should be a valid dictionary",
    ),
    "results of the wrong shape": (
        changed(lambda d: first("assessments")(d).update(results={"frameworks": [1]})),
        "assessments[0].results: Value error, not results this version can read",
    ),
    "a date that is not a date": (
        changed(lambda d: first("systems")(d).update(created_at="2024-13-45")),
        "systems[0].created_at: Input should be a valid datetime",
    ),
    "a date without its offset": (
        changed(lambda d: first("systems")(d).update(created_at="2024-01-01T00:00:00")),
        "offset from UTC",
    ),
    "an expiry that is a number": (
        changed(lambda d: first("invitations")(d).update(expires_at=12)),
        "invitations[0].expires_at: Value error, a date and time written as text",
    ),
    "nesting 100,000 deep": (lambda d: b"[" * 100_000 + b"]" * 100_000, "more than 32 deep"),
    "results nested 40 deep": (
        changed(lambda d: first("assessments")(d).update(results=nested(40))),
        "more than 32 deep",
    ),
    "a 5,000-digit integer": (
        lambda d: json.dumps(d).replace('"round": 1', '"round": ' + "9" * 5_000).encode(),
        "a number too long to read",
    ),
    "not JSON": (lambda d: b"{oops", "not valid JSON"),
    "not UTF-8": (lambda d: b"\xff\xfe", "not UTF-8 text"),
    "a list": (lambda d: b"[]", "Not a govcheck.organisation document."),
    "another version": (changed(lambda d: d.update(version="1")), "version 1 document"),
    "null byte in the organisation name": (
        changed(lambda d: d["organisation"].update(name="Acme\x00")),
        "null character",
    ),
    "null byte inside the results": (
        changed(lambda d: first("assessments")(d)["results"].update(x="\x00")),
        "null character",
    ),
    "lone surrogate in a note": (
        changed(lambda d: first("answers")(d).update(note="\ud800")),
        "invalid character",
    ),
    "system name too long": (
        changed(lambda d: first("systems")(d).update(name="s" * 201)),
        "systems[0].name: String should have at most 200 characters",
    ),
    "an unknown system": (
        changed(lambda d: first("assessments")(d).update(system=99)),
        "assessments[0].system: 99 is not in the file",
    ),
    "a member without an account": (
        changed(lambda d: first("members")(d).update(username="ghost")),
        "members[0].username: 'ghost' is not in the file",
    ),
    "an answer given twice": (
        changed(lambda d: d["answers"].append(copy.deepcopy(d["answers"][0]) | {"id": 999})),
        "appears twice",
    ),
    "an unreadable password hash": (
        changed(lambda d: first("users")(d).update(password="plain-text-password")),
        "users[0].password: Value error, not a password hash",
    ),
    "a username with spaces": (
        changed(lambda d: [u.update(username="a b") for u in d["users"][:1]]),
        "users[0].username: Value error, not a username",
    ),
    "an invitation to something that is not an address": (
        changed(lambda d: first("invitations")(d).update(email="=cmd|x")),
        "invitations[0].email: Value error, not an email address",
    ),
    "round 0": (
        changed(lambda d: first("assessments")(d).update(round=0)),
        "assessments[0].round: Input should be greater than or equal to 1",
    ),
    "an option that is a number": (
        changed(lambda d: first("answers")(d).update(choices=[1])),
        "answers[0].choices[0]: Input should be a valid string",
    ),
    "a status archived": (
        changed(lambda d: first("assessments")(d).update(status="archived")),
        "assessments[0].status: Input should be 'draft' or 'submitted'",
    ),
    "an unknown field": (
        changed(lambda d: first("systems")(d).update(owner="x")),
        "systems[0].owner: Extra inputs are not permitted",
    ),
    "a missing field": (
        changed(lambda d: first("answers")(d).pop("note")),
        "answers[0].note: Field required",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hostile_organisation_file_is_refused_naming_the_place(
    case: str, document: Document, tmp_path: Path, unchanged: Callable[[], None]
) -> None:
    make, message = CASES[case]
    content = make(document)
    unchanged()
    with pytest.raises(CommandError) as refused:
        run(tmp_path, content)
    assert "not imported, nothing changed" in str(refused.value)
    assert message in str(refused.value)
    unchanged()


def test_the_valid_copy_imports_beside_the_original(document: Document, tmp_path: Path) -> None:
    document["invitations"].append(copy.deepcopy(document["invitations"][0]))  # same token too
    an_action(document)

    run(tmp_path, json.dumps(document).encode())

    copied = Organisation.objects.get(slug="acme-copy")
    assert copied.invitations.count() == 2
    assert copied.assessments.count() == 2
    (action,) = Action.objects.filter(assessment__organisation=copied)
    assert (action.title, action.status, str(action.due)) == (
        "Commission a red team",
        "open",
        "2027-01-31",
    )
