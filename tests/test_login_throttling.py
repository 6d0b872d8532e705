"""Sign-in throttling (django-axes): per username and client address, with a cool-off, and the
client's address read through the proxy the production settings trust."""

from __future__ import annotations

import datetime as dt
import http.client
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from govcheck.throttling import client_address
from tests.factories import PASSWORD
from tests.servers import PASSWORD as FAULT_PASSWORD
from tests.servers import Installation, free_port, installation


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


def _fail_behind(client: Client, user: User, chain: list[str], settings: Any) -> None:
    """Failed sign-ins through appending proxies: the client writes a new forged address each
    time, each proxy appends its peer, REMOTE_ADDR is the last proxy."""
    *forwarded, peer = chain
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        client.post(
            reverse("login"),
            {"username": user.get_username(), "password": "wrong"},
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=", ".join([f"10.9.9.{n}", *forwarded]),
        )


# (the real client, then each proxy in order); the last is REMOTE_ADDR.
CHAINS = {
    1: ["203.0.113.5", "10.0.0.1"],
    2: ["203.0.113.5", "10.0.0.1", "10.0.0.2"],
}


@pytest.mark.parametrize("proxies", [1, 2])
def test_behind_appending_proxies_the_address_they_saw_counts(
    client: Client, owner: User, settings: Any, proxies: int
) -> None:
    settings.PROXY_COUNT = proxies
    chain = CHAINS[proxies]
    _fail_behind(client, owner, chain, settings)
    other = ["198.51.100.7", *chain[1:]]  # another client behind the same proxies

    again = Client().post(
        reverse("login"),
        {"username": owner.get_username(), "password": PASSWORD},
        REMOTE_ADDR=chain[-1],
        HTTP_X_FORWARDED_FOR=", ".join(["10.9.9.99", *chain[:-1]]),
    )
    elsewhere = Client().post(
        reverse("login"),
        {"username": owner.get_username(), "password": PASSWORD},
        REMOTE_ADDR=other[-1],
        HTTP_X_FORWARDED_FOR=", ".join(other[:-1]),
    )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert elsewhere.status_code == HTTPStatus.FOUND


def test_served_directly_without_the_header_each_address_is_its_own(
    client: Client, owner: User, settings: Any
) -> None:
    _lock(client, owner, "203.0.113.5", settings)

    victim = _sign_in(Client(), owner, PASSWORD, "198.51.100.7")

    assert victim.status_code == HTTPStatus.FOUND
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 0, "192.0.2.9"),
        ("10.9.9.1", 0, "192.0.2.9"),  # served directly: the header is the client's own text
        ("203.0.113.5", 1, "203.0.113.5"),
        ("10.9.9.1, 203.0.113.5", 1, "203.0.113.5"),
        ("10.9.9.1,203.0.113.5", 1, "203.0.113.5"),
        ("2001:db8::1", 1, "2001:db8::1"),
        ("[2001:db8::1]:4431", 1, "2001:db8::1"),
        ("203.0.113.5:4431", 1, "203.0.113.5"),
        ("10.9.9.1, 203.0.113.5, 10.0.0.1", 2, "203.0.113.5"),
        ("203.0.113.5, 10.0.0.1", 2, "203.0.113.5"),
        ("", 1, "192.0.2.9"),  # not through the proxy: its peer, never None
        ("10.0.0.1", 2, "192.0.2.9"),  # shorter than the chain: not through the proxies
        ("10.9.9.1, not-an-address", 1, "192.0.2.9"),
        ("unknown", 1, "192.0.2.9"),
    ],
)
def test_the_client_address_for_real_header_shapes(
    rf: RequestFactory, settings: Any, forwarded: str, proxies: int, expected: str
) -> None:
    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected


def test_without_any_peer_address_the_client_address_is_still_a_string(
    rf: RequestFactory,
) -> None:
    request = rf.get("/", REMOTE_ADDR="")

    assert client_address(request) == "0.0.0.0"  # noqa: S104


# Against the production settings served by gunicorn: the address a real server puts in
# REMOTE_ADDR, the header as it arrives over the wire. The loopback network stands in for the
# client and the proxies: every 127.x.y.z address reaches the server from its own address.
CSRF_SECRET = "c" * 32  # any well-formed secret, sent as the cookie and the form field alike


def _wire_sign_in(port: int, password: str, source: str, forwarded: str | None) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=20, source_address=(source, 0)
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={CSRF_SECRET}",
    }
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    body = urlencode(
        {"username": "fault", "password": password, "csrfmiddlewaretoken": CSRF_SECRET}
    )
    try:
        connection.request("POST", "/accounts/login/", body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _production(site: Installation, tmp_path: Path, proxies: int) -> None:
    site.env = site.env | {
        "DJANGO_SETTINGS_MODULE": "govcheck.settings.prod",
        "SECRET_KEY": "a-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PROXY_COUNT": str(proxies),
    }


# (proxies, attacker's peer, attacker's header with {n} rotating, counted address,
#  victim's peer, victim's header): each proxy appends its own peer, so the header the server
#  receives behind two proxies ends with the first proxy's address.
WIRE_CASES = [
    (0, "127.0.0.2", "10.9.9.{n}", "127.0.0.2", "127.0.0.3", None),
    (1, "127.0.0.9", "10.9.9.{n}, 203.0.113.5", "203.0.113.5", "127.0.0.9", "198.51.100.7"),
    (
        2,
        "127.0.0.9",
        "10.9.9.{n}, 203.0.113.5, 10.0.0.1",
        "203.0.113.5",
        "127.0.0.9",
        "198.51.100.7, 10.0.0.1",
    ),
]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_production_under_gunicorn_counts_the_address_the_proxies_saw(tmp_path: Path) -> None:
    with installation(tmp_path) as site:
        _production(site, tmp_path, proxies=0)
        site.manage("collectstatic", "--no-input")
        # hashed again with the production hashers (the tests' fast one is not among them)
        site.manage(
            "seed_demo",
            "--organisation",
            "faults",
            "--username",
            "fault",
            "--password",
            FAULT_PASSWORD,
        )
        for proxies, peer, header, counted, victim_peer, victim_header in WIRE_CASES:
            _production(site, tmp_path, proxies)
            site.manage("axes_reset")
            port = free_port()
            server = site.gunicorn(port, workers=1)
            failures = [_wire_sign_in(port, "wrong", peer, header.format(n=n)) for n in range(5)]
            locked = _wire_sign_in(port, FAULT_PASSWORD, peer, header.format(n=99))
            victim = _wire_sign_in(port, FAULT_PASSWORD, victim_peer, victim_header)
            Installation.kill(server)
            rows = site.query("SELECT ip_address FROM axes_accessattempt")

            # the fifth failure is the one that locks
            assert failures == [HTTPStatus.OK] * 4 + [HTTPStatus.TOO_MANY_REQUESTS], proxies
            assert locked == HTTPStatus.TOO_MANY_REQUESTS, proxies
            assert victim == HTTPStatus.FOUND, proxies
            assert {str(row[0]) for row in rows} == {counted}, proxies  # PostgreSQL: inet
