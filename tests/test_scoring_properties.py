"""Properties of scoring over the question banks on disk (the shipped one and the miniature).

The banks are read from the fixture files as plain data, so no database is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assessments.scoring.applicability import evaluate_applicability
from assessments.scoring.engine import score
from assessments.scoring.explanations import closure
from assessments.scoring.numbers import mean, percent, weighted_mean
from assessments.scoring.results import Results
from assessments.scoring.types import (
    GATE,
    NOT_APPLICABLE,
    PLAIN,
    TIER,
    AnswerValue,
    Bank,
    BankQuestion,
    QRef,
)
from assessments.scoring.verdicts import (
    GATE_NOT_APPLICABLE,
    PAUSE,
    PROCEED,
    PROCEED_WITH_CONDITIONS,
)
from tests.plain_bank import published_bank

ROOT = Path(__file__).resolve().parent.parent
BANKS = {
    "mini": published_bank([ROOT / "tests" / "fixtures" / "mini"]),
    "shipped": published_bank([ROOT / "fixtures"]),
}
RANK = {PAUSE: 0, PROCEED_WITH_CONDITIONS: 1, PROCEED: 2}
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def banks() -> Iterator[Any]:
    for name, bank in BANKS.items():
        empty = len([f for f in bank.frameworks if f.kind != "profile"]) == 0
        mark = pytest.mark.skip(reason="fixtures/ holds no framework yet") if empty else ()
        yield pytest.param(bank, id=name, marks=mark)


ALL_BANKS = list(banks())


# Strategies ------------------------------------------------------------------------------


def plain_keys(question: BankQuestion) -> list[str]:
    return [o.key for o in question.options if o.meaning == PLAIN]


@st.composite
def answer_for(draw: st.DrawFn, question: BankQuestion) -> AnswerValue:
    if question.kind == "text":
        return AnswerValue(text=draw(st.text(min_size=1, max_size=20).filter(str.strip)))
    special = [o for o in question.options if o.meaning != PLAIN]
    plain = plain_keys(question)
    if question.kind == "multiple" and plain and draw(st.integers(0, 4)) > 0:
        chosen = draw(st.sets(st.sampled_from(plain), min_size=1))
        return AnswerValue(tuple(k for k in plain if k in chosen))
    option = draw(st.sampled_from([*special, *question.options]))
    reason = "Does not apply here." if option.meaning == NOT_APPLICABLE else ""
    return AnswerValue((option.key,), reason=reason)


@st.composite
def answer_sets(draw: st.DrawFn, bank: Bank, share: int = 4) -> dict[QRef, AnswerValue]:
    """Answers to most questions, hidden ones included."""
    answers = {}
    for question in bank.questions:
        if draw(st.integers(0, share)) > 0:
            answers[question.ref] = draw(answer_for(question))
    return answers


def best_answer(question: BankQuestion) -> AnswerValue | None:
    plain = [o for o in question.options if o.meaning == PLAIN]
    if question.max_points <= 0:
        return None
    if question.kind == "multiple":
        return AnswerValue(tuple(o.key for o in plain if (o.points or 0) > 0))
    return AnswerValue((max(plain, key=lambda o: o.points or 0).key,))


@st.composite
def best_answer_sets(draw: st.DrawFn, bank: Bank) -> dict[QRef, AnswerValue]:
    """Full marks wherever there are marks; any plain answer to screening questions."""
    answers = {}
    for question in bank.questions:
        best = best_answer(question)
        if best is not None:
            answers[question.ref] = best
        elif question.kind == "text":
            answers[question.ref] = AnswerValue(text="Described.")
        elif plain_keys(question):
            answers[question.ref] = AnswerValue((draw(st.sampled_from(plain_keys(question))),))
    return answers


def visible(bank: Bank, answers: dict[QRef, AnswerValue]) -> dict[QRef, AnswerValue]:
    """Only the answers to questions that apply: what someone answering in order leaves."""
    applicable = evaluate_applicability(bank, answers).applicable
    return {ref: a for ref, a in answers.items() if ref in applicable}


# Reading results -------------------------------------------------------------------------


def all_scores(results: Results) -> dict[str, float | None]:
    """Every score as computed so far, shown or not (below the answered threshold a score is
    computed but not shown; these properties are about the computed values)."""
    found: dict[str, float | None] = {
        "overall": percent(mean(f.fraction for f in results.frameworks if f.fraction is not None))
    }
    for f in results.frameworks:
        found[f.key] = percent(f.fraction)
        found.update({f"{f.key}/{s.key}": percent(s.fraction) for s in f.sections})
        found.update({f"{f.key}/risk:{r.key}": r.score for r in f.risks})
    return found


def decisions(results: Results) -> dict[str, str]:
    return {
        f"{f.key}/{g.key}": g.decision
        for f in results.frameworks
        if f.gates is not None
        for g in f.gates.gates
    }


def contributions(results: Results) -> dict[QRef, tuple[str, float | None]]:
    return {
        (f.key, q.key): (q.status, q.fraction)
        for f in results.frameworks
        for s in f.sections
        for q in s.questions
        if q.status != "hidden"
    }


# Properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_scores_stay_within_0_and_100(bank: Bank, data: st.DataObject) -> None:
    results = score(bank, data.draw(answer_sets(bank)))
    for name, value in all_scores(results).items():
        assert value is None or 0 <= value <= 100, name
    for gap in results.gaps:
        assert 0 < gap.priority <= gap.weight


def improvements(bank: Bank, answers: dict[QRef, AnswerValue]) -> list[tuple[QRef, AnswerValue]]:
    """Every single answer change that gives an answered, scored question more points."""
    applicable = evaluate_applicability(bank, answers).applicable
    found = []
    for ref, answer in answers.items():
        question = bank.question(ref)
        if ref not in applicable or not question.is_scored or question.max_points <= 0:
            continue
        chosen = [o for o in question.options if o.key in answer.choices]
        if any(o.meaning == NOT_APPLICABLE for o in chosen):
            continue
        now = sum(o.points or 0 for o in chosen if o.meaning == PLAIN)
        plain = [o for o in question.options if o.meaning == PLAIN]
        if question.kind == "multiple" and all(o.meaning == PLAIN for o in chosen):
            found += [
                (ref, AnswerValue(tuple(k.key for k in plain if k in chosen or k == o)))
                for o in plain
                if o not in chosen and (o.points or 0) > 0
            ]
        elif question.kind == "single":
            found += [(ref, AnswerValue((o.key,))) for o in plain if (o.points or 0) > now]
    return found


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_improving_one_answer_never_lowers_any_score(bank: Bank, data: st.DataObject) -> None:
    answers = visible(bank, data.draw(answer_sets(bank)))
    options = improvements(bank, answers)
    assume(options)
    ref, better = data.draw(st.sampled_from(options))
    before, after = score(bank, answers), score(bank, answers | {ref: better})
    now, then = all_scores(before), all_scores(after)
    for name, value in now.items():
        improved = then[name]
        if value is not None:
            assert improved is not None, name
            assert improved >= value, (name, ref, better)
    for gate, decision in decisions(before).items():
        if decision == GATE_NOT_APPLICABLE:  # decided by the profile, which is not scored
            assert decisions(after)[gate] == decision
            continue
        assert RANK[decisions(after)[gate]] >= RANK[decision], (gate, ref)


def dependants(bank: Bank, ref: QRef) -> set[QRef]:
    """Questions whose applicability can depend on this question's answer."""
    return {
        q.ref
        for q in bank.questions
        if q.ref != ref
        and bank.has(ref)
        and any(d.ref == ref for d in closure(bank, [q.ref]).questions)
    }


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_not_applicable_leaves_the_others_contribution_unchanged(
    bank: Bank, data: st.DataObject
) -> None:
    answers = data.draw(answer_sets(bank))
    applicable = evaluate_applicability(bank, answers).applicable
    choices = [
        (q, o)
        for q in bank.questions
        for o in q.options
        if o.meaning == NOT_APPLICABLE and q.ref in applicable and q.is_scored
    ]
    assume(choices)
    question, option = data.draw(st.sampled_from(choices))
    marked = answers | {question.ref: AnswerValue((option.key,), reason="Not here.")}
    before, after = score(bank, answers), score(bank, marked)
    was, now = contributions(before), contributions(after)
    assert now[question.ref] == ("not_applicable", None)
    moved = set(was) ^ set(now)
    assert moved <= dependants(bank, question.ref)
    for ref in set(was) & set(now) - {question.ref}:
        assert now[ref] == was[ref], ref
    framework = after.framework(question.framework)
    section = next(s for s in framework.sections if s.key == question.section)
    expected = weighted_mean(
        (q.weight, q.fraction) for q in section.questions if q.fraction is not None
    )
    assert section.fraction == expected


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_answers_to_hidden_questions_have_no_effect(bank: Bank, data: st.DataObject) -> None:
    answers = data.draw(answer_sets(bank))
    applicable = evaluate_applicability(bank, answers).applicable
    hidden = [q for q in bank.questions if q.ref not in applicable]
    assume(hidden)
    changed = dict(answers)
    for question in hidden:
        if data.draw(st.booleans()):
            changed[question.ref] = data.draw(answer_for(question))
        else:
            changed.pop(question.ref, None)
    assert score(bank, changed).to_json() == score(bank, answers).to_json()


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_all_best_answers_give_100_no_gaps_and_every_gate_proceeds(
    bank: Bank, data: st.DataObject
) -> None:
    results = score(bank, data.draw(best_answer_sets(bank)))
    assert {v for v in all_scores(results).values() if v is not None} == {100.0}
    assert results.overall == 100.0
    assert results.gaps == ()
    assert results.dont_know == ()
    assert set(decisions(results).values()) <= {PROCEED, GATE_NOT_APPLICABLE}
    gate_frameworks = [f for f in bank.frameworks if f.kind == GATE]
    assert len(decisions(results)) == sum(len(f.rules.get("gates", [])) for f in gate_frameworks)


