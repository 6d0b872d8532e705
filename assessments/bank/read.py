"""Read fixture files into specs; every structural fault becomes a located `Problem`.

The schema lives in `specs.py` (pydantic models). Here the YAML is parsed, the right model is
chosen by the top-level field, and each validation error is placed: the item (by key where it
has one), the line (from the loader's line numbers) and a plain-language message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .specs import (
    BankFiles,
    CategorySpec,
    FrameworkSpec,
    JurisdictionsFile,
    JurisdictionSpec,
    LevelEntry,
    OptionSpec,
    Problem,
    QuestionSpec,
    RuleEntry,
    Rules,
    SectionSpec,
    SourcesFile,
    SourceSpec,
    VersionInfo,
    VersionSpec,
)
from .yaml_io import LineDict, YamlProblem, read_yaml

M = TypeVar("M", bound=BaseModel)

# What each list holds: (the noun naming one item, its model). Lists not named here (tags,
# supporting sources) are values of one field.
ITEM_LISTS: dict[str, tuple[str, type[BaseModel]]] = {
    "sources": ("source", SourceSpec),
    "jurisdictions": ("jurisdiction", JurisdictionSpec),
    "negative_list": ("negative-list category", CategorySpec),
    "sections": ("section", SectionSpec),
    "questions": ("question", QuestionSpec),
    "options": ("option", OptionSpec),
    **{name: (name, RuleEntry) for name in ("tiers", "overlays", "areas", "gates", "risks")},
    "levels": ("level", LevelEntry),
}
MAPPINGS: dict[str, type[BaseModel]] = {
    "framework": FrameworkSpec,
    "version": VersionInfo,
    "rules": Rules,
}
KIND_NAMES = {
    bool: "true or false",
    int: "a number",
    float: "a decimal number",
    str: "text",
    list: "a list",
    dict: "a mapping",
    LineDict: "a mapping",
    type(None): "nothing",
}
EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "date_type": "a date written YYYY-MM-DD",
}


def read_paths(paths: Iterable[Path]) -> BankFiles:
    """Read every YAML file under the given files and folders, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.is_file()))
        else:
            files.append(path)
    bank = BankFiles()
    for file in files:
        _read_file(file, bank)
    return bank


def _read_file(path: Path, bank: BankFiles) -> None:
    name = str(path)
    if not path.is_file():
        bank.problems.append(Problem(name, None, "file", "no such file"))
        return
    try:
        data = read_yaml(path)
    except YamlProblem as exc:
        bank.problems.append(Problem(name, exc.line, "file", exc.message))
        return
    read_document(name, data, bank)


def read_document(name: str, data: Any, bank: BankFiles) -> None:
    """Validate one parsed document and add what it holds, or its problems, to `bank`."""
    if not isinstance(data, dict):
        message = "expected a mapping with 'sources', 'framework' or 'jurisdictions'"
        bank.problems.append(Problem(name, 1, "file", message))
    elif "sources" in data:
        sources, problems = _validate(SourcesFile, name, data)
        bank.sources.extend((name, s) for s in (sources.sources if sources else []))
        bank.problems.extend(problems)
    elif "jurisdictions" in data:
        places, problems = _validate(JurisdictionsFile, name, data)
        bank.jurisdictions.extend((name, j) for j in (places.jurisdictions if places else []))
        bank.problems.extend(problems)
    elif "framework" in data:
        version, problems = validate_version(name, data)
        bank.versions.extend([version] if version else [])
        bank.problems.extend(problems)
    else:
        message = "expected a top-level 'sources', 'framework' or 'jurisdictions'"
        bank.problems.append(Problem(name, 1, "file", message))


def validate_version(name: str, data: dict[str, Any]) -> tuple[VersionSpec | None, list[Problem]]:
    """One framework version (a file's content, or a draft's canonical form from the database)."""
    version, problems = _validate(VersionSpec, name, data)
    rules = data.get("rules")
    if rules is not None:  # kept as a plain mapping for scoring; checked as typed rules here
        _rules, rule_problems = _validate(Rules, name, {"rules": rules}, inside="rules")
        problems.extend(rule_problems)
    if problems:
        return None, problems
    return version.located(name) if version else None, []


