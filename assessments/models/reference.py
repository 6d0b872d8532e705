"""Reference data admins maintain beside the question bank: what the report leaves open.

The Model Law essay names a negative list and a foundation-model scale but gives neither, so
both are data with a source and an effective date, never text attributed to the essay.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class JurisdictionManager(models.Manager["Jurisdiction"]):
    def get_by_natural_key(self, key: str) -> Jurisdiction:
        return self.get(key=key)


class Jurisdiction(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    foundation_model_scale = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="The scale beyond which foundation-model duties apply here, with its source.",
    )
    is_example = models.BooleanField(
        default=False, help_text="Shipped as an illustration; not a statement of any law."
    )
    note = models.TextField(blank=True, default="")

    objects: ClassVar[JurisdictionManager] = JurisdictionManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (example)" if self.is_example else self.name

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class NegativeListCategory(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="negative_list"
    )
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, default="")
    source = models.CharField(
        max_length=300, help_text="The legal instrument or document that lists this category."
    )
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    is_example = models.BooleanField(default=False)

    class Meta:
        ordering = ["jurisdiction", "title"]
        verbose_name = "negative-list category"
        verbose_name_plural = "negative-list categories"
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "key"], name="unique_negative_list_category"
            ),
        ]

    def __str__(self) -> str:
        return self.title
