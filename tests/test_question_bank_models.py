"""A published version is immutable in the model layer; drafts are copied and published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments.models import FrameworkVersion, Option, PublishedVersionError, Question, Section
from assessments.services.question_bank import (
    framework_version_new_draft,
    framework_version_publish,
)


def _v1(framework: str = "mini-maturity") -> FrameworkVersion:
    return FrameworkVersion.objects.get(framework__key=framework, label="v1")


def test_rows_of_a_published_version_refuse_changes(mini_bank: None) -> None:
    question = Question.objects.get(version=_v1(), key="requirements")
    question.text = "Changed"
    with pytest.raises(PublishedVersionError):
        question.save()
    option = question.options.first()
    assert option is not None
    option.points = 99
    with pytest.raises(PublishedVersionError):
        option.save()
    with pytest.raises(PublishedVersionError):
        Section.objects.filter(version=_v1()).first().delete()  # type: ignore[union-attr]
    with pytest.raises(PublishedVersionError):
        Question.objects.create(version=_v1(), section=question.section, key="new", text="New?")
    question.refresh_from_db()
    assert question.text.startswith("Are safety requirements")


def test_a_published_version_can_only_be_retired(mini_bank: None) -> None:
    version = _v1()
    version.changelog = "Rewritten history"
    with pytest.raises(PublishedVersionError):
        version.save()
    version.refresh_from_db()
    version.status = FrameworkVersion.Status.DRAFT
    with pytest.raises(PublishedVersionError):
        version.save()
    version.status = FrameworkVersion.Status.RETIRED
    version.save()
    assert _v1().status == "retired"
    with pytest.raises(PublishedVersionError):
        _v1().delete()


def test_new_draft_copies_everything_and_can_be_edited_then_published(mini_bank: None) -> None:
    draft = framework_version_new_draft(version=_v1())

    assert (draft.label, draft.status) == ("v2", "draft")
    old = {(q.key, q.text, q.weight, q.source_id, tuple(q.tags)) for q in _v1().questions.all()}
    new = {(q.key, q.text, q.weight, q.source_id, tuple(q.tags)) for q in draft.questions.all()}
    assert old == new
    copied = Question.objects.get(version=draft, key="requirements")
    assert list(copied.supporting_sources.values_list("key", flat=True)) == ["wang-xiaohong"]
    assert (
        Option.objects.filter(question__version=draft).count()
        == Option.objects.filter(question__version=_v1()).count()
    )

    copied.text = "Are safety and security requirements written down first?"
    copied.save()
    published = framework_version_publish(version=draft)
    assert published.status == "published"
    assert published.published_on is not None
    with pytest.raises(ValidationError):
        framework_version_publish(version=published)


def test_publishing_checks_the_draft_like_the_validator(mini_bank: None) -> None:
    draft = framework_version_new_draft(version=_v1())
    question = Question.objects.get(version=draft, key="requirements")
    Option.objects.filter(question=question, key="partly").update(points=None)

    with pytest.raises(ValidationError, match="needs 'points'"):
        framework_version_publish(version=draft)
    draft.refresh_from_db()
    assert draft.status == "draft"
