import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from assessments.plan.selectors import plan_rows_for
from assessments.results import results_for_assessment
from assessments.results.approval import approval_for, sign_off_record
from assessments.results.changes import changes_since_previous
from assessments.scoring import wording
from assessments.scoring.results import HIDDEN, FrameworkResult, Listed, Results


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
            shown = results.to_json() if options["full"] else results_summary(results)
            shown["actions"] = [row.to_json() for row in plan_rows_for(assessment, results)]
            shown["approval"] = approval_for(assessment).to_json() | {
                "record": [step.to_json() for step in sign_off_record(assessment)]
            }
            changes = changes_since_previous(assessment, results=results)
            if changes is not None:
                shown["changes"] = changes.to_json()
            self.stdout.write(json.dumps(shown, indent=2, ensure_ascii=False))
            return
        for line in summary_lines(assessment, results):
            self.stdout.write(line)


def results_summary(results: Results) -> dict[str, Any]:
    """The shape `assessment_results --json` prints (docs/results-format.md, "On the command
    line")."""
    return {
        "scoring_rules_version": results.scoring_rules_version,
        "provisional": results.provisional,
        "overall": {
            "score": results.overall,
            "answered": results.answered,
            "applicable": results.applicable,
        },
        "frameworks": [framework_summary(f) for f in results.frameworks],
        "gaps": [
            {
                "framework": g.framework,
                "question": g.question,
                "priority": g.priority,
                "critical": g.critical,
                "why_critical": g.why_critical,
            }
            for g in results.gaps
        ],
        "dont_know": [_listed(d) for d in results.dont_know],
        "unanswered": [_listed(u) for u in results.unanswered],
    }


def _listed(item: Listed) -> dict[str, str]:
    return {"framework": item.framework, "question": item.question}


def framework_summary(framework: FrameworkResult) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "key": framework.key,
        "version": framework.version,
        "standing": framework.standing,
        "score": framework.score,
        "answered": framework.answered,
        "applicable": framework.applicable,
        "sections": [
            {
                "key": s.key,
                "score": s.score,
                "answered": s.answered,
                "applicable": s.applicable,
            }
            for s in framework.sections
        ],
        "applicable_questions": [
            q.key for s in framework.sections for q in s.questions if q.status != HIDDEN
        ],
    }
    if framework.risks:
        summary["risks"] = [
            {"key": r.key, "score": r.score, "covered": r.covered, "coverage": r.coverage}
            for r in framework.risks
        ]
    if framework.tier is not None:
        summary["tier"] = framework.tier.key
        summary["overlays"] = [o.key for o in framework.tier.overlays]
    if framework.gates is not None:
        summary["required_level"] = framework.gates.required_level
        summary["gates"] = [
            {
                "key": g.key,
                "decision": g.decision,
                "reason": g.reason,
                "blocking": list(g.blocking),
                "conditions": list(g.conditions),
            }
            for g in framework.gates.gates
        ]
    return summary


def summary_lines(assessment: Assessment, results: Results) -> list[str]:
    status = "provisional" if results.provisional else "submitted"
    overall = wording.score_text(results.overall, results.answered, results.applicable)
    lines = [
        f"{assessment.system.name}, round {assessment.round} ({status})",
        f"Overall score: {overall}",
    ]
    for framework in results.frameworks:
        lines.append(f"{framework.name}: {wording.framework_score_text(framework)}")
        if wording.standing_label(framework.standing):
            lines.append(f"  ({wording.standing_label(framework.standing)})")
        if framework.tier is not None:
            lines.append("  " + wording.tier_text(framework.tier, framework.standing))
        if framework.gates is not None:
            gates = framework.gates
            lines.append("  " + wording.level_text(gates, framework.standing))
            lines += ["  " + wording.gate_text(g, framework.standing) for g in gates.gates]
    lines.append(f"Gaps: {len(results.gaps)} ({results.critical_gaps} critical)")
    return lines
