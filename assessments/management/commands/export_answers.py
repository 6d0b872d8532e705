from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.answers_io import answers_dump, answers_export
from assessments.models import Assessment


class Command(BaseCommand):
    help = "Print an assessment's answers as JSON (docs/answers-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="The assessment's id.")
        parser.add_argument("-o", "--output", type=Path, help="Write to this file instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = Assessment.objects.select_related("system").filter(pk=options["id"]).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {options['id']}.")
        text = answers_dump(answers_export(assessment=assessment))
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
