from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.bank.quotes import check_quotes, sources_by_key
from assessments.bank.read import read_paths

from .validate_question_bank import default_paths, report_problems


class Command(BaseCommand):
    help = (
        "Check that every quoted phrase of the question bank occurs in the given copy of the "
        "report, inside the essay it is attributed to."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", type=Path, help="The report as plain text (UTF-8).")
        parser.add_argument(
            "--bank",
            action="append",
            type=Path,
            help="Question-bank files or folders (default: fixtures/). May be repeated.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = options["report"].read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read the report: {exc}", returncode=2) from exc
        files = read_paths(options["bank"] or default_paths())
        if files.problems:
            report_problems(self, files.problems)
        defaults = read_paths([Path(settings.BASE_DIR) / "fixtures" / "sources.yaml"])
        sources = sources_by_key(defaults.sources, files.sources)
        checked, problems = check_quotes(report=report, files=files, sources=sources)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(problems)} of {checked} quoted phrase(s) not found where cited.",
                returncode=1,
            )
        self.stdout.write(f"OK: {checked} quoted phrase(s) found in the essays they cite.")
