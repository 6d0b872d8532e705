"""Hostile text in every web form, and request bodies over their URL's limit: each is refused
with a message saying what to fix (never a 500), the same on SQLite and PostgreSQL, and nothing
in the database changes."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.answers_io import answers_export
from assessments.models import Assessment, Invitation, Membership, Organisation
from tests.factories import make_assessment
from tests.servers import free_port, installation

LONG_EMAIL = "a" * 245 + "@example.org"  # 257 characters


def new_assessment(**given: Any) -> dict[str, Any]:
    return {"system_name": "Bot", "frameworks": ["mini-maturity"]} | given


# (url name, needs the organisation's slug, who posts, the data, what the page says)
FORM_CASES: dict[str, tuple[str, str, dict[str, Any], str]] = {
    "system name too long": (
        "assessment_new",
        "assessor",
        new_assessment(system_name="n" * 201),
        "at most 200 characters (it has 201)",
    ),
    "description too long": (
        "assessment_new",
        "assessor",
        new_assessment(system_description="d" * 5_001),
        "at most 5000 characters (it has 5001)",
    ),
    "null byte in the system name": (
        "assessment_new",
        "assessor",
        new_assessment(system_name="Bot\x00"),
        "Null characters are not allowed.",
    ),
    "null byte in the description": (
        "assessment_new",
        "assessor",
        new_assessment(system_description="\x00"),
        "Null characters are not allowed.",
    ),
    "unknown framework": (
        "assessment_new",
        "assessor",
        new_assessment(frameworks=["eu-ai-act"]),
        "Select a valid choice. eu-ai-act is not one of the available choices.",
    ),
    "invitation email too long": (
        "member_list",
        "owner",
        {"email": LONG_EMAIL, "role": "viewer"},
        "at most 254 characters (it has 257)",
    ),
    "invitation email not an address": (
        "member_list",
        "owner",
        {"email": "=HYPERLINK(1)", "role": "viewer"},
        "Enter a valid email address.",
    ),
    "null byte in the invitation email": (
        "member_list",
        "owner",
        {"email": "a\x00@example.org", "role": "viewer"},
        "Null characters are not allowed.",
    ),
    "invitation role superadmin": (
        "member_list",
        "owner",
        {"email": "new@example.org", "role": "superadmin"},
        "Select a valid choice. superadmin is not one of the available choices.",
    ),
}


@pytest.mark.parametrize("case", FORM_CASES, ids=list(FORM_CASES))
def test_hostile_text_in_a_form_is_refused_beside_the_field(
    case: str,
    client: Client,
    mini_bank: None,
    organisation: Organisation,
    owner: User,
    assessor: User,
    unchanged: Callable[[], None],
) -> None:
    name, who, data, message = FORM_CASES[case]
    client.force_login(owner if who == "owner" else assessor)
    unchanged()
    response = client.post(reverse(name, args=[organisation.slug]), data)
    assert response.status_code == HTTPStatus.OK, response.content[:300]
    assert message in response.content.decode().replace("&#x27;", "'")
    unchanged()


def test_a_role_that_does_not_exist_is_refused_with_a_message(
    client: Client, organisation: Organisation, owner: User, assessor: User, unchanged: Any
) -> None:
    member = Membership.objects.get(user=assessor)
    client.force_login(owner)
    unchanged()
    response = client.post(
        reverse("member_role", args=[organisation.slug, member.pk]),
        {"role": "superadmin"},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "'superadmin' is not a role." in response.content.decode().replace("&#x27;", "'")
    unchanged()


ACCOUNT_CASES: dict[str, tuple[str, dict[str, str], str]] = {
    "null byte in the username": (
        "login",
        {"username": "owner\x00", "password": "x"},
        "Null characters are not allowed.",
    ),
    "username too long": (
        "login",
        {"username": "u" * 5_000, "password": "x"},
        "Please enter a correct username and password.",
    ),
    "null byte in the reset address": (
        "password_reset",
        {"email": "owner\x00@example.org"},
        "Null characters are not allowed.",
    ),
    "reset address too long": ("password_reset", {"email": LONG_EMAIL}, "at most 254 characters"),
}


@pytest.mark.parametrize("case", ACCOUNT_CASES, ids=list(ACCOUNT_CASES))
def test_hostile_text_at_sign_in_and_reset_is_refused(
    case: str, client: Client, owner: User, unchanged: Callable[[], None]
) -> None:
    name, data, message = ACCOUNT_CASES[case]
    unchanged()
    response = client.post(reverse(name), data)
    assert response.status_code == HTTPStatus.OK, response.content[:300]
    assert message in response.content.decode()
    unchanged()


INVITED_CASES: dict[str, tuple[dict[str, str], str]] = {
    "username too long": ({"username": "u" * 151}, "at most 150 characters (it has 151)"),
    "null byte in the username": ({"username": "new\x00"}, "Null characters are not allowed."),
    "username with spaces": ({"username": "a b"}, "Enter a valid username."),
}


@pytest.mark.parametrize("case", INVITED_CASES, ids=list(INVITED_CASES))
def test_hostile_text_when_accepting_an_invitation_is_refused(
    case: str, client: Client, organisation: Organisation, owner: User, unchanged: Any
) -> None:
    from assessments.services.organisations import invitation_create

    invitation = invitation_create(
        organisation=organisation, email="new@example.org", role="viewer", invited_by=owner
    )
    given, message = INVITED_CASES[case]
    data = {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"} | given
    unchanged()
    response = client.post(reverse("invitation_accept", args=[invitation.token]), data)
    assert response.status_code == HTTPStatus.OK, response.content[:300]
    assert message in response.content.decode()
    assert Invitation.objects.get().accepted_at is None
    unchanged()


# Request bodies --------------------------------------------------------------------------

BIG = str(300 * 1024 * 1024)


def test_an_oversized_sign_in_is_refused_before_its_body_is_read(
    client: Client, db: None, unchanged: Callable[[], None]
) -> None:
    unchanged()
    # Announces 300 MB and sends a few bytes: the body is never read, or the test would hang.
    response = client.post(reverse("login"), {"username": "x"}, CONTENT_LENGTH=BIG)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "this address takes at most 5.0" in response.content.decode()
    unchanged()


def test_an_oversized_autosave_gets_a_fragment_naming_the_limit(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, unchanged: Any
) -> None:
    assessment = make_assessment(organisation, assessor)
    client.force_login(assessor)
    url = reverse("answer_update", args=[assessment.pk, "mini-maturity", "requirements"])
    unchanged()
    response = client.post(url, {"x": "y"}, CONTENT_LENGTH=BIG, HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.content.decode().startswith('<span class="text-danger">Not saved: 300.0')
    unchanged()


def test_the_answers_upload_takes_more_than_other_addresses(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, settings: Any
) -> None:
    settings.MAX_REQUEST_BODY_BYTES = 1_000
    file = json.dumps(answers_export(assessment=make_assessment(organisation, assessor)))
    client.force_login(assessor)
    url = reverse("answer_update", args=[Assessment.objects.get().pk, "mini-maturity", "reviews"])

    autosave = client.post(url, {"mini-maturity.reviews-note": "n" * 2_000}, HTTP_HX_REQUEST="1")
    upload = client.post(
        reverse("answers_import", args=[organisation.slug]),
        {"file": SimpleUploadedFile("a.json", (file + " " * 2_000).encode())},
    )

    assert autosave.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert upload.status_code == HTTPStatus.FOUND
    assert Assessment.objects.count() == 2


def test_an_answers_file_larger_than_any_other_body_imports(
    client: Client, mini_bank: None, organisation: Organisation, assessor: User, settings: Any
) -> None:
    from assessments.answers_checks import answers_file_max_bytes

    size = settings.MAX_REQUEST_BODY_BYTES + 100_000
    assert answers_file_max_bytes() > size  # the bank's largest export is larger still
    file = json.dumps(answers_export(assessment=make_assessment(organisation, assessor)))
    client.force_login(assessor)

    upload = client.post(
        reverse("answers_import", args=[organisation.slug]),
        {"file": SimpleUploadedFile("a.json", (file + " " * (size - len(file))).encode())},
    )

    assert upload.status_code == HTTPStatus.FOUND
    assert Assessment.objects.count() == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_served_by_gunicorn_an_oversized_body_is_refused_before_it_is_sent(
    tmp_path: Path,
) -> None:
    """As the probe did: an anonymous multipart POST announcing 300 MB to the sign-in page. The
    answer comes after the headers and the first kilobyte: the server never waits for the rest
    (before the limit, Django read the body into a temporary file before refusing it)."""
    with installation(tmp_path) as site:
        port = free_port()
        site.gunicorn(port, workers=1)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.putrequest("POST", "/accounts/login/")
        connection.putheader("Content-Type", "multipart/form-data; boundary=x")
        connection.putheader("Content-Length", BIG)
        connection.endheaders(b"--x\r\n" + b"a" * 1024)
        started = time.monotonic()
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()

    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "this address takes at most 5.0" in body
    assert time.monotonic() - started < 5
