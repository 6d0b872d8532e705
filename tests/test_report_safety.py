"""Nothing a user types can make the report fetch, attach or run anything.

User text is escaped by the template, so markup in answers and notes prints literally; and the
URL fetcher refuses everything but `data:` URLs and the app's own static files, so even markup
that reached WeasyPrint unescaped could fetch nothing. A listener on loopback shows that no
request left the renderer.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from assessments.reports import render_report, report_html
from assessments.reports.fetcher import (
    REPORT_CSS,
    FetchRefused,
    ReportURLFetcher,
    static_file_url,
    static_path,
)
from assessments.reports.render import html_to_pdf
from tests.factories import answer, make_assessment, make_member, make_organisation
from tests.report_pdf import catalog, page_texts, pdf_annotations, squeezed

IMG_FILE = '<img src="file:///etc/passwd">'
ATTACHMENT = '<link rel="attachment" href="file:///etc/passwd">'
LOOPBACK_9 = "http://127.0.0.1:9/x.png"


class Listener:
    """A TCP listener on loopback that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/x.png"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL the renderer asks its fetcher for."""
    urls: list[str] = []
    original = ReportURLFetcher.fetch

    def spy(self: ReportURLFetcher, url: str, headers: Any = None) -> Any:
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(ReportURLFetcher, "fetch", spy)
    return urls


def _has_attachment(pdf: bytes) -> bool:
    names = catalog(pdf).get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        return True
    return any(a.get("/Subtype") == "/FileAttachment" for a in pdf_annotations(pdf))


def test_hostile_answers_print_literally_and_fetch_nothing(
    mini_bank: None, listener: Listener, fetched: list[str]
) -> None:
    organisation = make_organisation("hostile")
    organisation.name = f"Acme {IMG_FILE}"
    organisation.save()
    user = make_member(organisation, "mallory")
    image = f'<img src="{listener.url}">'
    assessment = make_assessment(organisation, user, name=f"Bot {ATTACHMENT}")
    answer(assessment, user, "mini-maturity", "requirements", "no", note=f"{IMG_FILE} {image}")
    answer(assessment, user, "mini-maturity", "notes", text=f"{ATTACHMENT} {image}")
    answer(assessment, user, "mini-maturity", "reviews", "no", note=f'<img src="{LOOPBACK_9}">')

    report = render_report(assessment=assessment)

    assert listener.connections == 0
    assert fetched == [static_file_url(REPORT_CSS)]
    assert not _has_attachment(report.pdf)
    assert b"/EmbeddedFiles" not in report.pdf
    text = squeezed("\n".join(page_texts(report.pdf)))
    for literal in (IMG_FILE, ATTACHMENT, image, f'<img src="{LOOPBACK_9}">'):
        assert squeezed(literal) in text
    assert squeezed(f"Acme {IMG_FILE}") in text
    assert squeezed(f"Bot {ATTACHMENT}") in text


def test_hostile_text_is_escaped_in_the_html(mini_bank: None) -> None:
    organisation = make_organisation("escape")
    user = make_member(organisation, "eve")
    assessment = make_assessment(organisation, user)
    answer(assessment, user, "mini-maturity", "notes", text=f"{ATTACHMENT}<script>x()</script>")
    html = report_html(assessment=assessment)
    assert "<script" not in html
    assert 'rel="attachment"' not in html
    assert "&lt;link rel=&quot;attachment&quot; href=&quot;file:///etc/passwd&quot;&gt;" in html


def test_the_fetcher_refuses_markup_that_reaches_weasyprint_unescaped(listener: Listener) -> None:
    fetcher = ReportURLFetcher()
    html = (
        f'<html lang="en"><head><title>t</title>{ATTACHMENT}</head><body>'
        f'<p>x</p>{IMG_FILE}<img src="{listener.url}"><img src="{LOOPBACK_9}">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        f'<a rel="attachment" href="file://{settings.BASE_DIR}/manage.py">m</a></body></html>'
    )
    pdf, _pages = html_to_pdf(html, fetcher)
    assert listener.connections == 0
    assert not _has_attachment(pdf)
    assert "file:///etc/passwd" in fetcher.refused
    assert listener.url in fetcher.refused
    assert LOOPBACK_9 in fetcher.refused
    assert all(not url.startswith("data:") for url in fetcher.refused)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/report.css",
        "ftp://example.org/x",
        "file://otherhost/etc/passwd",
    ],
)
def test_anything_but_static_files_is_refused(url: str) -> None:
    with pytest.raises(FetchRefused):
        static_path(url)


def test_path_traversal_out_of_the_static_files_is_refused() -> None:
    css = Path(static_path(static_file_url(REPORT_CSS)))
    assert css.name == "report.css"
    escape = css.parent.as_uri() + "/../../govcheck/settings/base.py"
    assert (css.parent / "../../govcheck/settings/base.py").resolve().is_file()
    with pytest.raises(FetchRefused):
        static_path(escape)
    with pytest.raises(FetchRefused):
        static_path(css.parent.as_uri() + "/%2e%2e/%2e%2e/manage.py")
