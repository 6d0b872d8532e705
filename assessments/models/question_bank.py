"""The question bank: sources, frameworks, versions, sections, questions and options.

Every row has a natural key so that fixtures refer to keys, never ids. Rows that belong to a
published framework version refuse to change: admins publish a new version instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models

REPORT_TITLE = "Safety and Global Governance of Generative AI Report"
REPORT_PUBLISHERS = "WFEO-CEIT and Shenzhen Association for Science and Technology"
REPORT_DATE = "Nov 2023"


class PublishedVersionError(ValidationError):
    """Raised when anything tries to change a published (or retired) framework version."""


class SourceManager(models.Manager["Source"]):
    def get_by_natural_key(self, key: str) -> Source:
        return self.get(key=key)


class Source(models.Model):
    """An essay of the report (or a document an essay points to) that questions cite."""

    class Kind(models.TextChoices):
        ESSAY = "essay", "Chapter essay"
        FRONT_MATTER = "front_matter", "Front matter (preface, introduction)"
        EXTERNAL = "external", "Document an essay refers to"

    key = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ESSAY)
    title = models.CharField(max_length=300)
    authors = models.CharField(
        max_length=300, blank=True, default="", help_text="As printed in the table of contents."
    )
    chapter = models.PositiveSmallIntegerField(null=True, blank=True)
    chapter_title = models.CharField(max_length=200, blank=True, default="")
    first_page = models.CharField(
        max_length=10, blank=True, default="", help_text="As printed in the table of contents."
    )
    last_page = models.CharField(max_length=10, blank=True, default="")
    publisher = models.CharField(
        max_length=200, blank=True, default="", help_text="External documents only."
    )
    published = models.CharField(max_length=40, blank=True, default="")
    url = models.URLField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    linked_from = models.SlugField(
        max_length=80,
        blank=True,
        default="",
        help_text="External documents: the key of the essay that links to this one.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the report.")

    objects: ClassVar[SourceManager] = SourceManager()

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "source"

    def __str__(self) -> str:
        return f"{self.authors}: {self.title}" if self.authors else self.title

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    @property
    def pages(self) -> str:
        """The page range as the table of contents gives it, or '' when it gives none."""
        if self.first_page and self.last_page and self.first_page != self.last_page:
            return f"pp. {self.first_page}-{self.last_page}"
        if self.first_page and self.last_page:
            return f"p. {self.first_page}"
        if self.first_page:
            return f"p. {self.first_page} ff."
        return ""

    def citation(self) -> str:
        """The citation in the report's own format (design.md), as plain text."""
        lead, container, tail = self.citation_parts()
        return f"{lead}{container}{tail}"

    def citation_parts(self) -> tuple[str, str, str]:
        """(before the italic container title, the container title, after it)."""
        names = f"{self.authors}, " if self.authors else ""
        if self.kind == self.Kind.EXTERNAL:
            parts = [p for p in (self.publisher, self.published, self.url) if p]
            return (f"{names}\u201c{self.title}\u201d", "", ", " + ", ".join(parts) + ".")
        where = self.pages or "not listed in the report's table of contents"
        end = "" if where.endswith(".") else "."  # "p. VI ff." already ends the sentence
        return (
            f"{names}\u201c{self.title}\u201d, in ",
            REPORT_TITLE,
            f", {REPORT_PUBLISHERS}, {REPORT_DATE}, {where}{end}",
        )


class FrameworkManager(models.Manager["Framework"]):
    def get_by_natural_key(self, key: str) -> Framework:
        return self.get(key=key)


