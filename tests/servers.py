"""Real servers for fault tests: a fresh database, gunicorn and the report worker as
separate processes, so that they can be killed like a crashed machine would kill them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
PASSWORD = "fault-test-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Installation:
    """A database of its own, migrated, with the question bank and a demo login."""

    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def query(self, sql: str) -> list[tuple[object, ...]]:
        """Rows of one SQL statement (no parameters), read straight from the database."""
        if self.database_url.startswith("sqlite"):
            import sqlite3

            with closing(sqlite3.connect(self.database_url.removeprefix("sqlite:///"))) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute(sql.encode()).fetchall()

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(  # a process group of its own, to kill it and its children
            list(command),
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def gunicorn(self, port: int, workers: int = 2) -> subprocess.Popen[bytes]:
        process = self.start(
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "govcheck.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                return process
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the whole process group: no clean shutdown, as in a crash."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def installation(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[Installation]:
    """A fresh database on the engine the tests run on (a SQLite file, or a new PostgreSQL
    database on the same server), removed afterwards."""
    name = f"govcheck_fault_{uuid.uuid4().hex[:8]}"
    if connection.vendor == "postgresql":
        base = os.environ["DATABASE_URL"]
        url = re.sub(r"/[^/]*$", f"/{name}", base)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        url = f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    env = (
        os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "govcheck.settings.test",
            "DATABASE_URL": url,
            "PYTHONPATH": str(ROOT),
        }
        | (env or {})
    )
    site = Installation(url, env)
    site.manage("migrate", "--no-input")
    site.manage("createcachetable")
    site.manage("load_question_bank")
    site.manage(
        "seed_demo", "--organisation", "faults", "--username", "fault", "--password", PASSWORD
    )
    try:
        yield site
    finally:
        for process in site.processes:
            Installation.kill(process)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sign_in(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    response = session.post(
        f"{base}/accounts/login/",
        {
            "username": "fault",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    response.raise_for_status()
    assert "sessionid" in session.cookies, "sign-in failed"
    session.headers.update(
        {
            "X-CSRFToken": str(session.cookies["csrftoken"]),
            "HX-Request": "true",
            "Referer": base + "/",
        }
    )
    return session


def start_assessment(session: requests.Session, base: str, name: str, frameworks: list[str]) -> int:
    """Start an assessment through the web form, as a person would; its id."""
    created = session.post(
        f"{base}/o/faults/assessments/new/",
        {"system_name": name, "frameworks": frameworks},
        headers={"HX-Request": ""},  # a plain form post: answered with a redirect
        allow_redirects=False,
        timeout=10,
    )
    return int(created.headers["Location"].split("/")[2])
