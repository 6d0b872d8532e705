"""Shared by the hostile-input tests: a snapshot of every row, to prove a refusal changed
nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps

from assessments.models import Answer, Assessment


def database_state() -> dict[str, Any]:
    """The number of rows of every model, and every answer and revision as stored."""
    state: dict[str, Any] = {
        model._meta.label: model._default_manager.count()
        for config in (apps.get_app_config("assessments"), apps.get_app_config("auth"))
        for model in config.get_models()
    }
    state["answers"] = sorted(
        map(repr, Answer.objects.values_list("question_id", "choices", "note", "reason", "version"))
    )
    state["revisions"] = sorted(Assessment.objects.values_list("pk", "revision"))
    return state


@pytest.fixture
def unchanged() -> Iterator[Callable[[], None]]:
    """Call it before the request, then after: the second call fails if any row was added,
    removed or changed in between."""
    seen: list[dict[str, Any]] = []

    def check() -> None:
        seen.append(database_state())
        assert seen[-1] == seen[0], "the database changed"

    yield check
    assert len(seen) == 2, "call it before and after the request"
