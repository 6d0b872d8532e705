"""Small helpers the views share: sign-in for htmx requests, the current organisation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from assessments.models import Organisation

SESSION_ORGANISATION = "organisation"

View = Callable[..., HttpResponse]


def login_required_htmx(view: View) -> View:
    """Like login_required, but an htmx request gets 401 instead of the sign-in page, so the
    page keeps what was typed and asks the person to sign in again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(
                "Your session has ended. Sign in again to save.", status=HTTPStatus.UNAUTHORIZED
            )
        return redirect_to_login(request.get_full_path())

    return wrapper


def remember_organisation(request: HttpRequest, organisation: Organisation) -> None:
    """Make this the organisation '/' opens; written only when it changes."""
    if request.session.get(SESSION_ORGANISATION) != organisation.slug:
        request.session[SESSION_ORGANISATION] = organisation.slug
