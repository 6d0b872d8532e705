"""Between the specs and the database: what the checks need to know of it, and loading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from assessments.models import (
    Framework,
    FrameworkVersion,
    Jurisdiction,
    NegativeListCategory,
    Option,
    Question,
    Section,
    Source,
)

from .checks import Context
from .documents import version_specs
from .specs import BankFiles, JurisdictionSpec, SourceSpec, VersionSpec


def database_context() -> Context:
    """What the files may refer to (sources, profile questions) and must not change.

    An unmigrated database holds nothing yet, so the files are checked on their own.
    """
    if Source._meta.db_table not in connection.introspection.table_names():
        return Context()
    context = Context(
        source_keys=set(Source.objects.values_list("key", flat=True)),
        framework_kinds=dict(Framework.objects.values_list("key", "kind")),
    )
    locked = FrameworkVersion.objects.filter(status__in=FrameworkVersion.LOCKED_STATUSES)
    for version in version_specs(locked):
        context.locked[(version.framework.key, version.label)] = (
            version.status,
            version.canonical(),
        )
    # Every profile question any stored version has (retired versions may read old ones); the
    # profile files being loaded decide what the versions in use may read (checks.check_bank).
    profiles = Question.objects.filter(version__framework__kind=Framework.Kind.PROFILE)
    for question in profiles.prefetch_related("options"):
        known = context.profile_options.setdefault(question.key, set())
        known.update(o.key for o in question.options.all())
    return context


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sources: int = 0
    jurisdictions: int = 0


@transaction.atomic
def load_files(files: BankFiles) -> LoadReport:
    """Write validated specs in one transaction. Creates and updates question-bank rows only."""
    report = LoadReport()
    sources = {}
    for order, (_file, spec) in enumerate(files.sources, start=1):
        sources[spec.key], _ = Source.objects.update_or_create(
            key=spec.key, defaults=_source_fields(spec) | {"order": order}
        )
        report.sources += 1
    for _file, jurisdiction in files.jurisdictions:
        _load_jurisdiction(jurisdiction)
        report.jurisdictions += 1
    known_sources = {s.key: s for s in Source.objects.all()}
    for version in files.versions:
        _load_version(version, known_sources, report)
    return report


def _source_fields(spec: SourceSpec) -> dict[str, object]:
    return {
        "kind": spec.kind,
        "title": spec.title,
        "authors": spec.authors,
        "chapter": spec.chapter,
        "chapter_title": spec.chapter_title,
        "first_page": spec.first_page,
        "last_page": spec.last_page,
        "publisher": spec.publisher,
        "published": spec.published,
        "url": spec.url,
        "linked_from": spec.linked_from,
        "note": spec.note,
    }


def _load_jurisdiction(spec: JurisdictionSpec) -> None:
    jurisdiction, _ = Jurisdiction.objects.update_or_create(
        key=spec.key,
        defaults={
            "name": spec.name,
            "foundation_model_scale": spec.foundation_model_scale,
            "is_example": spec.is_example,
            "note": spec.note,
        },
    )
    jurisdiction.negative_list.exclude(key__in=[c.key for c in spec.negative_list]).delete()
    for category in spec.negative_list:
        NegativeListCategory.objects.update_or_create(
            jurisdiction=jurisdiction,
            key=category.key,
            defaults={
                "title": category.title,
                "description": category.description,
                "source": category.source,
                "effective_from": category.effective_from,
                "effective_until": category.effective_until,
                "is_example": category.is_example,
            },
        )


def _load_version(spec: VersionSpec, sources: dict[str, Source], report: LoadReport) -> None:
    fw = spec.framework
    described = {
        "name": fw.name,
        "kind": fw.kind,
        "description": fw.description,
        "standing": fw.standing,
        "standing_note": fw.standing_note,
        "standing_quote": fw.standing_quote,
        "source": sources.get(fw.source),
        "order": fw.order,
    }
    if spec.status == FrameworkVersion.Status.RETIRED:
        # A retired version's file describes the framework as it was then; the versions in use
        # describe it now, whatever order the files are loaded in.
        framework, _ = Framework.objects.get_or_create(key=fw.key, defaults=described)
    else:
        framework, _ = Framework.objects.update_or_create(key=fw.key, defaults=described)
    version = FrameworkVersion.objects.filter(framework=framework, label=spec.label).first()
    if version is not None and version.is_locked:
        if version.status != spec.status:  # published -> retired, the one change allowed
            version.status = spec.status
            version.save()
            report.replaced.append(spec.name)
        else:
            report.unchanged.append(spec.name)
        return
    if version is not None:
        version.sections.all().delete()
        version.published_on, version.changelog, version.rules = None, spec.changelog, spec.rules
        version.status = FrameworkVersion.Status.DRAFT
        version.save()
        report.replaced.append(spec.name)
    else:
        version = FrameworkVersion.objects.create(
            framework=framework, label=spec.label, changelog=spec.changelog, rules=spec.rules
        )
        report.created.append(spec.name)
    create_version_content(version, spec, sources)
    if spec.status != FrameworkVersion.Status.DRAFT:
        version.status, version.published_on = spec.status, spec.published_on
        version.save()


def create_version_content(
    version: FrameworkVersion, spec: VersionSpec, sources: dict[str, Source]
) -> None:
    """Sections, questions (numbered in asking order), options and citations of a draft."""
    position = 0
    supporting: list[Any] = []
    option_rows: list[Option] = []
    for order, section_spec in enumerate(spec.sections, start=1):
        section = Section.objects.create(
            version=version,
            key=section_spec.key,
            title=section_spec.title,
            summary=section_spec.summary,
            order=order,
            weight=section_spec.weight,
            source=sources.get(section_spec.source),
            quote=section_spec.quote,
        )
        questions = []
        for q in section_spec.questions:
            position += 1
            questions.append(
                Question(
                    version=version,
                    section=section,
                    key=q.key,
                    position=position,
                    text=q.text,
                    guidance=q.guidance,
                    kind=q.kind,
                    weight=q.weight,
                    required=q.required,
                    applies_when=q.applies_when,
                    source=sources.get(q.source),
                    quote=q.quote,
                    basis=q.basis,
                    finding=q.finding,
                    remediation=q.remediation,
                    tags=q.tags,
                    required_level=q.required_level,
                )
            )
        created = Question.objects.bulk_create(questions)
        for question, q in zip(created, section_spec.questions, strict=True):
            supporting.extend(
                Question.supporting_sources.through(question=question, source=sources[key])
                for key in q.supporting_sources
            )
            option_rows.extend(
                Option(
                    question=question,
                    key=o.key,
                    label=o.label,
                    points=o.points,
                    meaning=o.meaning,
                    effects=o.effects,
                    order=i,
                )
                for i, o in enumerate(q.options, start=1)
            )
    Option.objects.bulk_create(option_rows)
    Question.supporting_sources.through.objects.bulk_create(supporting)