def zero_option(question: BankQuestion) -> str | None:
    zero = [o.key for o in question.options if o.meaning == PLAIN and (o.points or 0) <= 0]
    return zero[0] if zero and question.kind == "single" else None


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_one_required_safeguard_answered_no_pauses_its_gates_and_names_it(
    bank: Bank, data: st.DataObject
) -> None:
    answers = data.draw(best_answer_sets(bank))
    applicable = evaluate_applicability(bank, answers).applicable
    safeguards = [
        q
        for f in bank.frameworks
        if f.kind == GATE
        for q in f.questions
        if q.ref in applicable and q.tag_values("gate") and zero_option(q)
    ]
    assume(safeguards)
    safeguard = data.draw(st.sampled_from(safeguards))
    no = zero_option(safeguard)
    assert no is not None
    results = score(bank, answers | {safeguard.ref: AnswerValue((no,))})
    gates = results.framework(safeguard.framework).gates
    assert gates is not None
    for gate in gates.gates:
        if gate.decision == GATE_NOT_APPLICABLE:
            assert gate.safeguards == ()
        elif gate.key in safeguard.tag_values("gate"):
            assert gate.decision == PAUSE
            assert gate.blocking == (safeguard.key,)
            assert safeguard.key in [t.question for t in gate.explanation.triggers]
        else:
            assert gate.decision == PROCEED
    assert (results.gaps[0].question, results.gaps[0].why_critical) == (
        safeguard.key,
        "gate-blocking",
    )


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_one_negative_list_match_puts_the_activity_in_the_permit_tier(
    bank: Bank, data: st.DataObject
) -> None:
    matches = [
        (f, q, o)
        for f in bank.frameworks
        if f.kind == TIER and f.rules.get("tiers")
        for q in f.questions
        for o in q.options
        if o.effects.get("tier") == f.rules["tiers"][0]["key"] == "permit"
    ]
    assume(matches)
    framework, question, option = data.draw(st.sampled_from(matches))
    # Every screening question answered, so the tier is determined.
    answers = data.draw(best_answer_sets(bank)) | {question.ref: AnswerValue((option.key,))}
    assume(evaluate_applicability(bank, answers).applies(question.ref))
    tier = score(bank, answers).framework(framework.key).tier
    assert tier is not None
    assert tier.key == "permit"
    assert (question.key, "sets the tier: " + tier.label) in [
        (t.question, t.effect) for t in tier.explanation.triggers
    ]


