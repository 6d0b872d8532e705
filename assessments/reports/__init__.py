"""The PDF gap report: one template, one print stylesheet, WeasyPrint, a deny-by-default fetcher.

`render_report(assessment=...)` returns the PDF, its page count and the manifest it was made
from; `report_html` the final HTML it renders.
"""

from .render import RenderedReport, render_report, report_html

__all__ = ["RenderedReport", "render_report", "report_html"]