def _validate(
    model: type[M], name: str, data: dict[str, Any], inside: str = ""
) -> tuple[M | None, list[Problem]]:
    payload = data[inside] if inside else data
    try:
        return model.model_validate(payload), []
    except ValidationError as exc:
        return None, [
            _problem(name, data, model, (inside, *e["loc"]) if inside else e["loc"], e)
            for e in exc.errors(include_url=False)
        ]


@dataclass
class _Place:
    """Where a validation error points: the innermost mapping and how to name it."""

    mapping: Any
    model: type[BaseModel]
    item: str = "file"
    section: str = ""
    question: str = ""
    field: str = ""
    index: str = ""  # "item 2 of " for an entry of a plain list (tags)
    line: int | None = None


def _locate(data: Any, model: type[BaseModel], loc: tuple[int | str, ...]) -> _Place:
    place, node, list_name = _Place(data, model), data, ""
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if list_name in ITEM_LISTS:
                _enter_item(place, node, list_name, part)
                place.field = ""
            else:
                place.index = f"item {part + 1} of "
            continue
        if isinstance(node, LineDict):
            place.line = node.line_of(part)
        node = node.get(part) if isinstance(node, dict) else None
        place.field, list_name = part, part
        if part in MAPPINGS and isinstance(node, dict):
            place.mapping, place.model, place.item = node, MAPPINGS[part], part
            place.field = ""
    return place


def _enter_item(place: _Place, node: Any, list_name: str, index: int) -> None:
    noun, model = ITEM_LISTS[list_name]
    key = node.get("key") if isinstance(node, dict) else None
    name = f"{noun} '{key}'" if isinstance(key, str) and key else f"{noun} #{index + 1}"
    if list_name == "sections":
        place.section = key if isinstance(key, str) else ""
    if list_name == "questions":
        place.question = key if isinstance(key, str) else ""
    if list_name == "options" or place.item == "rules":
        name = f"{place.item} {name}"
    place.item, place.mapping, place.model = name, node, model
    if isinstance(node, LineDict):
        place.line = node.line


def _problem(
    name: str, data: Any, model: type[BaseModel], loc: tuple[int | str, ...], error: ErrorDetails
) -> Problem:
    place = _locate(data, model, loc)
    return Problem(
        name,
        place.line,
        place.item,
        _message(place, error),
        section=place.section,
        question=place.question,
    )


def _message(place: _Place, error: ErrorDetails) -> str:
    kind, field, value = error["type"], place.field, error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(field, list(place.model.model_fields), n=1)
        return f"unknown field '{field}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
    if kind == "missing":
        return f"missing required field '{field}'"
    if not field:  # the item itself is not a mapping
        return f"expected {EXPECTED.get(kind, 'a mapping of fields')}, found {_kind(value)}"
    what = f"{place.index}'{field}'"
    if kind in EXPECTED:
        if value is None:
            return f"{what} must not be empty"
        return f"{what} must be {EXPECTED[kind]}, found {_kind(value)}"
    return _value_message(kind, what, field, value, ctx, error["msg"])


def _value_message(
    kind: str, what: str, field: str, value: Any, ctx: dict[str, Any], default: str
) -> str:
    messages = {
        "one_of": f"{field} must be one of {ctx.get('choices')}",
        "string_too_short": f"{what} must not be empty",
        "string_too_long": f"{what} is {len(str(value))} characters long; at most "
        f"{ctx.get('max_length')} fit",
        "string_pattern_mismatch": f"{what} must be a key of letters, digits, '-' and '_', "
        f"not {value!r}",
        "greater_than_equal": f"{what} must not be negative",
        "less_than_equal": f"{what} must be at most {ctx.get('le')}",
        "iso_date": f"{what} must be a date written YYYY-MM-DD",
        "string_unicode": f"{what} contains a character that cannot be stored "
        "(a NUL character or a lone surrogate)",
        "unstorable": f"{what} contains a character that cannot be stored "
        "(a NUL character or a lone surrogate)",
    }
    return messages.get(kind, f"{what}: {default}")


def _kind(value: Any) -> str:
    return KIND_NAMES.get(type(value), type(value).__name__)