# Verdicts a compliance officer can defend ------------------------------------------------


def verdicts(results: Results) -> dict[str, Any]:
    """The tier and required level of each framework, and which gates apply."""
    found: dict[str, Any] = {}
    for f in results.frameworks:
        if f.tier is not None:
            found[f"{f.key}/tier"] = f.tier.key
        if f.gates is not None:
            found[f"{f.key}/level"] = f.gates.required_level
            found.update(
                {f"{f.key}/{g.key}": g.decision == GATE_NOT_APPLICABLE for g in f.gates.gates}
            )
    return found


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_answering_more_never_undetermines_a_verdict(bank: Bank, data: st.DataObject) -> None:
    answers = visible(bank, data.draw(answer_sets(bank, share=1)))
    applicable = evaluate_applicability(bank, answers).applicable
    open_questions = [q for q in bank.questions if q.ref in applicable and q.ref not in answers]
    assume(open_questions)
    picked = data.draw(st.sets(st.integers(0, len(open_questions) - 1), min_size=1))
    more = [open_questions[i] for i in sorted(picked)]
    extended = answers | {q.ref: data.draw(answer_for(q)) for q in more}
    before, after = verdicts(score(bank, answers)), verdicts(score(bank, extended))
    for name, value in before.items():
        if value is not None and value is not False:
            assert after[name] == value, name


