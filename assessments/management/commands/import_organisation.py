import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.portability import organisation_import


class Command(BaseCommand):
    help = "Recreate an organisation from export_organisation's JSON (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{options['file']}: cannot read JSON ({exc}).") from exc
        try:
            organisation = organisation_import(document=document)
        except (ValidationError, KeyError, TypeError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
            raise CommandError(
                f"{options['file']}: not imported, nothing changed: {message}"
            ) from exc
        self.stdout.write(f"Imported organisation {organisation.slug}")
