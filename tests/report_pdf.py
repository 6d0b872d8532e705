"""Reading rendered report PDFs in tests: text per page, with whitespace made comparable."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf


def pdf_reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(pdf).pages]


def squeezed(text: str) -> str:
    """Text without any whitespace: line breaks fall where the layout puts them."""
    return re.sub(r"\s+", "", text)


def catalog(pdf: bytes) -> Any:
    """The document catalog (/Root) as pypdf reads it."""
    return pdf_reader(pdf).trailer["/Root"]


def info(pdf: bytes) -> dict[str, Any]:
    """The document information dictionary: title, keywords, custom entries."""
    return dict(pdf_reader(pdf).metadata or {})


def top_bookmarks(pdf: bytes) -> list[str]:
    """Titles of the first level of the outline, in order."""
    return list(bookmark_pages(pdf))


def pdf_annotations(pdf: bytes) -> list[Any]:
    """Every annotation of every page."""
    return [a.get_object() for page in pdf_reader(pdf).pages for a in page.get("/Annots", [])]


def bookmark_pages(pdf: bytes) -> dict[str, int]:
    """First-level outline titles and the page numbers (from 1) they open at."""
    reader = pdf_reader(pdf)
    pages = {}
    for item in reader.outline:
        if isinstance(item, list):
            continue
        number = reader.get_destination_page_number(item)
        assert number is not None, f"bookmark {item['/Title']!r} opens no page"
        pages[str(item["/Title"])] = number + 1
    return pages
