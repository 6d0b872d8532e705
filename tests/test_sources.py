"""The sources carry the exact titles, authors and pages of the report's table of contents."""

from __future__ import annotations

import pytest

from assessments.models import Source

REPORT = "Safety and Global Governance of Generative AI Report"


@pytest.mark.parametrize(
    ("key", "title", "authors", "pages"),
    [
        (
            "zhou-hui",
            "Key Policy Recommendations for Global AI Governance",
            "ZHOU Hui (周辉)",
            "pp. 20-22",
        ),
        (
            "moes-lannquist-iliadis-mialhe",
            "Institutional Design Principles for Global AI Governance in the Age of Foundation "
            "Models and Generative AI",
            "Nicolas Moës, Yolanda Lannquist, Niki Iliadis, and Nicolas Mialhe",
            "pp. 17-19",
        ),
        ("wong", "Singapore’s approach to governing Generative AI", "Denise Wong", "pp. 57-58"),
        (
            "sellitto",
            "A Framework for Responsibly Scaling Artificial Intelligence Models",
            "Michael Sellitto",
            "pp. 66-67",
        ),
        (
            "png",
            "AI Supply Chains and Geopolitics : Co-governance with the Global South",
            "Marie-Therese Png",
            "pp. 38-39",
        ),
        (
            "wang-na",
            "AI Governance — Another Tower of Babel",
            "WANG Jun (王俊), NA Diya (娜迪娅)",
            "pp. 52-56",
        ),
        (
            "zou-wang",
            "Applications and Exploration in Intel's Responsible AI Work",
            "ZOU Ning and WANG Haining",
            "pp. 72-73",
        ),
        (
            "ji-weidong",
            "The Challenges of LLM Behemoths Toward the Leviathan and Legal Order",
            "Ji Weidong (季卫东)",
            "pp. I-4",
        ),
        (
            "gong-ke-preface",
            "AI Governance: Towards Better and Faster Development of AI to "
            "Accelerating the Implementation of the SDGs",
            "GONG Ke (龚克)",
            "pp. II-V",
        ),
    ],
)
def test_source_matches_the_table_of_contents(
    sources: None, key: str, title: str, authors: str, pages: str
) -> None:
    source = Source.objects.get(key=key)
    assert (source.title, source.authors, source.pages) == (title, authors, pages)


def test_every_essay_of_the_report_is_a_source(sources: None) -> None:
    essays = Source.objects.filter(kind=Source.Kind.ESSAY)
    assert essays.count() == 29
    assert set(essays.values_list("chapter", flat=True)) == {1, 2, 3, 4, 5}
    front = set(Source.objects.filter(kind=Source.Kind.FRONT_MATTER).values_list("key", flat=True))
    assert front == {"gong-ke-preface", "introduction"}


def test_the_essay_missing_from_the_table_of_contents_has_no_pages(sources: None) -> None:
    sun = Source.objects.get(key="sun-nanxiang")
    assert sun.authors == "SUN Nanxiang (孙南翔)"
    assert (sun.first_page, sun.last_page, sun.pages) == ("", "", "")
    assert sun.citation() == (
        "SUN Nanxiang (孙南翔), “Responding to the Challenges of Generative AI on Global "
        f"Governance”, in {REPORT}, WFEO-CEIT and Shenzhen Association for Science and "
        "Technology, Nov 2023, not listed in the report's table of contents."
    )


def test_citation_follows_the_report_format(sources: None) -> None:
    assert Source.objects.get(key="zhou-hui").citation() == (
        "ZHOU Hui (周辉), “Key Policy Recommendations for Global AI Governance”, in "
        f"{REPORT}, WFEO-CEIT and Shenzhen Association for Science and Technology, Nov 2023, "
        "pp. 20-22."
    )
    lead, container, tail = Source.objects.get(key="wong").citation_parts()
    assert container == REPORT
    assert lead.startswith("Denise Wong, “Singapore’s approach")
    assert tail.endswith("pp. 57-58.")


def test_the_introduction_has_an_open_page_range(sources: None) -> None:
    intro = Source.objects.get(key="introduction")
    assert intro.pages == "p. VI ff."
    assert intro.citation().startswith("“Introduction”, in ")
    assert intro.citation().endswith(", p. VI ff.")  # one full stop, not two
