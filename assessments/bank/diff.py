"""What changed between two versions of a framework, matched by key. Pure: it takes two
versions' documents in the shape of their YAML files, with defaults filled in
(`VersionSpec.model_dump()`), so that a weight left at 1 reads as 1; `diff_specs` does that.

Sections and questions are added, removed or changed; a question whose section changed has
moved. For a question the fields compared are those an assessor or a reader of the report sees:
text, guidance, options (label, points, meaning, effects), weight, condition, citation, basis,
finding and the rest of its fields.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .specs import VersionSpec

# Field names as a reader says them; fields not named here keep their own name.
FIELD_NAMES = {
    "applies_when": "condition",
    "source": "citation source",
    "quote": "citation quote",
    "supporting_sources": "supporting sources",
    "required_level": "required level",
}
SECTION_FIELDS = ("title", "summary", "weight", "source", "quote")
OPTION_FIELDS = ("label", "points", "meaning", "effects")
FRAMEWORK_FIELDS = ("name", "kind", "description", "standing", "standing_note", "source")


@dataclass(frozen=True)
class Change:
    """One field that differs: `what` names it ("text", "option 'partly' points")."""

    what: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    key: str
    section: str = ""
    changes: tuple[Change, ...] = ()
    moved_from: str = ""  # for a question: the section it was in, when it moved


@dataclass(frozen=True)
class VersionDiff:
    framework: str
    old: str
    new: str
    framework_changes: tuple[Change, ...] = ()
    rules_changed: tuple[str, ...] = ()
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    sections_changed: tuple[ItemChange, ...] = ()
    questions_added: tuple[ItemChange, ...] = ()
    questions_removed: tuple[ItemChange, ...] = ()
    questions_changed: tuple[ItemChange, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not any(
            getattr(self, name) for name in self.__dataclass_fields__ if name not in _IDENTITY
        )

    @property
    def questions_moved(self) -> tuple[ItemChange, ...]:
        return tuple(q for q in self.questions_changed if q.moved_from)

    def to_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))  # type: ignore[no-any-return]

    def summary(self) -> str:
        """One line: the counts a reader needs first."""
        counts = [
            (len(self.questions_added), "added"),
            (len(self.questions_removed), "removed"),
            (len([q for q in self.questions_changed if q.changes]), "changed"),
            (len(self.questions_moved), "moved"),
        ]
        said = ", ".join(f"{n} {what}" for n, what in counts if n)
        return f"Questions: {said}." if said else "No question changed."


_IDENTITY = {"framework", "old", "new"}


def diff_specs(old: VersionSpec, new: VersionSpec) -> VersionDiff:
    return diff_versions(old.model_dump(), new.model_dump())


def diff_versions(old: dict[str, Any], new: dict[str, Any]) -> VersionDiff:
    """The differences from version `old` to version `new` of one framework."""
    old_sections = {s["key"]: s for s in old.get("sections", [])}
    new_sections = {s["key"]: s for s in new.get("sections", [])}
    old_questions = _questions(old)
    new_questions = _questions(new)
    return VersionDiff(
        framework=new["framework"]["key"],
        old=old["version"]["label"],
        new=new["version"]["label"],
        framework_changes=_fields(old["framework"], new["framework"], FRAMEWORK_FIELDS),
        rules_changed=tuple(
            name
            for name in dict.fromkeys([*old.get("rules", {}), *new.get("rules", {})])
            if old.get("rules", {}).get(name) != new.get("rules", {}).get(name)
        ),
        sections_added=tuple(k for k in new_sections if k not in old_sections),
        sections_removed=tuple(k for k in old_sections if k not in new_sections),
        sections_changed=tuple(
            ItemChange(key, key, changes)
            for key, section in new_sections.items()
            if key in old_sections
            and (changes := _fields(old_sections[key], section, SECTION_FIELDS))
        ),
        questions_added=tuple(
            ItemChange(k, s) for k, (s, _q) in new_questions.items() if k not in old_questions
        ),
        questions_removed=tuple(
            ItemChange(k, s) for k, (s, _q) in old_questions.items() if k not in new_questions
        ),
        questions_changed=tuple(
            change
            for key, (section, question) in new_questions.items()
            if key in old_questions
            and (change := _question_change(key, old_questions[key], (section, question)))
        ),
    )


def _questions(version: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Question key -> (its section's key, the question), in asking order."""
    return {
        q["key"]: (s["key"], q) for s in version.get("sections", []) for q in s.get("questions", [])
    }


