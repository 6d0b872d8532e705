"""Time the plan page and its exports: a full assessment of the four frameworks with an action
on every gap.

Run from the repository root:  .venv/bin/python bench/bench_plan.py [--runs N]

Builds a throwaway SQLite database, loads the shipped question bank, answers every question of
the four frameworks, adds one action per gap (owners, dates and statuses mixed), then requests
the plan page, the CSV and the Excel workbook through the test client after one warm-up each.
Prints the number of actions, the queries of each request, and the best and median wall and CPU
milliseconds. The moves of every action are read from the results the page computes once, so
the time should grow with the actions only by the rows themselves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import throwaway_django  # noqa: F401 - first: sets Django up on a throwaway database
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Action
from assessments.results import results_for_assessment
from assessments.services.actions import ActionFields, action_create
from tests.factories import make_member, make_organisation
from tests.full_assessment import make_full_assessment

STATUSES = [s for s, _ in Action.Status.choices if s != Action.Status.RISK_ACCEPTED]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_question_bank", verbosity=0)
    organisation = make_organisation("bench")
    owner = make_member(organisation, "owner", "owner")
    assessor = make_member(organisation, "assessor", "assessor")
    assessment = make_full_assessment(organisation, owner)
    gaps = results_for_assessment(assessment).gaps
    for i, gap in enumerate(gaps):
        fields = ActionFields(
            title=f"Action {i}: {gap.remediation[:120]}",
            owner=owner if i % 2 else assessor,
            due=dt.date(2026, 1, 1) + dt.timedelta(days=7 * i),
            status=STATUSES[i % len(STATUSES)],
        )
        action_create(
            assessment=assessment,
            user=owner,
            framework=gap.framework,
            question=gap.question,
            fields=fields,
        )
    client = Client()
    client.force_login(owner)
    print(f"{len(gaps)} actions, one per gap of a full assessment of four frameworks")
    for name in ("assessment_plan", "plan_csv", "plan_xlsx"):
        url = reverse(name, args=[assessment.pk])
        client.get(url)  # warm-up
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            walls.append(1000 * (time.perf_counter() - wall))
            cpus.append(1000 * (time.process_time() - cpu))
            assert response.status_code == 200
        wall_median, cpu_median = statistics.median(walls), statistics.median(cpus)
        print(
            f"{name:16} {len(queries):3} queries  wall best {min(walls):6.1f} ms, "
            f"median {wall_median:6.1f} ms  cpu median {cpu_median:6.1f} ms"
        )


if __name__ == "__main__":
    main()
