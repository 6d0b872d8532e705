"""Project-level error views."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger("govcheck")

RETRY_AFTER_SECONDS = 2


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the database is locked or cannot be reached.

    Every write is one transaction, so such a request changed nothing; the browser keeps the
    unsaved answer and retries, and full pages refresh themselves.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        logger.warning(
            "database unavailable for %s %s: %s", request.method, request.path, exception
        )
        fragment = bool(request.headers.get("HX-Request"))
        name = "database_unavailable_fragment" if fragment else "database_unavailable"
        response = HttpResponse(render_to_string(f"errors/{name}.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(render_to_string("errors/500.html"))
