"""Results of an assessment: live and provisional for a draft, a fixed snapshot once submitted."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Source
from assessments.results import results_for_assessment
from assessments.scoring.results import SCORING_RULES_VERSION, Results
from assessments.services.assessments import assessment_submit
from tests.factories import answer

# A submitted assessment's results as the first scoring rules stored them.
SNAPSHOT = Path(__file__).parent / "fixtures" / "results-snapshot-v1.json"


def framework(results: dict[str, Any], key: str) -> dict[str, Any]:
    return next(f for f in results["frameworks"] if f["key"] == key)


def test_draft_results_are_live_and_provisional(assessment: Assessment) -> None:
    results = results_for_assessment(assessment)
    assert results.provisional is True
    assert results.scoring_rules_version == SCORING_RULES_VERSION
    tier = results.framework("mini-tier").tier
    assert tier is not None
    assert tier.key == "permit"
    gates = results.framework("mini-gate").gates
    assert gates is not None
    assert gates.required_level_label == "ASL-3"
    assert {g.key: g.decision for g in gates.gates} == {
        "scaling": "proceed_with_conditions",
        "deployment": "pause",
    }
    assert [(g.question, g.why_critical) for g in results.gaps[:2]] == [
        ("red-team", "gate-blocking"),
        ("permit-held", "permit-related"),
    ]
    assert [d.question for d in results.dont_know] == ["reviews"]


def test_draft_results_follow_the_answers(assessment: Assessment, assessor: User) -> None:
    answer(assessment, assessor, "mini-gate", "red-team", "yes")
    gates = results_for_assessment(assessment).framework("mini-gate").gates
    assert gates is not None
    assert [g.decision for g in gates.gates] == ["proceed_with_conditions"] * 2


def test_results_carry_the_citation_of_every_source_cited(assessment: Assessment) -> None:
    results = results_for_assessment(assessment)
    sources = {s.key: s for s in results.sources}
    assert {"zhou-hui", "sellitto", "wang-xiaohong", "anthropic-rsp"} <= set(sources)
    zhou = Source.objects.get(key="zhou-hui")
    assert sources["zhou-hui"].citation == zhou.citation()
    assert sources["zhou-hui"].authors == zhou.authors
    assert "周辉" in sources["zhou-hui"].citation
    assert sources["zhou-hui"].pages == zhou.pages
    gap_sources = {g.source for g in results.gaps}
    assert gap_sources <= set(sources)


def test_submission_stores_a_snapshot_that_never_changes(
    assessment: Assessment, assessor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    submitted = assessment_submit(assessment=assessment, user=assessor)
    stored = Assessment.objects.get(pk=submitted.pk)
    assert stored.scoring_rules_version == SCORING_RULES_VERSION
    assert stored.results is not None
    assert stored.results["provisional"] is False
    snapshot = json.loads(json.dumps(stored.results))
    Source.objects.filter(key="zhou-hui").update(title="Renamed later")
    monkeypatch.setattr("assessments.results.selectors.score", lambda bank, answers: 1 / 0)
    assert results_for_assessment(stored).to_json() == snapshot
    assert snapshot["sources"]["zhou-hui"]["title"] != "Renamed later"


def test_results_read_back_from_their_json_give_the_same_json(assessment: Assessment) -> None:
    computed = json.loads(json.dumps(results_for_assessment(assessment).to_json()))
    assert Results.from_json(computed).to_json() == computed


# Fields results gained after the first snapshots were stored; those snapshots read them with
# defaults ("" for texts; a stored score reads as complete, and as its framework's counts the
# sums of its sections' counts).
ADDED_SINCE_THE_FIRST_SHAPE = {
    "basis",
    "finding",
    "linked_from",
    "complete",
    "provisional_score",
    "reason",
    "answered",
    "applicable",
    "standing",
    "standing_note",
}


def without_added_fields(data: Any, stored: Any) -> Any:
    """data without the added fields that the stored snapshot does not have."""
    if isinstance(data, dict) and isinstance(stored, dict):
        return {
            k: without_added_fields(v, stored.get(k))
            for k, v in data.items()
            if k in stored or k not in ADDED_SINCE_THE_FIRST_SHAPE
        }
    if isinstance(data, list) and isinstance(stored, list) and len(data) == len(stored):
        return [without_added_fields(v, w) for v, w in zip(data, stored, strict=True)]
    return data


def test_a_snapshot_stored_in_the_first_shape_reads_back_unchanged() -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    results = Results.from_json(snapshot)
    stored_again = results.to_json()
    assert without_added_fields(stored_again, snapshot) == snapshot
    for framework in stored_again["frameworks"]:
        assert framework["complete"] is (framework["score"] is not None)
        assert all(s["provisional_score"] is None for s in framework["sections"])
    assert {g["basis"] for g in stored_again["gaps"]} == {""}
    assert {g["finding"] for g in stored_again["gaps"]} == {""}
    assert all(results.cited_as(gap) == "" for gap in results.gaps)
    assert results.overall == snapshot["overall"]["score"]
    assert [g.question for g in results.gaps] == [g["question"] for g in snapshot["gaps"]]
    gates = results.framework("mini-gate").gates
    assert gates is not None
    assert [g.decision_label for g in gates.gates] == [
        g["decision_label"] for g in snapshot["frameworks"][2]["gates"]["gates"]
    ]


def test_every_reader_shows_a_stored_snapshot(
    assessment: Assessment, assessor: User, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    submitted = assessment_submit(assessment=assessment, user=assessor)
    Assessment.objects.filter(pk=submitted.pk).update(results=snapshot)
    monkeypatch.setattr("assessments.results.selectors.score", lambda bank, answers: 1 / 0)
    client.force_login(assessor)
    page = client.get(reverse("assessment_results", args=[submitted.pk])).content.decode()
    tier = snapshot["frameworks"][1]["tier"]
    assert f"Tier: {tier['label']}" in page
    assert snapshot["gaps"][0]["text"] in page
    rows = list(csv.reader(StringIO(client.get(reverse("gaps_csv", args=[submitted.pk])).text)))
    shown = sorted((row[3], row[6]) for row in rows[1:])
    assert shown == sorted((g["framework"], g["question"]) for g in snapshot["gaps"])
    out = StringIO()
    call_command("assessment_results", str(submitted.pk), "--json", stdout=out)
    assert json.loads(out.getvalue())["overall"]["score"] == snapshot["overall"]["score"]


def test_live_results_of_a_submitted_assessment_are_computed_again(
    assessment: Assessment, assessor: User
) -> None:
    submitted = assessment_submit(assessment=assessment, user=assessor)
    Assessment.objects.filter(pk=submitted.pk).update(results={"frameworks": []})
    stored = Assessment.objects.get(pk=submitted.pk)
    assert results_for_assessment(stored).frameworks == ()
    live = results_for_assessment(stored, live=True)
    assert live.provisional is False
    tier = live.framework("mini-tier").tier
    assert tier is not None
    assert tier.key == "permit"


def test_assessment_results_command_prints_the_summary_shape(assessment: Assessment) -> None:
    out = StringIO()
    call_command("assessment_results", str(assessment.pk), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    tier = framework(printed, "mini-tier")
    assert (tier["tier"], tier["overlays"]) == ("permit", ["high-risk"])
    gate = framework(printed, "mini-gate")
    assert gate["required_level"] == 3
    assert {"key": "deployment", "decision": "pause", "blocking": ["red-team"]}.items() <= next(
        g for g in gate["gates"] if g["key"] == "deployment"
    ).items()
    assert framework(printed, "mini-maturity")["sections"][0].keys() >= {"key", "score"}
    assert printed["gaps"][0].keys() >= {"framework", "question", "priority"}
    assert printed["gaps"][0]["question"] == "red-team"


def test_assessment_results_command_prints_a_readable_summary(assessment: Assessment) -> None:
    out = StringIO()
    call_command("assessment_results", str(assessment.pk), stdout=out)
    text = out.getvalue()
    assert "Under the proposed Model Law, this activity would need: Administrative permit." in text
    assert "Before deployment: Anthropic's policy would require a pause" in text
    assert "(provisional)" in text