class Framework(models.Model):
    class Kind(models.TextChoices):
        PROFILE = "profile", "Profile (asked once, unscored)"
        MATURITY = "maturity", "Maturity"
        TIER = "tier", "Tier"
        GATE = "gate", "Gate"

    class Standing(models.TextChoices):
        """What kind of document the framework comes from, and so what its verdicts are worth."""

        PROPOSAL = "proposal", "A scholar's proposal for legislation"
        VOLUNTARY_POLICY = "voluntary-policy", "One company's voluntary policy"
        GOVERNMENT_GUIDANCE = "government-guidance", "A government's discussion paper"
        PRINCIPLES = "principles", "A think tank's design principles"

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True, default="")
    standing = models.CharField(max_length=20, choices=Standing.choices, blank=True, default="")
    standing_note = models.TextField(
        blank=True, default="", help_text="What the framework is and is not, in a few sentences."
    )
    standing_quote = models.CharField(
        max_length=400, blank=True, default="", help_text="From the framework's source essay."
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects: ClassVar[FrameworkManager] = FrameworkManager()

    class Meta:
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class FrameworkVersionManager(models.Manager["FrameworkVersion"]):
    def get_by_natural_key(self, framework: str, label: str) -> FrameworkVersion:
        return self.get(framework__key=framework, label=label)


class LockedByVersion(models.Model):
    """Base for rows that belong to a framework version: they refuse to change once published."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_locked()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_if_locked()
        return super().delete(*args, **kwargs)

    def locking_version_id(self) -> int | None:
        raise NotImplementedError

    def _refuse_if_locked(self) -> None:
        version_id = self.locking_version_id()
        if version_id is None:
            return
        status = (
            FrameworkVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()
        )
        if status in FrameworkVersion.LOCKED_STATUSES:
            raise PublishedVersionError(
                f"{self._meta.verbose_name} belongs to a published framework version, which "
                "cannot change; create a new draft from it instead."
            )


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    LOCKED_STATUSES = (Status.PUBLISHED, Status.RETIRED)

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    label = models.SlugField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    changelog = models.TextField(blank=True, default="")
    rules = models.JSONField(
        default=dict, blank=True, help_text="Tiers, overlays, levels, gates or risks."
    )

    objects: ClassVar[FrameworkVersionManager] = FrameworkVersionManager()

    class Meta:
        ordering = ["framework__order", "framework__key", "label"]
        verbose_name = "framework version"
        constraints = [
            models.UniqueConstraint(fields=["framework", "label"], name="unique_version_label"),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_on__isnull=False),
                name="published_version_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.key} {self.label} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = FrameworkVersion.objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_locked and self._changes_beyond_retiring(stored):
                raise PublishedVersionError(
                    f"{stored.framework.key} {stored.label} is {stored.status} and cannot "
                    "change; create a new draft from it instead."
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_locked:
            raise PublishedVersionError(
                f"{self.framework.key} {self.label} is {self.status} and cannot be deleted."
            )
        return super().delete(*args, **kwargs)

    def natural_key(self) -> tuple[str, str]:
        return (self.framework.key, self.label)

    natural_key.dependencies = ["assessments.framework"]  # type: ignore[attr-defined]

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    def _changes_beyond_retiring(self, stored: FrameworkVersion) -> bool:
        """Only one change is allowed on a locked version: published -> retired."""
        for field in ("framework_id", "label", "published_on", "changelog", "rules"):
            if getattr(stored, field) != getattr(self, field):
                return True
        return not (
            stored.status == self.status
            or (stored.status == self.Status.PUBLISHED and self.status == self.Status.RETIRED)
        )


class SectionManager(models.Manager["Section"]):
    def get_by_natural_key(self, framework: str, label: str, key: str) -> Section:
        return self.get(version__framework__key=framework, version__label=label, key=key)


class Section(LockedByVersion):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, default="")
    order = models.PositiveSmallIntegerField(default=0)
    weight = models.PositiveSmallIntegerField(default=1)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.CharField(max_length=400, blank=True, default="")

    objects: ClassVar[SectionManager] = SectionManager()

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_section_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.version.natural_key(), self.key)

    def locking_version_id(self) -> int | None:
        return self.version_id


class QuestionManager(models.Manager["Question"]):
    def get_by_natural_key(self, framework: str, label: str, key: str) -> Question:
        return self.get(version__framework__key=framework, version__label=label, key=key)


class Question(LockedByVersion):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TEXT = "text", "Free text"

    class Basis(models.TextChoices):
        """How the practice asked about relates to the essay the question cites."""

        STATED = "stated", "Stated: the cited essay states this practice"
        ADAPTED = "adapted", "Adapted: the essay asks it of governments; adapted to organisations"
        PRACTICE = "practice", "Practice: good practice in the area the essay names"
        POLICY = "policy", "Policy: from the full policy an essay links to"

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=80, help_text="Stable across versions; never reused.")
    position = models.PositiveIntegerField(
        default=0, help_text="Order in the whole version; conditions may only look back."
    )
    text = models.TextField()
    guidance = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    weight = models.PositiveSmallIntegerField(default=1, help_text="0 for unscored questions.")
    required = models.BooleanField(default=True)
    applies_when = models.JSONField(null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quote = models.CharField(max_length=400, blank=True, default="")
    supporting_sources = models.ManyToManyField(Source, blank=True, related_name="+")
    remediation = models.TextField(blank=True, default="")
    basis = models.CharField(max_length=10, choices=Basis.choices, blank=True, default="")
    finding = models.TextField(
        blank=True, default="", help_text="The gap as a short statement a board can read."
    )
    tags = models.JSONField(default=list, blank=True)
    required_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Gate frameworks: the safety level from which it is required.",
    )

    objects: ClassVar[QuestionManager] = QuestionManager()

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_question_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text[:60]}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.version.natural_key(), self.key)

    def locking_version_id(self) -> int | None:
        return self.version_id

    @property
    def is_scored(self) -> bool:
        return self.weight > 0 and self.kind != self.Kind.TEXT


class OptionManager(models.Manager["Option"]):
    def get_by_natural_key(self, framework: str, label: str, question: str, key: str) -> Option:
        return self.get(
            question__version__framework__key=framework,
            question__version__label=label,
            question__key=question,
            key=key,
        )


class Option(LockedByVersion):
    class Meaning(models.TextChoices):
        PLAIN = "plain", "Plain answer"
        NOT_APPLICABLE = "na", "Not applicable"
        DONT_KNOW = "dont_know", "Don't know"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=300)
    points = models.SmallIntegerField(null=True, blank=True)
    meaning = models.CharField(max_length=10, choices=Meaning.choices, default=Meaning.PLAIN)
    effects = models.JSONField(default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects: ClassVar[OptionManager] = OptionManager()

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_option_key"),
        ]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[str, str, str, str]:
        return (*self.question.natural_key(), self.key)

    def locking_version_id(self) -> int | None:
        return self.question.version_id if self.question_id else None
