"""Scale: server time and query count of the dashboard and the results page in a large installation.

Run from the repository root:

    .venv/bin/python bench/bench_scale.py [--db sqlite|postgres] [--runs 10] [--explain]

Generates, with bench/scale_data.py, 1,000 organisations of ten assessments each (10,000
assessments, about 1.3 million answers, half submitted), or reuses the database it generated
before for the same generator version and size (a SQLite file under var/bench/, or a database
on the private PostgreSQL server of scripts/postgres.sh). Then, in process, through Django's
test client signed in as a member (force_login), it times the organisation dashboard and the
results page (submitted: the stored snapshot; draft: computed now) for organisations spread
over the whole table, and for a tiny organisation of one assessment to show that the number of
queries does not grow with the data. Each figure is the median and max of --runs warm requests.
Targets (issue 7): constant query counts and under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
GENERATOR = ROOT / "bench" / "scale_data.py"
TARGET_MS = 200.0
STARTED_POSTGRES: list[bool] = []  # stopped again at the end when this started it
LARGE = 250  # assessments of the one large organisation, to show a dashboard page's queries


def generator_version() -> int:
    found = re.search(r"^GENERATOR_VERSION = (\d+)$", GENERATOR.read_text(), re.MULTILINE)
    if not found:
        raise RuntimeError("bench/scale_data.py has no GENERATOR_VERSION")
    return int(found.group(1))


def generate(database_url: str, args: argparse.Namespace) -> None:
    """The installation, then one large organisation beside it."""
    print(f"Generating {args.organisations:,} organisations (this takes minutes)", flush=True)
    started = time.perf_counter()
    run_generator(database_url, args.organisations, args.per_organisation)
    run_generator(database_url, 1, LARGE)
    print(f"Generated in {time.perf_counter() - started:.0f} s", flush=True)


def run_generator(database_url: str, organisations: int, per: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--organisations",
            str(organisations),
            "--per-organisation",
            str(per),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "govcheck.settings.dev",
            "DATABASE_URL": database_url,
        },
        check=True,
    )


def sqlite_database(args: argparse.Namespace, name: str) -> str:
    """The cached SQLite file, generated first when missing."""
    path = VAR / f"{name}.sqlite3"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in VAR.glob(partial.name + "*"):
            leftover.unlink()
        generate(f"sqlite:///{partial}", args)
        with sqlite3.connect(partial) as db:  # fold the WAL in before the file moves
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
    else:
        print(f"Reusing {path.relative_to(ROOT)}", flush=True)
    return f"sqlite:///{path}"


def postgres_database(args: argparse.Namespace, name: str) -> str:
    """The cached database on the private PostgreSQL server, generated first when missing."""
    import psycopg
    from bench_load import postgres_server  # bench/ is on the path of a script run from it

    server, started = postgres_server()
    if started:
        STARTED_POSTGRES.append(True)
    name = name.replace("-", "_")
    base = server.rsplit("/", 1)[0]
    with psycopg.connect(server, autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            partial = f"{name}_partial"
            db.execute(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{partial}"')
            generate(f"{base}/{partial}", args)
            db.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')
        else:
            print(f"Reusing PostgreSQL database {name}", flush=True)
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--per-organisation", type=int, default=10)
    parser.add_argument("--runs", type=int, default=10, help="timed requests per page")
    parser.add_argument("--sample", type=int, default=5, help="organisations measured")
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    args = parser.parse_args()
    name = f"scale-v{generator_version()}-{args.organisations}x{args.per_organisation}"
    make = postgres_database if args.db == "postgres" else sqlite_database
    try:
        os.environ["DATABASE_URL"] = make(args, name)
        os.environ["DJANGO_SETTINGS_MODULE"] = "govcheck.settings.test"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)  # a cached database follows newer migrations
        measure_all(args)
        connections.close_all()
    finally:
        if STARTED_POSTGRES:
            from bench_load import stop_postgres

            stop_postgres()


def measure_all(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from assessments.models import Answer, Assessment, Organisation

    orgs = list(
        Organisation.objects.filter(slug__startswith="scale-")
        .annotate(size=Count("assessments"))
        .order_by("pk")
    )
    large = [o for o in orgs if o.size > args.per_organisation]
    orgs = [o for o in orgs if o.size <= args.per_organisation]
    picked = [orgs[i * (len(orgs) - 1) // max(1, args.sample - 1)] for i in range(args.sample)]
    print(
        f"\n{connection.vendor}: {len(orgs):,} organisations, {Assessment.objects.count():,} "
        f"assessments, {Answer.objects.count():,} answers; median and max of {args.runs} warm "
        "requests, in process\n"
    )
    print(f"{'page':<34}{'size':>16}{'queries':>9}{'sql ms':>8}{'median ms':>11}{'max ms':>9}")
    rows: list[tuple[str, int, float, float]] = []
    tiny = tiny_organisation()
    for organisation in [*picked, *large, tiny]:
        client = client_for(organisation)
        label = organisation.slug.rsplit("-", 1)[-1]
        label = "tiny" if organisation is tiny else "large" if organisation in large else label
        count = Assessment.objects.filter(organisation=organisation).count()
        url = reverse("organisation_dashboard", args=[organisation.slug])
        rows.append(show(f"dashboard, org {label}", f"{count} assessments", client, url, args))
        for status in ("submitted", "draft"):
            assessment = (
                Assessment.objects.filter(organisation=organisation, status=status)
                .order_by("pk")
                .first()
            )
            if assessment is None:
                continue
            answers = Answer.objects.filter(assessment=assessment).count()
            url = reverse("assessment_results", args=[assessment.pk])
            rows.append(
                show(f"results ({status}), org {label}", f"{answers} answers", client, url, args)
            )
    verdict(rows)


def tiny_organisation() -> Any:
    """One organisation with one draft assessment and a handful of answers (made once)."""
    from django.contrib.auth.models import User

    from assessments.models import Membership, Organisation, Question, Role
    from assessments.scoring.types import AnswerValue
    from assessments.services.answers import AnswerEdit, answers_record
    from assessments.services.assessments import assessment_start

    organisation, made = Organisation.objects.get_or_create(
        slug="bench-tiny", defaults={"name": "Bench tiny"}
    )
    if made:
        user = User.objects.create_user("bench-tiny-owner")
        Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
        assessment = assessment_start(
            organisation=organisation,
            user=user,
            system_name="Tiny",
            framework_keys=["tfs-principles", "sg-genai", "model-law", "rsp-asl"],
        )
        questions = (
            Question.objects.filter(version__in=assessment.framework_versions.all(), kind="single")
            .select_related("version__framework")
            .prefetch_related("options")[:5]
        )
        edits = [
            AnswerEdit(
                (question.version.framework.key, question.key),
                AnswerValue((next(o for o in question.options.all() if o.meaning == "plain").key,)),
            )
            for question in questions
        ]
        answers_record(assessment=assessment, user=user, edits=edits)
    return organisation


def client_for(organisation: Any) -> Any:
    from django.test import Client

    from assessments.models import Membership

    client = Client()
    client.force_login(Membership.objects.filter(organisation=organisation).earliest("pk").user)
    return client


def show(
    label: str, size: str, client: Any, url: str, args: argparse.Namespace
) -> tuple[str, int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    get()  # warm: the question bank memo, template loading
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = list(captured.captured_queries)  # the next request clears the log
    count = len(queries)
    sql = sum(float(q["time"]) for q in queries) * 1000
    median, worst = timed(get, args.runs)
    print(f"{label:<34}{size:>16}{count:>9}{sql:>8.1f}{median:>11.1f}{worst:>9.1f}", flush=True)
    if args.explain:
        explain(queries)
    return label, count, median, worst


def timed(call: Callable[[], None], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def explain(queries: list[dict[str, str]]) -> None:
    """The plans of the three slowest queries of a request."""
    from django.db import connection

    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    prefix = connection.ops.explain_query_prefix()
    for query in slowest:
        print(f"    {float(query['time']) * 1000:.1f} ms  {query['sql'][:300]}")
        if query["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(f"{prefix} {query['sql']}")
                for row in cursor.fetchall():
                    print("        ", " ".join(str(c) for c in row))


def verdict(rows: list[tuple[str, int, float, float]]) -> None:
    by_page: dict[str, set[int]] = {}
    for label, count, _median, _worst in rows:
        by_page.setdefault(label.split(", org")[0], set()).add(count)
    print()
    for page, counts in by_page.items():
        state = "constant" if len(counts) == 1 else "NOT constant"
        print(f"{page}: queries {sorted(counts)} ({state})")
    slowest = max(rows, key=lambda r: r[3])
    over = [r[0] for r in rows if r[2] > TARGET_MS]
    print(
        f"slowest: {slowest[0]} at {slowest[3]:.0f} ms max; "
        + (f"over {TARGET_MS:.0f} ms (median): {', '.join(over)}" if over else "all under 200 ms")
    )


if __name__ == "__main__":
    main()
