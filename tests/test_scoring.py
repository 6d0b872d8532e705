"""Each scoring method on small hand-built banks: no database."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.scoring.engine import score
from assessments.scoring.results import Results
from assessments.scoring.verdicts import PAUSE, PROCEED, PROCEED_WITH_CONDITIONS
from tests.plain_bank import answers_from_dict, bank_from_dict

YES_PARTLY_NO = {"yes": 2, "partly": 1, "no": 0, "dont-know": "dont_know", "na": "na"}


def run(frameworks: list[dict[str, Any]], answers: dict[str, Any]) -> Results:
    bank = bank_from_dict({"frameworks": frameworks})
    return score(bank, answers_from_dict(bank, answers))


def maturity(*sections: dict[str, Any], key: str = "m") -> dict[str, Any]:
    return {"key": key, "sections": list(sections)}


def section(key: str, *questions: dict[str, Any], weight: int = 1) -> dict[str, Any]:
    return {"key": key, "weight": weight, "questions": list(questions)}


def q(key: str, weight: int = 1, **extra: Any) -> dict[str, Any]:
    return {"key": key, "weight": weight, "options": YES_PARTLY_NO} | extra


# Maturity --------------------------------------------------------------------------------


def test_section_score_is_the_weighted_mean_of_answered_questions() -> None:
    results = run(
        [maturity(section("s", q("a", 2), q("b", 1), q("c", 5)))], {"a": "partly", "b": "yes"}
    )
    (s,) = results.framework("m").sections
    # (2 x 0.5 + 1 x 1) / 3 so far; c is unanswered, and 2 of 3 is below the 80 % threshold
    assert s.score is None
    assert s.provisional_score == pytest.approx(66.7)
    assert (s.answered, s.applicable, s.complete) == (2, 3, False)
    assert results.framework("m").score is None
    assert results.overall is None
    done = run(
        [maturity(section("s", q("a", 2), q("b", 1), q("c", 5)))],
        {"a": "partly", "b": "yes", "c": "dont-know"},
    )
    assert done.framework("m").sections[0].score == pytest.approx(25.0)  # (1 + 1 + 0) / 8


@pytest.mark.parametrize(("answered", "shown"), [(7, False), (8, True), (10, True)])
def test_scores_are_shown_from_80_percent_answered(answered: int, shown: bool) -> None:
    keys = [f"k{i}" for i in range(10)]
    answers = {k: ("dont-know" if i % 2 else "yes") for i, k in enumerate(keys[:answered])}
    results = run([maturity(section("s", *(q(k) for k in keys)))], answers)
    framework = results.framework("m")
    assert (framework.score is not None, results.overall is not None) == (shown, shown)
    assert (framework.answered, framework.applicable) == (answered, 10)
    assert results.to_json()["frameworks"][0]["score"] == framework.score


def test_not_applicable_leaves_numerator_and_denominator() -> None:
    base = run([maturity(section("s", q("a", 2), q("b", 1)))], {"a": "no", "b": "yes"})
    na = run([maturity(section("s", q("a", 2), q("b", 1)))], {"a": "na", "b": "yes"})
    assert base.framework("m").score == pytest.approx(33.3)
    assert na.framework("m").score == 100.0


def test_dont_know_scores_zero_and_is_listed() -> None:
    results = run([maturity(section("s", q("a"), q("b")))], {"a": "dont-know", "b": "yes"})
    assert results.framework("m").score == 50.0
    assert [d.question for d in results.dont_know] == ["a"]
    (gap,) = results.gaps
    assert (gap.question, gap.dont_know, gap.priority) == ("a", True, 1.0)


def test_hidden_questions_count_for_nothing_even_when_answered() -> None:
    follow_up = q("b", 3, applies_when={"question": "a", "any_of": ["yes"]})
    results = run([maturity(section("s", q("a"), follow_up))], {"a": "no", "b": "yes"})
    assert results.framework("m").score == 0.0
    assert [g.question for g in results.gaps] == ["a"]
    assert results.framework("m").sections[0].questions[1].status == "hidden"


def test_framework_score_weights_sections_that_have_a_score() -> None:
    frameworks = [
        maturity(
            section("one", q("a"), weight=3),
            section("two", q("b"), weight=1),
            section("empty", q("c"), weight=5),
            section("screen", q("d"), weight=0),
        )
    ]
    results = run(frameworks, {"a": "yes", "b": "no", "c": "na", "d": "no"})
    assert results.framework("m").score == 75.0  # (3 x 100 + 1 x 0) / 4; 'empty' has no score


def test_overall_is_the_mean_of_framework_scores() -> None:
    results = run(
        [
            maturity(section("s", q("a")), key="m1"),
            maturity(section("s", q("b")), key="m2"),
            maturity(section("s", q("c")), key="m3"),
        ],
        {"m1.a": "yes", "m2.b": "partly"},
    )
    assert results.overall is None  # m3 has no score yet, so there is no overall score
    assert results.framework("m3").score is None
    assert (results.answered, results.applicable) == (2, 3)
    done = run(
        [
            maturity(section("s", q("a")), key="m1"),
            maturity(section("s", q("b")), key="m2"),
            maturity(section("s", q("c")), key="m3"),
        ],
        {"m1.a": "yes", "m2.b": "partly", "m3.c": "no"},
    )
    assert done.overall == 50.0  # (100 + 50 + 0) / 3


def test_multiple_choice_scores_the_share_of_points() -> None:
    metrics = {"key": "m", "kind": "multiple", "options": {"x": 1, "y": 1, "z": 2, "none": 0}}
    results = run([maturity(section("s", metrics))], {"m": ["x", "z"]})
    assert results.framework("m").score == 75.0


def test_nothing_answered_gives_no_score_and_no_gaps() -> None:
    results = run([maturity(section("s", q("a")))], {})
    assert results.overall is None
    assert results.gaps == ()
    assert [u.question for u in results.unanswered] == ["a"]


def test_unscored_and_text_questions_never_count() -> None:
    text = {"key": "t", "kind": "text", "weight": 0, "required": False}
    results = run([maturity(section("s", q("a"), q("info", 0), text))], {"a": "yes", "info": "no"})
    assert results.framework("m").score == 100.0
    assert results.gaps == ()


def test_risk_coverage_reads_questions_tagged_with_the_risk() -> None:
    framework = maturity(
        section(
            "s",
            q("a", 2, tags=["risk:privacy"]),
            q("b", 1, tags=["risk:privacy", "risk:bias"]),
            q("c", 1, tags=["risk:copyright"]),
        )
    ) | {
        "rules": {
            "risks": [
                {"key": "privacy", "label": "Privacy"},
                {"key": "bias", "label": "Bias"},
                {"key": "copyright", "label": "Copyright"},
            ]
        }
    }
    risks = run([framework], {"a": "yes", "b": "no"}).framework("m").risks
    assert [(r.key, r.score, r.coverage) for r in risks] == [
        ("privacy", pytest.approx(66.7), "partial"),
        ("bias", 0.0, "none"),
        ("copyright", None, "unknown"),
    ]
    full = run([framework], {"a": "yes", "b": "yes", "c": "yes"}).framework("m").risks
    assert all(r.covered for r in full)


# Tier ------------------------------------------------------------------------------------

TIER_RULES = {
    "tiers": [
        {"key": "permit", "label": "Permit", "explanation": "Listed activities need a permit."},
        {"key": "permit-pending", "label": "Permit pending"},
        {"key": "filing", "label": "Filing"},
        {"key": "none", "label": "None"},
    ],
    "default_tier": "none",
    "overlays": [{"key": "high-risk", "label": "High risk", "explanation": "Preventive duties."}],
}


def tier_framework(*extra_questions: dict[str, Any]) -> dict[str, Any]:
    screening = section(
        "screening",
        {
            "key": "listed",
            "weight": 0,
            "applies_when": {"question": "profile.role", "any_of": ["rnd"]},
            "options": {
                "yes": {"effects": {"tier": "permit"}},
                "unsure": {"effects": {"tier": "permit-pending"}},
                "no": {"effects": {"tier": "filing"}},
            },
        },
        {
            "key": "risky",
            "weight": 0,
            "options": {"yes": {"effects": {"overlay": "high-risk"}}, "no": {}},
        },
        *extra_questions,
        weight=0,
    )
    duties = section(
        "duties",
        q("permit-held", applies_when={"tier": ["permit", "permit-pending"]}),
        q("supervision", 3),
        q("prevent", applies_when={"overlay": "high-risk"}),
        q("outside-permit", applies_when={"not": {"tier": ["permit"]}}),
    )
    return {"key": "t", "kind": "tier", "rules": TIER_RULES, "sections": [screening, duties]}


PROFILE = {
    "key": "profile",
    "kind": "profile",
    "sections": [
        section(
            "p",
            {"key": "role", "kind": "multiple", "weight": 0, "options": {"rnd": None, "use": None}},
            weight=0,
        )
    ],
}


def test_a_negative_list_match_puts_the_activity_in_the_permit_tier() -> None:
    results = run([PROFILE, tier_framework()], {"role": ["rnd"], "listed": "yes", "risky": "yes"})
    tier = results.framework("t").tier
    assert tier is not None
    assert (tier.key, tier.label, tier.settled) == ("permit", "Permit", True)
    assert [o.key for o in tier.overlays] == ["high-risk"]
    assert tier.duties == ("permit-held", "supervision", "prevent")
    assert tier.explanation.rule == "Listed activities need a permit."
    assert [(t.question, t.answer) for t in tier.explanation.triggers] == [
        ("listed", "yes"),
        ("risky", "yes"),
    ]


def test_the_tier_changes_are_found_by_trying_answers() -> None:
    results = run([PROFILE, tier_framework()], {"role": ["rnd"], "listed": "yes", "risky": "no"})
    tier = results.framework("t").tier
    assert tier is not None
    moves = [
        (m.changes[0].question, m.changes[0].after, m.result) for m in tier.explanation.changes
    ]
    assert moves == [
        ("role", "use", "none"),  # 'listed' then no longer applies
        ("listed", "unsure", "permit-pending"),
        ("listed", "no", "filing"),
    ]


def test_the_first_tier_in_rule_order_wins() -> None:
    second = {
        "key": "also",
        "weight": 0,
        "options": {"yes": {"effects": {"tier": "filing"}}, "no": {}},
    }
    results = run(
        [PROFILE, tier_framework(second)],
        {"role": ["rnd"], "listed": "yes", "risky": "no", "also": "yes"},
    )
    tier = results.framework("t").tier
    assert tier is not None
    assert tier.key == "permit"


def test_two_answers_setting_the_tier_need_a_pair_of_changes() -> None:
    second = {
        "key": "also-listed",
        "weight": 0,
        "options": {"yes": {"effects": {"tier": "permit"}}, "no": {}},
    }
    results = run(
        [PROFILE, tier_framework(second)],
        {"role": ["use"], "listed": "yes", "risky": "no", "also-listed": "yes"},
    )
    tier = results.framework("t").tier
    assert tier is not None
    assert tier.key == "permit"
    assert tier.explanation.changes
    assert all(len(m.changes) == 1 for m in tier.explanation.changes)  # role=use hides 'listed'
    results = run(
        [PROFILE, tier_framework(second)],
        {"role": ["rnd"], "listed": "yes", "risky": "no", "also-listed": "yes"},
    )
    tier = results.framework("t").tier
    assert tier is not None
    assert {len(m.changes) for m in tier.explanation.changes} == {2}
    assert all(m.result != "permit" for m in tier.explanation.changes)


def test_default_tier_only_once_screening_is_settled() -> None:
    unsettled = run([PROFILE, tier_framework()], {"role": ["use"]}).framework("t").tier
    assert unsettled is not None
    assert (unsettled.key, unsettled.settled) == (None, False)
    settled = run([PROFILE, tier_framework()], {"role": ["use"], "risky": "no"}).framework("t").tier
    assert settled is not None
    assert settled.key == "none"
    assert [t.question for t in settled.explanation.triggers] == ["role", "risky"]


def test_permit_related_gaps_are_critical_and_first() -> None:
    results = run(
        [PROFILE, tier_framework()],
        {
            "role": ["rnd"],
            "listed": "unsure",
            "risky": "no",
            "permit-held": "partly",
            "supervision": "no",
            "outside-permit": "no",
        },
    )
    assert [(g.question, g.why_critical, g.priority) for g in results.gaps] == [
        ("permit-held", "permit-related", 0.5),
        ("supervision", "", 3.0),
        ("outside-permit", "", 1.0),
    ]


def test_the_permit_related_tag_makes_a_gap_critical() -> None:
    tagged = q("register", tags=["permit-related"])
    results = run([maturity(section("s", q("a", 5), tagged))], {"a": "no", "register": "no"})
    assert [g.question for g in results.gaps] == ["register", "a"]


# Gates -----------------------------------------------------------------------------------

GATE_RULES = {
    "levels": [
        {"level": 1, "label": "L1"},
        {"level": 2, "label": "L2", "explanation": "Frontier models need L2 safeguards."},
        {"level": 3, "label": "L3"},
    ],
    "default_level": 1,
    "gates": [
        {"key": "scaling", "label": "Before scaling"},
        {"key": "deployment", "label": "Before deployment"},
    ],
}


def gate_framework() -> dict[str, Any]:
    yes_no = {"yes": 2, "partly": 1, "no": 0, "dont-know": "dont_know", "na": "na"}
    return {
        "key": "g",
        "kind": "gate",
        "rules": GATE_RULES,
        "sections": [
            section(
                "capability",
                {
                    "key": "frontier",
                    "weight": 0,
                    "options": {"yes": {"effects": {"level": 2}}, "no": {}},
                },
                {
                    "key": "uplift",
                    "weight": 0,
                    "applies_when": {"question": "frontier", "any_of": ["yes"]},
                    "options": {"yes": {"effects": {"level": 3}}, "no": {}},
                },
                weight=0,
            ),
            section(
                "safeguards",
                q(
                    "weights",
                    3,
                    required_level=2,
                    tags=["gate:scaling", "gate:deployment"],
                    options=yes_no,
                ),
                q("red-team", 2, required_level=3, tags=["gate:deployment"], options=yes_no),
                q("pause", 2, tags=["gate:scaling", "gate:deployment"], options=yes_no),
            ),
        ],
    }


def gates_of(answers: dict[str, Any]) -> dict[str, Any]:
    results = run([gate_framework()], answers)
    gates = results.framework("g").gates
    assert gates is not None
    return {
        "level": gates.required_level,
        **{g.key: (g.decision, g.blocking, g.conditions) for g in gates.gates},
        "_results": results,
        "_gates": gates,
    }


def test_required_level_is_the_highest_level_set() -> None:
    assert gates_of({"frontier": "no"})["level"] == 1
    assert gates_of({"frontier": "yes", "uplift": "no"})["level"] == 2
    assert gates_of({"frontier": "yes", "uplift": "yes"})["level"] == 3
    assert gates_of({"frontier": "no", "uplift": "yes"})["level"] == 1  # uplift is hidden


@pytest.mark.parametrize(
    ("pause_answer", "decision", "blocking", "conditions"),
    [
        ("yes", PROCEED, (), ()),
        ("partly", PROCEED_WITH_CONDITIONS, (), ("pause",)),
        ({"options": ["na"], "reason": "No weights held."}, PROCEED, (), ()),
        ({"options": ["na"]}, PROCEED_WITH_CONDITIONS, (), ("pause",)),
        ("no", PAUSE, ("pause",), ()),
        ("dont-know", PAUSE, ("pause",), ()),
        (None, PAUSE, ("pause",), ()),
    ],
)
def test_gate_decision_follows_the_weakest_safeguard(
    pause_answer: Any, decision: str, blocking: tuple[str, ...], conditions: tuple[str, ...]
) -> None:
    answers: dict[str, Any] = {"frontier": "yes", "uplift": "no", "weights": "yes"}
    if pause_answer is not None:
        answers["pause"] = pause_answer
    found = gates_of(answers)
    assert found["scaling"] == (decision, blocking, conditions)


def test_only_safeguards_required_at_the_level_count() -> None:
    at_two = gates_of({"frontier": "yes", "uplift": "no", "weights": "yes", "pause": "yes"})
    assert at_two["deployment"] == (PROCEED, (), ())  # red-team is required from L3 only
    at_three = gates_of({"frontier": "yes", "uplift": "yes", "weights": "yes", "pause": "yes"})
    assert at_three["deployment"] == (PAUSE, ("red-team",), ())
    assert at_three["scaling"] == (PROCEED, (), ())


def test_a_blocked_gate_names_its_blockers_and_the_change_that_lifts_them() -> None:
    found = gates_of({"frontier": "yes", "uplift": "no", "weights": "no", "pause": "yes"})
    scaling = next(g for g in found["_gates"].gates if g.key == "scaling")
    assert scaling.blocking == ("weights",)
    assert [(t.question, t.effect) for t in scaling.explanation.triggers] == [
        ("weights", "blocks the gate")
    ]
    moves = {
        (m.changes[0].question, m.changes[0].after, m.result) for m in scaling.explanation.changes
    }
    assert ("weights", "yes", PROCEED) in moves
    assert ("weights", "partly", PROCEED_WITH_CONDITIONS) in moves
    assert ("frontier", "no", PROCEED) in moves  # at L1 the weights safeguard is not required
    assert all(len(m.changes) == 1 for m in scaling.explanation.changes)
    gaps = found["_results"].gaps
    assert (gaps[0].question, gaps[0].why_critical) == ("weights", "gate-blocking")


def test_several_blockers_are_lifted_together() -> None:
    found = gates_of({"frontier": "yes", "uplift": "yes", "weights": "no", "pause": "no"})
    scaling = next(g for g in found["_gates"].gates if g.key == "scaling")
    assert scaling.decision == PAUSE
    sizes = {len(m.changes) for m in scaling.explanation.changes}
    results = {m.result for m in scaling.explanation.changes}
    assert sizes == {2}
    assert results <= {PROCEED, PROCEED_WITH_CONDITIONS}


def test_level_explanation_uses_the_rules_text_and_finds_moves() -> None:
    found = gates_of({"frontier": "yes", "uplift": "no"})
    explanation = found["_gates"].level_explanation
    assert explanation.rule == "Frontier models need L2 safeguards."
    assert [(t.question, t.effect) for t in explanation.triggers] == [("frontier", "sets L2")]
    assert {(m.changes[0].question, m.result_label) for m in explanation.changes} == {
        ("frontier", "L1"),
        ("uplift", "L3"),
    }


def test_all_best_answers_give_full_marks_and_proceed() -> None:
    found = gates_of(
        {"frontier": "yes", "uplift": "yes", "weights": "yes", "red-team": "yes", "pause": "yes"}
    )
    assert found["scaling"][0] == found["deployment"][0] == PROCEED
    assert found["_results"].overall == 100.0
    assert found["_results"].gaps == ()


# The plain shape -------------------------------------------------------------------------


def test_to_json_has_the_documented_keys() -> None:
    results = run(
        [PROFILE, maturity(section("s", q("a"))), tier_framework(), gate_framework()],
        {"role": ["rnd"], "listed": "yes", "a": "no", "frontier": "yes"},
    )
    data = results.to_json()
    assert set(data) >= {"overall", "progress", "frameworks", "gaps", "dont_know", "unanswered"}
    by_key = {f["key"]: f for f in data["frameworks"]}
    assert set(by_key["t"]["tier"]) >= {
        "key",
        "label",
        "settled",
        "overlays",
        "explanation",
        "duties",
    }
    assert set(by_key["t"]["tier"]["explanation"]) == {"rule", "triggers", "changes", "sources"}
    gates = by_key["g"]["gates"]
    assert set(gates) >= {"required_level", "required_level_label", "settled", "level_explanation"}
    assert set(gates["gates"][0]) >= {"key", "label", "decision", "blocking", "conditions"}
    assert set(data["gaps"][0]) >= {
        "framework",
        "question",
        "section",
        "text",
        "weight",
        "shortfall",
        "priority",
        "critical",
        "why_critical",
        "answer",
        "remediation",
        "source",
        "quote",
        "supporting",
    }
    assert "profile" not in by_key


def test_bank_from_dict_refuses_unquoted_yes() -> None:
    with pytest.raises(ValueError, match="quote yes and no"):
        bank_from_dict({"frameworks": [maturity(section("s", {"key": "a", "options": {True: 1}}))]})


def test_rules_read_the_description_of_gates_and_levels() -> None:
    framework = gate_framework()
    framework["rules"] = {
        **GATE_RULES,
        "levels": [
            {"level": 1, "label": "L1"},
            {"level": 2, "label": "L2", "description": "Early signs of danger."},
        ],
        "gates": [{"key": "scaling", "label": "Scale", "description": "Scale only when safe."}],
    }
    gates = run([framework], {"frontier": "yes"}).framework("g").gates
    assert gates is not None
    assert gates.gates[0].explanation.rule.startswith("Scale only when safe. Pause when")
    assert gates.level_explanation.rule.endswith("at least L1. L2: Early signs of danger.")


@pytest.mark.parametrize(
    ("pause_answer", "wording"),
    [
        ("partly", "only partly in place: a condition"),
        (
            {"options": ["na"]},
            "marked not applicable with no reason given: a condition to check",
        ),
        ("dont-know", "blocks the gate"),
        (None, "not answered, so it blocks the gate"),
    ],
)
def test_gate_triggers_say_what_each_safeguard_does(pause_answer: Any, wording: str) -> None:
    answers: dict[str, Any] = {"frontier": "no"}
    if pause_answer is not None:
        answers["pause"] = pause_answer
    gates = gates_of(answers)["_gates"]
    scaling = next(g for g in gates.gates if g.key == "scaling")
    assert [(t.question, t.effect) for t in scaling.explanation.triggers] == [("pause", wording)]
