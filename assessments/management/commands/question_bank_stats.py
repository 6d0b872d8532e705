from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from assessments.bank.read import read_paths
from assessments.bank.stats import BASIS_ORDER, basis_counts, basis_table

from .validate_question_bank import default_paths, report_problems


class Command(BaseCommand):
    help = (
        "Count the questions of each framework version in use by basis (where each practice "
        "comes from). --markdown prints the table that docs/question-bank.md shows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders of YAML.")
        parser.add_argument("--markdown", action="store_true", help="Print a Markdown table.")

    def handle(self, *args: Any, **options: Any) -> None:
        files = read_paths(options["paths"] or default_paths())
        if files.problems:
            report_problems(self, files.problems)
        counts = basis_counts(files.versions)
        if options["markdown"]:
            self.stdout.write(basis_table(counts), ending="")
            return
        for c in counts:
            parts = ", ".join(f"{c.by_basis[b]} {b}" for b in BASIS_ORDER)
            self.stdout.write(f"{c.framework} {c.version}: {c.total} questions: {parts}")
