"""Drafts under way on profile v1 move to the activities question, their roles mapped."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from assessments.bank.db import load_files
from assessments.bank.read import read_paths
from assessments.models import Assessment, Organisation
from assessments.pinned_bank import bank_for_assessment
from assessments.profile_roles import activities_from_role, map_role_answers
from assessments.selectors import answers_for_assessment
from tests.conftest import FIXTURES
from tests.factories import answer, make_assessment


@pytest.mark.parametrize(
    ("roles", "foundation", "channels", "activities", "held"),
    [
        (["rnd"], ["no"], ["api"], ["integrate"], []),
        (["rnd", "provision"], ["yes"], ["api"], ["fine-tune", "deploy"], ["yes"]),
        (["provision"], ["no"], ["open-weights"], ["release-weights", "deploy"], ["yes"]),
        (["use"], [], [], ["use"], []),
    ],
)
def test_each_role_maps_onto_activities(
    roles: list[str],
    foundation: list[str],
    channels: list[str],
    activities: list[str],
    held: list[str],
) -> None:
    assert activities_from_role(roles, foundation, channels) == (activities, held)


def _first_release(tmp_path: Path) -> Path:
    """The bank before this release: profile v1 and v2 of the frameworks published."""
    old = tmp_path / "old"
    shutil.copytree(FIXTURES, old)
    (old / "frameworks" / "profile" / "v2.yaml").unlink()
    for framework in ("sg-genai", "model-law", "rsp-asl"):
        (old / "frameworks" / framework / "v3.yaml").unlink()
        path = old / "frameworks" / framework / "v2.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("  status: retired\n", "  status: published\n", 1))
    path = old / "frameworks" / "profile" / "v1.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  status: retired\n", "  status: published\n", 1))
    return old


def test_a_draft_on_profile_v1_moves_with_its_answers_and_mapped_roles(
    db: None, tmp_path: Path, organisation: Organisation, assessor: User
) -> None:
    load_files(read_paths([_first_release(tmp_path)]))
    draft = make_assessment(organisation, assessor, frameworks=("rsp-asl", "model-law"))
    answer(draft, assessor, "profile", "role", "rnd", "provision")
    answer(draft, assessor, "profile", "foundation-model", "no")
    answer(draft, assessor, "rsp-asl", "general-purpose-frontier", "yes")
    assert map_role_answers(apps) == 0  # the release's bank is not loaded yet

    call_command("load_question_bank", stdout=io.StringIO())
    out = io.StringIO()
    call_command("map_profile_roles", stdout=out)
    assert "moved to the newest versions: 1" in out.getvalue()
    moved = Assessment.objects.get(pk=draft.pk)
    labels = set(moved.framework_versions.values_list("framework__key", "label"))
    assert labels == {("profile", "v2"), ("rsp-asl", "v3"), ("model-law", "v3")}
    answers = answers_for_assessment(moved)
    assert answers[("profile", "activities")].choices == ("integrate", "deploy")
    assert answers[("rsp-asl", "general-purpose-frontier")].choices == ("yes",)
    assert ("profile", "role") not in answers
    assert bank_for_assessment(moved).has(("profile", "activities"))
    assert map_role_answers(apps) == 0  # once only
