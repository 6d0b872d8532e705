"""Load: simultaneous assessors against gunicorn with the production settings, on loopback.

Run from the repository root:

    .venv/bin/python bench/bench_load.py [--db sqlite|postgres|both] [--users 50] [--seconds 60]

For each database: a fresh one (a SQLite file under var/bench/ in WAL mode, or a new database
on the private PostgreSQL server of scripts/postgres.sh), migrated, with the question bank, one
organisation and an assessor account per simulated user, each with an assessment of its own;
then gunicorn (gunicorn.conf.py, govcheck.settings.prod) and the report worker, and locust
headless (bench/locustfile.py) for the time given. Prints requests, failures, autosave p95,
page p95 and report requests. Targets (design.md): 0 failures, autosave p95 under 100 ms,
page p95 under 500 ms. Every process it started is stopped, even on error.

The production settings stay as they are (HTTPS redirect, secure cookies, HSTS): the simulated
users talk to gunicorn as the TLS-terminating proxy in front of it would, with
X-Forwarded-Proto: https and one X-Forwarded-For address each (gunicorn trusts both from
127.0.0.1, its default FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
LOCUST = str(Path(sys.executable).with_name("locust"))
PG_DATABASE = "govcheck_bench_load"
PASSWORD = "load-benchmark-password-1"  # noqa: S105 - throwaway benchmark accounts
FRAMEWORKS = ["tfs-principles", "sg-genai", "model-law", "rsp-asl"]
PAGE_PREFIX = "page: "
SETTLE = 5.0
REPORT_WAIT = 30  # seconds a simulated user polls for a report before giving up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=2, help="sign-ins per second")
    parser.add_argument("--workers", type=int, help="gunicorn processes (gunicorn.conf.py default)")
    parser.add_argument("--no-reports", action="store_true", help="leave reports out")
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    summaries = []
    for engine in engines:
        summaries.append(run(engine, args))
    print()
    for summary in summaries:
        print(summary)


@dataclass
class Site:
    """One installation under load and the processes serving it."""

    engine: str
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Any] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self, name: str, *command: str) -> subprocess.Popen[bytes]:
        log = (VAR / f"load-{self.engine}-{name}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(  # a session of its own: stopped with all its children
            list(command),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self.logs:
            log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(engine: str, args: argparse.Namespace) -> str:
    print(f"== {engine}: {args.users} assessors for {args.seconds} s", flush=True)
    with database(engine) as url:
        site = Site(engine, environment(url))
        try:
            return load(site, args)
        finally:
            site.stop()


def environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "govcheck.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "STATIC_ROOT": str(VAR / "staticfiles"),
    }


def load(site: Site, args: argparse.Namespace) -> str:
    started = time.perf_counter()
    site.manage("migrate", "--no-input", "-v", "0")
    site.manage("createcachetable")
    site.manage("load_question_bank")
    site.manage("collectstatic", "--no-input", "-v", "0")
    accounts = VAR / f"load-{site.engine}-accounts.json"
    site.manage("shell", "-c", accounts_script(args.users, accounts))
    print(f"   prepared in {time.perf_counter() - started:.0f} s", flush=True)
    reports = not args.no_reports
    worker_process = site.start("worker", PYTHON, "manage.py", "run_worker")
    port = free_port()
    gunicorn = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "govcheck.wsgi"]
    gunicorn += ["--bind", f"127.0.0.1:{port}"]
    if args.workers:
        gunicorn += ["--workers", str(args.workers)]
    server = site.start("gunicorn", *gunicorn)
    wait_until_serving(port)
    cpu_before = cpu_seconds(server), cpu_seconds(worker_process)
    results = VAR / f"load-{site.engine}-samples.json"
    results.unlink(missing_ok=True)
    load_before = os.getloadavg()[0]
    locust = subprocess.run(
        [
            LOCUST,
            "-f",
            "bench/locustfile.py",
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            f"{args.seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(VAR / f"load-{site.engine}"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "BENCH_ACCOUNTS": str(accounts),
            "BENCH_PASSTHROUGH_TLS": "1",
            "BENCH_REPORTS": "1" if reports else "0",
            "BENCH_RESULTS": str(results),
            "BENCH_REPORT_WAIT": str(REPORT_WAIT),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if not results.exists():
        raise RuntimeError(f"locust wrote no results:\n{locust.stderr[-3000:]}")
    web, work = (cpu_seconds(server) - cpu_before[0], cpu_seconds(worker_process) - cpu_before[1])
    failures = [line for line in locust.stderr.splitlines() if "Error" in line or "error" in line]
    data = json.loads(results.read_text())
    summary = summarise(site.engine, args, data, reports)
    served = sum(len(t) for t in data["samples"].values())
    extra = (
        f"   CPU: gunicorn {web:.0f} s ({web / max(1, served) * 1000:.0f} ms a request), "
        f"worker {work:.0f} s; load average 1 min {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (2 cores: other work on the machine slows every figure)"
    )
    print(summary, extra, sep="\n", flush=True)
    if failures:
        print("   locust reported:", *failures[:10], sep="\n     ", flush=True)
    return summary


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """CPU time of a process and of all its children, living or ended."""
    import psutil

    try:
        root = psutil.Process(process.pid)
        family = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for member in family:
        with suppress(psutil.NoSuchProcess):
            times = member.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


def accounts_script(users: int, path: Path) -> str:
    """Python for `manage.py shell -c`: the assessors, each with an assessment of their own."""
    return f"""
