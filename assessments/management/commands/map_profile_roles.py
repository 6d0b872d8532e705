"""Map the retired profile roles of drafts onto the profile's activities (after loading)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from assessments.profile_roles import map_role_answers


class Command(BaseCommand):
    help = (
        "Move drafts pinned to the profile's retired roles question to the newest published "
        "versions, their role answers mapped onto the profile's activities."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        moved = map_role_answers(apps)
        self.stdout.write(f"assessments moved to the newest versions: {moved}")
