"""Reading an assessment's results: stored on submission, live for drafts.

A submitted assessment keeps the snapshot taken when it was submitted (docs/results-format.md),
so later edits of the question bank or of the scoring code never change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from django.db.models import Q

from assessments.models import Assessment, Source
from assessments.scoring.engine import score
from assessments.scoring.results import CitedSource, Results
from assessments.selectors import answers_for_assessment, bank_for_assessment


def results_for_assessment(assessment: Assessment, *, live: bool = False) -> Results:
    """The stored snapshot of a submitted assessment, or results computed now (provisional for
    a draft). live=True computes now even for a submitted assessment."""
    if assessment.is_submitted and assessment.results is not None and not live:
        return Results.from_json(assessment.results)
    computed = score(bank_for_assessment(assessment), answers_for_assessment(assessment))
    return replace(
        computed,
        provisional=not assessment.is_submitted,
        sources=cited_sources(s.key for s in computed.sources),
    )


def cited_sources(keys: Iterable[str]) -> tuple[CitedSource, ...]:
    """Citation, title, authors and pages of each source, in the report's order (one query)."""
    wanted = list(keys)
    # With the essays that link to a cited external document: a citation worded by its basis
    # names them ("… which Sellitto's essay links to").
    linking = Source.objects.filter(key__in=wanted).exclude(linked_from="").values("linked_from")
    sources = Source.objects.filter(Q(key__in=wanted) | Q(key__in=linking)).order_by("order", "key")
    return tuple(
        CitedSource(
            key=s.key,
            citation=s.citation(),
            citation_parts=s.citation_parts(),
            title=s.title,
            authors=s.authors,
            pages=s.pages,
            kind=s.kind,
            url=s.url,
            linked_from=s.linked_from,
        )
        for s in sources
    )
