"""Browser tests: Debian's Chromium through pytest-playwright, against pytest-django's live server.

Every page a test opens is watched: a request to another host, a Content Security Policy
violation or a console error fails the test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
)

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """The live server; defined here so that pytest-playwright's own fallback is not used."""
    return str(live_server.url)


class Watch:
    """What the pages of one browser context did that they must not do."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.foreign: list[str] = []
        self.csp: list[str] = []
        self.errors: list[str] = []

    def request(self, request: Request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(url)

    def console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.csp.append(text)
        elif message.type == "error" and not _expected_error(text, message.location):
            self.errors.append(f"{text} at {message.location.get('url')}")

    def response(self, response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.errors.append(f"{response.status} for {response.url}")

    def assert_clean(self) -> None:
        assert self.foreign == [], f"requests to another host: {self.foreign}"
        assert self.csp == [], f"Content Security Policy violations: {self.csp}"
        assert self.errors == [], f"console errors: {self.errors}"


def _expected_error(text: str, location: Mapping[str, Any]) -> bool:
    """Replies that tests provoke on purpose: refused, conflicting or signed-out saves, a
    refused submission, and a return for changes without its comment."""
    url = str(location.get("url", ""))
    refused = url.endswith(("/submit/", "/return/"))
    return "Failed to load resource" in text and ("/answers/" in url or refused)


@pytest.fixture
def watch(live_server: Any) -> Watch:
    return Watch(live_server.url)


def watched(context: BrowserContext, watch: Watch) -> BrowserContext:
    """Record what the context's pages request and report (see Watch)."""
    context.on("request", watch.request)
    context.on("response", watch.response)
    context.on("console", watch.console)
    context.on("page", lambda page: page.on("pageerror", lambda exc: watch.errors.append(str(exc))))
    return context


@pytest.fixture
def context(context: BrowserContext, watch: Watch) -> Iterator[BrowserContext]:
    yield watched(context, watch)
    watch.assert_clean()


@pytest.fixture
def new_context(browser: Browser, watch: Watch) -> Iterator[Callable[..., BrowserContext]]:
    """Another watched context, with options (no JavaScript, a phone's viewport)."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        made.append(watched(browser.new_context(**options), watch))
        return made[-1]

    yield make
    for context in made:
        context.close()
    watch.assert_clean()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def sign_in(page: Page, base: str, user: User, next_path: str = "") -> None:
    url = f"{base}/accounts/login/" + (f"?next={next_path}" if next_path else "")
    page.goto(url)
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
