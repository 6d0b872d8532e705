"""The only way the report renderer reaches anything outside the HTML: deny by default.

WeasyPrint fetches stylesheets, images and attachments through a URL fetcher. This one serves
`data:` URLs and files that lie inside the app's own static directories (after resolving `..`
and symbolic links), and refuses everything else without opening it: no other file, no network.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

REPORT_CSS = "report/report.css"


class FetchRefused(ValueError):
    """The report asked for something it may not have; nothing was fetched."""


def static_roots() -> tuple[Path, ...]:
    """Every directory the app serves static files from, resolved."""
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        roots += [Path(location) for _prefix, location in _locations(finder)]
    return tuple(dict.fromkeys(r.resolve() for r in roots))


def _locations(finder: Any) -> list[tuple[str, str]]:
    # FileSystemFinder keeps (prefix, path) pairs; AppDirectoriesFinder keeps storages.
    pairs = [(prefix, str(path)) for prefix, path in getattr(finder, "locations", [])]
    for storage in getattr(finder, "storages", {}).values():
        pairs.append(("", str(storage.location)))
    return pairs


def static_file_url(name: str) -> str:
    """The file: URL of one of the app's static files, for the template to link to."""
    found = finders.find(name)
    if not found or isinstance(found, list):
        raise FetchRefused(f"No static file {name!r}.")
    return Path(found).resolve().as_uri()


def static_path(url: str) -> Path:
    """The static file a file: URL names, or FetchRefused when it is anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"Refused to fetch {url[:200]!r}: not one of the app's static files.")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not any(path.is_relative_to(root) for root in static_roots()) or not path.is_file():
        raise FetchRefused(f"Refused to fetch {url[:200]!r}: not one of the app's static files.")
    return path


class ReportURLFetcher(URLFetcher):
    """Serves `data:` URLs and the app's static files; refuses the rest. Records every URL it
    was asked for (`requested`) and every one it refused (`refused`)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        self.requested.append(url)
        if url.startswith("data:"):
            response: URLFetcherResponse = super().fetch(url, headers)
            return response
        try:
            path = static_path(url)
        except FetchRefused:
            self.refused.append(url)
            raise
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})
