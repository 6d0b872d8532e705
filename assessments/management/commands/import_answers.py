from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.answers_io import AnswersFileRefused, answers_import
from assessments.models import AISystem, Membership, Organisation, Role


class Command(BaseCommand):
    help = (
        "Create a new draft assessment from an answers file (docs/answers-format.md); "
        "prints the new assessment's id on its last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="Organisation slug.")
        parser.add_argument(
            "--user", help="Username recorded as the author (default: the first owner)."
        )
        parser.add_argument(
            "--round-of",
            metavar="SYSTEM",
            help="Import as the next round of this AI system (its name) instead of a new one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation '{options['organisation']}'.")
        user = self._author(organisation, options["user"])
        try:
            raw = options["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from None
        try:
            assessment = answers_import(
                organisation=organisation,
                user=user,
                raw=raw,
                round_of=self._system(organisation, options["round_of"]),
            )
        except AnswersFileRefused as exc:
            raise CommandError(f"Refused, nothing was created: {exc}") from None
        count = assessment.answers.count()
        self.stdout.write(f"Imported {count} answer(s) into a new draft assessment ({assessment}):")
        self.stdout.write(str(assessment.pk))

    def _system(self, organisation: Organisation, name: str | None) -> AISystem | None:
        if name is None:
            return None
        system = AISystem.objects.filter(organisation=organisation, name=name).first()
        if system is None:
            raise CommandError(f"{organisation} has no AI system named '{name}'.")
        return system

    def _author(self, organisation: Organisation, username: str | None) -> User:
        memberships = Membership.objects.filter(organisation=organisation).select_related("user")
        if username:
            membership = memberships.filter(user__username=username).first()
            if membership is None or not membership.can_edit:
                raise CommandError(f"'{username}' is not an owner or assessor of {organisation}.")
            return membership.user
        owner = memberships.filter(role=Role.OWNER).order_by("created_at", "pk").first()
        if owner is None:
            raise CommandError(f"{organisation} has no owner; name an author with --user.")
        return owner.user
