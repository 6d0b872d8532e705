"""The words that introduce a citation follow the basis of the practice, with authors as printed."""

from __future__ import annotations

import pytest

from assessments.bank.read import read_paths
from assessments.citations import CitedSource, lead_in, short_authors
from tests.conftest import FIXTURES

SOURCES = {
    spec.key: CitedSource(kind=spec.kind, authors=spec.authors, title=spec.title)
    for _file, spec in read_paths([FIXTURES / "sources.yaml"]).sources
}


@pytest.mark.parametrize(
    ("key", "short"),
    [
        ("sellitto", "Sellitto"),  # one author: the surname
        ("zhou-hui", "ZHOU Hui"),  # Chinese order, as printed, without the characters
        ("ji-weidong", "Ji Weidong"),
        ("gong-ke-preface", "GONG Ke"),
        ("vargas-garcia", "Vargas Garcia"),  # a surname of two words
        ("siegmann-privitera", "Siegmann and Privitera"),  # two authors: both
        ("si-cao", "SI and CAO"),  # given name first, family name in capitals
        ("zou-wang", "ZOU Ning and WANG Haining"),
        ("wang-na", "WANG Jun and NA Diya"),  # two authors printed with a comma
        ("moes-lannquist-iliadis-mialhe", "Moës et al."),  # more: the first, et al.
        ("ma-gao-fan", "MA Chenghao et al."),
        ("codata", "CODATA"),  # a body, by its acronym
        ("anthropic-rsp", "Anthropic"),
        ("introduction", ""),
    ],
)
def test_authors_are_shortened_as_printed(key: str, short: str) -> None:
    assert short_authors(SOURCES[key].authors) == short


def test_a_stated_practice_is_what_the_authors_state() -> None:
    assert lead_in(basis="stated", source=SOURCES["moes-lannquist-iliadis-mialhe"]) == (
        "Moës et al. state"
    )
    assert lead_in(basis="stated", source=SOURCES["seger"]) == "Seger states"
    assert lead_in(basis="stated", source=SOURCES["introduction"]) == (
        "The report's Introduction states"
    )


def test_a_practice_is_in_the_area_the_essay_names() -> None:
    assert lead_in(basis="practice", source=SOURCES["sellitto"]) == (
        "Practice in the area Sellitto names"
    )
    assert lead_in(basis="practice", source=SOURCES["si-cao"]) == (
        "Practice in the area SI and CAO name"
    )


def test_an_adapted_practice_names_whom_the_recommendation_was_for() -> None:
    zhou = SOURCES["zhou-hui"]
    assert lead_in(basis="adapted", source=zhou, addressee="legislators") == (
        "Adapted from ZHOU Hui's recommendation to legislators"
    )
    assert lead_in(basis="adapted", source=SOURCES["wong"]) == (
        "Adapted from Wong's recommendation to governments"
    )
    assert lead_in(basis="adapted", source=SOURCES["moes-lannquist-iliadis-mialhe"]) == (
        "Adapted from Moës et al.'s recommendation to governments"
    )


def test_a_policy_practice_cites_the_policy_and_the_essay_that_links_to_it() -> None:
    text = lead_in(basis="policy", source=SOURCES["anthropic-rsp"], linked_from=SOURCES["sellitto"])
    assert text == "From Anthropic's Responsible Scaling Policy, which Sellitto's essay links to"


def test_a_policy_without_its_essay_or_an_unknown_basis_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the essay that links to it"):
        lead_in(basis="policy", source=SOURCES["anthropic-rsp"])
    with pytest.raises(ValueError, match="unknown basis 'said'"):
        lead_in(basis="said", source=SOURCES["sellitto"])
