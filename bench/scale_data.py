"""Fill a database with a large installation for the scale benchmarks.

    DATABASE_URL=... python bench/scale_data.py [--organisations 1000] [--per-organisation 10]

Creates the organisations (one owner each), ten AI systems per organisation with one
assessment each, every question of the shipped bank answered (about 1.3 million answers for
10,000 assessments), and half the assessments submitted with real results snapshots. Rows go in
with bulk inserts; the question bank is loaded first if it is missing. Prints what it made.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcheck.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import (  # noqa: E402
    AISystem,
    Answer,
    Assessment,
    FrameworkVersion,
    Membership,
    Organisation,
    Question,
    Role,
)
from assessments.results.selectors import cited_sources  # noqa: E402
from assessments.scoring.engine import score  # noqa: E402
from assessments.scoring.results import CitedSource  # noqa: E402
from assessments.scoring.types import AnswerValue, Bank, BankQuestion  # noqa: E402
from assessments.selectors import bank_for_versions  # noqa: E402
from assessments.services.assessments import current_published_versions  # noqa: E402

# Raise when the data made changes, so that bench_scale.py stops reusing its cached databases.
GENERATOR_VERSION = 1
PASSWORD = "scale-benchmark-password"  # noqa: S105 - benchmark accounts only
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--per-organisation", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    random.seed(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not FrameworkVersion.objects.filter(status="published").exists():
        call_command("load_question_bank", verbosity=0)
    frameworks = ["tfs-principles", "sg-genai", "model-law", "rsp-asl"]
    versions = current_published_versions(frameworks)
    bank = bank_for_versions(
        sorted(versions, key=lambda v: (v.framework.kind != "profile", v.framework.order))
    )
    questions = {
        (q.version.framework.key, q.key): q
        for q in Question.objects.filter(version__in=versions).select_related("version__framework")
    }
    plan = [(bq, questions[bq.ref]) for bq in bank.questions]
    made = create(args.organisations, args.per_organisation, versions, plan, bank)
    seconds = time.perf_counter() - started
    print(
        f"organisations {made['organisations']:,}  assessments {made['assessments']:,}  "
        f"answers {made['answers']:,}  submitted {made['submitted']:,}  in {seconds:.0f} s"
    )


def choose(bank_question: BankQuestion) -> tuple[list[str], str]:
    options = [o.key for o in bank_question.options if o.meaning == "plain"]
    if bank_question.kind == "text":
        return [], "Documented in the governance handbook, section 4."
    if not options:
        options = [o.key for o in bank_question.options]
    if bank_question.kind == "multiple":
        return sorted(random.sample(options, k=random.randint(1, len(options)))), ""
    weights = [3 if k == "yes" else 1 for k in options]
    return [random.choices(options, weights)[0]], ""


def create(
    count: int,
    per: int,
    versions: list[FrameworkVersion],
    plan: list[tuple[BankQuestion, Question]],
    bank: Bank,
) -> dict[str, int]:
    password = make_password(PASSWORD)
    stamp = int(time.time())
    made = {"organisations": 0, "assessments": 0, "answers": 0, "submitted": 0}
    through = Assessment.framework_versions.through
    sources: tuple[CitedSource, ...] | None = None
    for start in range(0, count, 50):
        with transaction.atomic():
            block = range(start, min(start + 50, count))
            orgs = Organisation.objects.bulk_create(
                Organisation(name=f"Organisation {stamp}-{i}", slug=f"scale-{stamp}-{i}")
                for i in block
            )
            users = User.objects.bulk_create(
                User(username=f"scale-{stamp}-{i}", password=password) for i in block
            )
            Membership.objects.bulk_create(
                Membership(user=u, organisation=o, role=Role.OWNER)
                for u, o in zip(users, orgs, strict=True)
            )
            systems = AISystem.objects.bulk_create(
                AISystem(organisation=o, name=f"System {n}") for o in orgs for n in range(per)
            )
            now = timezone.now()
            assessments = []
            answer_rows: list[Answer] = []
            for system in systems:
                values = {}
                rows = []
                for bank_question, question in plan:
                    choices, text = choose(bank_question)
                    values[bank_question.ref] = AnswerValue(tuple(choices), text)
                    rows.append((question, choices, text))
                submitted = random.random() < 0.5
                assessment = Assessment(
                    organisation_id=system.organisation_id,
                    system=system,
                    round=1,
                    status="submitted" if submitted else "draft",
                    revision=len(rows),
                    submitted_at=now if submitted else None,
                )
                if submitted:
                    computed = score(bank, values)
                    if sources is None:
                        sources = cited_sources(s.key for s in computed.sources)
                    stored = replace(computed, provisional=False, sources=sources)
                    assessment.results = stored.to_json()
                    assessment.scoring_rules_version = stored.scoring_rules_version
                    made["submitted"] += 1
                assessments.append((assessment, rows))
            Assessment.objects.bulk_create([a for a, _ in assessments], batch_size=BATCH)
            through.objects.bulk_create(
                through(assessment_id=a.pk, frameworkversion_id=v.pk)
                for a, _ in assessments
                for v in versions
            )
            for assessment, rows in assessments:
                answer_rows.extend(
                    Answer(assessment=assessment, question=q, choices=c, text=t) for q, c, t in rows
                )
            Answer.objects.bulk_create(answer_rows, batch_size=BATCH)
        made["organisations"] += len(orgs)
        made["assessments"] += len(assessments)
        made["answers"] += len(answer_rows)
        print(f"  {made['organisations']:,} organisations, {made['answers']:,} answers", flush=True)
    return made


if __name__ == "__main__":
    main()
