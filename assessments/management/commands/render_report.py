from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from assessments.reports import render_report


class Command(BaseCommand):
    help = "Render an assessment's PDF gap report to a file (drafts are marked as drafts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="The assessment's id.")
        parser.add_argument(
            "-o", "--output", required=True, type=Path, help="The PDF file to write."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = (
            Assessment.objects.select_related("organisation", "system")
            .filter(pk=options["id"])
            .first()
        )
        if assessment is None:
            raise CommandError(f"No assessment with id {options['id']}.")
        report = render_report(assessment=assessment)
        output: Path = options["output"]
        try:
            output.write_bytes(report.pdf)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        kind = "submitted" if assessment.is_submitted else "draft"
        self.stdout.write(
            f"Wrote {output} ({report.pages} pages, {len(report.pdf)} bytes, {kind}); "
            f"answers SHA-256 {report.manifest['answers_sha256'][:12]}."
        )
