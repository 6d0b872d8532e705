"""Killing the report worker mid-render leaves the job retried or failed with a message, never
stuck: a real supervisor (manage.py run_worker) and its db_worker child, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.servers import Installation, free_port, installation, sign_in, start_assessment

pytestmark = pytest.mark.slow
QUEUE = {"GOVCHECK_TEST_TASKS": "database"}  # tasks wait in the database for a worker


def _wait(what: str, condition: Callable[[], object], seconds: float = 60) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _report(site: Installation) -> tuple[str, int, str]:
    rows = site.query("SELECT status, attempts, error FROM assessments_report")
    assert len(rows) == 1, rows
    status, attempts, error = rows[0]
    return str(status), int(str(attempts)), str(error)


def _running_task(site: Installation) -> bool:
    rows = site.query(
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
    )
    return bool(rows)


def _kill_mid_render(site: Installation, supervisor: int, *, attempt: int) -> None:
    """Kill the worker child once it has claimed the report for this attempt.

    A task is marked running a moment before the render claims its report; a kill in that
    moment interrupts no render, so the attempt would rightly not be counted.
    """
    _wait(
        f"render attempt {attempt} to start",
        lambda: _report(site)[1] == attempt and _running_task(site),
    )
    children = _wait("the worker child", lambda: _children(supervisor))
    assert isinstance(children, list)
    (child,) = children
    os.kill(child, signal.SIGKILL)


def _request_report(site: Installation) -> tuple[str, requests.Session, int]:
    """An app server and an assessment whose report has been asked for."""
    port = free_port()
    site.gunicorn(port, workers=1)
    base = f"http://127.0.0.1:{port}"
    session = sign_in(base)
    assessment = start_assessment(
        session, base, "Kill test", ["tfs-principles", "sg-genai", "model-law", "rsp-asl"]
    )
    waiting = session.post(f"{base}/assessments/{assessment}/report/", timeout=10)
    assert waiting.status_code == 202
    assert "being prepared" in waiting.text
    return base, session, assessment


def _supervisor(site: Installation) -> int:
    process = site.start(sys.executable, "manage.py", "run_worker", "--interval", "0.05")
    return process.pid


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_is_replaced_and_the_report_rendered(tmp_path: Path) -> None:
    with installation(tmp_path, env=QUEUE) as site:
        base, session, assessment = _request_report(site)
        supervisor = _supervisor(site)
        _kill_mid_render(site, supervisor, attempt=1)

        _wait("the report", lambda: _report(site)[0] == "ready")
        assert _report(site)[1] == 2  # the interrupted attempt, then the one that finished
        pdf = session.get(f"{base}/assessments/{assessment}/report.pdf", timeout=10)
        assert pdf.headers["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_dies_twice_fails_with_a_message(tmp_path: Path) -> None:
    with installation(tmp_path, env=QUEUE) as site:
        base, session, assessment = _request_report(site)
        supervisor = _supervisor(site)
        _kill_mid_render(site, supervisor, attempt=1)
        _kill_mid_render(site, supervisor, attempt=2)

        _wait("the report to fail", lambda: _report(site)[0] == "failed")
        page = session.get(f"{base}/assessments/{assessment}/report.pdf", timeout=10)
        assert "stopped before it finished, 2 times" in page.text
        assert "Try again" in page.text
        assert not _running_task(site), "no task is left running"
