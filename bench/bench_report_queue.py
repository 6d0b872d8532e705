"""Flood the report queue from one organisation and time another organisation's report.

Run from the repository root:  .venv/bin/python bench/bench_report_queue.py [--flood N]

Builds a throwaway SQLite database with the shipped question bank, an organisation that asks
for N reports of fully answered assessments with descriptions at their limit in one burst (as
fast as the requests go), and another organisation that asks for one ordinary report half a
second later. One report worker (django-tasks' db_worker, as run_worker runs it) renders them
from the database queue. Prints, for the queue as shipped (a per-organisation limit and each
organisation's first waiting render before anyone's second) and for a plain first-come queue:
how many of the burst's requests were refused, the time the other organisation waited for its
report, one render of the burst and the other's own render. Target: the other organisation
waits at most one render of the burst plus its own render.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

os.environ["GOVCHECK_TEST_TASKS"] = "database"  # a real queue, before the settings are read
import throwaway_django
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from assessments.limits import MAX_SYSTEM_DESCRIPTION
from assessments.models import AISystem, Assessment, Report
from assessments.services import reports as service
from tests.factories import make_member, make_organisation
from tests.full_assessment import make_full_assessment

POLL = 0.05


@contextmanager
def worker() -> Iterator[None]:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "govcheck.settings.test"}
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    process = subprocess.Popen(
        [*command, "--interval", "0.05", "--verbosity", "0"], cwd=throwaway_django.ROOT, env=env
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=120)


def seconds(report: Report) -> float:
    assert report.started_at
    assert report.finished_at
    return (report.finished_at - report.started_at).total_seconds()


def wait_for(report: Report, limit: float = 900.0) -> float:
    """Seconds from now until the report is no longer pending."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        report.refresh_from_db()
        if report.status != Report.Status.PENDING:
            return time.perf_counter() - start
        time.sleep(POLL)
    raise RuntimeError(f"{report} did not finish")


def scenario(
    burst: list[Assessment], ordinary: Assessment, warm_up: Assessment, *, fair: bool
) -> dict[str, Any]:
    Report.objects.all().delete()
    DBTaskResult.objects.all().delete()
    settings.GOVCHECK_REPORTS_PER_ORGANISATION = 5 if fair else 10_000
    original = service.report_priority
    if not fair:
        service.report_priority = lambda report: 0
    refused = 0
    try:
        with worker():
            # A worker that is already running and has rendered before, as in production.
            wait_for(service.report_request(assessment=warm_up, user=AnonymousUser()))
            for assessment in burst:
                try:
                    service.report_request(assessment=assessment, user=AnonymousUser())
                except service.ReportQueueFull:
                    refused += 1
            time.sleep(0.5)
            report = service.report_request(assessment=ordinary, user=AnonymousUser())
            waited = wait_for(report)
            for queued in Report.objects.exclude(pk=report.pk):
                wait_for(queued)
    finally:
        service.report_priority = original
    mine = Report.objects.filter(assessment__organisation=burst[0].organisation)
    report.refresh_from_db()
    assert report.started_at
    running = [r for r in mine if r.started_at and r.started_at < report.requested_at]
    return {
        "refused": refused,
        "waited": waited,
        "burst_render": statistics.median(seconds(r) for r in mine),
        # the render of the burst that was running when the other organisation asked
        "running_render": sum(seconds(r) for r in running[-1:]),
        "burst_pages": mine.values_list("pages", flat=True).first(),
        "own_render": seconds(report),
        "pages": report.pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=8, help="Reports in the burst.")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_question_bank", verbosity=0)
    flooding = make_organisation("flooding")
    flooder = make_member(flooding, "flooder")
    burst = [
        make_full_assessment(flooding, flooder, seed=n, name=f"S{n}") for n in range(args.flood)
    ]
    AISystem.objects.filter(organisation=flooding).update(description="d" * MAX_SYSTEM_DESCRIPTION)
    waiting = make_organisation("waiting")
    ordinary = make_full_assessment(waiting, make_member(waiting, "waiter"), seed=99)
    warming = make_organisation("warming")
    warm_up = make_full_assessment(warming, make_member(warming, "warmer"), seed=42)
    print(f"Report queue benchmark: a burst of {args.flood} reports from one organisation, then")
    print("one ordinary report from another, one worker.")
    for fair in (True, False):
        found = scenario(burst, ordinary, warm_up, fair=fair)
        target = found["running_render"] + found["own_render"]
        label = "fair queue (as shipped)" if fair else "first come, first served"
        print(f"  {label}:")
        print(
            f"    burst: {args.flood - found['refused']} queued, {found['refused']} refused; "
            f"one render {found['burst_render']:.2f} s (median; {found['burst_pages']} pages), "
            f"the one running when the other asked {found['running_render']:.2f} s"
        )
        print(
            f"    the other organisation waited {found['waited']:.2f} s for its report "
            f"(its own render {found['own_render']:.2f} s, {found['pages']} pages); "
            f"target (that render and its own) {target:.2f} s: "
            f"{'met' if found['waited'] <= target else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
