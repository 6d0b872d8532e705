import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from assessments.results import results_for_assessment, results_summary


class Command(BaseCommand):
    help = "Print an assessment's results: scores, tier, gates and gaps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="The assessment's id.")
        parser.add_argument(
            "--json", action="store_true", help="Print JSON (docs/results-format.md)."
        )
        parser.add_argument(
            "--full", action="store_true", help="With --json: the whole results, not a summary."
        )
        parser.add_argument(
            "--live", action="store_true", help="Compute now, even for a submitted assessment."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        assessment = Assessment.objects.select_related("system").filter(pk=options["id"]).first()
        if assessment is None:
            raise CommandError(f"No assessment with id {options['id']}.")
        results = results_for_assessment(assessment, live=options["live"])
        if options["json"]:
            shown = results if options["full"] else results_summary(results)
            self.stdout.write(json.dumps(shown, indent=2, ensure_ascii=False))
            return
        for line in summary_lines(assessment, results):
            self.stdout.write(line)


def summary_lines(assessment: Assessment, results: dict[str, Any]) -> list[str]:
    status = "provisional" if results["provisional"] else "submitted"
    lines = [
        f"{assessment.system.name}, round {assessment.round} ({status})",
        f"Overall score: {_score(results['overall']['score'])}",
    ]
    for framework in results["frameworks"]:
        lines.append(f"{framework['name']}: {_score(framework['score'])}")
        if "tier" in framework:
            lines.append(f"  Tier: {framework['tier']['label']}")
        if "gates" in framework:
            gates = framework["gates"]
            lines.append(f"  Required level: {gates['required_level_label']}")
            lines += [f"  {g['label']}: {g['decision_label']}" for g in gates["gates"]]
    critical = sum(1 for g in results["gaps"] if g["critical"])
    lines.append(f"Gaps: {len(results['gaps'])} ({critical} critical)")
    return lines


def _score(value: float | None) -> str:
    return "not scored yet" if value is None else f"{value:g}"
