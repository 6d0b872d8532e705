"""Remediation says what the organisation can do; the essays it draws on go on the citation line.

The names to look for are derived from `fixtures/sources.yaml` (every author and title of the
report and of the documents it points to), so a source added there is checked without a change
here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pytest
from django.contrib.auth.models import User
from django.utils.html import escape

from assessments.bank.read import read_paths
from assessments.bank.specs import SourceSpec, VersionSpec
from assessments.models import Organisation
from assessments.reports import report_html
from assessments.results import results_for_assessment
from tests.conftest import FIXTURES
from tests.full_assessment import make_full_assessment

# Wording that attributes advice to the literature, whoever the author.
ATTRIBUTIONS = ("essay", "argues", "according to", "et al", "The Future Society")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PEOPLE = re.compile(r",\s*and\s+|,\s*|\s+and\s+")


def _folded(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _family_names(person: str) -> set[str]:
    """How a remediation would name this author: "ZHOU Hui (周辉)" as Zhou, "Rostam J.
    Neuwirth" as Neuwirth, "Jason SI (司晓)" as Si, "... (CODATA) ..." as CODATA."""
    words = _WORD.findall(_CJK.sub("", person))
    if not words:
        return set()
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    if capitals:
        family = set(capitals) | {w.title() for w in capitals}
    elif _CJK.search(person):
        family = {words[0]}  # "Ji Weidong (季卫东)": family name first
    else:
        family = {words[-1]}
    return family | {_folded(name) for name in family}


def names_of(sources: Iterable[SourceSpec]) -> tuple[set[str], set[str]]:
    """Author names (matched as whole words, case as written) and titles (any case)."""
    names: set[str] = set()
    titles: set[str] = set()
    for source in sources:
        for person in _PEOPLE.split(source.authors):
            names |= _family_names(person)
        title = " ".join(source.title.split())
        if len(title.split()) >= 3:  # "Introduction" alone is an ordinary word
            titles.add(title.lower())
    return names, titles


def literature_named(text: str, names: set[str], titles: set[str]) -> list[str]:
    """The authors, titles and attributions that a remediation text names."""
    flat = " ".join(text.split())
    found = [name for name in names if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", flat)]
    found += [title for title in titles if title in flat.lower()]
    found += [
        phrase
        for phrase in ATTRIBUTIONS
        if re.search(rf"\b{re.escape(phrase.lower())}\b", flat.lower())
    ]
    return sorted(found)


@pytest.fixture(scope="module")
def shipped() -> tuple[list[VersionSpec], set[str], set[str]]:
    files = read_paths([FIXTURES])
    assert not files.problems
    names, titles = names_of(source for _, source in files.sources)
    in_use = [v for v in files.versions if v.status != "retired"]
    return in_use, names, titles


def test_the_names_come_from_the_sources_file(
    shipped: tuple[list[VersionSpec], set[str], set[str]],
) -> None:
    _, names, titles = shipped
    for name in ("Sellitto", "Zhou", "Si", "Cao", "Cass-Beggs", "CODATA", "Moës", "Moes", "Ji"):
        assert name in names
    assert "Weidong" not in names
    assert "Ke" not in names  # GONG Ke: the family name is Gong
    assert "ai alignment by ai democratization" in titles


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Sharadin argues that evidence comes first.", ["Sharadin", "argues"]),
        ("Probe the model, as Si and Cao describe.", ["Cao", "Si"]),
        ("Build a crosswalk; ZHANG Peng proposes it.", ["ZHANG"]),
        ("See AI Alignment by AI Democratization.", ["ai alignment by ai democratization"]),
        ("The Future Society's principles ask for it.", ["The Future Society"]),
        ("Monitor usage patterns for abuse and enforce your policies.", []),
        ("Consider a sandbox or a testbed; mark the fan-out.", []),
    ],
)
def test_the_check_finds_authors_titles_and_attributions(
    shipped: tuple[list[VersionSpec], set[str], set[str]], text: str, named: list[str]
) -> None:
    _, names, titles = shipped
    assert literature_named(text, names, titles) == sorted(named)


def test_no_remediation_in_the_shipped_bank_names_an_author_or_essay(
    shipped: tuple[list[VersionSpec], set[str], set[str]],
) -> None:
    versions, names, titles = shipped
    assert {v.framework.key for v in versions} >= {
        "tfs-principles",
        "sg-genai",
        "model-law",
        "rsp-asl",
    }
    offending = {
        f"{v.framework.key} {v.label} {q.key}": found
        for v in versions
        for section in v.sections
        for q in section.questions
        if (found := literature_named(q.remediation, names, titles))
    }
    assert offending == {}


def test_the_report_gives_the_steps_and_cites_the_essays_they_draw_on_as_see_also(
    full_bank: None, organisation: Organisation, assessor: User
) -> None:
    assessment = make_full_assessment(organisation, assessor)
    html = report_html(assessment=assessment)
    gaps = [g for g in results_for_assessment(assessment, live=True).gaps if g.supporting]
    assert len(gaps) > 10
    for gap in gaps:
        advice = escape(" ".join(gap.remediation.split()))
        assert advice in html, gap.question
        after = html[html.index(advice) + len(advice) :]
        citation = after[: after.index("</p>", after.index("Cites:"))]
        see_also = citation[citation.index("See also:") :]
        for key in gap.supporting:
            assert f'href="#src-{key}"' in see_also, (gap.question, key)
