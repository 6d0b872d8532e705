"""The questionnaire: section pages, the autosave request, the page without JavaScript."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from assessments import selectors
from assessments.models import Answer, Assessment, Jurisdiction, NegativeListCategory, Organisation
from tests.banks import GEN, make_generated_bank
from tests.factories import answer, make_assessment

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(mini_bank: None, organisation: Organisation, assessor: User) -> Assessment:
    return make_assessment(organisation, assessor)


def section_url(assessment: Assessment, framework: str, section: str) -> str:
    return reverse("section_detail", args=[assessment.pk, framework, section])


def answer_url(assessment: Assessment, framework: str, key: str) -> str:
    return reverse("answer_update", args=[assessment.pk, framework, key])


def save(
    client: Client, assessment: Assessment, framework: str, key: str, *choices: str, **fields: Any
) -> Any:
    name = f"{framework}.{key}"
    data: dict[str, Any] = {f"{name}-choices": list(choices)}
    unconfirmed = fields.pop("unconfirmed", None)
    data.update({f"{name}-{field}": value for field, value in fields.items()})
    if unconfirmed is not None:
        data["unconfirmed"] = unconfirmed
    return client.post(answer_url(assessment, framework, key), data, **HX)


def stored(assessment: Assessment, key: str) -> Answer:
    return Answer.objects.get(assessment=assessment, question__key=key)


def test_section_page_shows_each_question_as_a_fieldset_with_its_citation(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    response = client.get(section_url(draft, "mini-maturity", "design"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count("data-question=") == 2
    assert html.count("<fieldset") == 1  # the other question does not apply yet
    assert "<legend" in html
    assert "Are safety requirements written down before development starts?" in html
    # The quoted phrase, introduced by what the essay does with the practice (its basis).
    assert "Moës et al. state: “rather than retrofitting them later”." in html
    assert "pp. 17-19" in html  # the primary source's pages
    assert 'id="q__mini-maturity__reviews" data-question' in html
    assert f'data-answer-url="/assessments/{draft.pk}/answers/"' in html
    # The conditional question waits, an empty placeholder, until "yes" or "partly" is answered.
    assert 'id="q__mini-maturity__reviews" data-question="mini-maturity/reviews" hidden>' in html
    assert '<progress id="overall-progress-bar"' in html
    assert "<h1" in html
    assert html.count("<h1") == 1


def test_unknown_section_is_not_found(client: Client, draft: Assessment, assessor: User) -> None:
    client.force_login(assessor)
    assert client.get(section_url(draft, "mini-maturity", "nope")).status_code == 404
    assert client.get(answer_url(draft, "mini-maturity", "nope")).status_code == 404


def test_autosave_stores_the_answer_and_reports_saved_with_progress(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    response = save(client, draft, "mini-maturity", "metrics", "jailbreak", version="0")
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().startswith("Saved")
    assert response["GovCheck-Answer-Version"] == "1"
    assert stored(draft, "metrics").choices == ["jailbreak"]
    assert stored(draft, "metrics").updated_by == assessor
    html = response.content.decode()
    assert 'id="navigator" class="navigator" hx-swap-oob="true"' in html
    assert 'id="overall-progress" class="overall-progress" hx-swap-oob="true"' in html
    assert "Overall: 1 of" in html


def test_conditional_question_appears_and_disappears_in_the_same_response(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    shown = save(client, draft, "mini-maturity", "requirements", "yes", version="0")
    html = shown.content.decode()
    assert html.startswith("Saved; 1 more question now applies below")
    assert 'id="q__mini-maturity__reviews" data-question' in html
    assert 'hx-swap-oob="true"' in html.split('id="q__mini-maturity__reviews"')[1][:300]
    assert " hidden" not in html.split('id="q__mini-maturity__reviews"')[1][:300]
    answered = save(client, draft, "mini-maturity", "reviews", "yes", version="0")
    assert "Overall: 2 of" in answered.content.decode()

    hidden = save(client, draft, "mini-maturity", "requirements", "no", version="1")
    html = hidden.content.decode()
    assert html.startswith("Saved; 1 question below no longer applies")
    fragment = html.split('id="q__mini-maturity__reviews"')[1][:300]
    assert " hidden" in fragment
    # The hidden question's stored answer is kept but no longer counts.
    assert stored(draft, "reviews").choices == ["yes"]
    assert "Overall: 1 of" in html


def test_an_unchanged_applicability_sends_no_question_back(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    html = save(client, draft, "mini-maturity", "metrics", "none", version="0").content.decode()
    assert "data-question" not in html


def test_not_applicable_needs_a_reason(client: Client, draft: Assessment, assessor: User) -> None:
    client.force_login(assessor)
    refused = save(client, draft, "mini-maturity", "requirements", "na", version="0")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused["GovCheck-Error-Field"] == "reason"
    assert "why" in refused.content.decode()
    assert not Answer.objects.filter(assessment=draft).exists()
    saved = save(
        client, draft, "mini-maturity", "requirements", "na", reason="Bought in.", version="0"
    )
    assert saved.status_code == HTTPStatus.OK
    assert stored(draft, "requirements").reason == "Bought in."


def test_dont_know_note_and_evidence_are_kept(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    response = save(
        client,
        draft,
        "mini-tier",
        "supervision",
        "dont-know",
        note="Ask the platform team.",
        evidence="https://example.org/runbook\n\nhttps://example.org/policy",
        version="0",
    )
    assert response.status_code == HTTPStatus.OK
    row = stored(draft, "supervision")
    assert row.choices == ["dont-know"]
    assert row.note == "Ask the platform team."
    assert row.evidence == ["https://example.org/runbook", "https://example.org/policy"]


def test_evidence_that_is_not_a_link_is_refused_and_named(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    response = save(client, draft, "mini-tier", "supervision", "yes", evidence="our wiki")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["GovCheck-Error-Field"] == "evidence"
    assert "not a web address" in response.content.decode()


def test_options_that_cannot_be_combined_are_refused(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    response = save(client, draft, "mini-maturity", "requirements", "yes", "no", version="0")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "only one" in response.content.decode()


def test_two_tabs_overwriting_each_other_get_a_conflict_with_both_values(
    client: Client, draft: Assessment, assessor: User, owner: User
) -> None:
    other = Client()
    other.force_login(owner)
    first = save(other, draft, "mini-tier", "supervision", "yes", note="Theirs", version="0")
    assert first.status_code == HTTPStatus.OK
    client.force_login(assessor)
    conflict = save(client, draft, "mini-tier", "supervision", "no", version="0")
    assert conflict.status_code == HTTPStatus.CONFLICT
    html = conflict.content.decode()
    assert "olivia changed this answer" in html
    assert "Their answer" in html
    assert "Yes" in html
    assert "Theirs" in html
    assert "Your answer" in html
    assert "No" in html
    assert conflict["GovCheck-Answer-Version"] == "1"
    assert stored(draft, "supervision").choices == ["yes"]  # nothing overwritten
    # "Keep my answer" sends it again based on the version now seen.
    kept = save(client, draft, "mini-tier", "supervision", "no", version="1")
    assert kept.status_code == HTTPStatus.OK
    assert stored(draft, "supervision").choices == ["no"]
    # "Take their answer" reloads the question as stored.
    theirs = client.get(answer_url(draft, "mini-tier", "supervision"), **HX)
    assert 'value="2" data-field="version"' in theirs.content.decode()


def test_a_write_whose_reply_was_lost_is_not_taken_for_someone_elses(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    save(client, draft, "mini-tier", "supervision", "yes", note="First", version="0")
    # The page never saw that reply, so its next edit still builds on version 0.
    first = [["mini-tier.supervision-choices", "yes"], ["mini-tier.supervision-note", "First"]]
    other = [["mini-tier.supervision-choices", "no"]]
    refused = save(
        client,
        draft,
        "mini-tier",
        "supervision",
        "yes",
        note="First and second",
        version="0",
        unconfirmed=json.dumps([other]),
    )
    assert refused.status_code == HTTPStatus.CONFLICT
    saved = save(
        client,
        draft,
        "mini-tier",
        "supervision",
        "yes",
        note="First and second",
        version="0",
        unconfirmed=json.dumps([other, first]),
    )
    assert saved.status_code == HTTPStatus.OK
    assert stored(draft, "supervision").note == "First and second"
    assert stored(draft, "supervision").version == 2


def test_same_value_from_a_stale_tab_is_not_a_conflict(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    save(client, draft, "mini-tier", "supervision", "yes", version="0")
    again = save(client, draft, "mini-tier", "supervision", "yes", version="0")
    assert again.status_code == HTTPStatus.OK


def test_reference_data_in_force_is_shown_beside_tagged_questions(
    client: Client, sources: None, organisation: Organisation, assessor: User
) -> None:
    make_generated_bank(questions=3)
    region = Jurisdiction.objects.create(key="r", name="Region", foundation_model_scale="big")
    NegativeListCategory.objects.create(
        jurisdiction=region,
        key="now",
        title="Category in force",
        source="Act 1",
        effective_from="2020-01-01",
    )
    NegativeListCategory.objects.create(
        jurisdiction=region,
        key="old",
        title="Category repealed",
        source="Act 0",
        effective_from="2000-01-01",
        effective_until="2001-01-01",
    )
    assessment = make_assessment(organisation, assessor, frameworks=[GEN])
    client.force_login(assessor)
    html = client.get(section_url(assessment, GEN, "s0")).content.decode()
    assert "Category in force" in html
    assert "Category repealed" not in html
    assert "Act 1, in force from 1 Jan 2020" in html
    assert "No negative list is configured" not in html


def test_an_example_category_is_never_shown_in_force_and_no_list_sends_the_user_to_theirs(
    client: Client, sources: None, organisation: Organisation, assessor: User
) -> None:
    make_generated_bank(questions=3)
    example = Jurisdiction.objects.create(key="example", name="Example", is_example=True)
    NegativeListCategory.objects.create(
        jurisdiction=example,
        key="example-category",
        title="Example category (not law)",
        source="Example only",
        effective_from="2020-01-01",
        is_example=True,
    )
    assessment = make_assessment(organisation, assessor, frameworks=[GEN])
    client.force_login(assessor)
    html = client.get(section_url(assessment, GEN, "s0")).content.decode()
    assert "Example category (not law)" in html
    assert "in force from" not in html
    assert "not law, and in force nowhere" in html
    assert "No negative list is configured for the jurisdictions in your profile" in html
    assert "Judge the activity against the list you follow" in html


def test_without_javascript_a_section_saves_in_one_post_and_reports_refusals(
    client: Client, draft: Assessment, assessor: User
) -> None:
    client.force_login(assessor)
    data = {
        "mini-maturity.requirements-choices": "na",
        "mini-maturity.requirements-reason": "",
        "mini-maturity.requirements-version": "0",
        "mini-maturity.reviews-version": "0",
    }
    refused = client.post(section_url(draft, "mini-maturity", "design"), data)
    assert refused.status_code == HTTPStatus.OK
    html = refused.content.decode()
    assert "could not be saved" in html
    assert '<a href="#q__mini-maturity__requirements__reason">Question 1</a>' in html
    assert 'aria-describedby="q__mini-maturity__requirements__reason-error"' in html
    assert "Say briefly why this question does not apply." in html
    data["mini-maturity.requirements-choices"] = "yes"
    data["then"] = section_url(draft, "mini-maturity", "evidence")
    saved = client.post(section_url(draft, "mini-maturity", "design"), data)
    assert saved.status_code == HTTPStatus.FOUND
    assert saved["Location"] == section_url(draft, "mini-maturity", "evidence")
    assert stored(draft, "requirements").choices == ["yes"]
    # Questions left empty are not stored as empty answers.
    assert not Answer.objects.filter(assessment=draft, question__key="reviews").exists()


def test_without_javascript_a_question_that_does_not_apply_keeps_its_answer(
    client: Client, draft: Assessment, assessor: User
) -> None:
    answer(draft, assessor, "mini-maturity", "requirements", "yes")
    answer(draft, assessor, "mini-maturity", "reviews", "yes")
    client.force_login(assessor)
    data = {"mini-maturity.requirements-choices": "no", "mini-maturity.requirements-version": "1"}
    client.post(section_url(draft, "mini-maturity", "design"), data)
    html = client.get(section_url(draft, "mini-maturity", "design")).content.decode()
    # "reviews" no longer applies: drawn as an empty placeholder, so the form has no field of
    # it, and the next save of the section leaves its stored answer alone.
    assert 'name="mini-maturity.reviews-' not in html
    data["mini-maturity.requirements-version"] = "2"
    client.post(section_url(draft, "mini-maturity", "design"), data)
    assert stored(draft, "reviews").choices == ["yes"]
    assert stored(draft, "requirements").choices == ["no"]


def test_without_javascript_a_conflict_shows_both_values_and_keeps_mine_on_resubmit(
    client: Client, draft: Assessment, assessor: User, owner: User
) -> None:
    answer(draft, owner, "mini-tier", "supervision", "yes")
    client.force_login(assessor)
    data = {"mini-tier.supervision-choices": "no", "mini-tier.supervision-version": "0"}
    page = client.post(section_url(draft, "mini-tier", "duties"), data)
    html = page.content.decode()
    assert "Their answer" in html
    assert "Keep my answer" in html
    assert 'name="mini-tier.supervision-version" value="1"' in html
    data["mini-tier.supervision-version"] = "1"
    client.post(section_url(draft, "mini-tier", "duties"), data)
    assert stored(draft, "supervision").choices == ["no"]


def test_a_submitted_assessment_is_read_only(
    client: Client, draft: Assessment, assessor: User
) -> None:
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    client.force_login(assessor)
    html = client.get(section_url(draft, "mini-tier", "duties")).content.decode()
    assert '<fieldset class="card-body" disabled>' in html
    assert "data-answer-url=" not in html
    assert "data-autosave" not in html
    response = save(client, draft, "mini-tier", "supervision", "yes", version="0")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_signed_out_autosave_gets_401_and_a_page_load_goes_to_sign_in_and_back(
    client: Client, draft: Assessment
) -> None:
    response = save(client, draft, "mini-tier", "supervision", "yes", version="0")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    url = section_url(draft, "mini-tier", "duties")
    page = client.get(url)
    assert page.status_code == HTTPStatus.FOUND
    assert page["Location"] == f"{reverse('login')}?next={url}"


# Query counts: constant in the number of questions -----------------------------------------


def _generated(questions: int, organisation: Organisation, user: User) -> Assessment:
    make_generated_bank(questions=questions)
    assessment = make_assessment(organisation, user, frameworks=[GEN])
    for n in range(0, questions, 2):
        answer(assessment, user, GEN, f"q{n}", "yes")
    return assessment


@pytest.mark.parametrize("questions", [10, 200])
def test_section_page_query_count_is_constant(
    questions: int,
    client: Client,
    sources: None,
    organisation: Organisation,
    assessor: User,
    django_assert_num_queries: Any,
) -> None:
    assessment = _generated(questions, organisation, assessor)
    client.force_login(assessor)
    url = section_url(assessment, GEN, "s0")
    client.get(url)  # the published bank is cached after the first read
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("data-question=") == questions


@pytest.mark.parametrize("questions", [10, 200])
def test_autosave_query_count_is_constant(
    questions: int,
    client: Client,
    sources: None,
    organisation: Organisation,
    assessor: User,
    django_assert_num_queries: Any,
) -> None:
    assessment = _generated(questions, organisation, assessor)
    client.force_login(assessor)
    client.get(section_url(assessment, GEN, "s0"))
    with django_assert_num_queries(11):
        response = save(client, assessment, GEN, "q1", "partly", version="0")
    assert response.status_code == HTTPStatus.OK
    # A change of applicability re-renders the questions concerned, still in constant queries.
    with django_assert_num_queries(13):
        response = save(client, assessment, GEN, "q3", "yes", version="0")
    assert 'id="q__gen__q4"' in response.content.decode()


def _whole_section(assessment: Assessment, questions: int, choice: str) -> dict[str, Any]:
    """Every field of every question, as a browser without JavaScript posts the section."""
    versions = dict(
        Answer.objects.filter(assessment=assessment).values_list("question__key", "version")
    )
    data: dict[str, Any] = {}
    for n in range(questions):
        name = f"{GEN}.q{n}"
        data |= {
            f"{name}-choices": choice,
            f"{name}-reason": "",
            f"{name}-note": "",
            f"{name}-evidence": "https://example.org/evidence",
            f"{name}-version": str(versions.get(f"q{n}", 0)),
        }
    return data


@pytest.mark.parametrize("questions", [10, 200])
def test_section_save_writes_every_answer_in_constant_queries(
    questions: int,
    client: Client,
    sources: None,
    organisation: Organisation,
    assessor: User,
    django_assert_num_queries: Any,
) -> None:
    assessment = _generated(questions, organisation, assessor)
    client.force_login(assessor)
    url = section_url(assessment, GEN, "s0")
    client.get(url)
    history = Answer.history.count()
    changed = _whole_section(assessment, questions, "partly")
    with django_assert_num_queries(12):
        response = client.post(url, changed)
    assert response.status_code == HTTPStatus.FOUND
    stored = Answer.objects.filter(assessment=assessment)
    assert {tuple(c) for c in stored.values_list("choices", flat=True)} == {("partly",)}
    assert stored.count() == questions
    assert Answer.history.count() == history + questions
    # The same form again changes nothing and writes nothing.
    unchanged = _whole_section(assessment, questions, "partly")
    with django_assert_num_queries(8):
        response = client.post(url, unchanged)
    assert response.status_code == HTTPStatus.FOUND
    assert Answer.history.count() == history + questions


def test_every_section_of_the_shipped_bank_renders_and_saves(
    client: Client, full_bank: None, organisation: Organisation, assessor: User
) -> None:
    from assessments.services.assessments import available_frameworks

    keys = [f.key for f in available_frameworks()]
    assessment = make_assessment(organisation, assessor, frameworks=keys)
    bank = selectors.bank_for_assessment(assessment)
    client.force_login(assessor)
    sections = [(f.key, s) for f in bank.frameworks for s in f.sections]
    assert len(bank.questions) >= 100
    for framework, section in sections:
        response = client.get(section_url(assessment, framework, section.key))
        assert response.status_code == HTTPStatus.OK
        assert response.content.decode().count("data-question=") == len(section.questions)
    first = bank.frameworks[0].sections[0].questions[0]
    option = first.options[0].key
    response = save(client, assessment, first.framework, first.key, option, version="0")
    assert response.status_code == HTTPStatus.OK


def test_admin_preview_shows_the_question_as_the_questionnaire_does(
    client: Client, mini_bank: None
) -> None:
    from assessments.models import Question
    from tests.factories import make_user

    client.force_login(make_user("staff", staff=True))
    question = Question.objects.get(key="requirements")
    response = client.get(reverse("admin:assessments_question_preview", args=[question.pk]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'id="q__mini-maturity__requirements" data-question' in html
    assert "<legend" in html
    assert "rather than retrofitting them later" in html
    assert "Why does this question not apply?" in html
    assert "(2 points)" in html
