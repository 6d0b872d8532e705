"""Safe YAML in and out, keeping line numbers so every problem can point at its line.

Reading uses a safe loader that refuses duplicate keys and treats only true/false as booleans,
so an option keyed `yes`, `no`, `on` or `off` stays the string an editor wrote. It also refuses,
before building anything, what would cost far more than a question-bank file ever needs: a file
over MAX_FILE_BYTES, nesting deeper than MAX_DEPTH, and a document whose aliases expand to more
than MAX_NODES nodes (the "billion laughs": a few lines that expand to billions of items).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# The largest shipped file is about 55 kB and 15 levels deep, with a few thousand nodes.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 100_000


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class LineDict(dict[str, Any]):
    """A mapping that remembers the line where it starts and where each key stands."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """Counts, while composing, how deep the document nests and how large it expands."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # the anchored node was measured already
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
            raise YamlProblem(line, f"the document nests more than {MAX_DEPTH} levels deep")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is not None:
            self._measure(node)
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value YAML recognises by its form but cannot build (2026-13-45 looks like a date)
        is a problem at its line, not an exception."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            tag = str(node.tag).rsplit(":", 1)[-1]
            kind = {"timestamp": "date", "int": "whole number", "float": "number"}.get(tag, tag)
            value = node.value if isinstance(node, yaml.ScalarNode) else kind
            raise YamlProblem(
                node.start_mark.line + 1, f"{value!r} is not a valid {kind} ({exc})"
            ) from exc

    def _measure(self, node: yaml.Node) -> None:
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
        if size > MAX_NODES:
            raise YamlProblem(
                node.start_mark.line + 1,
                f"the document expands to more than {MAX_NODES:,} items "
                "(aliases repeat what their anchor holds); write the items out instead",
            )
        self._sizes[id(node)] = size


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise YamlProblem(
                key_node.start_mark.line + 1,
                f"field name {key!r} must be text, not {type(key).__name__}",
            )
        if key in result:
            raise YamlProblem(
                key_node.start_mark.line + 1,
                f"field '{key}' appears twice in the same item "
                f"(first on line {result.key_lines[key]})",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse one file; raises YamlProblem with the line of a syntax error or of a limit passed."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlProblem(
            None,
            f"the file is {size:,} bytes; a question-bank file may be at most "
            f"{MAX_FILE_BYTES:,} bytes",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(None, f"the file is not UTF-8 text ({exc.reason})") from exc
    _refuse_deep_brackets(text)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML error: {exc}") from exc


_BRACKET = re.compile(r"[\[\]{}]")


def _refuse_deep_brackets(text: str) -> None:
    """PyYAML's scanner reads every opening bracket before it yields a token, in quadratic time,
    so deep flow nesting ([[[[...) is refused by counting brackets before the scanner starts."""
    depth = 0
    for match in _BRACKET.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, match.start()) + 1
            raise YamlProblem(line, f"the document nests more than {MAX_DEPTH} levels deep")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(LineDict, _Dumper.represent_dict)


def dump_yaml(data: Any) -> str:
    """Stable, human-editable YAML: keys in the order given, Unicode kept, no aliases."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
