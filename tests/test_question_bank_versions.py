"""v2 of the shipped frameworks replaces v1, which is retired: old assessments keep working."""

from __future__ import annotations

import io
import shutil
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.bank.db import load_files
from assessments.bank.read import read_paths
from assessments.models import Assessment, FrameworkVersion, Organisation
from assessments.reports.render import render_report
from assessments.results import results_for_assessment
from assessments.services.assessments import current_published_versions
from tests.conftest import FIXTURES
from tests.factories import make_assessment
from tests.full_assessment import FRAMEWORKS, make_full_assessment


def _as_first_published(tmp_path: Path) -> Path:
    """The bank as installations had it before this release: v1 of every framework published."""
    old = tmp_path / "old"
    shutil.copytree(FIXTURES, old, ignore=shutil.ignore_patterns("v2.yaml", "v3.yaml"))
    for framework in ("profile", *FRAMEWORKS):
        path = old / "frameworks" / framework / "v1.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("  status: retired\n", "  status: published\n", 1))
    return old


@pytest.fixture
def pinned_to_v1(
    db: None, tmp_path: Path, organisation: Organisation, assessor: User
) -> Assessment:
    """An assessment started on v1, then this release loaded over the same database.

    The earlier release loaded v1 as published; today's validator would refuse v1 as a version
    in use (it has no basis or finding), so the old state is written as that release left it.
    """
    load_files(read_paths([_as_first_published(tmp_path)]))
    assessment = make_full_assessment(organisation, assessor)
    out = io.StringIO()
    call_command("load_question_bank", stdout=out)
    assert (
        "versions created: model-law v2, model-law v3, profile v2, rsp-asl v2, rsp-asl v3, "
        "sg-genai v2, sg-genai v3, tfs-principles v2" in out.getvalue()
    )
    return assessment


def test_the_release_retires_v1_and_new_assessments_start_on_v2(
    pinned_to_v1: Assessment, organisation: Organisation, assessor: User
) -> None:
    retired = FrameworkVersion.objects.filter(status="retired")
    newest = {"profile": "v2", "tfs-principles": "v2"} | dict.fromkeys(
        ("sg-genai", "model-law", "rsp-asl"), "v3"
    )
    assert sorted(retired.values_list("framework__key", "label")) == sorted(
        [(key, "v1") for key in ("profile", *FRAMEWORKS)]
        + [(key, "v2") for key, label in newest.items() if label == "v3"]
    )
    current = {v.framework.key: v.label for v in current_published_versions(list(FRAMEWORKS))}
    assert current == newest
    fresh = make_assessment(organisation, assessor, frameworks=FRAMEWORKS)
    labels = set(fresh.framework_versions.values_list("framework__key", "label"))
    assert labels == set(newest.items())
    # The framework is described by the version in use, whatever order the files load in.
    framework = FrameworkVersion.objects.get(framework__key="model-law", label="v1").framework
    assert framework.standing == "proposal"


def test_loading_the_release_again_changes_nothing(pinned_to_v1: Assessment) -> None:
    out = io.StringIO()
    call_command("load_question_bank", stdout=out)
    assert "versions created: none; replaced: none" in out.getvalue()


def test_an_assessment_pinned_to_a_retired_version_still_opens_scores_and_renders(
    pinned_to_v1: Assessment, client: Client, assessor: User
) -> None:
    labels = set(pinned_to_v1.framework_versions.values_list("framework__key", "label", "status"))
    assert labels == {(key, "v1", "retired") for key in ("profile", *FRAMEWORKS)}
    results = results_for_assessment(pinned_to_v1)
    scores = {f.key: f.score for f in results.frameworks}
    assert set(scores) == set(FRAMEWORKS)
    assert all(score is not None for score in scores.values())

    client.force_login(assessor)
    pk = pinned_to_v1.pk
    section = reverse("section_detail", args=[pk, "sg-genai", "development-deployment"])
    page = client.get(section)
    assert page.status_code == HTTPStatus.OK
    assert "output-safeguards" in page.content.decode()  # the v1 layout of the section
    assert client.get(reverse("assessment_results", args=[pk])).status_code == HTTPStatus.OK
    assert render_report(assessment=pinned_to_v1).pdf.startswith(b"%PDF")
