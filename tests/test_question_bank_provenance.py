"""Where each practice comes from, the gap it names, and what each framework is."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments.bank.checks import Context, provenance_problems
from assessments.bank.read import read_paths
from assessments.bank.scope import Scope
from assessments.bank.specs import (
    FrameworkSpec,
    QuestionSpec,
    SectionSpec,
    VersionInfo,
    VersionSpec,
)
from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.safeguards import safeguards_of
from assessments.scoring.types import AnswerValue, Bank, BankQuestion
from tests.conftest import FIXTURES, ROOT
from tests.plain_bank import published_bank

FRAMEWORKS = ("tfs-principles", "sg-genai", "model-law", "rsp-asl")
STANDINGS = {
    "tfs-principles": "principles",
    "sg-genai": "government-guidance",
    "model-law": "proposal",
    "rsp-asl": "voluntary-policy",
}
DOCS = ROOT / "docs" / "question-bank.md"


@pytest.fixture(scope="module")
def bank() -> Bank:
    """The versions new assessments start on."""
    return published_bank([FIXTURES])


def _questions(bank: Bank) -> list[BankQuestion]:
    return [q for f in FRAMEWORKS for q in bank.framework(f).questions]


# The rule the validator applies --------------------------------------------------------------


def _version(
    *questions: QuestionSpec, status: str = "published", kind: str = "maturity"
) -> VersionSpec:
    framework = FrameworkSpec(
        key="demo", name="Demo", kind=kind, standing="proposal", standing_note="A proposal."
    )
    return VersionSpec(
        framework=framework,
        version=VersionInfo(label="v1", status=status),
        sections=[SectionSpec(key="s", title="S", questions=list(questions))],
    ).located("demo.yaml")


def _problems(version: VersionSpec) -> list[str]:
    scope = Scope(version, set(), {}, Context())
    return [f"{p.item}: {p.message}" for p in provenance_problems(scope)]


def _question(key: str, text: str, **fields: object) -> QuestionSpec:
    return QuestionSpec.model_validate({"key": key, "text": text, **fields})


def test_a_question_in_use_needs_a_basis_and_a_scored_one_a_finding() -> None:
    version = _version(
        _question("scored", "Scored?", basis="practice"),
        _question("bare", "Bare?"),
        _question("notes", "Notes?", kind="text", weight=0, basis="practice"),
        _question("screening", "Screening?", weight=0, basis="stated", quote="As stated"),
    )
    assert _problems(version) == [
        "question 'scored': a scored question needs a 'finding' (the gap, stated)",
        "question 'bare': needs a 'basis' (adapted, policy, practice, stated)",
        "question 'bare': a scored question needs a 'finding' (the gap, stated)",
    ]


def test_a_stated_basis_needs_its_quote() -> None:
    version = _version(_question("q", "Q?", basis="stated", finding="No Q."))
    assert _problems(version) == ["question 'q': a 'stated' basis needs the quote that states it"]


def test_a_framework_in_use_needs_its_standing_and_note() -> None:
    version = _version(_question("q", "Q?", basis="practice", finding="No Q."))
    version.framework.standing = version.framework.standing_note = ""
    assert _problems(version) == [
        "framework 'demo': needs 'standing' (what the framework is)",
        "framework 'demo': needs 'standing_note' (what the framework is)",
    ]


def test_retired_versions_and_the_profile_are_left_as_they_are() -> None:
    assert _problems(_version(_question("q", "Q?"), status="retired")) == []
    profile = _version(_question("role", "Role?", weight=0), kind="profile")
    profile.framework.standing = ""
    assert _problems(profile) == []


# The shipped bank ----------------------------------------------------------------------------


def test_every_question_in_use_has_a_basis_and_every_scored_one_a_finding(bank: Bank) -> None:
    questions = _questions(bank)
    assert len(questions) >= 120
    for q in questions:
        assert q.basis in {"stated", "adapted", "practice", "policy"}, q.ref
        if q.is_scored:
            # A statement a board can read, not the question again.
            assert q.finding, q.ref
            assert q.finding.endswith("."), q.ref
            assert "?" not in q.finding, q.ref
            assert len(q.finding.split()) <= 30, q.ref
        else:
            assert not q.finding, q.ref


def test_every_framework_says_what_it_is(bank: Bank) -> None:
    for key, standing in STANDINGS.items():
        framework = bank.framework(key)
        assert framework.standing == standing
        sentences = re.findall(r"[.!?](?:\s|$)", framework.standing_note)
        assert 2 <= len(sentences) <= 3, key
    assert "not enacted law" in bank.framework("model-law").standing_note
    assert "binds no one else" in bank.framework("rsp-asl").standing_note


def test_an_adapted_practice_says_how_it_was_adapted(bank: Bank) -> None:
    adapted = [q for q in _questions(bank) if q.basis == "adapted"]
    assert len(adapted) >= 15
    for q in adapted:
        assert "adapted" in q.guidance.lower(), q.ref


def test_a_policy_practice_cites_the_full_policy_the_essay_links_to() -> None:
    files = read_paths([FIXTURES])
    sources = {spec.key: spec for _file, spec in files.sources}
    assert sources["anthropic-rsp"].linked_from == "sellitto"
    policy = [
        q
        for v in files.versions
        if v.status != "retired"
        for q in v.questions
        if q.basis == "policy"
    ]
    assert {q.source for q in policy} == {"anthropic-rsp"}
    assert all("sellitto" in q.supporting_sources and not q.quote for q in policy)


def test_the_docs_table_of_counts_is_the_one_the_command_prints() -> None:
    out = io.StringIO()
    call_command("question_bank_stats", "--markdown", stdout=out)
    table = out.getvalue()
    docs = DOCS.read_text(encoding="utf-8")
    start, end = "<!-- question_bank_stats --markdown -->\n", "<!-- end of question_bank_stats -->"
    assert docs[docs.index(start) + len(start) : docs.index(end)] == table
    assert "| `rsp-asl` | v3 |" in table


def test_the_counts_command_reads_any_files_given(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("question_bank_stats", str(FIXTURES / "frameworks" / "rsp-asl"), stdout=out)
    assert out.getvalue().startswith("rsp-asl v3: 34 questions: ")


# The errors a review against the report found, fixed ----------------------------------------


def _rsp_answers(level_three: bool) -> dict[tuple[str, str], AnswerValue]:
    uplift = "yes" if level_three else "no"
    return {
        ("profile", "activities"): AnswerValue(("train", "deploy")),
        ("profile", "channel"): AnswerValue(("api",)),
        ("rsp-asl", "general-purpose-frontier"): AnswerValue(("yes",)),
        ("rsp-asl", "misuse-uplift"): AnswerValue((uplift,)),
        ("rsp-asl", "autonomy"): AnswerValue(("no",)),
    }


def test_red_teaming_for_ordinary_harms_is_scored_but_blocks_no_gate(bank: Bank) -> None:
    rsp = bank.framework("rsp-asl")
    harmful = bank.question(("rsp-asl", "redteam-harmful"))
    assert harmful.is_scored
    assert harmful.tag_values("area") == ("red-teaming",)
    assert not harmful.tag_values("gate")
    for gate in ("scaling", "deployment"):
        assert harmful not in safeguards_of(bank, rsp, gate)
    # Red teaming for catastrophic misuse still guards deployment.
    assert bank.question(("rsp-asl", "redteam-catastrophic")) in safeguards_of(
        bank, rsp, "deployment"
    )
    result = evaluate_applicability(bank, _rsp_answers(level_three=False))
    assert result.applies(harmful.ref)


def test_security_testing_has_the_same_no_weights_option_as_its_siblings(bank: Bank) -> None:
    for key in ("weights-access", "security-hardened", "security-tested"):
        labels = [o.label for o in bank.question(("rsp-asl", key)).options if o.meaning == "na"]
        assert labels == ["Not applicable: we hold no model weights"], key


def test_the_risk_warning_mechanism_applies_to_foundation_models_too(bank: Bank) -> None:
    answers = {
        ("profile", "activities"): AnswerValue(("train",)),
        ("profile", "foundation-model"): AnswerValue(("yes",)),
        ("model-law", "negative-list"): AnswerValue(("no",)),
        ("model-law", "high-risk"): AnswerValue(("no",)),
        ("model-law", "foundation-scale"): AnswerValue(("yes",)),
        ("model-law", "open-source"): AnswerValue(("no",)),
        ("model-law", "sandbox"): AnswerValue(("no",)),
    }
    result = evaluate_applicability(bank, answers)
    assert result.derived["model-law"].overlays == {"foundation-model"}
    assert result.applies(("model-law", "risk-warning-response"))
    assert not result.applies(("model-law", "preventive-assessment"))


def test_each_singapore_recommendation_is_scored_on_its_own_content(bank: Bank) -> None:
    sg = bank.framework("sg-genai")
    sections = {s.key: s for s in sg.sections}
    first = [q.key for q in sections["development-deployment"].questions]
    assert first == ["dev-transparency", "standard-evaluation-metrics"]
    safeguards = sections["risk-safeguards"]
    assert safeguards.weight == 0
    assert all(q.tag_values("risk") and q.is_scored for q in safeguards.questions)
    # The recommendations are scored on questions of their own, not on the risk safeguards.
    for key in ("development-deployment", "assurance-evaluation", "safety-alignment-research"):
        assert sections[key].weight > 0
        assert not {q.key for q in sections[key].questions} & {q.key for q in safeguards.questions}


def test_citations_that_the_essays_do_not_support_are_gone(bank: Bank) -> None:
    def q(framework: str, key: str) -> BankQuestion:
        return bank.question((framework, key))

    assert "gutierrez" not in q("sg-genai", "third-party-assurance").supporting
    assert "Gutierrez" not in q("sg-genai", "third-party-assurance").remediation
    checkpoints = q("rsp-asl", "training-checkpoints")
    assert (checkpoints.source, checkpoints.basis) == ("anthropic-rsp", "policy")
    assert "siegmann-privitera" not in checkpoints.supporting
    assert (
        q("model-law", "sector-standards").source,
        q("model-law", "sector-standards").basis,
    ) == (
        "ma-gao-fan",
        "adapted",
    )
    for key in ("legal-review", "permit-interim"):
        assert "this bank's own cautious rule" in q("model-law", key).guidance
    for area in bank.framework("rsp-asl").rules["areas"]:
        assert "names the area without describing it" in area["description"]
    assert "race to the top" not in q("rsp-asl", "policy-published").quote
