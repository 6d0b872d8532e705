"""Time the full PDF gap report: four frameworks, every question answered.

Run from the repository root:  .venv/bin/python bench/bench_report.py [--runs N] [--out FILE]

Builds a throwaway SQLite database, loads the shipped question bank, answers every question of
the four frameworks (mixed answers, notes, evidence, "Don't know", "Not applicable"), then
renders the report in process after one warm-up render. Prints, for the best and the median
run: total time (results, template, WeasyPrint), pages, ms per page, peak memory (RSS), and the
ratio of the total to WeasyPrint's own render of the same final HTML with the same fetcher and
options. Targets (design.md): 3 s or less, 100 ms per page or less, 250 MB or less, ratio 1.2
or less. CPU time is printed too: on a shared machine wall time also measures the neighbours.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import throwaway_django  # noqa: F401 - first: sets Django up on a throwaway database
import weasyprint
from django.core.management import call_command

from assessments.reports import render_report, report_html
from assessments.reports.fetcher import ReportURLFetcher
from assessments.reports.render import PDF_OPTIONS, base_url
from tests.factories import make_member, make_organisation
from tests.full_assessment import make_full_assessment

TARGET_S = 3.0
TARGET_MS_PER_PAGE = 100.0
TARGET_MB = 250.0
TARGET_RATIO = 1.2


def timed(call: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU seconds of each run, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, help="Also write the PDF here.")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_question_bank", verbosity=0)
    organisation = make_organisation("bench")
    user = make_member(organisation, "bench-assessor")
    assessment = make_full_assessment(organisation, user)
    answered = assessment.answers.count()
    before_mb = peak_rss_mb()

    render_report(assessment=assessment)  # warm-up: fonts, templates, the bank cache
    walls, cpus, report = timed(lambda: render_report(assessment=assessment), args.runs)
    html = report_html(assessment=assessment)

    def weasyprint_alone() -> bytes:
        document = weasyprint.HTML(
            string=html, base_url=base_url(), url_fetcher=ReportURLFetcher()
        ).render(**PDF_OPTIONS)
        return bytes(document.write_pdf(**PDF_OPTIONS))

    alone_walls, alone_cpus, _ = timed(weasyprint_alone, args.runs)
    peak_mb = peak_rss_mb()
    if args.out:
        args.out.write_bytes(report.pdf)

    pages = report.pages
    print(f"Report benchmark: {answered} answers, {pages} pages, {len(report.pdf) // 1024} KiB")
    for label, pick in (("best", min), ("median", statistics.median)):
        total, cpu = pick(walls), pick(cpus)
        ratio_wall = total / pick(alone_walls)
        ratio_cpu = cpu / pick(alone_cpus)
        print(
            f"  {label:6}: total {total:5.2f} s (CPU {cpu:5.2f} s), "
            f"{1000 * total / pages:5.1f} ms/page, ratio to WeasyPrint alone "
            f"{ratio_wall:4.2f} (CPU {ratio_cpu:4.2f})"
        )
    print(f"  peak memory (RSS): {peak_mb:.0f} MB (after setting up the data: {before_mb:.0f} MB)")
    print(
        f"  targets: {TARGET_S:g} s, {TARGET_MS_PER_PAGE:g} ms/page, {TARGET_MB:g} MB, "
        f"ratio {TARGET_RATIO:g}"
    )


if __name__ == "__main__":
    main()
