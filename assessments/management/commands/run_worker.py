"""The report worker: a supervisor that runs django-tasks' db_worker in a child process.

The child renders at most --max-tasks reports and exits, so memory a render leaves behind is
returned to the system; the supervisor starts a fresh one. Each child may use at most
--memory-limit megabytes of address space, and each render at most the time limit (enforced
inside the render). When a child dies mid-render (killed, out of memory), the supervisor
recovers its job at once: queued again, or failed with a message after the second death.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from assessments.services.reports import report_recover

RESTART_PAUSE = 1.0  # seconds between a crashed child and the next, to avoid a tight loop


def child_limits(*, megabytes: int, niceness: int) -> Callable[[], None]:
    """Run in the child before it starts: cap its address space and lower its priority, so
    that on a shared machine renders yield the CPU to people waiting for pages."""

    def apply() -> None:
        if megabytes > 0:
            limit = megabytes * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if niceness:
            os.nice(niceness)

    return apply


class Command(BaseCommand):
    help = "Run the report worker: renders queued reports, recycling itself within limits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=settings.GOVCHECK_WORKER_MAX_TASKS,
            help="Renders per child process before it is replaced (default: %(default)s).",
        )
        parser.add_argument(
            "--memory-limit",
            type=int,
            default=settings.GOVCHECK_WORKER_MEMORY_LIMIT,
            help="Address space per child process, in MB; 0 for none (default: %(default)s).",
        )
        parser.add_argument(
            "--time-limit",
            type=int,
            default=settings.GOVCHECK_REPORT_TIME_LIMIT,
            help="Seconds one render may take (default: %(default)s).",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=19,
            help="How much lower than the app servers renders run (default: %(default)s).",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )
        parser.add_argument(
            "--batch", action="store_true", help="Render what is queued, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        self.child: subprocess.Popen[bytes] | None = None
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        recovered = report_recover()
        if recovered:
            self.stdout.write(f"Recovered {len(recovered)} report(s) left by a stopped worker.")
        generation = 0
        while not self.stopping:
            generation += 1
            worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{generation}"
            code = self.run_child(worker_id, options)
            if code != 0:
                self.stderr.write(f"Worker {worker_id} stopped (exit code {code}).")
                for report in report_recover(dead_worker=worker_id):
                    self.stderr.write(f"  {report}: {report.error or 'queued again'}")
            if self.stopping or options["batch"]:
                break
            if code != 0:
                time.sleep(RESTART_PAUSE)

    def run_child(self, worker_id: str, options: dict[str, Any]) -> int:
        command = [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
            "--max-tasks",
            str(options["max_tasks"]),
            "--interval",
            str(options["interval"]),
            "--verbosity",
            str(options["verbosity"]),
        ]
        if options["batch"]:
            command.append("--batch")
        env = os.environ | {"GOVCHECK_REPORT_TIME_LIMIT": str(options["time_limit"])}
        self.child = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=settings.BASE_DIR,
            env=env,
            preexec_fn=child_limits(megabytes=options["memory_limit"], niceness=options["nice"]),
        )
        code = self.child.wait()
        self.child = None
        return code

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Let the child finish its render, then exit."""
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
