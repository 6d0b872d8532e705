from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.bank.validation import validate_paths


def default_paths() -> list[Path]:
    return [Path(settings.BASE_DIR) / "fixtures"]


def report_problems(command: BaseCommand, problems: list[Any]) -> None:
    for problem in problems:
        command.stderr.write(str(problem))
    raise CommandError(f"{len(problems)} problem(s) found; nothing was changed.", returncode=1)


class Command(BaseCommand):
    help = "Check question-bank YAML files (default: fixtures/) without changing anything."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders of YAML.")

    def handle(self, *args: Any, **options: Any) -> None:
        files, problems = validate_paths(options["paths"] or default_paths())
        if problems:
            report_problems(self, problems)
        self.stdout.write(
            f"OK: {len(files.sources)} source(s), {len(files.versions)} framework version(s), "
            f"{sum(len(v.questions) for v in files.versions)} question(s)."
        )
