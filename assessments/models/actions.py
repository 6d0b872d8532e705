"""The action plan: what the organisation will do about a finding, who, by when, with history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .assessments import Assessment


class Action(models.Model):
    """One action against a finding of an assessment, tied to its question key so that a next
    round can carry it over to the same question."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        RISK_ACCEPTED = "risk_accepted", "Risk accepted"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    framework = models.CharField(max_length=60)
    question = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member of the assessment's organisation.",
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(
        blank=True, default="", help_text="Why the risk is accepted (risk_accepted only)."
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organisation owner who accepted the risk.",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        help_text="The same action in the previous round.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["assessment", "due", "pk"]
        indexes = [models.Index(fields=["assessment", "framework", "question"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="risk_accepted") | ~models.Q(reason=""),
                name="action_risk_accepted_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework}/{self.question}: {self.title[:60]}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.RISK_ACCEPTED)
