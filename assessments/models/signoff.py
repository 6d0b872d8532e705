"""The sign-off record of an assessment: every submission, approval and return, kept for ever.

The assessment itself holds where its sign-off stands now (submitted, approved or returned by
whom and when); a submission that was returned, changed and submitted again would otherwise
keep only its last step. A board, an auditor or the next round reads the whole record here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .assessments import Assessment


class SignOff(models.Model):
    class Step(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sign_offs")
    step = models.CharField(max_length=20, choices=Step.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True, default="", help_text="Why it was returned.")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} ({self.assessment_id})"
