"""Assessors at work: sign in, page through sections, autosave answers, now and then a report.

    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:PORT

bench/bench_load.py prepares the installation and runs this; run alone, it needs:

- BENCH_ACCOUNTS: a JSON file, a list of {"username", "password", "assessment"}; each simulated
  user takes an account of its own (django-axes throttles per username and address, and an
  assessment of its own means no version conflicts between users);
- BENCH_PASSTHROUGH_TLS=1 when the server runs the production settings on plain HTTP: each
  request then carries X-Forwarded-Proto as the TLS proxy in front of gunicorn would, and the
  secure cookies are sent back over loopback HTTP;
- BENCH_REPORTS=0 to leave reports out (a version without the report_pdf URL);
- BENCH_RESULTS: where to write every sample as JSON when the run ends.

Requests are named by kind ("page: ...", "autosave", "report.pdf ...", "sign-in ...") so that
bench_load.py can group them; 202 on report.pdf (being prepared) counts as success.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from locust import HttpUser, between, events, task
from locust.env import Environment

ACCOUNTS: list[dict[str, Any]] = []
if os.environ.get("BENCH_ACCOUNTS"):
    with open(os.environ["BENCH_ACCOUNTS"], encoding="utf-8") as handle:
        ACCOUNTS = json.load(handle)
NEXT_ACCOUNT = itertools.count()
BEHIND_TLS_PROXY = os.environ.get("BENCH_PASSTHROUGH_TLS") == "1"
REPORTS = os.environ.get("BENCH_REPORTS", "1") == "1"
REPORT_EVERY = int(os.environ.get("BENCH_REPORT_EVERY", "50"))  # one task in N asks for a report
REPORT_WAIT = float(os.environ.get("BENCH_REPORT_WAIT", "30"))  # seconds a user polls, at most
REPORT_POLL = 2.0

SAMPLES: dict[str, list[tuple[float, float]]] = {}  # name: [(seconds since start, ms), ...]
STARTED = time.monotonic()
FAILURES: dict[str, int] = {}
REPORT_OUTCOMES: dict[str, list[float]] = {"ready": [], "not_ready": []}

SECTION_LINK = re.compile(r'href="(/assessments/\d+/sections/[\w-]+/[\w-]+/)"')
QUESTION = re.compile(r'data-question="([\w-]+)/([\w.-]+)"( hidden)?')
OPTION = re.compile(r'type="(radio|checkbox)" name="([^"]+)-choices" id="[^"]*" value="([^"]*)"')
OPTION_MEANING = re.compile(r'value="([^"]*)" data-meaning="plain"')
VERSION = re.compile(r'name="([^"]+)-version" value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Question:
    framework: str
    key: str
    kind: str  # radio or checkbox, "text" for a free-text question
    plain: list[str]
    version: int = 0


@dataclass
class Page:
    url: str
    questions: list[Question] = field(default_factory=list)


def parse_section(url: str, html: str) -> Page:
    """The applicable questions of a section page, with their plain options and versions."""
    page = Page(url)
    versions = {name: int(v) for name, v in VERSION.findall(html)}
    chunks = QUESTION.split(html)
    # split gives [before, fw, key, hidden, body, fw, key, hidden, body, ...]
    for i in range(1, len(chunks) - 3, 4):
        framework, key, hidden, body = chunks[i], chunks[i + 1], chunks[i + 2], chunks[i + 3]
        if hidden:
            continue
        name = f"{framework}.{key}"
        kinds = {kind for kind, n, _value in OPTION.findall(body) if n == name}
        plain = OPTION_MEANING.findall(body)
        if kinds and plain:
            kind = kinds.pop()
        elif f'name="{name}-text"' in body:
            kind = "text"
        else:
            continue
        page.questions.append(Question(framework, key, kind, plain, versions.get(name, 0)))
    return page


class Assessor(HttpUser):
    """One assessor answering their own assessment."""

    wait_time = between(
        float(os.environ.get("BENCH_WAIT_MIN", "1")), float(os.environ.get("BENCH_WAIT_MAX", "3"))
    )

    def on_start(self) -> None:
        n = next(NEXT_ACCOUNT)
        if not ACCOUNTS:
            raise RuntimeError("Set BENCH_ACCOUNTS to the JSON file of benchmark accounts.")
        self.account = ACCOUNTS[n % len(ACCOUNTS)]
        self.assessment = int(self.account["assessment"])
        self.base_headers: dict[str, str] = {}
        if BEHIND_TLS_PROXY:
            # One address per simulated assessor, as the proxy would pass it on.
            self.base_headers = {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}",
            }
        address = str(self.host).split("://")[1]
        self.origin = ("https://" if BEHIND_TLS_PROXY else "http://") + address
        self.sections: list[str] = []
        self.page: Page | None = None
        self.tasks_done = 0
        self.report_at = random.randrange(REPORT_EVERY)  # spread the reports over the run
        self.sign_in()

    def headers(self, referer: str = "/", **extra: str) -> dict[str, str]:
        headers = {**self.base_headers, "Referer": self.origin + referer, **extra}
        if BEHIND_TLS_PROXY and self.client.cookies:
            # The cookies are Secure; requests sends those over HTTPS only, and TLS ends at the
            # (simulated) proxy, so they go back by hand.
            headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        return headers

    def sign_in(self) -> None:
        form = self.client.get("/accounts/login/", headers=self.headers(), name="sign-in form")
        token = CSRF_INPUT.search(form.text)
        with self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers=self.headers("/accounts/login/"),
            name="sign-in",
            catch_response=True,
            allow_redirects=False,  # a redirect would drop the Secure cookies set by hand
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"not signed in (status {response.status_code})")
                return
        detail = self.client.get(
            f"/assessments/{self.assessment}/",
            headers=self.headers(),
            name="page: assessment",
        )
        self.sections = list(dict.fromkeys(SECTION_LINK.findall(detail.text)))

    def tick(self) -> None:
        self.tasks_done += 1
        if REPORTS and self.tasks_done % REPORT_EVERY == self.report_at:
            self.report()

    @task(3)
    def section(self) -> None:
        """Open a section (the next one, mostly; sometimes a jump)."""
        if not self.sections:
            return
        if self.page and random.random() < 0.8 and self.page.url in self.sections:
            url = self.sections[(self.sections.index(self.page.url) + 1) % len(self.sections)]
        else:
            url = random.choice(self.sections)
        response = self.client.get(url, headers=self.headers(), name="page: section")
        if response.status_code == 200:
            self.page = parse_section(url, response.text)
        self.tick()

    @task(1)
    def overview(self) -> None:
        """Look at the assessment's overview or review page."""
        url = random.choice([f"/assessments/{self.assessment}/", "/"])
        name = "page: assessment" if url != "/" else "page: dashboard"
        self.client.get(url, headers=self.headers(), name=name)
        self.tick()

    @task(10)
    def autosave(self) -> None:
        """Answer one question of the open section, as the page's script does."""
        if not self.page or not self.page.questions:
            return self.section()
        question = random.choice(self.page.questions)
        name = f"{question.framework}.{question.key}"
        data: list[tuple[str, str]] = []
        if question.kind == "text":
            data.append((f"{name}-text", f"Answered at {time.time():.0f}."))
        elif question.kind == "checkbox":
            picks = random.sample(question.plain, k=random.randint(1, len(question.plain)))
            data.extend((f"{name}-choices", key) for key in picks)
        else:
            data.append((f"{name}-choices", random.choice(question.plain)))
        data += [
            (f"{name}-note", ""),
            (f"{name}-evidence", ""),
            (f"{name}-version", str(question.version)),
        ]
        url = f"/assessments/{self.assessment}/answers/{question.framework}/{question.key}/"
        csrf = str(self.client.cookies.get("csrftoken", ""))
        with self.client.post(
            url,
            data,
            headers=self.headers(self.page.url, **{"X-CSRFToken": csrf, "HX-Request": "true"}),
            name="autosave",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            version = response.headers.get("GovCheck-Answer-Version")
            if response.status_code == 200 and version:
                question.version = int(version)
            else:
                response.failure(f"autosave answered {response.status_code}")
        self.tick()
        return None

    def report(self) -> None:
        """Ask for the PDF of the current answers (a POST answered by the report or its waiting
        page); while it is being prepared, poll it."""
        url = f"/assessments/{self.assessment}/report.pdf"
        asked = time.monotonic()
        name = "report.pdf"
        while True:
            send = self.client.get if name.endswith("(poll)") else self.client.post
            target = url if send == self.client.get else f"/assessments/{self.assessment}/report/"
            with send(target, headers=self.headers(), name=name, catch_response=True) as response:
                kind = response.headers.get("Content-Type", "")
                if response.status_code == 200 and kind.startswith("application/pdf"):
                    REPORT_OUTCOMES["ready"].append(time.monotonic() - asked)
                    return
                if response.status_code != 202:
                    response.failure(f"report answered {response.status_code} {kind}")
                    return
                response.success()
            if time.monotonic() - asked > REPORT_WAIT:
                REPORT_OUTCOMES["not_ready"].append(time.monotonic() - asked)
                return
            name = "report.pdf (poll)"
            time.sleep(REPORT_POLL)


def _record(
    request_type: str,
    name: str,
    response_time: float,
    exception: BaseException | None = None,
    **_kwargs: Any,
) -> None:
    SAMPLES.setdefault(name, []).append((time.monotonic() - STARTED, response_time))
    if exception is not None:
        FAILURES[name] = FAILURES.get(name, 0) + 1


def _write_results(environment: Environment, **_kwargs: Any) -> None:
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                {"samples": SAMPLES, "failures": FAILURES, "reports": REPORT_OUTCOMES}, handle
            )


events.request.add_listener(_record)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_write_results)  # type: ignore[no-untyped-call]