import json
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from assessments.models import Membership, Organisation, Role
from assessments.services.assessments import assessment_start
hashed = make_password({PASSWORD!r})
organisation, _ = Organisation.objects.get_or_create(slug="load", defaults={{"name": "Load"}})
accounts = []
for n in range({users}):
    user, _ = User.objects.get_or_create(username=f"assessor-{{n}}")
    user.password = hashed
    user.save()
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={{"role": Role.ASSESSOR}}
    )
    assessment = assessment_start(
        organisation=organisation, user=user, system_name=f"System {{n}}",
        framework_keys={FRAMEWORKS!r},
    )
    accounts.append({{"username": user.username, "password": {PASSWORD!r},
                      "assessment": assessment.pk}})
with open({str(path)!r}, "w") as handle:
    json.dump(accounts, handle)
"""


def wait_until_serving(port: int) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(
                f"http://127.0.0.1:{port}/accounts/login/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=10,
            )
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start; see var/bench/load-*-gunicorn.log")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile; nan when there is no sample."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(engine: str, args: argparse.Namespace, data: dict[str, Any], reports: bool) -> str:
    samples: dict[str, list[tuple[float, float]]] = data["samples"]
    failures: dict[str, int] = data["failures"]
    # Sign-ins cost hundreds of ms of CPU each (PBKDF2): a burst of them queues every request
    # behind it. "Settled" figures leave out the burst and the SETTLE seconds after it.
    settled = max((t for t, _ms in samples.get("sign-in", [])), default=0.0) + SETTLE

    def times(prefix: str, after: float = -1.0) -> list[float]:
        return [
            ms for name, pairs in samples.items() if name.startswith(prefix)
            for t, ms in pairs if t > after
        ]  # fmt: skip

    def figures(prefix: str) -> str:
        every, steady = times(prefix), times(prefix, settled)
        return (
            f"{percentile(every, 0.95):.0f} ms (median {percentile(every, 0.5):.0f}, "
            f"max {max(every, default=math.nan):.0f}, n={len(every):,}); "
            f"settled p95 {percentile(steady, 0.95):.0f} ms (n={len(steady):,})"
        )

    total = sum(len(t) for t in samples.values())
    ready, waiting = data["reports"]["ready"], data["reports"]["not_ready"]
    lines = [
        f"{engine}: {args.users} users, {args.seconds} s, spawn rate {args.spawn_rate}/s; "
        f"settled from {settled:.0f} s (last sign-in + {SETTLE:.0f} s)",
        f"   requests {total:,} ({total / args.seconds:.0f}/s), failures {sum(failures.values())}"
        + (f" {failures}" if failures else ""),
        f"   autosave p95 {figures('autosave')}",
        f"   page p95 {figures(PAGE_PREFIX)}",
        f"   sign-in p95 {percentile([ms for _t, ms in samples.get('sign-in', [])], 0.95):.0f} ms",
    ]
    if reports:
        asked = len(samples.get("report.pdf", []))
        lines.append(
            f"   report requests {len(times('report.pdf'))}: {asked} asked, PDF ready for "
            f"{len(ready)} (median wait {percentile(ready, 0.5):.1f} s), {len(waiting)} not "
            f"within {REPORT_WAIT} s, {asked - len(ready) - len(waiting)} still polling at the end"
        )
    else:
        lines.append("   report requests 0 (left out: --no-reports)")
    return "\n".join(lines)


@contextmanager
def database(engine: str) -> Iterator[str]:
    """A fresh database URL; a PostgreSQL server this started is stopped afterwards."""
    if engine == "sqlite":
        path = VAR / "load.sqlite3"
        for leftover in VAR.glob("load.sqlite3*"):
            leftover.unlink()
        yield f"sqlite:///{path}"
        return
    base, started = postgres_server()
    import psycopg

    url = base.rsplit("/", 1)[0] + "/" + PG_DATABASE
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    try:
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        if started:
            stop_postgres()


def postgres_server() -> tuple[str, bool]:
    """The private server of scripts/postgres.sh: its URL and whether this started it."""
    script = 'source scripts/lib.sh; source scripts/postgres.sh; echo "$POSTGRES_URL"'
    url = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    running = pg_accepts(url.rsplit("/", 1)[0] + "/postgres")
    if not running:
        subprocess.run(
            ["bash", "-c", "source scripts/lib.sh; source scripts/postgres.sh; start_postgres"],
            cwd=ROOT,
            check=True,
        )
    return url, not running


def pg_accepts(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def stop_postgres() -> None:
    script = (
        'source scripts/lib.sh; bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"; '
        'owner=postgres; [ "$(id -u)" -eq 0 ] || owner="$(id -un)"; '
        'if [ "$owner" = "$(id -un)" ]; then "$bindir/pg_ctl" -D var/postgres stop -m fast; '
        'else runuser -u "$owner" -- "$bindir/pg_ctl" -D var/postgres stop -m fast; fi'
    )
    subprocess.run(["bash", "-c", script], cwd=ROOT, check=False, capture_output=True)


if __name__ == "__main__":
    main()
