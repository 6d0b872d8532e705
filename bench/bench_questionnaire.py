"""Server time and query count of a 200-question section page and of one autosave.

Run from the repository root:  .venv/bin/python bench/bench_questionnaire.py [--runs N]

Builds a throwaway SQLite database with a generated 200-question section, half answered,
then times requests through Django's test client in process (no network), after a warm-up.
Targets (design.md): page 50 ms or less, autosave 20 ms or less, query counts constant.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import throwaway_django  # noqa: F401 - first: sets Django up on a throwaway database
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.views.questions import memo_clear
from tests.banks import GEN, make_generated_bank
from tests.factories import answer, make_assessment, make_member, make_organisation

QUESTIONS = 200


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=10)[-1]


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    make_generated_bank(questions=QUESTIONS)
    organisation = make_organisation("bench")
    user = make_member(organisation, "bench-assessor")
    assessment = make_assessment(organisation, user, frameworks=[GEN], name="Bench")
    for n in range(0, QUESTIONS, 2):
        answer(assessment, user, GEN, f"q{n}", "yes", note="A note.")
    client = Client()
    client.force_login(user)
    page_url = reverse("section_detail", args=[assessment.pk, GEN, "s0"])
    save_url = reverse("answer_update", args=[assessment.pk, GEN, "q1"])
    state = {"version": 0, "choice": "yes"}

    def page() -> None:
        response = client.get(page_url)
        assert response.status_code == 200
        assert response.content.count(b"<fieldset") == QUESTIONS

    def autosave() -> None:
        state["choice"] = "partly" if state["choice"] == "yes" else "yes"
        data = {f"{GEN}.q1-choices": state["choice"], f"{GEN}.q1-version": state["version"]}
        response = client.post(save_url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.content
        state["version"] = int(response["GovCheck-Answer-Version"])

    for _ in range(5):
        page()
        autosave()
    page_median, page_p90 = timed(page, runs)
    save_median, save_p90 = timed(autosave, runs)

    def cold_page() -> None:
        memo_clear()
        page()

    cold_median, cold_p90 = timed(cold_page, max(5, runs // 5))

    def new_states_page() -> None:
        memo_clear(parts=False)
        page()

    new_median, new_p90 = timed(new_states_page, max(5, runs // 5))
    print(f"Questionnaire benchmark ({QUESTIONS}-question section, {runs} runs, SQLite)")
    print(
        f"  section page: median {page_median:6.1f} ms, p90 {page_p90:6.1f} ms, "
        f"{queries(page)} queries (target 50 ms)"
    )
    print(
        f"    every answer new to this process (parts memoised): median {new_median:6.1f} ms, "
        f"p90 {new_p90:6.1f} ms"
    )
    print(
        f"    first page after start, nothing memoised:           median {cold_median:6.1f} ms, "
        f"p90 {cold_p90:6.1f} ms"
    )
    print(
        f"  autosave:     median {save_median:6.1f} ms, p90 {save_p90:6.1f} ms, "
        f"{queries(autosave)} queries (target 20 ms)"
    )


if __name__ == "__main__":
    main()
