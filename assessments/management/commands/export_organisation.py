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
        parser.add_argument(
            "--include-password-hashes",
            action="store_true",
            help="Also write the members' password hashes, so that they sign in on the new "
            "installation with their passwords (keep the file as secret as the database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["slug"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug '{options['slug']}'.")
        text = json.dumps(
            organisation_export(
                organisation=organisation,
                include_password_hashes=options["include_password_hashes"],
            ),
            ensure_ascii=False,
            indent=1,
            sort_keys=True,
        )
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text)
