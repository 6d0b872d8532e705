"""The PDF gap report: one template, one print stylesheet, WeasyPrint, a deny-by-default fetcher.

`render_report(assessment=...)` returns the PDF, its page count and the manifest it was made
from; `report_html` the final HTML it renders; `render_report_pdf` just the bytes.
"""

from .render import RenderedReport, render_report, render_report_pdf, report_html

__all__ = ["RenderedReport", "render_report", "render_report_pdf", "report_html"]
