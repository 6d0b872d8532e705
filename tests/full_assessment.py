"""A draft assessment of all four shipped frameworks with every question answered.

Answers are mixed (best, middling, worst, "Don't know", "Not applicable" with a reason, several
options of a multiple choice, written answers), many carry a note and some evidence links. The
mix is drawn from a seeded generator, so the same seed always gives the same answers. Used by
the report tests and by bench/bench_report.py; needs the shipped question bank loaded.
"""

from __future__ import annotations

import random

from django.contrib.auth.models import User

from assessments.models import Assessment, Option, Organisation, Question
from assessments.scoring.types import AnswerValue
from assessments.services.answers import AnswerEdit, answers_record
from assessments.services.assessments import assessment_start

FRAMEWORKS = ("tfs-principles", "sg-genai", "model-law", "rsp-asl")
# Profile answers that make most questions apply: a developer of a public foundation model.
PROFILE = {
    "role": ["rnd", "provision"],  # profile v1
    "activities": ["train", "deploy", "release-weights"],
    "jurisdictions": ["cn", "sg"],
    "weights-held": ["yes"],
    "foundation-model": ["yes"],
    "public-facing": ["yes"],
}
NOTES = (
    "Reviewed by the governance board in March; minutes on file.",
    "Owner: head of trust and safety. Follow-up planned next quarter.",
    "Covered in part by the model card; the rest is informal practice.",
    "Depends on the vendor's attestations, which we have not verified.",
)
EVIDENCE = ("https://intranet.example.org/governance/policy-7", "https://example.org/model-card")


def _choices(rng: random.Random, question: Question, options: list[Option]) -> list[str]:
    if question.key in PROFILE and question.version.framework.key == "profile":
        wanted = [k for k in PROFILE[question.key] if any(o.key == k for o in options)]
        if wanted:
            return wanted if question.kind == Question.Kind.MULTIPLE else wanted[:1]
    plain = [o for o in options if o.meaning == Option.Meaning.PLAIN]
    special = [o for o in options if o.meaning != Option.Meaning.PLAIN]
    if special and rng.random() < 0.12:
        return [rng.choice(special).key]
    if question.kind == Question.Kind.MULTIPLE:
        picked = [o.key for o in plain if rng.random() < 0.5]
        return picked or [plain[0].key]
    ranked = sorted(plain, key=lambda o: -(o.points or 0))
    # Lean towards good answers, as a real organisation's would, with a tail of poor ones.
    return [ranked[min(len(ranked) - 1, int(rng.random() ** 2 * len(ranked)))].key]


def _answer_for(rng: random.Random, question: Question, options: list[Option]) -> AnswerValue:
    if question.kind == Question.Kind.TEXT:
        return AnswerValue(text="Described in the system card, section 4; reviewed yearly.")
    choices = _choices(rng, question, options)
    meanings = {o.key: o.meaning for o in options}
    na = any(meanings[c] == Option.Meaning.NOT_APPLICABLE for c in choices)
    return AnswerValue(
        choices=tuple(choices),
        reason="The system does not do this." if na else "",
        note=rng.choice(NOTES) if rng.random() < 0.6 else "",
        evidence=(rng.choice(EVIDENCE),) if rng.random() < 0.3 else (),
    )


def make_full_assessment(
    organisation: Organisation, user: User, *, seed: int = 7, name: str = "Chat assistant"
) -> Assessment:
    """Start an assessment of the four frameworks and answer every question it asks."""
    assessment = assessment_start(
        organisation=organisation,
        user=user,
        system_name=name,
        system_description="A public chat assistant built on our own foundation model.",
        framework_keys=list(FRAMEWORKS),
    )
    rng = random.Random(seed)
    questions = (
        Question.objects.filter(version__assessments=assessment)
        .select_related("version__framework")
        .prefetch_related("options")
        .order_by("version__framework__order", "position")
    )
    edits = [
        AnswerEdit(
            (question.version.framework.key, question.key),
            _answer_for(rng, question, list(question.options.all())),
        )
        for question in questions
    ]
    recorded = answers_record(assessment=assessment, user=user, edits=edits)
    assert recorded.ok, recorded.refused
    assessment.refresh_from_db()
    return assessment
