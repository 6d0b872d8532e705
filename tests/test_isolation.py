"""Tenant isolation, generated from the URLconf: every URL that takes an object id or an
organisation slug is requested as another organisation's user (404), as a viewer writing
(refused) and anonymously (sent to sign in). A new URL is covered the day it is added; one
with a parameter this file cannot fill fails until a value is given below."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Action, Assessment, Invitation, Membership, Organisation, Role
from tests.factories import answer, make_assessment

# Django's own password-reset link is authenticated by its token, not by an organisation.
NOT_TENANT_SCOPED = {"password_reset_confirm"}
# An invitation is opened by people who are not members yet: its secret token is the key.
OPENED_BY_TOKEN = {"invitation_accept"}
# Reads that use POST only to start work on the server (no change to answers or members).
READS_BY_POST: set[str] = {"report_retry", "report_prepare"}


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                yield from _routes(pattern, route)
        elif pattern.pattern.converters and pattern.name not in NOT_TENANT_SCOPED:
            yield route, pattern


ROUTES = sorted({p.name: route for route, p in _routes(get_resolver()) if p.name}.items())


@pytest.fixture
def world(
    mini_bank: None, organisation: Organisation, assessor: User, owner: User
) -> dict[str, object]:
    assessment = make_assessment(organisation, assessor)
    answer(assessment, assessor, "mini-tier", "supervision", "no")
    invitation = Invitation.objects.create(
        organisation=organisation,
        email="guest@example.org",
        role=Role.VIEWER,
        token="secret-token-" + "x" * 30,
        invited_by=owner,
        expires_at="2099-01-01T00:00:00Z",
    )
    membership = Membership.objects.get(user=assessor, organisation=organisation)
    action = Action.objects.create(
        assessment=assessment, framework="mini-tier", question="supervision", title="Supervise"
    )
    return {
        "pk": assessment.pk,
        "slug": organisation.slug,
        "framework": "mini-tier",
        "section": "duties",
        "key": "supervision",
        "token": invitation.token,
        "membership": membership.pk,
        "action": action.pk,
        "assessment": assessment,
    }


def _url(name: str, world: dict[str, object]) -> str:
    route = dict(ROUTES)[name]
    pattern = next(p for r, p in _routes(get_resolver()) if p.name == name)
    kwargs = {}
    for parameter in pattern.pattern.converters:
        value = (
            world["membership"]
            if name.startswith("member_") and parameter == "pk"
            else world.get(parameter)
        )
        assert value is not None, (
            f"{name} ({route}): give tests/test_isolation.py a value for '{parameter}'"
        )
        kwargs[parameter] = value
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", [n for n, _ in ROUTES if n not in OPENED_BY_TOKEN])
def test_another_organisation_gets_404(
    name: str, client: Client, world: dict[str, object], outsider: User
) -> None:
    client.force_login(outsider)
    url = _url(name, world)
    responses = [
        client.get(url),
        client.post(url, {}),
        client.post(url, {}, HTTP_HX_REQUEST="true"),
    ]
    codes = [r.status_code for r in responses]
    # A method the view never accepts is 405 for any id, so it reveals nothing; every method it
    # accepts must answer 404.
    assert set(codes) <= {HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED}, (url, codes)
    assert HTTPStatus.NOT_FOUND in codes, (url, codes)


@pytest.mark.parametrize("name", [n for n, route in ROUTES if "<int:pk>" in route])
def test_a_member_asking_for_an_id_that_does_not_exist_gets_404(
    name: str, client: Client, world: dict[str, object], owner: User
) -> None:
    client.force_login(owner)
    url = _url(name, world | {"pk": 10**9, "membership": 10**9, "action": 10**9})
    codes = {client.get(url).status_code, client.post(url, {}).status_code}
    assert codes <= {HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED}, (url, codes)
    assert HTTPStatus.NOT_FOUND in codes, (url, codes)


@pytest.mark.parametrize("name", [n for n, _ in ROUTES if n not in OPENED_BY_TOKEN | READS_BY_POST])
def test_a_viewer_cannot_write(
    name: str, client: Client, world: dict[str, object], viewer: User
) -> None:
    client.force_login(viewer)
    assessment = world["assessment"]
    assert isinstance(assessment, Assessment)
    revision = Assessment.objects.get(pk=assessment.pk).revision
    members = Membership.objects.count()

    response = client.post(
        _url(name, world), {"mini-tier.supervision-choices": "yes", "role": "owner"}
    )

    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED), (
        response.status_code
    )
    assert Assessment.objects.get(pk=assessment.pk).revision == revision
    assert Membership.objects.count() == members


@pytest.mark.parametrize("name", [n for n, _ in ROUTES if n not in OPENED_BY_TOKEN])
def test_anonymous_is_sent_to_sign_in(name: str, client: Client, world: dict[str, object]) -> None:
    url = _url(name, world)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == HTTPStatus.FOUND, (url, response.status_code)
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_generated_list_covers_the_assessment_urls() -> None:
    names = {name for name, _ in ROUTES}
    assert {"assessment_detail", "answer_update", "assessment_results", "member_role"} <= names
