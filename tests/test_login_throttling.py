"""Sign-in throttling (django-axes): per username and client address, with a cool-off, and the
client's address read through the proxy the production settings trust."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD


def _sign_in(client: Client, user: User, password: str, address: str) -> Any:
    return client.post(
        reverse("login"),
        {"username": user.get_username(), "password": password},
        REMOTE_ADDR=address,
    )


def _lock(client: Client, user: User, address: str, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, user, "wrong-password", address)


def test_five_failures_pause_sign_in_even_with_the_right_password(
    client: Client, owner: User, settings: Any
) -> None:
    _lock(client, owner, "203.0.113.5", settings)

    response = _sign_in(client, owner, PASSWORD, "203.0.113.5")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pause_is_per_address_and_per_username(
    client: Client, owner: User, assessor: User, settings: Any
) -> None:
    _lock(client, owner, "203.0.113.5", settings)

    elsewhere = _sign_in(Client(), owner, PASSWORD, "198.51.100.7")
    colleague = _sign_in(Client(), assessor, PASSWORD, "203.0.113.5")

    assert elsewhere.status_code == HTTPStatus.FOUND
    assert colleague.status_code == HTTPStatus.FOUND


def test_the_pause_ends_after_the_cool_off(client: Client, owner: User, settings: Any) -> None:
    _lock(client, owner, "203.0.113.5", settings)
    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - dt.timedelta(minutes=1))

    response = _sign_in(client, owner, PASSWORD, "203.0.113.5")

    assert response.status_code == HTTPStatus.FOUND


def test_served_directly_a_forged_forwarded_for_changes_nothing(
    client: Client, owner: User, settings: Any
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": owner.get_username(), "password": "wrong"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    response = _sign_in(client, owner, PASSWORD, "203.0.113.5")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_behind_the_proxy_the_client_address_counts(
    client: Client, owner: User, settings: Any
) -> None:
    # As in production: one proxy in front, which appends the client's address.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": owner.get_username(), "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1",
        )

    other_client = Client().post(
        reverse("login"),
        {"username": owner.get_username(), "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",  # same proxy, another client behind it
        HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1",
    )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    assert other_client.status_code == HTTPStatus.FOUND
