"""Who a sign-in or password-reset request counts as: the client's address as the proxies this
installation trusts report it, and the username as typed, in a form every database stores.

Served directly (``PROXY_COUNT = 0``) the client is the peer: ``REMOTE_ADDR``. Behind
``PROXY_COUNT`` reverse proxies that each append the address they received from to
``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``), the last proxy's peer is
``REMOTE_ADDR`` and the client's address is the one the first trusted proxy appended: the
``PROXY_COUNT``-th entry from the right. Everything to its left was written by the client and
is never read. When the header is shorter than the chain, or that entry is not an address, the
request did not come through the proxies as configured and the peer's address counts.

Never ``None``: one shared bucket for every request without a header would let anyone lock
any account.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder stored for a request without any peer address


def _address(text: str) -> str | None:
    """The normalised address in ``text`` (IPv4, IPv6, ``[v6]`` or ``v4:port``), or None."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def forwarded_client(forwarded_for: str, proxy_count: int) -> str | None:
    """The entry of ``X-Forwarded-For`` the first of ``proxy_count`` appending proxies wrote."""
    if proxy_count < 1:
        return None
    entries = [e for e in forwarded_for.split(",") if e.strip()]
    if len(entries) < proxy_count:
        return None
    return _address(entries[-proxy_count])


def client_address(request: HttpRequest) -> str:
    """The client's address for throttling: through the trusted proxies, never None."""
    proxy_count = int(getattr(settings, "PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = forwarded_client(forwarded, proxy_count) if forwarded else None
    return client or _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN


MAX_USERNAME = 150  # Django's User.username


def throttled_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The username a sign-in attempt is counted under: as typed, cut to the longest username
    there can be and without null characters, so that any text typed is a row both SQLite and
    PostgreSQL store (a 5,000-character username gave a 500 on PostgreSQL)."""
    given = (credentials or {}).get("username")
    if given is None:
        given = request.POST.get("username", "")
    return str(given)[:MAX_USERNAME].replace("\x00", "\ufffd")
