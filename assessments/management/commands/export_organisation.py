import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Organisation
from assessments.portability import organisation_export


class Command(BaseCommand):
    help = "Write one organisation's data (members, assessments, answers, history) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["slug"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug '{options['slug']}'.")
        text = json.dumps(
            organisation_export(organisation=organisation),
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text)
