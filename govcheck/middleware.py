"""Refuse a request body larger than its URL takes before anything reads it.

Django reads a multipart body into temporary files before any view can refuse it (a 300 MB
anonymous POST to the sign-in page was written to disk in full), so the size the client
announces is checked first: every URL takes at most MAX_REQUEST_BODY_BYTES, and the URLs that
take an upload their own limit (UPLOAD_LIMITS). A body sent without a length is never read by
Django. The reverse proxy should refuse the same sizes (README, "Limits").
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

# URL name -> a function giving the largest body that URL takes.
UPLOAD_LIMITS = {"answers_import": "assessments.answers_checks.answers_upload_max_bytes"}


def _announced_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as Django reads it: an unreadable length means no body


def body_limit(request: HttpRequest) -> int:
    """The largest body the request's URL takes."""
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    upload = UPLOAD_LIMITS.get(name or "")
    limit = int(settings.MAX_REQUEST_BODY_BYTES)
    return max(limit, int(import_string(upload)())) if upload else limit


class RequestBodyLimitMiddleware:
    """413 with a message for a body over its URL's limit, before the body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _announced_length(request)
        if length > settings.MAX_REQUEST_BODY_BYTES:  # only then is the URL looked at
            limit = body_limit(request)
            if length > limit:
                return self.refuse(request, length, limit)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, length: int, limit: int) -> HttpResponse:
        context = {"length": length, "limit": limit}
        fragment = bool(request.headers.get("HX-Request"))
        name = "request_too_large_fragment" if fragment else "request_too_large"
        text = render_to_string(f"errors/{name}.html", context)
        response = HttpResponse(text, status=413)
        response["Connection"] = "close"  # the rest of the body is not read
        return response
