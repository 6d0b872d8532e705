"""The database's question bank in the shape of its files: documents (plain mappings, as a
YAML file would hold them) and, once they pass the schema, specs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, QuerySet

from assessments.models import (
    FrameworkVersion,
    Jurisdiction,
    Option,
    Question,
    Section,
    Source,
)

from .read import validate_version
from .specs import CategorySpec, JurisdictionSpec, Problem, SourceSpec, VersionSpec

SOURCES_FILE = "sources.yaml"
JURISDICTIONS_FILE = "reference/jurisdictions.yaml"


def version_file(framework: str, label: str) -> str:
    return f"frameworks/{framework}/{label}.yaml"


def source_specs() -> list[SourceSpec]:
    return [
        SourceSpec(
            key=s.key,
            title=s.title,
            kind=s.kind,
            authors=s.authors,
            chapter=s.chapter,
            chapter_title=s.chapter_title,
            first_page=s.first_page,
            last_page=s.last_page,
            publisher=s.publisher,
            published=s.published,
            url=s.url,
            linked_from=s.linked_from,
            note=s.note,
        )
        for s in Source.objects.order_by("order", "key")
    ]


def jurisdiction_specs() -> list[JurisdictionSpec]:
    return [
        JurisdictionSpec(
            key=j.key,
            name=j.name,
            foundation_model_scale=j.foundation_model_scale,
            is_example=j.is_example,
            note=j.note,
            negative_list=[
                CategorySpec(
                    key=c.key,
                    title=c.title,
                    source=c.source,
                    effective_from=c.effective_from,
                    description=c.description,
                    effective_until=c.effective_until,
                    is_example=c.is_example,
                )
                for c in j.negative_list.order_by("key")
            ],
        )
        for j in Jurisdiction.objects.order_by("key")
    ]


def with_content(versions: QuerySet[FrameworkVersion]) -> QuerySet[FrameworkVersion]:
    """Versions with everything their document needs, in a few queries."""
    return versions.select_related("framework__source").prefetch_related(
        Prefetch("sections", queryset=Section.objects.select_related("source").order_by("order")),
        Prefetch(
            "questions",
            queryset=Question.objects.select_related("source")
            .prefetch_related(
                Prefetch("options", queryset=Option.objects.order_by("order")),
                Prefetch("supporting_sources", queryset=Source.objects.order_by("key")),
            )
            .order_by("position"),
        ),
    )


def version_documents(
    versions: QuerySet[FrameworkVersion] | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """(file, document) of the given versions, or of all: what their YAML file would hold."""
    queryset = with_content(versions if versions is not None else FrameworkVersion.objects.all())
    return [
        (version_file(v.framework.key, v.label), version_document(v))
        for v in queryset.order_by("framework__order", "framework__key", "label")
    ]


def version_specs(versions: QuerySet[FrameworkVersion] | None = None) -> list[VersionSpec]:
    """Specs of the given versions, or of every version; raises BankProblems for a draft that
    does not pass the schema (a published version always does)."""
    specs = []
    for file, document in version_documents(versions):
        spec, problems = validate_version(file, document)
        if spec is None:
            raise BankProblems(problems)
        specs.append(spec)
    return specs


def version_spec(framework: str, label: str) -> VersionSpec:
    """One version by its framework's key and its label; FrameworkVersion.DoesNotExist if none."""
    found = version_specs(FrameworkVersion.objects.filter(framework__key=framework, label=label))
    if not found:
        raise FrameworkVersion.DoesNotExist(f"No version '{label}' of framework '{framework}'.")
    return found[0]


class BankProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def version_document(version: FrameworkVersion) -> dict[str, Any]:
    """One version (prefetched by `with_content`) in the shape of its YAML file."""
    fw = version.framework
    by_section: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for q in version.questions.all():
        by_section[q.section_id].append(_question_document(q))
    return {
        "framework": {
            "key": fw.key,
            "name": fw.name,
            "kind": fw.kind,
            "description": fw.description,
            "standing": fw.standing,
            "standing_note": fw.standing_note,
            "standing_quote": fw.standing_quote,
            "source": fw.source.key if fw.source else "",
            "order": fw.order,
        },
        "version": {
            "label": version.label,
            "status": version.status,
            "published_on": version.published_on,
            "changelog": version.changelog,
        },
        "rules": version.rules,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "summary": s.summary,
                "weight": s.weight,
                "source": s.source.key if s.source else "",
                "quote": s.quote,
                "questions": by_section[s.pk],
            }
            for s in version.sections.all()
        ],
    }


def _question_document(q: Question) -> dict[str, Any]:
    return {
        "key": q.key,
        "text": q.text,
        "guidance": q.guidance,
        "kind": q.kind,
        "weight": q.weight,
        "required": q.required,
        "applies_when": q.applies_when,
        "source": q.source.key if q.source else "",
        "quote": q.quote,
        "supporting_sources": [s.key for s in q.supporting_sources.all()],
        "basis": q.basis,
        "finding": q.finding,
        "remediation": q.remediation,
        "tags": q.tags,
        "required_level": q.required_level,
        "options": [
            {
                "key": o.key,
                "label": o.label,
                "points": o.points,
                "meaning": o.meaning,
                "effects": o.effects,
            }
            for o in q.options.all()
        ],
    }
