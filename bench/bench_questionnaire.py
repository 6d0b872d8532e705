"""Server time and query count of a 200-question section: the page, one autosave, the whole
section saved in one POST (the page without JavaScript), and the same POST again unchanged.

Run from the repository root:  .venv/bin/python bench/bench_questionnaire.py [--runs N]

Builds a throwaway SQLite database with a generated 200-question section, half answered with a
note, then times requests through Django's test client in process (no network). No rendered
HTML is kept between requests, so every page renders from empty; "bank not yet read" also
clears the only process-wide cache there is (the plain form of published question banks)
before each request; "new process" is the first request of a fresh Python process, imports and
template compilation included. Targets (design.md): page 25 ms or less from empty; the section
POST of 200 answers 120 ms or less in 25 queries or fewer; the unchanged resubmit 60 ms or
less; autosave 20 ms or less; query counts constant (tests pin them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import throwaway_django  # noqa: F401 - first: sets Django up on a throwaway database
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Answer
from assessments.selectors import _BANK_CACHE
from tests.banks import GEN, make_generated_bank
from tests.factories import answer, make_assessment, make_member, make_organisation

QUESTIONS = 200
FIRST_REQUEST = """
import os, sys, time, json
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.test import Client
from django.contrib.auth.models import User
client = Client()
client.force_login(User.objects.get(username="bench-assessor"))
start = time.perf_counter()
response = client.get(sys.argv[1])
first = (time.perf_counter() - start) * 1000
assert response.status_code == 200
start = time.perf_counter()
client.get(sys.argv[1])
print(json.dumps([first, (time.perf_counter() - start) * 1000]))
"""


def timed(
    call: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None
) -> str:
    samples = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return spread(samples)


def spread(samples: list[float]) -> str:
    p90 = statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]
    return f"median {statistics.median(samples):6.1f} ms, p90 {p90:6.1f} ms"


def queries(call: Callable[[], object], before: Callable[[], object] = lambda: None) -> int:
    before()
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


class Section:
    """The generated section and what a browser without JavaScript posts for it."""

    def __init__(self) -> None:
        make_generated_bank(questions=QUESTIONS)
        organisation = make_organisation("bench")
        self.user = make_member(organisation, "bench-assessor")
        self.assessment = make_assessment(organisation, self.user, frameworks=[GEN], name="B")
        for n in range(0, QUESTIONS, 2):
            answer(self.assessment, self.user, GEN, f"q{n}", "yes", note="A note.")
        self.client = Client()
        self.client.force_login(self.user)
        self.page_url = reverse("section_detail", args=[self.assessment.pk, GEN, "s0"])
        self.choice = "partly"

    def page(self) -> None:
        response = self.client.get(self.page_url)
        assert response.status_code == 200
        assert response.content.count(b"data-question=") == QUESTIONS

    def form(self, choice: str) -> dict[str, Any]:
        """Every field of every question, as the browser sends the form, on current versions."""
        versions = dict(
            Answer.objects.filter(assessment=self.assessment).values_list(
                "question__key", "version"
            )
        )
        data: dict[str, Any] = {}
        for n in range(QUESTIONS):
            name = f"{GEN}.q{n}"
            data |= {
                f"{name}-choices": choice,
                f"{name}-reason": "",
                f"{name}-note": "A note.",
                f"{name}-evidence": "https://example.org/evidence",
                f"{name}-version": str(versions.get(f"q{n}", 0)),
            }
        return data

    def post(self, data: dict[str, Any]) -> None:
        # Encoded as a browser sends a form without enctype (the test client's default is
        # multipart, several times slower to parse).
        body = urlencode(data, doseq=True)
        form = "application/x-www-form-urlencoded"
        response = self.client.post(self.page_url, body, content_type=form)
        assert response.status_code == 302, response.content[:2000]


def new_process_figures(page_url: str, runs: int) -> str:
    firsts, seconds = [], []
    env = os.environ | {"PYTHONPATH": os.getcwd()}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_REQUEST, page_url],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        first, second = json.loads(out.stdout.strip().splitlines()[-1])
        firsts.append(first)
        seconds.append(second)
    return f"first request {spread(firsts)}; its second request {spread(seconds)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    s = Section()
    save_url = reverse("answer_update", args=[s.assessment.pk, GEN, "q1"])
    state = {"version": 0, "choice": "yes"}

    def autosave() -> None:
        state["choice"] = "partly" if state["choice"] == "yes" else "yes"
        data = {f"{GEN}.q1-choices": state["choice"], f"{GEN}.q1-version": state["version"]}
        response = s.client.post(save_url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.content
        state["version"] = int(response["GovCheck-Answer-Version"])

    for _ in range(5):
        s.page()
        autosave()
    pending: dict[str, Any] = {}

    def changed_form() -> None:
        s.choice = "yes" if s.choice == "partly" else "partly"
        pending["data"] = s.form(s.choice)

    def unchanged_form() -> None:
        pending["data"] = s.form(s.choice)

    def post() -> None:
        s.post(pending["data"])

    results = [
        ("section page (nothing rendered is kept)", timed(s.page, runs), queries(s.page), "25 ms"),
        (
            "section page, bank not yet read",
            timed(s.page, runs, before=_BANK_CACHE.clear),
            queries(s.page, before=_BANK_CACHE.clear),
            "25 ms",
        ),
        ("autosave", timed(autosave, runs), queries(autosave), "20 ms"),
        (
            f"section POST, {QUESTIONS} answers changed",
            timed(post, max(5, runs // 2), before=changed_form),
            queries(post, before=changed_form),
            "120 ms, 25 queries",
        ),
        (
            f"section POST again, {QUESTIONS} answers unchanged",
            timed(post, max(5, runs // 2), before=unchanged_form),
            queries(post, before=unchanged_form),
            "60 ms",
        ),
    ]
    assert Answer.objects.filter(assessment=s.assessment).count() == QUESTIONS
    print(f"Questionnaire benchmark ({QUESTIONS}-question section, {runs} runs, SQLite)")
    for what, figures, count, target in results:
        print(f"  {what:43} {figures}, {count:2} queries (target {target})")
    print(f"  {'section page, new process':43} {new_process_figures(s.page_url, 5)}")


if __name__ == "__main__":
    main()
