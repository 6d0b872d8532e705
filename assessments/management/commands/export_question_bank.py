import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.bank.export import export_json, export_to_directory


class Command(BaseCommand):
    help = "Write the question bank as YAML files (--output DIR) or one JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Folder to write the YAML layout into.")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(export_json(), ensure_ascii=False, indent=2))
            return
        if options["output"] is None:
            raise CommandError("Give --output DIR for YAML, or --format json.")
        for path in export_to_directory(options["output"]):
            self.stdout.write(f"wrote {path}")
