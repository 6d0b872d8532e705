"""The answer service: one validator, one write, the conflict rule, submitted means frozen."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from assessments.models import Answer, Assessment, Organisation
from assessments.scoring.types import AnswerValue, BankOption, BankQuestion
from assessments.selectors import bank_for_assessment
from assessments.services.answers import (
    MAX_EVIDENCE_LINKS,
    MAX_NOTE,
    MAX_REASON,
    MAX_TEXT,
    AnswerEdit,
    AnswerRejected,
    AssessmentFrozen,
    answer_clean,
    answers_record,
)
from assessments.services.assessments import assessment_next_round
from tests.factories import answer, make_assessment

OPTIONS = (
    BankOption("yes", "Yes", 2),
    BankOption("partly", "Partly", 1),
    BankOption("no", "No", 0),
    BankOption("dont-know", "Don't know", None, "dont_know"),
    BankOption("na", "Not applicable", None, "na"),
)
SINGLE = BankQuestion("fw", "s", "q", 0, "Is it?", options=OPTIONS)
MULTIPLE = BankQuestion("fw", "s", "m", 1, "Which?", kind="multiple", options=OPTIONS[:3])
TEXT = BankQuestion("fw", "s", "t", 2, "Describe it.", kind="text")


def refused(question: BankQuestion, strict: bool = False, **given: Any) -> tuple[str, str]:
    with pytest.raises(AnswerRejected) as exc:
        answer_clean(question=question, given=AnswerValue(**given), strict=strict)
    return exc.value.field, exc.value.messages[0]


# The validator ----------------------------------------------------------------------------


def test_the_answer_is_stored_in_a_normal_form() -> None:
    given = AnswerValue(("no", "yes"), note="  Checked.  ", evidence=("", " https://e.org/a "))
    assert answer_clean(question=MULTIPLE, given=given) == AnswerValue(
        ("yes", "no"), note="Checked.", evidence=("https://e.org/a",)
    )


def test_what_a_page_sends_but_the_answer_does_not_keep_is_dropped_and_a_file_refused() -> None:
    given = AnswerValue(("yes",), text="typed", reason="An old reason")
    assert answer_clean(question=SINGLE, given=given) == AnswerValue(("yes",))
    assert refused(SINGLE, strict=True, choices=("yes",), reason="An old reason")[0] == "reason"
    assert refused(SINGLE, strict=True, choices=("yes",), text="typed") == (
        "text",
        "A written answer is given for a choice question.",
    )


@pytest.mark.parametrize(
    ("question", "choices", "message"),
    [
        (SINGLE, ("maybe",), "'maybe' is not an option of this question (options: yes, partly"),
        (SINGLE, ("yes", "yes"), "An option was chosen twice."),
        (SINGLE, ("yes", "no"), "Choose only one option for this question."),
        (MULTIPLE, ("yes", "dont-know"), "'dont-know' is not an option"),
        (TEXT, ("yes",), "This question takes a written answer, not options."),
    ],
)
def test_choices_that_do_not_fit_the_question_are_refused(
    question: BankQuestion, choices: tuple[str, ...], message: str
) -> None:
    field, text = refused(question, choices=choices)
    assert field == "choices"
    assert message in text


def test_special_options_stand_alone() -> None:
    special = BankQuestion("fw", "s", "x", 0, "?", kind="multiple", options=OPTIONS)
    assert refused(special, choices=("yes", "dont-know"))[1] == (
        "“Don't know” cannot be combined with other options."
    )


def test_not_applicable_needs_a_reason_and_keeps_it_trimmed() -> None:
    assert refused(SINGLE, choices=("na",), reason="   ") == (
        "reason",
        "Say briefly why this question does not apply.",
    )
    value = answer_clean(question=SINGLE, given=AnswerValue(("na",), reason=" Bought in. "))
    assert value.reason == "Bought in."


@pytest.mark.parametrize(
    ("field", "limit", "question"),
    [("text", MAX_TEXT, TEXT), ("note", MAX_NOTE, SINGLE), ("reason", MAX_REASON, SINGLE)],
)
def test_texts_have_a_maximum_named_in_the_refusal(
    field: str, limit: int, question: BankQuestion
) -> None:
    choices = ("na",) if field == "reason" else ()
    longest: dict[str, Any] = {field: "x" * limit}
    answer_clean(question=question, given=AnswerValue(choices, **longest))
    too_long: dict[str, Any] = {field: "x" * (limit + 1)}
    name, message = refused(question, choices=choices, **too_long)
    assert name == field
    assert f"at most {limit:,} are kept" in message


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
@pytest.mark.parametrize("field", ["note", "reason", "text"])
def test_characters_no_database_stores_alike_are_refused(field: str, bad: str) -> None:
    question = TEXT if field == "text" else SINGLE
    choices = ("na",) if field == "reason" else ()
    given: dict[str, Any] = {field: f"a{bad}b"}
    name, message = refused(question, choices=choices, **given)
    assert name == field
    assert ("null character" if bad == "\x00" else "invalid character") in message


def test_evidence_links_are_web_addresses_of_bounded_number_and_length() -> None:
    links = tuple(f"https://example.org/{n}" for n in range(MAX_EVIDENCE_LINKS))
    assert answer_clean(question=SINGLE, given=AnswerValue(evidence=links)).evidence == links
    too_many = f"{MAX_EVIDENCE_LINKS + 1} evidence links are given; at most"
    field, message = refused(SINGLE, evidence=(*links, "https://example.org/x"))
    assert (field, message.startswith(too_many)) == ("evidence", True)
    assert "not a web address" in refused(SINGLE, evidence=("javascript:alert(1)",))[1]
    assert "at most 2,000" in refused(SINGLE, evidence=("https://e.org/" + "a" * 2000,))[1]
    field, message = refused(SINGLE, evidence=("https://e.org/\x00",))
    assert (field, "null character" in message) == ("evidence", True)


# The write --------------------------------------------------------------------------------


@pytest.fixture
def draft(mini_bank: None, organisation: Organisation, assessor: User) -> Assessment:
    return make_assessment(organisation, assessor)


def record(assessment: Assessment, user: User, *edits: AnswerEdit) -> Any:
    return answers_record(assessment=assessment, user=user, edits=edits)


SUPERVISION = ("mini-tier", "supervision")


def test_a_change_is_stored_with_its_history_and_one_revision(
    draft: Assessment, assessor: User
) -> None:
    recorded = record(
        draft,
        assessor,
        AnswerEdit(SUPERVISION, AnswerValue(("yes",))),
        AnswerEdit(("mini-tier", "high-risk"), AnswerValue(("no",))),
    )
    assert recorded.ok
    assert recorded.saved[SUPERVISION].version == 1
    draft.refresh_from_db()
    assert draft.revision == 1
    record(draft, assessor, AnswerEdit(SUPERVISION, AnswerValue(("no",)), base_version=1))
    history = Answer.history.filter(question__key="supervision").order_by("history_id")
    assert [(h.history_type, h.choices, h.version) for h in history] == [
        ("+", ["yes"], 1),
        ("~", ["no"], 2),
    ]
    assert {h.history_user for h in history} == {assessor}
    draft.refresh_from_db()
    assert draft.revision == 2


def test_an_unchanged_answer_costs_nothing(
    draft: Assessment, assessor: User, django_assert_num_queries: Any
) -> None:
    answer(draft, assessor, *SUPERVISION, "yes", note="Kept.")
    bank = bank_for_assessment(draft)
    edit = AnswerEdit(SUPERVISION, AnswerValue(("yes",), note=" Kept. "), base_version=0)
    with django_assert_num_queries(4):  # savepoint, lock, read, release: no write
        recorded = answers_record(assessment=draft, user=assessor, edits=[edit], bank=bank)
    assert (recorded.ok, recorded.saved) == (True, {})
    assert Answer.history.count() == 1
    draft.refresh_from_db()
    assert draft.revision == 1


def test_a_write_based_on_an_older_version_is_a_conflict_unless_this_page_sent_it(
    draft: Assessment, assessor: User, owner: User
) -> None:
    answer(draft, owner, *SUPERVISION, "yes", note="Theirs")
    mine = AnswerValue(("no",))
    conflict = record(draft, assessor, AnswerEdit(SUPERVISION, mine, base_version=0))
    theirs = conflict.conflicts[SUPERVISION]
    assert (theirs.value.note, theirs.version, theirs.by) == ("Theirs", 1, "olivia")
    assert theirs.at is not None
    assert Answer.objects.get(question__key="supervision").choices == ["yes"]
    # The stored value is one this page sent earlier (its reply was lost): not a conflict.
    earlier = AnswerValue(("yes",), note=" Theirs", evidence=("",))
    sent = AnswerEdit(SUPERVISION, mine, base_version=0, sent_before=(AnswerValue(), earlier))
    assert record(draft, assessor, sent).saved[SUPERVISION].version == 2


def test_a_submitted_assessment_refuses_every_write(draft: Assessment, assessor: User) -> None:
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(AssessmentFrozen):
        record(draft, assessor, AnswerEdit(SUPERVISION, AnswerValue(("yes",))))
    assert not Answer.objects.exists()


def test_a_strict_write_stores_nothing_unless_everything_is_accepted(
    draft: Assessment, assessor: User
) -> None:
    recorded = answers_record(
        assessment=draft,
        user=assessor,
        edits=[
            AnswerEdit(SUPERVISION, AnswerValue(("yes",))),
            AnswerEdit(("mini-tier", "nope"), AnswerValue(("yes",))),
        ],
        strict=True,
    )
    assert recorded.refused[("mini-tier", "nope")].message == (
        "There is no such question in this assessment."
    )
    assert not Answer.objects.exists()


def test_the_next_round_carries_what_still_fits_and_starts_once(
    draft: Assessment, assessor: User
) -> None:
    answer(draft, assessor, *SUPERVISION, "partly", note="By day.")
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    started = assessment_next_round(assessment=draft, user=assessor)
    again = assessment_next_round(assessment=draft, user=assessor)
    assert (started.started, again.started) == (True, False)
    assert again.assessment == started.assessment
    carried = Answer.objects.get(assessment=started.assessment)
    assert (carried.choices, carried.note, carried.version) == (["partly"], "By day.", 1)
