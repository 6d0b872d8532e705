from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.json_input import JSONRefused, json_read
from assessments.portability import organisation_import

MAX_FILE_BYTES = 4 * 1024**3  # an administrator's file: bounded only to fail clearly


class Command(BaseCommand):
    help = "Recreate an organisation from export_organisation's JSON (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = json_read(options["file"].read_bytes(), max_bytes=MAX_FILE_BYTES)
        except (OSError, JSONRefused) as exc:
            raise CommandError(f"{options['file']}: not imported, nothing changed: {exc}") from None
        try:
            organisation = organisation_import(document=document)
        except ValidationError as exc:
            message = "; ".join(exc.messages)
            raise CommandError(
                f"{options['file']}: not imported, nothing changed: {message}"
            ) from None
        self.stdout.write(f"Imported organisation {organisation.slug}")