def _question_change(
    key: str, old: tuple[str, dict[str, Any]], new: tuple[str, dict[str, Any]]
) -> ItemChange | None:
    (old_section, old_q), (new_section, new_q) = old, new
    names = [n for n in dict.fromkeys([*old_q, *new_q]) if n not in ("key", "options")]
    changes = _fields(old_q, new_q, names) + _option_changes(
        old_q.get("options", []), new_q.get("options", [])
    )
    moved = old_section if old_section != new_section else ""
    if not changes and not moved:
        return None
    return ItemChange(key, new_section, changes, moved)


def _fields(old: dict[str, Any], new: dict[str, Any], names: Any) -> tuple[Change, ...]:
    return tuple(
        Change(FIELD_NAMES.get(name, name), old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name)
    )


def _option_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> tuple[Change, ...]:
    old_map, new_map = {o["key"]: o for o in old}, {o["key"]: o for o in new}
    changes = [
        Change(f"option '{k}' added", None, o) for k, o in new_map.items() if k not in old_map
    ]
    changes += [
        Change(f"option '{k}' removed", o, None) for k, o in old_map.items() if k not in new_map
    ]
    for key, option in new_map.items():
        if key in old_map:
            changes += [
                Change(f"option '{key}' {c.what}", c.old, c.new)
                for c in _fields(old_map[key], option, OPTION_FIELDS)
            ]
    kept_old = [k for k in old_map if k in new_map]
    kept_new = [k for k in new_map if k in old_map]
    if kept_old != kept_new:
        changes.append(Change("option order", kept_old, kept_new))
    return tuple(changes)


# Text ---------------------------------------------------------------------------------------


def diff_text(diff: VersionDiff) -> str:
    """The diff as plain text, for the terminal and the changelog."""
    lines = [f"Changes from {diff.framework} {diff.old} to {diff.new}. {diff.summary()}"]
    lines += [f"Framework {_change(c)}" for c in diff.framework_changes]
    if diff.rules_changed:
        lines.append(f"Rules changed: {', '.join(diff.rules_changed)}.")
    lines += [f"Section '{k}' added." for k in diff.sections_added]
    lines += [f"Section '{k}' removed." for k in diff.sections_removed]
    for section in diff.sections_changed:
        lines += [f"Section '{section.key}' {_change(c)}" for c in section.changes]
    lines += [f"Question '{q.key}' added (section '{q.section}')." for q in diff.questions_added]
    lines += [f"Question '{q.key}' removed (was in '{q.section}')." for q in diff.questions_removed]
    for q in diff.questions_changed:
        if q.moved_from:
            lines.append(
                f"Question '{q.key}' moved from section '{q.moved_from}' to '{q.section}'."
            )
        lines += [f"Question '{q.key}' {_change(c)}" for c in q.changes]
    return "\n".join(lines)


def _change(change: Change) -> str:
    if change.old is None and change.new is not None and change.what.endswith("added"):
        return f"{change.what}: {_show(change.new)}."
    if change.new is None and change.what.endswith("removed"):
        return f"{change.what}."
    return f"{change.what}: {_show(change.old)} -> {_show(change.new)}."


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, str):
        return f'"{value if len(value) <= 120 else value[:117] + "..."}"'
    # Keys sorted: PostgreSQL's jsonb does not keep the order a mapping was written in.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
