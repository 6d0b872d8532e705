"""Small make_* helpers that build data through the services."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User

from assessments.models import Assessment, Membership, Organisation, Question, Role
from assessments.scoring.types import AnswerValue
from assessments.services.answers import AnswerEdit, answers_record
from assessments.services.assessments import assessment_start

PASSWORD = "correct-horse-battery"


def make_organisation(slug: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    return organisation


def make_user(username: str, *, staff: bool = False) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if staff:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


def make_member(organisation: Organisation, username: str, role: str = Role.ASSESSOR) -> User:
    user = make_user(username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_assessment(
    organisation: Organisation,
    user: User,
    *,
    frameworks: Sequence[str] = ("mini-maturity", "mini-tier", "mini-gate"),
    name: str = "Chat assistant",
) -> Assessment:
    return assessment_start(
        organisation=organisation,
        user=user,
        system_name=name,
        system_description="A customer-facing assistant.",
        framework_keys=list(frameworks),
    )


def question_of(assessment: Assessment, framework: str, key: str) -> Question:
    return Question.objects.get(
        version__in=assessment.framework_versions.all(), version__framework__key=framework, key=key
    )


def answer(
    assessment: Assessment,
    user: User,
    framework: str,
    key: str,
    *choices: str,
    text: str = "",
    reason: str = "",
    note: str = "",
) -> None:
    """Store one answer through the answer service; fails the test if it is refused."""
    value = AnswerValue(tuple(choices), text=text, note=note, reason=reason)
    recorded = answers_record(
        assessment=assessment, user=user, edits=[AnswerEdit((framework, key), value)]
    )
    assert recorded.ok, recorded.refused


def answer_mini(assessment: Assessment, user: User, *, complete: bool = True) -> None:
    """A permit-tier, ASL-3 assessment of the miniature bank with a gap of every kind."""
    answer(assessment, user, "profile", "role", "rnd", "provision")
    answer(assessment, user, "profile", "foundation-model", "yes")
    answer(assessment, user, "mini-maturity", "requirements", "partly", note="=1+1")
    answer(assessment, user, "mini-maturity", "reviews", "dont-know")
    answer(assessment, user, "mini-maturity", "metrics", "harmful-output")
    answer(assessment, user, "mini-tier", "negative-list", "yes")
    answer(assessment, user, "mini-tier", "high-risk", "yes")
    answer(assessment, user, "mini-tier", "permit-held", "no")
    answer(assessment, user, "mini-tier", "supervision", "partly")
    answer(assessment, user, "mini-gate", "frontier", "yes")
    answer(assessment, user, "mini-gate", "misuse-uplift", "yes")
    answer(assessment, user, "mini-gate", "weights-security", "partly")
    answer(assessment, user, "mini-gate", "red-team", "no")
    if complete:
        answer(assessment, user, "mini-tier", "preventive", "yes")
        answer(assessment, user, "mini-gate", "pause", "yes")
