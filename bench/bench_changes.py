"""Time "what changed since the last round" on the shipped question bank.

Run from the repository root:  .venv/bin/python bench/bench_changes.py [--runs N]

Builds a throwaway SQLite database, loads the shipped question bank, answers every question of
the four frameworks, submits round 1, starts round 2 and changes one answer in ten, then times
`changes_since_previous` (the previous round's snapshot against the draft's live results, and
every answer compared) and the changes page, and prints the median, the best and the queries
each makes. The page's queries are also pinned in tests/test_changes.py.
"""

from __future__ import annotations

import argparse
import statistics
import time

import throwaway_django  # noqa: F401 - first: sets Django up on a throwaway database
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Option, Question, Role
from assessments.results.changes import changes_since_previous
from assessments.scoring.types import AnswerValue
from assessments.selectors import _BANK_CACHE, answers_for_assessment
from assessments.services.answers import AnswerEdit, answers_record
from assessments.services.assessments import assessment_next_round, assessment_submit
from tests.factories import make_member, make_organisation
from tests.full_assessment import make_full_assessment


def _second_round() -> tuple[Assessment, User]:
    call_command("migrate", verbosity=0)
    call_command("load_question_bank", verbosity=0)
    organisation = make_organisation("bench")
    user = make_member(organisation, "bench", Role.OWNER)
    first = assessment_submit(assessment=make_full_assessment(organisation, user), user=user)
    second = assessment_next_round(assessment=first, user=user).assessment
    given = answers_for_assessment(second)
    edits = []
    questions = Question.objects.filter(version__assessments=second, kind="single")
    for n, question in enumerate(questions.select_related("version__framework")):
        ref = (question.version.framework.key, question.key)
        plain = [o.key for o in question.options.all() if o.meaning == Option.Meaning.PLAIN]
        if n % 10 == 0 and ref in given and len(plain) > 1:
            other = next(k for k in plain if (k,) != given[ref].choices)
            edits.append(AnswerEdit(ref, AnswerValue((other,))))
    answers_record(assessment=second, user=user, edits=edits)
    return second, user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    second, user = _second_round()
    changes = changes_since_previous(second)
    assert changes is not None
    print(
        f"Round 2 of four frameworks: {len(changes.answers_changed)} answers changed, "
        f"{len(changes.closed)} findings closed, {len(changes.opened)} opened."
    )
    times = []
    for _ in range(runs):
        _BANK_CACHE.clear()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            changes_since_previous(second)
        times.append(time.perf_counter() - start)
    print(
        f"changes_since_previous (bank not yet read): median {statistics.median(times) * 1000:.0f}"
        f" ms, best {min(times) * 1000:.0f} ms, {len(queries)} queries"
    )
    client = Client()
    client.force_login(user)
    url = reverse("assessment_changes", args=[second.pk])
    client.get(url)
    page_times = []
    for _ in range(runs):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        page_times.append(time.perf_counter() - start)
    print(
        f"changes page (bank read): median {statistics.median(page_times) * 1000:.0f} ms, "
        f"best {min(page_times) * 1000:.0f} ms, {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
