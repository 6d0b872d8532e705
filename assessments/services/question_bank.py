"""Publishing framework versions and starting new drafts from them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.bank.db import create_version_content
from assessments.bank.diff import VersionDiff, diff_specs, diff_text
from assessments.bank.documents import version_specs
from assessments.bank.specs import VersionSpec
from assessments.bank.validation import validate_draft
from assessments.models import FrameworkVersion, Source


def _spec(version: FrameworkVersion) -> VersionSpec:
    return version_specs(FrameworkVersion.objects.filter(pk=version.pk))[0]


def framework_version_previous(*, version: FrameworkVersion) -> FrameworkVersion | None:
    """The newest published (or retired) version of the same framework other than this one."""
    return (
        FrameworkVersion.objects.filter(
            framework_id=version.framework_id, status__in=FrameworkVersion.LOCKED_STATUSES
        )
        .exclude(pk=version.pk)
        .order_by("-published_on", "-pk")
        .first()
    )


def framework_version_diff(
    *, version: FrameworkVersion, since: FrameworkVersion | None = None
) -> VersionDiff | None:
    """What changed from `since` (default: the previous published version) to `version`."""
    since = since or framework_version_previous(version=version)
    if since is None:
        return None
    return diff_specs(_spec(since), _spec(version))


@transaction.atomic
def framework_version_publish(
    *, version: FrameworkVersion, on: dt.date | None = None
) -> FrameworkVersion:
    """Check a draft as its file would be checked, record what changed since the previous
    published version as its changelog, then make it immutable and current."""
    locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != FrameworkVersion.Status.DRAFT:
        raise ValidationError(f"{locked} is not a draft.")
    problems = validate_draft(locked)
    if problems:
        raise ValidationError([f"{p.item}: {p.message}" for p in problems])
    diff = framework_version_diff(version=locked)
    if diff is not None:
        locked.changelog = "\n\n".join(p for p in (locked.changelog.strip(), diff_text(diff)) if p)
    locked.status = FrameworkVersion.Status.PUBLISHED
    locked.published_on = on or timezone.localdate()
    locked.full_clean()
    locked.save()
    return locked


def _next_label(version: FrameworkVersion) -> str:
    labels = set(
        FrameworkVersion.objects.filter(framework=version.framework).values_list("label", flat=True)
    )
    number = 2
    while f"v{number}" in labels:
        number += 1
    return f"v{number}"


@transaction.atomic
def framework_version_new_draft(*, version: FrameworkVersion, label: str = "") -> FrameworkVersion:
    """A draft copy of a version (sections, questions, options, citations) to edit."""
    spec = _spec(version)
    draft = FrameworkVersion.objects.create(
        framework=version.framework,
        label=label or _next_label(version),
        changelog=f"Draft started from {version.label}.",
        rules=spec.rules,
    )
    create_version_content(draft, spec, {s.key: s for s in Source.objects.all()})
    return draft


EDITORS_GROUP = "Question bank editors"
BANK_MODELS = (
    "source",
    "framework",
    "frameworkversion",
    "section",
    "question",
    "option",
    "jurisdiction",
    "negativelistcategory",
)


@transaction.atomic
def question_bank_editor_seed(*, username: str, password: str) -> User:
    """Create or update a staff login that may edit the question bank and nothing else
    (idempotent): a member of the group "Question bank editors"."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessments", content_type__model__in=BANK_MODELS
        )
    )
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    user.is_staff = True
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(group)
    return user
