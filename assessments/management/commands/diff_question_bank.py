import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.bank.diff import diff_specs, diff_text
from assessments.bank.documents import BankProblems, version_spec
from assessments.models import FrameworkVersion


class Command(BaseCommand):
    help = (
        "What changed between two versions of a framework: sections and questions added, "
        "removed, changed and moved, matched by key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="The framework's key, e.g. rsp-asl.")
        parser.add_argument("old", help="The earlier version's label, e.g. v1.")
        parser.add_argument("new", help="The later version's label, e.g. v2.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            old = version_spec(options["framework"], options["old"])
            new = version_spec(options["framework"], options["new"])
        except (FrameworkVersion.DoesNotExist, BankProblems) as exc:
            raise CommandError(str(exc)) from exc
        diff = diff_specs(old, new)
        if options["format"] == "json":
            self.stdout.write(json.dumps(diff.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(diff_text(diff))
