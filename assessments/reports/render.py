"""One rendering path: results and answers -> one template -> WeasyPrint -> PDF bytes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from assessments.models import Assessment
from assessments.results import results_for_assessment
from assessments.selectors import answers_for_assessment, bank_for_versions, pinned_versions

from .content import framework_source_keys, manifest_for, report_context
from .fetcher import REPORT_CSS, ReportURLFetcher, static_file_url

TEMPLATE = "report/report.html"
# Tagged PDF/UA-1 (title, language, structure); fonts are subset by default.
PDF_OPTIONS: dict[str, Any] = {
    "pdf_variant": "pdf/ua-1",
    "custom_metadata": True,
    "optimize_images": True,
    "attachments": [],
}


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    pages: int
    manifest: dict[str, Any]


def _prepare(
    assessment: Assessment, generated_at: dt.datetime | None
) -> tuple[str, dict[str, Any]]:
    when = generated_at or timezone.now()
    versions = pinned_versions(assessment)
    bank = bank_for_versions(versions)
    answers = answers_for_assessment(assessment)
    # A draft always shows what its answers give now; a submitted one its stored snapshot.
    results = results_for_assessment(assessment, live=not assessment.is_submitted)
    manifest = manifest_for(
        assessment=assessment,
        bank=bank,
        answers=answers,
        results=results,
        generated_at=when,
    )
    context = report_context(
        assessment=assessment,
        bank=bank,
        answers=answers,
        results=results,
        manifest=manifest,
        framework_sources=framework_source_keys(versions),
    )
    context["css_url"] = static_file_url(REPORT_CSS)
    context["generated_at"] = when
    context["metadata_keywords"] = _keywords(manifest.to_json())
    return render_to_string(TEMPLATE, context), manifest.to_json()


def _keywords(manifest: dict[str, Any]) -> str:
    pairs = [f"{k}={v}" for k, v in manifest["frameworks"].items()]
    pairs += [
        f"scoring-rules={manifest['scoring_rules_version']}",
        f"answers-sha256={manifest['answers_sha256']}",
        f"generated-at={manifest['generated_at']}",
    ]
    return ", ".join(["GovCheck gap report", *pairs])


def base_url() -> str:
    """The base URL the report is rendered against: its own stylesheet's location."""
    return static_file_url(REPORT_CSS)


def report_html(*, assessment: Assessment, generated_at: dt.datetime | None = None) -> str:
    """The final HTML of the report, exactly as WeasyPrint receives it."""
    return _prepare(assessment, generated_at)[0]


def html_to_pdf(html: str, fetcher: ReportURLFetcher | None = None) -> tuple[bytes, int]:
    """The PDF of report HTML and its page count, fetching only through the report fetcher."""
    document = HTML(
        string=html, base_url=base_url(), url_fetcher=fetcher or ReportURLFetcher()
    ).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def render_report(
    *, assessment: Assessment, generated_at: dt.datetime | None = None
) -> RenderedReport:
    """The gap report of an assessment as a tagged PDF, with the manifest it was made from.
    Drafts show live results and say "Draft" on every page; submitted ones their snapshot."""
    html, manifest = _prepare(assessment, generated_at)
    pdf, pages = html_to_pdf(html)
    return RenderedReport(pdf=pdf, pages=pages, manifest=manifest)
