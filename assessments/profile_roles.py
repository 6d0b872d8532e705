"""Assessments under way move from the profile's retired roles question to its activities.

Profile v1 asked for roles (`rnd`, `provision`, `use`); v2 asks what the organisation does
(`activities`), where (`jurisdictions`) and whether it holds the weights (`weights-held`), and
the frameworks' conditions read those. A draft pinned to a profile with `role` is moved to the
newest published version of each of its frameworks, its answers copied by question key (the
options a new version no longer has are dropped), and its role answer mapped:

- `rnd` becomes `fine-tune` when the profile said the system is (built on) a foundation model
  the organisation trains or fine-tunes (`foundation-model: yes`), else `integrate`;
- `provision` becomes `deploy`, and also `release-weights` when the channels include open
  weights;
- `use` stays `use`;
- `weights-held` is "yes" when the mapped activities include fine-tuning or releasing weights,
  and is otherwise left for the assessor, as are `jurisdictions`.

Submitted assessments keep their versions and their stored results. The mapping runs in data
migration 0005 and, for installations that load the question bank after migrating, in
`manage.py map_profile_roles` (idempotent: an assessment already on the new profile is left).
Both take an app registry, so the migration can pass its historical models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def activities_from_role(
    roles: Sequence[str], foundation_model: Sequence[str], channels: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(activities, weights-held choices) for a v1 role answer."""
    activities: list[str] = []
    if "rnd" in roles:
        activities.append("fine-tune" if "yes" in foundation_model else "integrate")
    if "provision" in roles:
        if "open-weights" in channels:
            activities.append("release-weights")
        activities.append("deploy")
    if "use" in roles:
        activities.append("use")
    held = ["yes"] if {"fine-tune", "release-weights"} & set(activities) else []
    order = ["train", "fine-tune", "release-weights", "integrate", "deploy", "use"]
    return sorted(activities, key=order.index), held


def map_role_answers(apps: Any) -> int:
    """Move every draft pinned to a profile with `role` to the newest versions; how many."""
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    FrameworkVersion = apps.get_model("assessments", "FrameworkVersion")
    Question = apps.get_model("assessments", "Question")
    newest: dict[str, Any] = {}
    for version in (
        FrameworkVersion.objects.filter(status="published")
        .select_related("framework")
        .order_by("published_on", "pk")
    ):
        newest[version.framework.key] = version
    profile = newest.get("profile")
    if profile is None or not Question.objects.filter(version=profile, key="activities").exists():
        return 0  # the release's question bank is not loaded yet: map_profile_roles will do it
    drafts = Assessment.objects.filter(
        status="draft",
        framework_versions__framework__key="profile",
        framework_versions__questions__key="role",
    ).distinct()
    moved = 0
    for assessment in drafts:
        _move(assessment, newest, Answer, Question)
        moved += 1
    return moved


def _move(assessment: Any, newest: dict[str, Any], Answer: Any, Question: Any) -> None:
    keys = [v.framework.key for v in assessment.framework_versions.select_related("framework")]
    versions = [newest[key] for key in keys if key in newest]
    old = {
        (a.question.version.framework.key, a.question.key): a
        for a in Answer.objects.filter(assessment=assessment).select_related(
            "question__version__framework"
        )
    }
    questions = {
        (q.version.framework.key, q.key): q
        for q in Question.objects.filter(version__in=versions)
        .select_related("version__framework")
        .prefetch_related("options")
    }

    def choices(ref: tuple[str, str]) -> list[str]:
        answer = old.get(ref)
        return list(answer.choices) if answer is not None else []

    activities, held = activities_from_role(
        choices(("profile", "role")),
        choices(("profile", "foundation-model")),
        choices(("profile", "channel")),
    )
    rows = []
    for ref, answer in old.items():
        question = questions.get(ref)
        if question is None:
            continue
        kept = [c for c in answer.choices if c in {o.key for o in question.options.all()}]
        if not kept and not answer.text.strip():
            continue
        rows.append(
            Answer(
                assessment=assessment,
                question=question,
                choices=kept,
                text=answer.text,
                note=answer.note,
                reason=answer.reason,
                evidence=answer.evidence,
            )
        )
    for key, mapped in (("activities", activities), ("weights-held", held)):
        question = questions.get(("profile", key))
        if mapped and question is not None and ("profile", key) not in old:
            rows.append(Answer(assessment=assessment, question=question, choices=mapped))
    Answer.objects.filter(assessment=assessment).delete()
    Answer.objects.bulk_create(rows)
    assessment.framework_versions.set(versions)
