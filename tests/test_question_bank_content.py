"""The question bank the product ships: four frameworks, complete, cited and well-formed.

Structure is checked on the database after `load_question_bank`; behaviour (tiers, overlays,
safety levels, conditions) through the pure applicability rules on the same files.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from assessments.bank.read import read_paths
from assessments.bank.specs import QuestionSpec, VersionSpec
from assessments.models import (
    Framework,
    FrameworkVersion,
    Jurisdiction,
    NegativeListCategory,
    Question,
    Source,
)
from assessments.scoring.applicability import Applicability, evaluate_applicability
from assessments.scoring.conditions import (
    PROFILE_PREFIX,
    HasOverlay,
    LevelAtLeast,
    TierIn,
    parse_condition,
    question_refs,
    walk,
)
from assessments.scoring.types import (
    AnswerValue,
    Bank,
    BankFramework,
    BankOption,
    BankQuestion,
    BankSection,
    answer_fraction,
)
from tests.conftest import FIXTURES

KINDS = {
    "profile": "profile",
    "tfs-principles": "maturity",
    "sg-genai": "maturity",
    "model-law": "tier",
    "rsp-asl": "gate",
}
PRINCIPLES = [
    "intrinsic-risks",
    "trustworthiness-by-design",
    "take-back-control",
    "channel-neutral",
    "liability-responsibility",
    "structural-practices",
    "evidence-based",
    "public-sector-capacity",
    "adaptable-governance",
    "interoperable-governance",
]
PILLARS = ["development-deployment", "assurance-evaluation", "safety-alignment-research"]
# Safeguards against the six risks: reported as risk coverage, not as a recommendation's score.
RISK_SAFEGUARDS = "risk-safeguards"
RISKS = [
    "hallucination",
    "privacy",
    "disinformation-toxicity-cyber",
    "copyright",
    "bias",
    "values-alignment",
]
TIERS = ["permit", "permit-pending", "filing", "none"]  # in order of stringency
OVERLAYS = ["high-risk", "foundation-model", "open-source", "sandbox"]
LEVELS = [(1, "ASL-1"), (2, "ASL-2"), (3, "ASL-3")]
AREAS = [
    "security",
    "training-oversight",
    "red-teaming",
    "model-evaluations",
    "responsible-deployment",
]
GATES = ["scaling", "deployment"]


# The bank as plain data, built from the same files the loader reads. -----------------------


def _question(framework: str, section: str, q: QuestionSpec, position: int) -> BankQuestion:
    return BankQuestion(
        framework=framework,
        section=section,
        key=q.key,
        position=position,
        text=q.text,
        kind=q.kind,
        weight=q.weight,
        required=q.required,
        condition=parse_condition(q.applies_when) if q.applies_when else None,
        options=tuple(
            BankOption(o.key, o.label, o.points, o.meaning, o.effects) for o in q.options
        ),
        tags=frozenset(q.tags),
        required_level=q.required_level,
        source=q.source,
        quote=q.quote,
        supporting=tuple(q.supporting_sources),
        remediation=q.remediation,
        guidance=q.guidance,
        basis=q.basis,
        finding=q.finding,
    )


def _framework(version: VersionSpec) -> BankFramework:
    position = itertools.count(1)
    key = version.framework.key
    return BankFramework(
        key=key,
        name=version.framework.name,
        kind=version.framework.kind,
        version=version.label,
        rules=version.rules,
        source=version.framework.source,
        standing=version.framework.standing,
        standing_note=version.framework.standing_note,
        sections=tuple(
            BankSection(
                s.key,
                s.title,
                s.weight,
                tuple(_question(key, s.key, q, next(position)) for q in s.questions),
            )
            for s in version.sections
        ),
    )


@pytest.fixture(scope="module")
def bank() -> Bank:
    """The versions new assessments start on: every version but the retired ones."""
    files = read_paths([FIXTURES])
    assert not files.problems
    versions = sorted(
        (v for v in files.versions if v.status != "retired"),
        key=lambda v: (v.framework.kind != "profile", v.framework.order),
    )
    return Bank(tuple(_framework(v) for v in versions))


def _answers(**by_ref: tuple[str, ...]) -> dict[tuple[str, str], AnswerValue]:
    """Answers written as framework__question=(option, ...)."""
    answers = {}
    for name, choices in by_ref.items():
        framework, _, question = name.partition("__")
        answers[(framework.replace("_", "-"), question.replace("_", "-"))] = AnswerValue(choices)
    return answers


def _applies(result: Applicability, framework: str, key: str) -> bool:
    return result.applies((framework, key))


# Loading ------------------------------------------------------------------------------------


def test_loading_the_fixtures_on_a_fresh_database_publishes_all_four_frameworks(
    full_bank: None,
) -> None:
    assert dict(Framework.objects.values_list("key", "kind")) == KINDS
    versions = FrameworkVersion.objects.select_related("framework")
    statuses = {(v.framework.key, v.label): (v.status, v.published_on) for v in versions}
    first, second, third = date(2026, 11, 22), date(2026, 11, 29), date(2026, 12, 6)
    retired, published = "retired", "published"
    assert statuses == {
        ("profile", "v1"): (retired, first),
        ("profile", "v2"): (published, third),
        ("tfs-principles", "v1"): (retired, first),
        ("tfs-principles", "v2"): (published, second),
    } | {
        (key, label): state
        for key in ("sg-genai", "model-law", "rsp-asl")
        for label, state in (
            ("v1", (retired, first)),
            ("v2", (retired, second)),
            ("v3", (published, third)),
        )
    }
    current = Question.objects.filter(version__status="published")
    assert current.exclude(version__framework__key="profile").count() >= 100


def test_loading_twice_changes_nothing(full_bank: None) -> None:
    before = Question.objects.count()
    call_command("load_question_bank", verbosity=0)
    assert Question.objects.count() == before


def test_reference_data_ships_nothing_that_could_pass_for_law(full_bank: None) -> None:
    assert not Jurisdiction.objects.filter(is_example=False).exists()
    assert not NegativeListCategory.objects.filter(is_example=False).exists()


# Every item of the frameworks is there, by key ---------------------------------------------


def _rules(framework: str) -> dict[str, Any]:
    rules: dict[str, Any] = FrameworkVersion.objects.get(
        framework__key=framework, status="published"
    ).rules
    return rules


def test_every_principle_and_pillar_is_a_section(full_bank: None) -> None:
    current = FrameworkVersion.objects.filter(status="published")
    sections = current.get(framework__key="tfs-principles").sections
    assert list(sections.values_list("key", flat=True)) == PRINCIPLES
    pillars = current.get(framework__key="sg-genai").sections
    assert list(pillars.values_list("key", flat=True)) == [*PILLARS, RISK_SAFEGUARDS]


@pytest.mark.parametrize(
    ("framework", "rule", "expected"),
    [
        ("sg-genai", "risks", RISKS),
        ("model-law", "tiers", TIERS),
        ("model-law", "overlays", OVERLAYS),
        ("rsp-asl", "areas", AREAS),
        ("rsp-asl", "gates", GATES),
    ],
)
def test_every_risk_tier_overlay_area_and_gate_is_in_the_rules(
    full_bank: None, framework: str, rule: str, expected: list[str]
) -> None:
    entries = _rules(framework)[rule]
    assert isinstance(entries, list)
    assert [e["key"] for e in entries] == expected
    assert all(e["label"] and e["source"] for e in entries)


def test_the_tier_and_gate_defaults_and_levels(full_bank: None) -> None:
    assert _rules("model-law")["default_tier"] == "none"
    rsp = _rules("rsp-asl")
    assert rsp["default_level"] == 1
    levels = rsp["levels"]
    assert isinstance(levels, list)
    assert [(e["level"], e["label"]) for e in levels] == LEVELS
    # The essay defines no threshold: levels cite the full policy, never the essay.
    assert {e["source"] for e in levels} == {"anthropic-rsp"}


def test_tiers_and_overlays_explain_their_rule(full_bank: None) -> None:
    rules = _rules("model-law")
    for name in ("tiers", "overlays"):
        entries = rules[name]
        assert isinstance(entries, list)
        assert all(e["explanation"] and e["source"] == "zhou-hui" for e in entries)


# Citations ----------------------------------------------------------------------------------


def test_every_question_cites_a_source_that_resolves(full_bank: None) -> None:
    known = set(Source.objects.values_list("key", flat=True))
    questions = Question.objects.exclude(version__framework__key="profile")
    for question in questions.select_related("source").prefetch_related("supporting_sources"):
        assert question.source is not None, question.key
        assert {s.key for s in question.supporting_sources.all()} <= known


def test_every_scored_question_has_guidance_a_quote_and_advice(bank: Bank) -> None:
    for q in bank.questions:
        if not q.is_scored:
            continue
        assert q.guidance, q.ref
        assert q.remediation, q.ref
        assert q.source, q.ref
        # A practice from the full policy cites it, and an external document is never quoted.
        if q.basis != "policy":
            assert 0 < len(q.quote.split()) <= 25, q.ref
        assert q.source not in q.supporting, q.ref


def test_the_external_policy_is_primary_only_where_the_practice_is_its_own(bank: Bank) -> None:
    for q in bank.questions:
        assert (q.source == "anthropic-rsp") == (q.basis == "policy"), q.ref
        if q.basis == "policy":
            assert not q.quote, q.ref
            assert "sellitto" in q.supporting, q.ref


# Scoring shape ------------------------------------------------------------------------------


def test_every_scored_question_has_a_full_marks_answer_and_a_dont_know(bank: Bank) -> None:
    for q in bank.questions:
        if not q.is_scored:
            continue
        assert q.kind == "single", q.ref
        best = max((o for o in q.options if o.meaning == "plain"), key=lambda o: o.points or 0)
        assert answer_fraction(q, AnswerValue((best.key,))) == 1.0, q.ref
        assert [o.meaning for o in q.options].count("dont_know") == 1, q.ref


def test_screening_and_profile_questions_are_not_scored(bank: Bank) -> None:
    for q in bank.questions:
        if any(o.effects for o in q.options) or q.framework == "profile":
            assert q.weight == 0, q.ref
            assert all(o.points is None for o in q.options), q.ref


def test_the_bank_has_between_100_and_160_questions(bank: Bank) -> None:
    assert 100 <= len(bank.questions) <= 160


# Conditions ---------------------------------------------------------------------------------


def test_conditions_refer_only_to_earlier_questions(bank: Bank) -> None:
    profile = {q.key: {o.key for o in q.options} for q in bank.framework("profile").questions}
    for framework in bank.frameworks:
        questions = framework.questions
        position = {q.key: i for i, q in enumerate(questions)}
        last_screening = max(
            (i for i, q in enumerate(questions) if any(o.effects for o in q.options)), default=-1
        )
        for index, q in enumerate(questions):
            if q.condition is None:
                continue
            for ref in question_refs(q.condition):
                if ref.question.startswith(PROFILE_PREFIX):
                    key = ref.question[len(PROFILE_PREFIX) :]
                    assert ref.options <= profile[key], q.ref
                else:
                    assert position[ref.question] < index, q.ref
            if any(isinstance(p, TierIn | HasOverlay | LevelAtLeast) for p in walk(q.condition)):
                assert index > last_screening, q.ref


# Tags ---------------------------------------------------------------------------------------


def _tagged(bank: Bank, framework: str, tag: str) -> list[BankQuestion]:
    return [q for q in bank.framework(framework).questions if tag in q.tags]


def test_every_risk_is_mitigated_by_at_least_one_question(bank: Bank) -> None:
    for risk in RISKS:
        assert _tagged(bank, "sg-genai", f"risk:{risk}"), risk


def test_every_area_and_gate_has_safeguards(bank: Bank) -> None:
    for area in AREAS:
        assert _tagged(bank, "rsp-asl", f"area:{area}"), area
    for gate in GATES:
        assert _tagged(bank, "rsp-asl", f"gate:{gate}"), gate


def test_every_safeguard_names_its_level_area_and_gate(bank: Bank) -> None:
    safeguards = [q for q in bank.framework("rsp-asl").questions if q.required_level]
    assert len(safeguards) >= 15
    for q in safeguards:
        assert q.tag_values("area"), q.ref
        assert q.tag_values("gate"), q.ref


def test_the_pause_commitment_and_procedure_guard_both_gates(bank: Bank) -> None:
    for key in ("pause-commitment", "pause-procedure"):
        q = bank.question(("rsp-asl", key))
        assert set(q.tag_values("gate")) == set(GATES)
    assert bank.question(("rsp-asl", "next-level-defined")).tag_values("gate") == ("scaling",)


def test_permit_and_filing_duties_apply_by_tier_and_are_permit_related(bank: Bank) -> None:
    duties = bank.framework("model-law").sections
    (section,) = [s for s in duties if s.key == "permit-filing"]
    for q in section.questions:
        assert "permit-related" in q.tags, q.ref
        assert isinstance(q.condition, TierIn), q.ref
        assert "none" not in q.condition.tiers, q.ref


def test_reference_data_is_shown_beside_the_questions_that_need_it(bank: Bank) -> None:
    assert "reference:negative-list" in bank.question(("model-law", "negative-list")).tags
    scale = bank.question(("model-law", "foundation-scale"))
    assert "reference:foundation-model-scale" in scale.tags


# Behaviour: the Model Law tier --------------------------------------------------------------


@pytest.mark.parametrize(
    ("negative_list", "tier", "duty"),
    [
        ("yes", "permit", "permit-held"),
        ("unsure", "permit-pending", "legal-review"),
        ("no", "filing", "filing-done"),
    ],
)
def test_the_negative_list_answer_sets_the_tier_and_its_duties(
    bank: Bank, negative_list: str, tier: str, duty: str
) -> None:
    answers = _answers(
        profile__activities=("train",),
        profile__foundation_model=("no",),
        model_law__negative_list=(negative_list,),
        model_law__high_risk=("no",),
        model_law__open_source=("no",),
        model_law__sandbox=("no",),
    )
    result = evaluate_applicability(bank, answers)
    assert result.derived["model-law"].tier == tier
    permit_duties = {"permit-held", "legal-review", "filing-done"}
    applying = {k for k in permit_duties if _applies(result, "model-law", k)}
    assert applying == {duty}


def test_use_alone_has_no_permit_or_filing_tier_but_keeps_the_ethical_duties(bank: Bank) -> None:
    answers = _answers(profile__activities=("use",), model_law__sandbox=("no",))
    result = evaluate_applicability(bank, answers)
    assert result.derived["model-law"].tier == "none"
    assert not _applies(result, "model-law", "negative-list")
    assert not _applies(result, "model-law", "filing-done")
    assert _applies(result, "model-law", "override-designed")
    assert _applies(result, "model-law", "discrimination-minimised")


def test_open_source_marks_questions_and_asks_the_legal_basis_but_waives_none(
    bank: Bank,
) -> None:
    base = {
        "profile__activities": ("train", "deploy", "release-weights"),
        "profile__foundation_model": ("yes",),
        "model_law__negative_list": ("no",),
        "model_law__high_risk": ("yes",),
        "model_law__foundation_scale": ("yes",),
        "model_law__sandbox": ("no",),
    }
    closed = evaluate_applicability(bank, _answers(**base, model_law__open_source=("no",)))
    opened = evaluate_applicability(bank, _answers(**base, model_law__open_source=("yes",)))
    assert opened.derived["model-law"].overlays == {"high-risk", "foundation-model", "open-source"}
    assert closed.applicable < opened.applicable
    assert opened.applicable - closed.applicable == {("model-law", "exemption-legal-basis")}
    marked = _tagged(bank, "model-law", "possible-open-source-exemption")
    assert marked
    assert all(opened.applies(q.ref) for q in marked)


def test_uncertain_screening_answers_take_the_cautious_reading(bank: Bank) -> None:
    answers = _answers(
        profile__activities=("deploy",),
        profile__foundation_model=("unsure",),
        model_law__negative_list=("no",),
        model_law__high_risk=("unsure",),
        model_law__foundation_scale=("unsure",),
        model_law__open_source=("no",),
        model_law__sandbox=("no",),
    )
    derived = evaluate_applicability(bank, answers).derived["model-law"]
    assert derived.overlays == {"high-risk", "foundation-model"}


# Behaviour: the required safety level -------------------------------------------------------


def _level(bank: Bank, frontier: str, uplift: str, autonomy: str) -> Applicability:
    answers = _answers(
        profile__activities=("train",),
        profile__weights_held=("yes",),
        rsp_asl__general_purpose_frontier=(frontier,),
        rsp_asl__misuse_uplift=(uplift,),
        rsp_asl__autonomy=(autonomy,),
    )
    return evaluate_applicability(bank, answers)


def test_a_narrow_system_needs_only_the_level_one_safeguards(bank: Bank) -> None:
    result = _level(bank, "no", "no", "no")
    assert result.derived["rsp-asl"].level == 1
    applying = [q for q in bank.framework("rsp-asl").questions if result.applies(q.ref)]
    assert {q.required_level for q in applying if q.required_level} == {1}
    assert ("rsp-asl", "pause-commitment") in result.applicable


def test_a_frontier_model_needs_level_two(bank: Bank) -> None:
    result = _level(bank, "yes", "no", "no")
    assert result.derived["rsp-asl"].level == 2
    assert result.applies(("rsp-asl", "pause-procedure"))
    assert not result.applies(("rsp-asl", "redteam-catastrophic"))


@pytest.mark.parametrize(
    ("uplift", "autonomy"), [("yes", "no"), ("no", "yes"), ("dont-know", "no"), ("no", "dont-know")]
)
def test_misuse_uplift_autonomy_or_not_knowing_raises_the_level_to_three(
    bank: Bank, uplift: str, autonomy: str
) -> None:
    result = _level(bank, "no", uplift, autonomy)
    assert result.derived["rsp-asl"].level == 3
    assert result.applies(("rsp-asl", "redteam-catastrophic"))
    assert result.applies(("rsp-asl", "security-hardened"))


def test_training_oversight_applies_only_to_those_who_train(bank: Bank) -> None:
    answers = _answers(
        profile__activities=("use",),
        rsp_asl__general_purpose_frontier=("yes",),
        rsp_asl__misuse_uplift=("no",),
        rsp_asl__autonomy=("no",),
    )
    result = evaluate_applicability(bank, answers)
    assert not result.applies(("rsp-asl", "training-stop"))
    assert result.applies(("rsp-asl", "deploy-signoff"))


# Checks that keep the bank in this shape ----------------------------------------------------


def _validate_planted(tmp_path: Path, framework: str, old: str, new: str) -> tuple[int, str]:
    """Validate a draft v3 of a shipped framework with one planted change."""
    newest = max((FIXTURES / "frameworks" / framework).glob("v*.yaml"), key=lambda p: p.stem)
    text = newest.read_text(encoding="utf-8")
    label = f"v{int(newest.stem[1:]) + 1}"
    draft = re.sub(
        r"label: v\d+\n  status: published\n  published_on: [\d-]+",
        f"label: {label}\n  status: draft",
        text,
        count=1,
    )
    assert old in draft
    path = tmp_path / f"{framework}.yaml"
    path.write_text(draft.replace(old, new), encoding="utf-8")
    err = io.StringIO()
    try:
        call_command("validate_question_bank", str(path), stdout=io.StringIO(), stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue()
    return 0, err.getvalue()


def test_an_unchanged_draft_of_a_shipped_framework_validates(
    full_bank: None, tmp_path: Path
) -> None:
    unchanged = _validate_planted(tmp_path, "rsp-asl", "key: deploy-signoff", "key: deploy-signoff")
    assert unchanged == (0, "")


def test_a_safeguard_without_an_area_is_refused(full_bank: None, tmp_path: Path) -> None:
    code, output = _validate_planted(
        tmp_path,
        "rsp-asl",
        "tags: [area:responsible-deployment, gate:deployment]",
        "tags: [gate:deployment]",
    )
    assert code == 1
    assert "question 'deploy-signoff': a safeguard with 'required_level' needs" in output
    assert "at least one 'area:' tag" in output


def test_a_quote_without_its_source_is_refused(full_bank: None, tmp_path: Path) -> None:
    code, output = _validate_planted(
        tmp_path,
        "tfs-principles",
        "    source: moes-lannquist-iliadis-mialhe\n    quote: Risks are use case",
        "    quote: Risks are use case",
    )
    assert code == 1
    assert "section 'intrinsic-risks': a quote needs the 'source' it is quoted from" in output
