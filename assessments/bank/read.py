"""Read fixture files into specs, reporting unknown, missing and mistyped fields.

Each problem names the file, the item (by key where it has one) and the line.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .specs import (
    BankFiles,
    CategorySpec,
    FrameworkSpec,
    JurisdictionSpec,
    OptionSpec,
    Problem,
    QuestionSpec,
    SectionSpec,
    SourceSpec,
    VersionSpec,
)
from .yaml_io import LineDict, YamlProblem, read_yaml


@dataclass(frozen=True)
class Field:
    name: str
    kind: type | tuple[type, ...]
    required: bool = False


def _text(name: str, required: bool = False) -> Field:
    return Field(name, str, required)


SOURCE_FIELDS = [
    _text("key", True),
    _text("title", True),
    _text("kind"),
    _text("authors"),
    Field("chapter", int),
    _text("chapter_title"),
    Field("first_page", (str, int)),
    Field("last_page", (str, int)),
    _text("publisher"),
    _text("published"),
    _text("url"),
    _text("linked_from"),
    _text("note"),
]
FRAMEWORK_FIELDS = [
    _text("key", True),
    _text("name", True),
    _text("kind", True),
    _text("description"),
    _text("standing"),
    _text("standing_note"),
    _text("standing_quote"),
    _text("source"),
    Field("order", int),
]
VERSION_FIELDS = [
    _text("label", True),
    _text("status", True),
    Field("published_on", (dt.date, str)),
    _text("changelog"),
]
SECTION_FIELDS = [
    _text("key", True),
    _text("title", True),
    _text("summary"),
    Field("weight", int),
    _text("source"),
    _text("quote"),
    Field("questions", list, True),
]
QUESTION_FIELDS = [
    _text("key", True),
    _text("text", True),
    _text("guidance"),
    _text("kind"),
    Field("weight", int),
    Field("required", bool),
    Field("applies_when", dict),
    _text("source"),
    _text("quote"),
    Field("supporting_sources", list),
    _text("basis"),
    _text("finding"),
    _text("remediation"),
    Field("tags", list),
    Field("required_level", int),
    Field("options", list),
]
OPTION_FIELDS = [
    _text("key", True),
    _text("label", True),
    Field("points", int),
    _text("meaning"),
    Field("effects", dict),
]
JURISDICTION_FIELDS = [
    _text("key", True),
    _text("name", True),
    _text("foundation_model_scale"),
    Field("is_example", bool),
    _text("note"),
    Field("negative_list", list),
]
CATEGORY_FIELDS = [
    _text("key", True),
    _text("title", True),
    _text("description"),
    _text("source", True),
    Field("effective_from", (dt.date, str), True),
    Field("effective_until", (dt.date, str)),
    Field("is_example", bool),
]


class _FileReader:
    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems

    def problem(self, line: int | None, item: str, message: str) -> None:
        self.problems.append(Problem(self.name, line, item, message))

    def fields(
        self, raw: Any, spec: list[Field], item: str, line: int | None
    ) -> dict[str, Any] | None:
        """Check one mapping against its fields; None when it cannot be used at all."""
        if not isinstance(raw, LineDict):
            self.problem(line, item, f"expected a mapping of fields, found {_kind(raw)}")
            return None
        if isinstance(raw.get("key"), str):  # name the item by its key rather than its number
            item = f"{item.partition(' #')[0]} '{raw['key']}'"
        known = {f.name: f for f in spec}
        ok = True
        for name in raw:
            if name not in known:
                hint = difflib.get_close_matches(name, known, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(raw.line_of(name), item, f"unknown field '{name}'{suggestion}")
                ok = False
        for f in spec:
            if f.name not in raw:
                if f.required:
                    self.problem(raw.line, item, f"missing required field '{f.name}'")
                    ok = False
                continue
            value = raw[f.name]
            if isinstance(value, bool) and f.kind in (int, (str, int)):
                self.problem(raw.line_of(f.name), item, f"'{f.name}' must be a number, not {value}")
                ok = False
            elif not isinstance(value, f.kind) and value is not None:
                self.problem(
                    raw.line_of(f.name),
                    item,
                    f"'{f.name}' must be {_expected(f.kind)}, found {_kind(value)}",
                )
                ok = False
            elif value is None and f.required:
                self.problem(raw.line_of(f.name), item, f"'{f.name}' must not be empty")
                ok = False
        return dict(raw) if ok else None

    def date(self, value: Any, line: int, item: str, name: str) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(line, item, f"'{name}' must be a date written YYYY-MM-DD")
            return None


_KIND_NAMES: dict[type, str] = {
    dict: "a mapping",
    LineDict: "a mapping",
    list: "a list",
    str: "text",
}


def _kind(value: Any) -> str:
    return _KIND_NAMES.get(type(value), type(value).__name__)


def _expected(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        int: "a whole number",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
        dt.date: "a date",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _lines(raw: Any) -> int:
    return raw.line if isinstance(raw, LineDict) else 0


def _items(
    reader: _FileReader, raw: Any, what: str, line: int | None, build: Callable[[Any, int], Any]
) -> list[Any]:
    if not isinstance(raw, list):
        reader.problem(line, what, f"expected a list, found {_kind(raw)}")
        return []
    built = [build(item, index) for index, item in enumerate(raw, start=1)]
    return [b for b in built if b is not None]


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
    reader = _FileReader(name, bank.problems)
    if not path.exists():
        reader.problem(None, "file", "no such file")
        return
    try:
        data = read_yaml(path)
    except YamlProblem as exc:
        reader.problem(exc.line, "file", exc.message)
        return
    if not isinstance(data, LineDict):
        reader.problem(
            1, "file", "expected a mapping with 'sources', 'framework' or 'jurisdictions'"
        )
        return
    if "sources" in data:
        _expect_top(reader, data, {"sources"})
        for spec in _items(
            reader,
            data["sources"],
            "sources",
            data.line_of("sources"),
            lambda raw, i: _source(reader, raw, i),
        ):
            bank.sources.append((name, spec))
    elif "jurisdictions" in data:
        _expect_top(reader, data, {"jurisdictions"})
        for spec in _items(
            reader,
            data["jurisdictions"],
            "jurisdictions",
            data.line_of("jurisdictions"),
            lambda raw, i: _jurisdiction(reader, raw, i),
        ):
            bank.jurisdictions.append((name, spec))
    elif "framework" in data:
        _expect_top(reader, data, {"framework", "version", "rules", "sections"})
        version = _version(reader, data)
        if version is not None:
            bank.versions.append(version)
    else:
        reader.problem(1, "file", "expected a top-level 'sources', 'framework' or 'jurisdictions'")


def _expect_top(reader: _FileReader, data: LineDict, allowed: set[str]) -> None:
    for name in data:
        if name not in allowed:
            reader.problem(data.line_of(name), "file", f"unknown top-level field '{name}'")


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _source(reader: _FileReader, raw: Any, index: int) -> SourceSpec | None:
    f = reader.fields(raw, SOURCE_FIELDS, f"source #{index}", _lines(raw))
    if f is None:
        return None
    return SourceSpec(
        key=f["key"],
        title=f["title"],
        kind=f.get("kind") or "essay",
        authors=_str(f.get("authors")),
        chapter=f.get("chapter"),
        chapter_title=_str(f.get("chapter_title")),
        first_page=_str(f.get("first_page")),
        last_page=_str(f.get("last_page")),
        publisher=_str(f.get("publisher")),
        published=_str(f.get("published")),
        url=_str(f.get("url")),
        linked_from=_str(f.get("linked_from")),
        note=_str(f.get("note")),
        line=raw.line,
    )


def _version(reader: _FileReader, data: LineDict) -> VersionSpec | None:
    fw = reader.fields(
        data.get("framework"), FRAMEWORK_FIELDS, "framework", data.line_of("framework")
    )
    ver = reader.fields(data.get("version"), VERSION_FIELDS, "version", data.line_of("version"))
    if "version" not in data:
        reader.problem(1, "file", "missing required field 'version'")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        reader.problem(data.line_of("rules"), "rules", "expected a mapping")
        rules = {}
    if "sections" not in data:
        reader.problem(1, "file", "missing required field 'sections'")
    sections = _items(
        reader,
        data.get("sections", []),
        "sections",
        data.line_of("sections"),
        lambda raw, i: _section(reader, raw, i),
    )
    if fw is None or ver is None:
        return None
    framework = FrameworkSpec(
        key=fw["key"],
        name=fw["name"],
        kind=fw["kind"],
        description=_str(fw.get("description")),
        standing=_str(fw.get("standing")),
        standing_note=_str(fw.get("standing_note")),
        standing_quote=_str(fw.get("standing_quote")),
        source=_str(fw.get("source")),
        order=fw.get("order") or 0,
        line=data["framework"].line,
    )
    published_on = reader.date(
        ver.get("published_on"), data["version"].line_of("published_on"), "version", "published_on"
    )
    return VersionSpec(
        file=reader.name,
        framework=framework,
        label=ver["label"],
        status=ver["status"],
        published_on=published_on,
        changelog=_str(ver.get("changelog")),
        rules=_plain(rules),
        sections=sections,
        line=data["version"].line,
    )


def _section(reader: _FileReader, raw: Any, index: int) -> SectionSpec | None:
    f = reader.fields(raw, SECTION_FIELDS, f"section #{index}", _lines(raw))
    if f is None:
        return None
    questions = _items(
        reader,
        f["questions"],
        f"section '{f['key']}' questions",
        raw.line_of("questions"),
        lambda q, i: _question(reader, q, i),
    )
    return SectionSpec(
        key=f["key"],
        title=f["title"],
        summary=_str(f.get("summary")),
        weight=1 if f.get("weight") is None else f["weight"],
        source=_str(f.get("source")),
        quote=_str(f.get("quote")),
        questions=questions,
        line=raw.line,
    )


def _question(reader: _FileReader, raw: Any, index: int) -> QuestionSpec | None:
    f = reader.fields(raw, QUESTION_FIELDS, f"question #{index}", _lines(raw))
    if f is None:
        return None
    item = f"question '{f['key']}'"
    options = _items(
        reader,
        f.get("options") or [],
        f"{item} options",
        raw.line_of("options"),
        lambda o, i: _option(reader, o, i, f["key"]),
    )
    for name in ("supporting_sources", "tags"):
        values = f.get(name) or []
        if not all(isinstance(v, str) for v in values):
            reader.problem(raw.line_of(name), item, f"'{name}' must be a list of keys")
    return QuestionSpec(
        key=f["key"],
        text=f["text"],
        guidance=_str(f.get("guidance")),
        kind=f.get("kind") or "single",
        weight=1 if f.get("weight") is None else f["weight"],
        required=True if f.get("required") is None else f["required"],
        applies_when=_plain(f["applies_when"]) if f.get("applies_when") else None,
        source=_str(f.get("source")),
        quote=_str(f.get("quote")),
        supporting_sources=[str(v) for v in f.get("supporting_sources") or []],
        basis=_str(f.get("basis")),
        finding=_str(f.get("finding")),
        remediation=_str(f.get("remediation")),
        tags=[str(v) for v in f.get("tags") or []],
        required_level=f.get("required_level"),
        options=options,
        line=raw.line,
    )


def _option(reader: _FileReader, raw: Any, index: int, question: str) -> OptionSpec | None:
    f = reader.fields(raw, OPTION_FIELDS, f"question '{question}' option #{index}", _lines(raw))
    if f is None:
        return None
    return OptionSpec(
        key=f["key"],
        label=f["label"],
        points=f.get("points"),
        meaning=f.get("meaning") or "plain",
        effects=_plain(f.get("effects") or {}),
        line=raw.line,
    )


def _jurisdiction(reader: _FileReader, raw: Any, index: int) -> JurisdictionSpec | None:
    f = reader.fields(raw, JURISDICTION_FIELDS, f"jurisdiction #{index}", _lines(raw))
    if f is None:
        return None
    categories = _items(
        reader,
        f.get("negative_list") or [],
        f"jurisdiction '{f['key']}' negative_list",
        raw.line_of("negative_list"),
        lambda c, i: _category(reader, c, i),
    )
    return JurisdictionSpec(
        key=f["key"],
        name=f["name"],
        foundation_model_scale=_str(f.get("foundation_model_scale")),
        is_example=bool(f.get("is_example")),
        note=_str(f.get("note")),
        negative_list=categories,
        line=raw.line,
    )


def _category(reader: _FileReader, raw: Any, index: int) -> CategorySpec | None:
    f = reader.fields(raw, CATEGORY_FIELDS, f"negative-list category #{index}", _lines(raw))
    if f is None:
        return None
    item = f"negative-list category '{f['key']}'"
    start = reader.date(f["effective_from"], raw.line_of("effective_from"), item, "effective_from")
    until = reader.date(
        f.get("effective_until"), raw.line_of("effective_until"), item, "effective_until"
    )
    if start is None:
        return None
    return CategorySpec(
        key=f["key"],
        title=f["title"],
        source=f["source"],
        effective_from=start,
        description=_str(f.get("description")),
        effective_until=until,
        is_example=bool(f.get("is_example")),
        line=raw.line,
    )


def _plain(value: Any) -> Any:
    """LineDicts back to plain dicts (recursively), for storage and comparison."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
