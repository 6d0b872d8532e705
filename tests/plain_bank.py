"""Plain banks without a database, for tests: from fixture files, from specs, or from a compact
mapping.

Property tests, the scoring benchmark and the worked examples of docs/scoring.md score these
directly; `assessments.selectors.bank_for_assessment` builds the same thing from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assessments.bank.read import read_paths
from assessments.bank.specs import (
    FrameworkSpec,
    OptionSpec,
    QuestionSpec,
    SectionSpec,
    VersionInfo,
    VersionSpec,
)
from assessments.scoring.conditions import parse_condition
from assessments.scoring.types import (
    DONT_KNOW,
    NOT_APPLICABLE,
    PROFILE,
    AnswerValue,
    Bank,
    BankFramework,
    BankOption,
    BankQuestion,
    BankSection,
    QRef,
)


def _asking_order(spec: VersionSpec) -> tuple[bool, int, str]:
    return (spec.framework.kind != PROFILE, spec.framework.order, spec.framework.key)


def bank_from_specs(versions: Iterable[VersionSpec]) -> Bank:
    """The plain bank of these versions, profile first, in framework order."""
    return Bank(tuple(_framework(v) for v in sorted(versions, key=_asking_order)))


def published_bank(paths: Sequence[Path], frameworks: Iterable[str] | None = None) -> Bank:
    """The newest published version of each framework found in the fixture files."""
    files = read_paths(paths)
    if files.problems:
        raise ValueError("; ".join(str(p) for p in files.problems[:5]))
    newest: dict[str, VersionSpec] = {}
    for version in files.versions:
        if version.status != "published" or version.published_on is None:
            continue
        held = newest.get(version.framework.key)
        if held is None or (held.published_on or version.published_on) <= version.published_on:
            newest[version.framework.key] = version
    wanted = set(frameworks) | {PROFILE} if frameworks is not None else set(newest)
    return bank_from_specs(v for k, v in newest.items() if k in wanted)


def _framework(spec: VersionSpec) -> BankFramework:
    position = 0
    sections = []
    for section in spec.sections:
        questions = []
        for q in section.questions:
            position += 1
            questions.append(_question(spec.framework.key, section.key, position, q))
        sections.append(BankSection(section.key, section.title, section.weight, tuple(questions)))
    return BankFramework(
        key=spec.framework.key,
        name=spec.framework.name,
        kind=spec.framework.kind,
        version=spec.label,
        sections=tuple(sections),
        rules=spec.rules,
        source=spec.framework.source,
        standing=spec.framework.standing,
        standing_note=spec.framework.standing_note,
    )


def _question(framework: str, section: str, position: int, q: QuestionSpec) -> BankQuestion:
    return BankQuestion(
        framework=framework,
        section=section,
        key=q.key,
        position=position,
        text=q.text,
        kind=q.kind,
        weight=q.weight,
        required=q.required,
        condition=parse_condition(q.applies_when) if q.applies_when else None,
        options=tuple(
            BankOption(o.key, o.label, o.points, o.meaning, o.effects) for o in q.options
        ),
        tags=frozenset(q.tags),
        required_level=q.required_level,
        source=q.source,
        quote=q.quote,
        supporting=tuple(sorted(q.supporting_sources)),
        remediation=q.remediation,
        guidance=q.guidance,
        basis=q.basis,
        finding=q.finding,
    )


# The compact form used by docs/scoring.md and the unit tests ------------------------------
#
#   frameworks:
#     - key: demo                      # kind defaults to maturity, name to the key
#       rules: {...}                   # as in the fixture files
#       sections:
#         - key: design                # weight defaults to 1
#           questions:
#             - key: a                 # weight 1, single choice, required, unless given
#               options: {"yes": 2, "partly": 1, "no": 0, "dont-know": dont_know, "na": na}
#
# An option is a number of points, `dont_know`, `na`, or a mapping with points, meaning,
# effects and label. Any other question field of the fixture files may be given.

_MEANINGS = {"dont_know": DONT_KNOW, "na": NOT_APPLICABLE}


def bank_from_dict(raw: Mapping[str, Any]) -> Bank:
    """A plain bank from the compact form above."""
    versions = [_version_spec(f) for f in raw["frameworks"]]
    return bank_from_specs(versions)


def _version_spec(raw: Mapping[str, Any]) -> VersionSpec:
    framework = FrameworkSpec(
        key=raw["key"],
        name=raw.get("name", raw["key"]),
        kind=raw.get("kind", "maturity"),
        source=raw.get("source", ""),
        order=raw.get("order", 0),
    )
    return VersionSpec(
        framework=framework,
        version=VersionInfo(label=raw.get("version", "v1"), status="published"),
        rules=dict(raw.get("rules", {})),
        sections=[_section_spec(s) for s in raw["sections"]],
    ).located("<compact>")


def _section_spec(raw: Mapping[str, Any]) -> SectionSpec:
    return SectionSpec(
        key=raw["key"],
        title=raw.get("title", raw["key"]),
        weight=raw.get("weight", 1),
        questions=[_question_spec(q) for q in raw["questions"]],
    )


def _question_spec(raw: Mapping[str, Any]) -> QuestionSpec:
    fields = {k: v for k, v in raw.items() if k not in ("options", "text")}
    return QuestionSpec(
        text=raw.get("text", raw["key"]),
        options=[_option_spec(k, v) for k, v in _option_items(raw.get("options", {}))],
        **fields,
    )


def _option_items(raw: Any) -> list[tuple[str, Any]]:
    items = list(raw.items()) if isinstance(raw, Mapping) else [(o["key"], o) for o in raw]
    for key, _ in items:
        if not isinstance(key, str):
            raise ValueError(f"option key {key!r} must be text (quote yes and no in YAML)")
    return items


def _option_spec(key: str, value: Any) -> OptionSpec:
    if isinstance(value, Mapping):
        return OptionSpec(
            key=key,
            label=value.get("label", key),
            points=value.get("points"),
            meaning=value.get("meaning", "plain"),
            effects=dict(value.get("effects", {})),
        )
    if isinstance(value, str):
        return OptionSpec(key=key, label=key, meaning=_MEANINGS[value])
    return OptionSpec(key=key, label=key, points=value)


def answers_from_dict(bank: Bank, raw: Mapping[str, Any]) -> dict[QRef, AnswerValue]:
    """Answers keyed 'framework.question' (or just 'question' when the key is unique).

    A value is an option key, a list of option keys, or a mapping with options, text, note,
    reason and evidence.
    """
    answers = {}
    for name, value in raw.items():
        ref = _ref(bank, name)
        if isinstance(value, Mapping):
            answers[ref] = AnswerValue(
                choices=tuple(value.get("options", ())),
                text=value.get("text", ""),
                note=value.get("note", ""),
                reason=value.get("reason", ""),
                evidence=tuple(value.get("evidence", ())),
            )
        elif isinstance(value, str):
            answers[ref] = AnswerValue((value,))
        else:
            answers[ref] = AnswerValue(tuple(value))
    return answers


def _ref(bank: Bank, name: str) -> QRef:
    framework, _, key = name.rpartition(".")
    if framework:
        return (framework, key)
    found = [q.ref for q in bank.questions if q.key == key]
    if len(found) != 1:
        raise KeyError(f"'{name}' names {len(found)} questions; write framework.question")
    return found[0]
