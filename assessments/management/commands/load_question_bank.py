from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.bank.db import load_files
from assessments.bank.validation import validate_paths

from .validate_question_bank import default_paths, report_problems


class Command(BaseCommand):
    help = "Validate question-bank YAML (default: fixtures/) and load it in one transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders of YAML.")

    def handle(self, *args: Any, **options: Any) -> None:
        files, problems = validate_paths(options["paths"] or default_paths())
        if problems:
            report_problems(self, problems)
        report = load_files(files)
        self.stdout.write(
            f"Loaded {report.sources} source(s), {report.jurisdictions} jurisdiction(s); "
            f"versions created: {', '.join(report.created) or 'none'}; "
            f"replaced: {', '.join(report.replaced) or 'none'}; "
            f"unchanged: {', '.join(report.unchanged) or 'none'}."
        )
