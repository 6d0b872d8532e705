"""Organisations, their members and roles, and invitations by email link."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from assessments.limits import MAX_EMAIL, MAX_ORGANISATION_NAME, StorableText


class Organisation(models.Model):
    name = models.CharField(
        max_length=MAX_ORGANISATION_NAME, validators=[StorableText("organisation name")]
    )
    slug = models.SlugField(max_length=60, unique=True)
    requires_approval = models.BooleanField(
        default=False,
        help_text="Submissions wait for an owner other than the submitter to approve them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ASSESSOR = "assessor", "Assessor"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ASSESSOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.ASSESSOR)

    @property
    def can_manage(self) -> bool:
        return self.role == Role.OWNER


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=MAX_EMAIL)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ASSESSOR)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"
