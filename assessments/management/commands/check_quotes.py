from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.bank.quotes import (
    QuoteProblem,
    check_quotes,
    check_recorded,
    quoted_items,
    record_text,
    sources_by_key,
)
from assessments.bank.read import read_paths

from .validate_question_bank import default_paths, report_problems

ROOT = Path(settings.BASE_DIR)
RECORD = ROOT / "fixtures" / "quotes-checked.txt"


def _display(file: str) -> str:
    """A bank file as the record names it: relative to the project when it is inside it."""
    path = Path(file)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else file


class Command(BaseCommand):
    help = (
        "Check that every quoted phrase of the question bank occurs in the given copy of the "
        "report, inside the essay it is attributed to. Without a copy, check that every quote "
        "is in the record of quotes already checked that way."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "report", type=Path, nargs="?", help="The report as plain text (UTF-8)."
        )
        parser.add_argument(
            "--bank",
            action="append",
            type=Path,
            help="Question-bank files or folders (default: fixtures/). May be repeated.",
        )
        parser.add_argument(
            "--record",
            action="store_true",
            help="After every quote is found in the report, write the record of checked quotes.",
        )
        parser.add_argument(
            "--record-file",
            type=Path,
            default=RECORD,
            help=f"The record of checked quotes (default: {RECORD.relative_to(ROOT)}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report_path: Path | None = options["report"]
        record_path: Path = options["record_file"]
        if options["record"] and report_path is None:
            raise CommandError("--record needs a copy of the report to check against.")
        if options["record"] and options["bank"] and record_path == RECORD:
            # The shipped record covers the whole bank; part of it would drop the rest.
            raise CommandError("--record with --bank needs its own --record-file.")
        files = read_paths(options["bank"] or default_paths())
        if files.problems:
            report_problems(self, files.problems)
        defaults = read_paths([ROOT / "fixtures" / "sources.yaml"])
        sources = sources_by_key(defaults.sources, files.sources)

        if report_path is None:
            record = self._read(record_path, "the record of checked quotes")
            checked, problems = check_recorded(record=record, files=files, sources=sources)
            self._fail_on(problems, checked, "not checked against the report")
            self.stdout.write(
                f"OK: {checked} quoted phrase(s), each checked against the report's text "
                f"(recorded in {_display(str(record_path))})."
            )
            return

        report = self._read(report_path, "the report")
        checked, problems = check_quotes(report=report, files=files, sources=sources)
        self._fail_on(problems, checked, "not found where cited")
        self.stdout.write(f"OK: {checked} quoted phrase(s) found in the essays they cite.")
        if options["record"]:
            record_path.write_text(
                record_text(quoted_items(files), display=_display), encoding="utf-8"
            )
            self.stdout.write(f"Recorded them in {_display(str(record_path))}.")

    def _read(self, path: Path, what: str) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {what}: {exc}", returncode=2) from exc

    def _fail_on(self, problems: list[QuoteProblem], checked: int, what: str) -> None:
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(problems)} of {checked} quoted phrase(s) {what}.", returncode=1
            )
