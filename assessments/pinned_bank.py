"""The question bank an assessment is pinned to, as plain data (scoring.types.Bank).

Published versions never change, so their plain form is kept per process (_BANK_CACHE), with
the questions' database ids in the bank's memo for the answer service's writes. Reached through
assessments.selectors, which re-exports these functions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from .models import Assessment, FrameworkVersion, Option, Question, Section
from .scoring.conditions import parse_condition
from .scoring.types import Bank, BankFramework, BankOption, BankQuestion, BankSection, QRef

_BANK_CACHE: dict[tuple[int, ...], Bank] = {}
QUESTION_IDS = "question_ids"  # the memo of a bank that holds its questions' database ids


def pinned_versions(assessment: Assessment) -> list[FrameworkVersion]:
    """The versions an assessment is pinned to, profile first, in framework order."""
    return in_asking_order(list(assessment.framework_versions.select_related("framework__source")))


def bank_for_versions(versions: list[FrameworkVersion]) -> Bank:
    """Plain bank for these versions. Published versions never change, so it is cached."""
    key = tuple(v.pk for v in versions)
    cacheable = all(v.is_locked for v in versions)
    if cacheable and key in _BANK_CACHE:
        return _BANK_CACHE[key]
    bank = _build_bank(versions)
    if cacheable:
        _BANK_CACHE[key] = bank
    return bank


def bank_for_assessment(assessment: Assessment) -> Bank:
    return bank_for_versions(pinned_versions(assessment))


QUESTION_FIELDS = (
    "pk",
    "version_id",
    "section_id",
    "key",
    "position",
    "text",
    "kind",
    "weight",
    "required",
    "applies_when",
    "tags",
    "required_level",
    "source__key",
    "quote",
    "remediation",
    "guidance",
    "basis",
    "finding",
)


def _build_bank(versions: list[FrameworkVersion]) -> Bank:
    """The plain bank of these versions in four queries, reading rows, not model instances."""
    ids = [v.pk for v in versions]
    sections: dict[int, dict[int, tuple[tuple[str, str, int], list[BankQuestion]]]] = {
        pk: {} for pk in ids
    }
    section_rows = Section.objects.filter(version_id__in=ids).order_by("order", "pk")
    for pk, version, key, title, weight in section_rows.values_list(
        "pk", "version_id", "key", "title", "weight"
    ):
        sections[version][pk] = ((key, title, weight), [])
    options: dict[int, list[BankOption]] = defaultdict(list)
    option_rows = Option.objects.filter(question__version_id__in=ids).order_by(
        "question_id", "order", "pk"
    )
    for question_id, *option in option_rows.values_list(
        "question_id", "key", "label", "points", "meaning", "effects"
    ):
        options[question_id].append(BankOption(*option))
    supporting: dict[int, list[str]] = defaultdict(list)
    links = Question.supporting_sources.through.objects.filter(question__version_id__in=ids)
    for question_id, source in links.values_list("question_id", "source__key"):
        supporting[question_id].append(source)
    keys = {v.pk: v.framework.key for v in versions}
    question_ids: dict[QRef, int] = {}
    rows = Question.objects.filter(version_id__in=ids).order_by("position", "pk")
    for pk, version, section, *fields in rows.values_list(*QUESTION_FIELDS):
        head, questions = sections[version][section]
        question = _bank_question(keys[version], head[0], fields, options[pk], supporting[pk])
        questions.append(question)
        question_ids[question.ref] = pk
    bank = Bank(tuple(_bank_framework(v, sections[v.pk]) for v in versions))
    bank.memo(QUESTION_IDS, lambda: question_ids)
    return bank


def _bank_framework(
    version: FrameworkVersion,
    sections: dict[int, tuple[tuple[str, str, int], list[BankQuestion]]],
) -> BankFramework:
    framework = version.framework
    return BankFramework(
        key=framework.key,
        name=framework.name,
        kind=framework.kind,
        version=version.label,
        rules=version.rules,
        source=framework.source.key if framework.source else "",
        standing=framework.standing,
        standing_note=framework.standing_note,
        sections=tuple(BankSection(*head, tuple(qs)) for head, qs in sections.values()),
    )


def _bank_question(
    framework: str,
    section: str,
    fields: list[Any],
    options: list[BankOption],
    supporting: list[str],
) -> BankQuestion:
    """A question from its row (QUESTION_FIELDS after the ids), options and supporting sources."""
    key, position, text, kind, weight, required, applies_when, *rest = fields
    tags, required_level, source, quote, remediation, guidance, basis, finding = rest
    return BankQuestion(
        framework=framework,
        section=section,
        key=key,
        position=position,
        text=text,
        kind=kind,
        weight=weight,
        required=required,
        condition=parse_condition(applies_when) if applies_when else None,
        options=tuple(options),
        tags=frozenset(tags),
        required_level=required_level,
        source=source or "",
        quote=quote,
        supporting=tuple(sorted(supporting)),
        remediation=remediation,
        guidance=guidance,
        basis=basis,
        finding=finding,
    )


def question_ids(bank: Bank) -> dict[QRef, int]:
    """The database id of every question of the bank: read when the bank was built from the
    database, else in one query by framework key and version label."""

    def read() -> dict[QRef, int]:
        by_framework = Q()
        for framework in bank.frameworks:
            by_framework |= Q(
                version__framework__key=framework.key, version__label=framework.version
            )
        rows = Question.objects.filter(by_framework).values_list(
            "version__framework__key", "key", "pk"
        )
        return {(fw, key): pk for fw, key, pk in rows}

    return bank.memo(QUESTION_IDS, read)


def in_asking_order(versions: list[FrameworkVersion]) -> list[FrameworkVersion]:
    return sorted(
        versions, key=lambda v: (v.framework.kind != "profile", v.framework.order, v.framework.key)
    )
