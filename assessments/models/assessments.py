"""Assessments of one AI system, their answers (with history) and rendered reports."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from simple_history.models import HistoricalRecords

from assessments.limits import (
    MAX_NOTE,
    MAX_REASON,
    MAX_SYSTEM_DESCRIPTION,
    MAX_SYSTEM_NAME,
    MAX_TEXT,
    StorableText,
)

from .organisations import Organisation
from .question_bank import FrameworkVersion, Question


class AISystem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="systems")
    name = models.CharField(max_length=MAX_SYSTEM_NAME, validators=[StorableText("system name")])
    description = models.TextField(
        blank=True,
        default="",
        max_length=MAX_SYSTEM_DESCRIPTION,
        validators=[MaxLengthValidator(MAX_SYSTEM_DESCRIPTION), StorableText("description")],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "AI system"

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Approval(models.TextChoices):
        """Where the assessment stands in its sign-off (derived, never stored)."""

        DRAFT = "draft", "Draft"
        RETURNED = "returned", "Returned for changes"
        SUBMITTED = "submitted", "Submitted"
        AWAITING = "awaiting_approval", "Submitted, awaiting approval"
        APPROVED = "approved", "Approved"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="assessments")
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    framework_versions = models.ManyToManyField(FrameworkVersion, related_name="assessments")
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_round"
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Increases with every answer change; reports are cached per revision."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(
        null=True, blank=True, help_text="Results stored on submission; never recomputed."
    )
    approval_required = models.BooleanField(
        default=False, help_text="Whether the organisation required approval when it was submitted."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(
        blank=True, default="", help_text="Why an owner returned the submission, for the assessors."
    )
    scoring_rules_version = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["system", "round"], name="unique_round_per_system"),
        ]
        indexes = [models.Index(fields=["organisation", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.system.name}, round {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def approval_status(self) -> str:
        """One of Assessment.Approval: draft or returned, submitted, awaiting or approved."""
        if not self.is_submitted:
            return self.Approval.RETURNED if self.returned_at else self.Approval.DRAFT
        if self.approved_at is not None:
            return self.Approval.APPROVED
        return self.Approval.AWAITING if self.approval_required else self.Approval.SUBMITTED

    @property
    def approval_label(self) -> str:
        return str(self.Approval(self.approval_status).label)

    @property
    def awaiting_approval(self) -> bool:
        return self.approval_status == self.Approval.AWAITING


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choices = models.JSONField(default=list, blank=True, help_text="Selected option keys.")
    text = models.TextField(
        blank=True,
        default="",
        max_length=MAX_TEXT,
        validators=[MaxLengthValidator(MAX_TEXT), StorableText("written answer")],
    )
    note = models.TextField(
        blank=True,
        default="",
        max_length=MAX_NOTE,
        validators=[MaxLengthValidator(MAX_NOTE), StorableText("note")],
    )
    reason = models.TextField(
        blank=True,
        default="",
        max_length=MAX_REASON,
        validators=[MaxLengthValidator(MAX_REASON), StorableText("reason")],
        help_text="Why it is not applicable.",
    )
    evidence = models.JSONField(default=list, blank=True, help_text="Links to evidence.")
    version = models.PositiveIntegerField(
        default=1, help_text="Increases with each save; detects overwrites of others' changes."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["assessment", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="unique_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {', '.join(self.choices) or self.text[:40]}"


class Report(models.Model):
    """A rendered PDF of one answer revision: rendered once, served many times."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    revision = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Renders started; a worker killed mid-render is retried once."
    )
    task_id = models.CharField(
        max_length=64, blank=True, default="", help_text="The queued task that renders it."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "revision"], name="unique_report_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"Report for {self.assessment} at revision {self.revision} ({self.status})"
