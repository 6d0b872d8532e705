"""Time one scoring of a full assessment of about 150 questions, in process.

    python bench/bench_scoring.py [--runs 300] [--synthetic]

Scores the shipped question bank (fixtures/) when it holds frameworks, otherwise a synthetic
bank shaped like the four frameworks (maturity, risks, a tier with overlays, gates with safety
levels), with every question answered (mixed answers, notes, some "Don't know"). Prints the time
per scoring; the target is under 10 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessments.scoring.engine import score  # noqa: E402
from assessments.scoring.types import PLAIN, AnswerValue, Bank, QRef  # noqa: E402
from tests.plain_bank import bank_from_dict, published_bank  # noqa: E402

TARGET_MS = 10.0
YPN = {"yes": 2, "partly": 1, "no": 0, "dont-know": "dont_know", "na": "na"}


def q(key: str, weight: int = 1, **extra: Any) -> dict[str, Any]:
    return {"key": key, "weight": weight, "options": YPN} | extra


def screening(key: str, effects: dict[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    options = {k: {"effects": v} for k, v in effects.items()}
    return {"key": key, "weight": 0, "options": options} | extra


def synthetic() -> Bank:
    """About 150 questions across a profile and four frameworks, one of each kind and risks."""
    profile = {
        "key": "profile",
        "kind": "profile",
        "sections": [
            {
                "key": "system",
                "weight": 0,
                "questions": [
                    {
                        "key": "role",
                        "kind": "multiple",
                        "weight": 0,
                        "options": {"rnd": None, "provision": None, "use": None},
                    },
                    {"key": "foundation-model", "weight": 0, "options": {"yes": None, "no": None}},
                    {
                        "key": "channel",
                        "kind": "multiple",
                        "weight": 0,
                        "options": {"api": None, "open-weights": None, "embedded": None},
                    },
                ],
            }
        ],
    }
    principles = {
        "key": "principles",
        "sections": [
            {
                "key": f"p{s}",
                "questions": [
                    q(
                        f"p{s}-q{i}",
                        1 + i % 3,
                        **(
                            {"applies_when": {"question": f"p{s}-q0", "any_of": ["yes", "partly"]}}
                            if i == 3
                            else {}
                        ),
                    )
                    for i in range(4)
                ],
            }
            for s in range(10)
        ],
    }
    risks = ["hallucination", "privacy", "disinformation", "copyright", "bias", "alignment"]
    pillars = {
        "key": "pillars",
        "rules": {"risks": [{"key": r, "label": r.title()} for r in risks]},
        "sections": [
            {
                "key": f"pillar{s}",
                "questions": [
                    q(f"pl{s}-q{i}", 1 + i % 2, tags=[f"risk:{risks[(s * 5 + i) % 6]}"])
                    for i in range(5)
                ],
            }
            for s in range(3)
        ],
    }
    tiers = ["permit", "permit-pending", "filing", "none"]
    overlays = ["high-risk", "gatekeeper", "open-source", "sandbox"]
    law = {
        "key": "law",
        "kind": "tier",
        "rules": {
            "tiers": [{"key": t, "label": t.title()} for t in tiers],
            "default_tier": "none",
            "overlays": [{"key": o, "label": o.title()} for o in overlays],
        },
        "sections": [
            {
                "key": "screening",
                "weight": 0,
                "questions": [
                    screening(
                        "negative-list",
                        {
                            "yes": {"tier": "permit"},
                            "unsure": {"tier": "permit-pending"},
                            "no": {"tier": "filing"},
                        },
                        applies_when={"question": "profile.role", "any_of": ["rnd", "provision"]},
                    ),
                    *[screening(o, {"yes": {"overlay": o}, "no": {}}) for o in overlays],
                ],
            },
            *[
                {
                    "key": f"duties{s}",
                    "questions": [
                        q(
                            f"d{s}-q{i}",
                            1 + i % 3,
                            **(
                                {"applies_when": {"tier": ["permit", "permit-pending"]}}
                                if i == 0
                                else {"applies_when": {"overlay": overlays[s % 4]}}
                                if i == 1
                                else {}
                            ),
                        )
                        for i in range(4)
                    ],
                }
                for s in range(9)
            ],
        ],
    }
    areas = ["security", "oversight", "red-teaming", "evaluations", "deployment"]
    rsp = {
        "key": "rsp",
        "kind": "gate",
        "rules": {
            "levels": [{"level": n, "label": f"ASL-{n}"} for n in (1, 2, 3)],
            "default_level": 1,
            "areas": [{"key": a, "label": a.title()} for a in areas],
            "gates": [
                {"key": "scaling", "label": "Scaling"},
                {"key": "deployment", "label": "Deploy"},
            ],
        },
        "sections": [
            {
                "key": "capability",
                "weight": 0,
                "questions": [
                    screening("frontier", {"yes": {"level": 2}, "no": {}}),
                    screening(
                        "uplift",
                        {"yes": {"level": 3}, "no": {}},
                        applies_when={"question": "frontier", "any_of": ["yes"]},
                    ),
                    screening("autonomy", {"yes": {"level": 3}, "no": {}}),
                ],
            },
            *[
                {
                    "key": area,
                    "questions": [
                        q(
                            f"{area}-{i}",
                            1 + i % 3,
                            required_level=1 + i % 3,
                            tags=[f"area:{area}", "gate:scaling" if i % 2 else "gate:deployment"],
                        )
                        for i in range(8)
                    ],
                }
                for area in areas
            ],
        ],
    }
    return bank_from_dict({"frameworks": [profile, principles, pillars, law, rsp]})


def answers_for(bank: Bank, seed: int = 7) -> dict[QRef, AnswerValue]:
    """Every question answered: mostly plain options, some "Don't know", notes on a few."""
    rng = random.Random(seed)
    answers = {}
    for question in bank.questions:
        if question.kind == "text":
            answers[question.ref] = AnswerValue(text="Described in the model card.")
            continue
        plain = [o.key for o in question.options if o.meaning == PLAIN]
        special = [o for o in question.options if o.meaning != PLAIN]
        if question.kind == "multiple":
            chosen = rng.sample(plain, rng.randint(1, len(plain)))
            answers[question.ref] = AnswerValue(tuple(k for k in plain if k in chosen))
        elif special and rng.random() < 0.1:
            option = rng.choice(special)
            answers[question.ref] = AnswerValue((option.key,), reason="Not relevant here.")
        else:
            answers[question.ref] = AnswerValue((rng.choice(plain),), note="See the register.")
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--synthetic", action="store_true", help="Ignore fixtures/.")
    args = parser.parse_args()
    shipped = published_bank([ROOT / "fixtures"])
    real = not args.synthetic and any(f.kind != "profile" for f in shipped.frameworks)
    bank = shipped if real else synthetic()
    answers = answers_for(bank)
    score(bank, answers)  # warm up
    times = []
    cpu_start = time.process_time()
    for _ in range(args.runs):
        start = time.perf_counter()
        score(bank, answers)
        times.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / args.runs
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    frameworks = ", ".join(f.key for f in bank.frameworks)
    print(f"bank: {'fixtures/' if real else 'synthetic'} ({frameworks})")
    print(f"questions: {len(bank.questions)}, answered: {len(answers)}, runs: {args.runs}")
    print(
        f"per scoring, wall clock: median {median:.2f} ms, "
        f"mean {statistics.mean(times):.2f} ms, p95 {p95:.2f} ms, min {times[0]:.2f} ms"
    )
    print(
        f"per scoring, CPU time of this process: {cpu:.2f} ms (target under {TARGET_MS:g} ms; "
        "other work on the machine inflates the wall clock, not this)"
    )
    print("OK" if cpu < TARGET_MS else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()
