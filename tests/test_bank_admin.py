"""The admin of the question bank: the admin login, publish checks shown beside each item, the
diff recorded as the changelog, and a version edited through the admin's own forms, downloaded
as YAML and loaded again giving an identical bank."""

from __future__ import annotations

import io
import zipfile
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.bank.export import export_files
from assessments.models import Framework, FrameworkVersion, Question
from assessments.services.question_bank import framework_version_new_draft

ADMIN_PASSWORD = "admin-password-for-tests"


@pytest.fixture
def editor(db: None) -> User:
    out = io.StringIO()
    call_command("seed_admin", "--username", "admin", "--password", ADMIN_PASSWORD, stdout=out)
    assert "Username:     admin" in out.getvalue()
    return User.objects.get(username="admin")


@pytest.fixture
def staff_client(client: Client, editor: User) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def draft(mini_bank: None) -> FrameworkVersion:
    v1 = FrameworkVersion.objects.get(framework__key="mini-maturity", label="v1")
    return framework_version_new_draft(version=v1)


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would post back unchanged: the change form and its inline formsets."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


def _question_url(draft: FrameworkVersion, key: str) -> str:
    question = Question.objects.get(version=draft, key=key)
    return reverse("admin:assessments_question_change", args=[question.pk])


def _edit_question(client: Client, url: str, **changes: Any) -> Any:
    data = form_data(client.get(url)) | changes
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    return response


def test_the_admin_login_is_a_separate_staff_account_for_the_bank(editor: User) -> None:
    assert editor.is_staff
    assert not editor.is_superuser
    assert editor.has_perm("assessments.change_question")
    assert not editor.has_perm("assessments.change_organisation")
    # Idempotent: a second run keeps one account and sets the password given.
    call_command("seed_admin", "--username", "admin", "--password", "new-one", stdout=io.StringIO())
    assert User.objects.filter(username="admin").count() == 1
    assert User.objects.get(username="admin").check_password("new-one")


def test_admin_sign_in_is_throttled_like_every_sign_in(editor: User, settings: Any) -> None:
    client = Client()
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "admin", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    response = client.post(
        url, {"username": "admin", "password": ADMIN_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_publish_is_refused_with_each_problem_beside_its_question_then_records_the_diff(
    staff_client: Client, draft: FrameworkVersion
) -> None:
    requirements = _question_url(draft, "requirements")
    _edit_question(
        staff_client,
        requirements,
        applies_when='{"question": "metrics", "any_of": ["jailbreak"]}',
        text="Are safety requirements approved before development starts?",
    )
    publish = reverse("admin:assessments_frameworkversion_publish", args=[draft.pk])

    refused = staff_client.post(publish)

    page = refused.content.decode()
    assert "1 problem to fix before publishing" in page
    assert f'<a href="{requirements}">question &#x27;requirements&#x27;</a>' in page
    assert "applies_when refers to &#x27;metrics&#x27;, which is asked later" in page
    draft.refresh_from_db()
    assert draft.status == "draft"
    question_page = staff_client.get(requirements).content.decode()
    assert "which is asked later (conditions may only look back)" in question_page

    _edit_question(staff_client, requirements, applies_when="null")
    checked = staff_client.get(publish).content.decode()
    assert "The checks found no problem" in checked
    assert "Changes from v1 (published)" in checked
    published = staff_client.post(publish)

    assert published.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Question 'requirements' text: " in draft.changelog
    assert '-> "Are safety requirements approved before development starts?".' in draft.changelog


def test_the_diff_page_compares_any_two_versions(
    staff_client: Client, draft: FrameworkVersion
) -> None:
    url = _question_url(draft, "reviews")
    data = form_data(staff_client.get(url))
    points = next(k for k, v in data.items() if k.endswith("-key") and v == "yes")
    _edit_question(staff_client, url, **{points.replace("-key", "-points"): "3"})
    v1 = FrameworkVersion.objects.get(framework__key="mini-maturity", label="v1")

    page = staff_client.get(
        reverse("admin:assessments_frameworkversion_diff", args=[draft.pk]), {"since": v1.pk}
    ).content.decode()

    assert "Changes from v1 to v2" in page
    assert "<td>option &#x27;yes&#x27; points</td><td>1</td><td>3</td>" in page


def test_a_version_edited_in_the_admin_downloads_and_loads_into_an_identical_bank(
    staff_client: Client, draft: FrameworkVersion, tmp_path: Path
) -> None:
    _edit_question(
        staff_client, _question_url(draft, "metrics"), guidance="Count only measured controls."
    )
    staff_client.post(reverse("admin:assessments_frameworkversion_publish", args=[draft.pk]))

    response = staff_client.get(
        reverse("admin:assessments_frameworkversion_download", args=[draft.pk])
    )

    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
        names = set(archive.namelist())
    assert names == {
        "sources.yaml",
        "frameworks/profile/v1.yaml",
        "frameworks/mini-maturity/v2.yaml",
    }
    in_admin = export_files()
    _empty_the_bank()
    call_command("load_question_bank", str(tmp_path), stdout=io.StringIO())
    loaded = export_files()
    assert {name: loaded[name] for name in names} == {name: in_admin[name] for name in names}
    assert "guidance: Count only measured controls." in loaded["frameworks/mini-maturity/v2.yaml"]


def _empty_the_bank() -> None:
    """As on a fresh database: published versions are unlocked only to be deleted here."""
    Question.objects.all().delete()
    FrameworkVersion.objects.update(status="draft")
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()


def test_question_filters_and_preview_show_source_and_basis(
    staff_client: Client, mini_bank: None
) -> None:
    listing = staff_client.get(reverse("admin:assessments_question_changelist"))
    filters = listing.content.decode()
    for title in ("framework", "version", "key", "source", "basis"):
        assert f"By {title}" in filters
    pause = Question.objects.get(key="pause")

    preview = staff_client.get(reverse("admin:assessments_question_preview", args=[pause.pk]))

    page = preview.content.decode()
    assert "Basis:</strong> Stated: the cited essay states this practice" in page
    assert "No tested procedure to pause scaling or deployment." in page
