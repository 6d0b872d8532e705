"""A locked or unreachable database gives a clear, retryable error and changes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client

from assessments.models import Organisation


@pytest.fixture
def unreachable_database(transactional_db: None) -> Iterator[None]:
    """SQLite: another connection holds a write lock on the users table. PostgreSQL: the
    connection points at a port where no server listens. Restored afterwards."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        other = sqlite3.connect(settings["NAME"], uri=True, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE auth_user SET is_active = is_active WHERE 0")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    saved = {key: settings[key] for key in ("HOST", "PORT")}
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", "9"
    try:
        yield
    finally:
        connection.close()
        settings.update(saved)


def test_page_request_gets_503_with_retry_after(unreachable_database: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "someone", "password": "secret"})

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "2"
    assert b"database is busy or cannot be reached, so nothing was saved" in response.content


def test_htmx_request_gets_a_short_retry_fragment(unreachable_database: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert b"Not saved" in response.content
    assert b"Retrying" in response.content


@pytest.mark.django_db
def test_other_errors_are_a_plain_500(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(views.LoginView, "get", broken)
    response = Client(raise_request_exception=False).get("/accounts/login/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Something went wrong" in response.content
    assert Organisation.objects.count() == 0