def deployer_answers(bank: Bank, answers: dict[QRef, AnswerValue]) -> dict[QRef, AnswerValue]:
    """The answers, with the profile saying the organisation neither trains nor fine-tunes."""
    if not bank.has(("profile", "activities")):
        return answers
    return answers | {("profile", "activities"): AnswerValue(("integrate", "deploy"))}


@PROPERTY
@given(data=st.data())
def test_a_deployers_gate_decisions_never_depend_on_training_safeguards(
    data: st.DataObject,
) -> None:
    bank = BANKS["shipped"]
    answers = deployer_answers(bank, data.draw(answer_sets(bank)))
    training = [q for q in bank.questions if q.section == "training-oversight"]
    assert training, "the shipped bank lost its training safeguards"
    changed = dict(answers)
    for question in training:
        changed[question.ref] = data.draw(answer_for(question))
    before, after = score(bank, answers), score(bank, changed)
    applicable = evaluate_applicability(bank, changed).applicable
    assert not [q.key for q in training if q.ref in applicable]
    assert decisions(after) == decisions(before)
    rsp = after.framework("rsp-asl").gates
    assert rsp is not None
    scaling = next(g for g in rsp.gates if g.key == "scaling")
    assert (scaling.decision, bool(scaling.reason)) == (GATE_NOT_APPLICABLE, True)


@pytest.mark.parametrize("bank", ALL_BANKS)
@PROPERTY
@given(data=st.data())
def test_not_applicable_with_a_reason_never_counts_against_a_gate(
    bank: Bank, data: st.DataObject
) -> None:
    if not any(
        o.meaning == NOT_APPLICABLE and q.tag_values("gate")
        for q in bank.questions
        for o in q.options
    ):
        pytest.skip("no safeguard of this bank offers 'Not applicable'")
    best_everywhere = data.draw(best_answer_sets(bank))
    answers = visible(bank, best_everywhere | data.draw(answer_sets(bank, share=1)))
    applicable = evaluate_applicability(bank, answers).applicable
    choices = [
        (q, o)
        for f in bank.frameworks
        if f.kind == GATE
        for q in f.questions
        for o in q.options
        if o.meaning == NOT_APPLICABLE and q.ref in applicable and q.tag_values("gate")
    ]
    assume(choices)
    question, option = data.draw(st.sampled_from(choices))
    assume(not dependants(bank, question.ref))
    best = best_answer(question)
    assert best is not None
    marked = answers | {question.ref: AnswerValue((option.key,), reason="We hold no weights.")}
    full = answers | {question.ref: best}
    results = score(bank, marked)
    assert decisions(results) == decisions(score(bank, full))
    gates = results.framework(question.framework).gates
    assert gates is not None
    for gate in gates.gates:
        assert question.key not in (*gate.blocking, *gate.conditions)
