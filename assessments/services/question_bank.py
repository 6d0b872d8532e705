"""Publishing framework versions and starting new drafts from them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.bank.db import create_version_content
from assessments.bank.documents import version_specs
from assessments.bank.specs import VersionSpec
from assessments.bank.validation import validate_draft
from assessments.models import FrameworkVersion, Source


def _spec(version: FrameworkVersion) -> VersionSpec:
    return version_specs(FrameworkVersion.objects.filter(pk=version.pk))[0]


@transaction.atomic
def framework_version_publish(
    *, version: FrameworkVersion, on: dt.date | None = None
) -> FrameworkVersion:
    """Check a draft as the fixture validator would, then make it immutable and current."""
    locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != FrameworkVersion.Status.DRAFT:
        raise ValidationError(f"{locked} is not a draft.")
    problems = validate_draft(locked)
    if problems:
        raise ValidationError([f"{p.item}: {p.message}" for p in problems])
    locked.status = FrameworkVersion.Status.PUBLISHED
    locked.published_on = on or timezone.localdate()
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
