"""Shared fixtures: the question bank (real and miniature), users, organisations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from assessments.models import Assessment, Organisation, Role
from assessments.selectors import _BANK_CACHE
from tests.factories import answer_mini, make_assessment, make_member, make_organisation

ROOT = Path(settings.BASE_DIR)
FIXTURES = ROOT / "fixtures"
MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(autouse=True)
def _fresh_bank_cache() -> Iterator[None]:
    """Published versions never change, so their plain form is cached per process; tests roll
    the database back and reuse ids, so each test starts with an empty cache."""
    _BANK_CACHE.clear()
    yield
    _BANK_CACHE.clear()


@pytest.fixture
def sources(db: None) -> None:
    call_command("load_question_bank", str(FIXTURES / "sources.yaml"), verbosity=0)


@pytest.fixture
def mini_bank(sources: None) -> None:
    """A small profile plus one framework of each kind, all published."""
    call_command("load_question_bank", str(MINI), verbosity=0)


@pytest.fixture
def full_bank(db: None) -> None:
    """The question bank the product ships, from fixtures/."""
    call_command("load_question_bank", verbosity=0)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return make_organisation("acme")


@pytest.fixture
def owner(organisation: Organisation) -> User:
    return make_member(organisation, "olivia", Role.OWNER)


@pytest.fixture
def assessor(organisation: Organisation) -> User:
    return make_member(organisation, "adam", Role.ASSESSOR)


@pytest.fixture
def viewer(organisation: Organisation) -> User:
    return make_member(organisation, "vera", Role.VIEWER)


@pytest.fixture
def outsider(db: None) -> User:
    """A member of another organisation only."""
    return make_member(make_organisation("other"), "oscar", Role.OWNER)


@pytest.fixture
def assessment(mini_bank: None, organisation: Organisation, assessor: User) -> Assessment:
    """A draft of the miniature bank with a gap of every kind (tests.factories.answer_mini);
    modules that need another kind of assessment define their own."""
    started = make_assessment(organisation, assessor)
    answer_mini(started, assessor)
    return started
