"""Checks across items and files: references, conditions, points, rules, published versions.

Pure: the caller passes what the database already holds as a `Context`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assessments.scoring.conditions import (
    PROFILE_PREFIX,
    ConditionError,
    HasOverlay,
    LevelAtLeast,
    TierIn,
    parse_condition,
    question_refs,
    walk,
)

from .specs import BankFiles, Problem, QuestionSpec, VersionSpec, version_dict

KINDS = {"profile", "maturity", "tier", "gate"}
STATUSES = {"draft", "published", "retired"}
QUESTION_KINDS = {"single", "multiple", "text"}
MEANINGS = {"plain", "na", "dont_know"}
SOURCE_KINDS = {"essay", "front_matter", "external"}
BASES = {"stated", "adapted", "practice", "policy"}
STANDINGS = {"proposal", "voluntary-policy", "government-guidance", "principles"}
MAX_QUOTE_WORDS = 25
EFFECTS_BY_KIND = {"tier": {"tier", "overlay"}, "gate": {"level"}}
RULES_BY_KIND = {
    "profile": set(),
    "maturity": {"risks"},
    "tier": {"tiers", "default_tier", "overlays", "risks"},
    "gate": {"levels", "default_level", "areas", "gates", "risks"},
}
TAG_FACETS = {"risk": "risks", "area": "areas", "gate": "gates"}
# Reference data a question shows beside it (admin-maintained, see models/reference.py).
REFERENCE_TAGS = {"reference:negative-list", "reference:foundation-model-scale"}


@dataclass
class Context:
    """What the database holds that the files may refer to or must not change."""

    source_keys: set[str] = field(default_factory=set)
    profile_options: dict[str, set[str]] = field(default_factory=dict)
    locked: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    framework_kinds: dict[str, str] = field(default_factory=dict)


def _linked_from(files: BankFiles, sources: set[str]) -> list[Problem]:
    """An external document names the essay that links to it, and only an external one does."""
    problems = []
    for file, source in files.sources:
        item = f"source '{source.key}'"
        if source.linked_from and source.kind != "external":
            problems.append(
                Problem(file, source.line, item, "only external documents have 'linked_from'")
            )
        elif source.linked_from and source.linked_from not in sources:
            problems.append(
                Problem(
                    file, source.line, item, f"linked_from: unknown source '{source.linked_from}'"
                )
            )
    return problems


def check_bank(files: BankFiles, context: Context) -> list[Problem]:
    problems: list[Problem] = []
    sources = set(context.source_keys)
    seen: dict[str, str] = {}
    for file, source in files.sources:
        if source.key in seen:
            problems.append(
                Problem(
                    file,
                    source.line,
                    f"source '{source.key}'",
                    f"duplicate key (also in {seen[source.key]})",
                )
            )
        seen.setdefault(source.key, file)
        if source.kind not in SOURCE_KINDS:
            problems.append(
                Problem(
                    file,
                    source.line,
                    f"source '{source.key}'",
                    f"kind must be one of {', '.join(sorted(SOURCE_KINDS))}",
                )
            )
        sources.add(source.key)
    problems.extend(_linked_from(files, sources))
    jurisdictions: dict[str, str] = {}
    for file, jurisdiction in files.jurisdictions:
        item = f"jurisdiction '{jurisdiction.key}'"
        if jurisdiction.key in jurisdictions:
            problems.append(Problem(file, jurisdiction.line, item, "duplicate key"))
        jurisdictions[jurisdiction.key] = file
        for key, count in Counter(c.key for c in jurisdiction.negative_list).items():
            if count > 1:
                problems.append(
                    Problem(
                        file,
                        jurisdiction.line,
                        item,
                        f"negative-list category '{key}' appears {count} times",
                    )
                )
    profile_options = dict(context.profile_options)
    for version in files.versions:
        if version.framework.kind == "profile":
            profile_options = {q.key: {o.key for o in q.options} for q in version.questions}
    labels: dict[tuple[str, str], str] = {}
    for version in files.versions:
        ident = (version.framework.key, version.label)
        if ident in labels:
            problems.append(
                Problem(
                    version.file,
                    version.line,
                    f"version '{version.name}'",
                    f"duplicate version (also in {labels[ident]})",
                )
            )
        labels.setdefault(ident, version.file)
        problems.extend(VersionChecker(version, sources, profile_options, context).run())
    return problems


class VersionChecker:
    def __init__(
        self,
        version: VersionSpec,
        sources: set[str],
        profile_options: dict[str, set[str]],
        context: Context,
    ) -> None:
        self.v = version
        self.sources = sources
        self.profile_options = profile_options
        self.context = context
        self.problems: list[Problem] = []
        self.kind = version.framework.kind

    def add(self, line: int | None, item: str, message: str) -> None:
        self.problems.append(Problem(self.v.file, line, item, message))

    def run(self) -> list[Problem]:
        self._framework()
        self._rules()
        self._keys()
        for section in self.v.sections:
            item = f"section '{section.key}'"
            self._source_ref(section.source, section.line, item)
            self._quote(section.quote, section.line, item, section.source)
            if section.weight < 0:
                self.add(section.line, item, "weight must not be negative")
        for question in self.v.questions:
            self._question(question)
        self._conditions()
        self._unchanged_if_published()
        self.problems.extend(provenance_problems(self.v))
        return self.problems

    # Framework and version ----------------------------------------------------------------

    def _framework(self) -> None:
        fw, item = self.v.framework, f"framework '{self.v.framework.key}'"
        if fw.kind not in KINDS:
            self.add(fw.line, item, f"kind must be one of {', '.join(sorted(KINDS))}")
        stored = self.context.framework_kinds.get(fw.key)
        if stored and stored != fw.kind:
            self.add(fw.line, item, f"kind cannot change from '{stored}' to '{fw.kind}'")
        if fw.source:
            self._source_ref(fw.source, fw.line, item)
        if fw.standing and fw.standing not in STANDINGS:
            self.add(fw.line, item, f"standing must be one of {', '.join(sorted(STANDINGS))}")
        self._quote(fw.standing_quote, fw.line, item, fw.source)
        version = f"version '{self.v.name}'"
        if self.v.status not in STATUSES:
            self.add(self.v.line, version, f"status must be one of {', '.join(sorted(STATUSES))}")
        if self.v.status != "draft" and self.v.published_on is None:
            self.add(self.v.line, version, f"a {self.v.status} version needs 'published_on'")

    def _rules(self) -> None:
        rules, item = self.v.rules, f"rules of '{self.v.name}'"
        allowed = RULES_BY_KIND.get(self.kind, set())
        for name in rules:
            if name not in allowed:
                self.add(self.v.line, item, f"unknown rule '{name}' for a {self.kind} framework")
        for name in ("tiers", "overlays", "areas", "gates", "risks"):
            entries = rules.get(name, [])
            if not isinstance(entries, list) or not all(
                isinstance(e, dict) and isinstance(e.get("key"), str) and e.get("label")
                for e in entries
            ):
                self.add(self.v.line, item, f"'{name}' must be a list of items with key and label")
                continue
            for entry in entries:
                if entry.get("source"):
                    self._source_ref(
                        entry["source"], self.v.line, f"{item} {name} '{entry['key']}'"
                    )
                self._quote(
                    entry.get("quote", ""),
                    self.v.line,
                    f"{item} {name} '{entry['key']}'",
                    entry.get("source", ""),
                )
        levels = rules.get("levels", [])
        if not isinstance(levels, list) or not all(
            isinstance(e, dict) and isinstance(e.get("level"), int) and e.get("label")
            for e in levels
        ):
            self.add(self.v.line, item, "'levels' must be a list of items with level and label")
        if self.kind == "tier":
            if self.v.questions and not rules.get("tiers"):
                self.add(self.v.line, item, "a tier framework needs 'tiers'")
            if rules.get("default_tier") and rules["default_tier"] not in self._vocab("tiers"):
                self.add(self.v.line, item, f"default_tier '{rules['default_tier']}' is not a tier")
        if self.kind == "gate":
            if self.v.questions and not (rules.get("levels") and rules.get("gates")):
                self.add(self.v.line, item, "a gate framework needs 'levels' and 'gates'")
            default = rules.get("default_level", 1)
            if self._levels() and default not in self._levels():
                self.add(self.v.line, item, f"default_level {default} is not a level")

    def _vocab(self, name: str) -> set[str]:
        entries = self.v.rules.get(name, [])
        return (
            {e["key"] for e in entries if isinstance(e, dict) and "key" in e}
            if isinstance(entries, list)
            else set()
        )

    def _levels(self) -> set[int]:
        entries = self.v.rules.get("levels", [])
        return (
            {e["level"] for e in entries if isinstance(e, dict) and isinstance(e.get("level"), int)}
            if isinstance(entries, list)
            else set()
        )

    # Keys ----------------------------------------------------------------------------------

    def _keys(self) -> None:
        sections = Counter(s.key for s in self.v.sections)
        questions = Counter(q.key for q in self.v.questions)
        for section in self.v.sections:
            if sections[section.key] > 1:
                self.add(section.line, f"section '{section.key}'", "duplicate key in this version")
        for question in self.v.questions:
            if questions[question.key] > 1:
                self.add(
                    question.line, f"question '{question.key}'", "duplicate key in this version"
                )
            options = Counter(o.key for o in question.options)
            for option in question.options:
                if options[option.key] > 1:
                    self.add(
                        option.line,
                        f"question '{question.key}' option '{option.key}'",
                        "duplicate key in this question",
                    )

    # Questions -----------------------------------------------------------------------------

    def _question(self, q: QuestionSpec) -> None:
        item = f"question '{q.key}'"
        if q.kind not in QUESTION_KINDS:
            self.add(q.line, item, f"kind must be one of {', '.join(sorted(QUESTION_KINDS))}")
        if q.weight < 0:
            self.add(q.line, item, "weight must not be negative")
        if self.kind != "profile" and not q.source:
            self.add(q.line, item, "needs a primary 'source'")
        self._source_ref(q.source, q.line, item)
        self._quote(q.quote, q.line, item, q.source)
        if q.basis and q.basis not in BASES:
            self.add(q.line, item, f"basis must be one of {', '.join(sorted(BASES))}")
        for key in q.supporting_sources:
            self._source_ref(key, q.line, item)
            if key == q.source:
                self.add(q.line, item, f"'{key}' is already the primary source")
        for key, count in Counter(q.supporting_sources).items():
            if count > 1:
                self.add(q.line, item, f"supporting source '{key}' listed {count} times")
        self._tags(q, item)
        if q.required_level is not None:
            if self.kind != "gate":
                self.add(q.line, item, "'required_level' is only for gate frameworks")
            elif q.required_level not in self._levels():
                self.add(q.line, item, f"required_level {q.required_level} is not a level")
            else:
                self._safeguard_tags(q, item)
        self._options(q, item)

    def _tags(self, q: QuestionSpec, item: str) -> None:
        for tag in q.tags:
            facet, _, value = tag.partition(":")
            if not value or tag in REFERENCE_TAGS:
                continue
            rule = TAG_FACETS.get(facet)
            if rule is None:
                self.add(
                    q.line,
                    item,
                    f"tag '{tag}': unknown facet '{facet}' (use {', '.join(sorted(TAG_FACETS))})",
                )
            elif value not in self._vocab(rule):
                self.add(q.line, item, f"tag '{tag}': '{value}' is not one of the {rule} in rules")

    def _safeguard_tags(self, q: QuestionSpec, item: str) -> None:
        """A safeguard (a question required from a level on) names its area and its gates."""
        facets = {tag.partition(":")[0] for tag in q.tags if ":" in tag}
        for facet in ("area", "gate"):
            if facet not in facets:
                self.add(
                    q.line,
                    item,
                    f"a safeguard with 'required_level' needs at least one '{facet}:' tag",
                )

    def _options(self, q: QuestionSpec, item: str) -> None:
        if q.kind == "text":
            if q.options:
                self.add(q.line, item, "a free-text question takes no options")
            return
        if len(q.options) < 2:
            self.add(q.line, item, "a choice question needs at least two options")
        scored = q.weight > 0
        meanings = Counter(o.meaning for o in q.options)
        for meaning in ("na", "dont_know"):
            if meanings[meaning] > 1:
                self.add(q.line, item, f"more than one '{meaning}' option")
        plain = [o for o in q.options if o.meaning == "plain"]
        if scored and not plain:
            self.add(q.line, item, "a scored question needs at least one plain option")
        if scored and plain and not any((o.points or 0) > 0 for o in plain):
            self.add(q.line, item, "a scored question needs an option with points above zero")
        allowed_effects = EFFECTS_BY_KIND.get(self.kind, set())
        for option in q.options:
            oitem = f"{item} option '{option.key}'"
            if option.meaning not in MEANINGS:
                self.add(
                    option.line, oitem, f"meaning must be one of {', '.join(sorted(MEANINGS))}"
                )
            if option.meaning == "plain" and scored and option.points is None:
                self.add(option.line, oitem, "scored question: this option needs 'points'")
            if option.meaning != "plain" and option.points is not None:
                self.add(option.line, oitem, f"a '{option.meaning}' option takes no points")
            if option.points is not None and option.points < 0:
                self.add(option.line, oitem, "points must not be negative")
            for effect, value in option.effects.items():
                self._effect(option.line, oitem, effect, value, allowed_effects)

    def _effect(self, line: int, item: str, effect: str, value: Any, allowed: set[str]) -> None:
        if effect not in allowed:
            what = ", ".join(sorted(allowed)) or "none"
            self.add(
                line,
                item,
                f"effect '{effect}' is not read by a {self.kind} framework (allowed: {what})",
            )
        elif effect == "tier" and value not in self._vocab("tiers"):
            self.add(line, item, f"effect tier '{value}' is not one of the tiers in rules")
        elif effect == "overlay" and value not in self._vocab("overlays"):
            self.add(line, item, f"effect overlay '{value}' is not one of the overlays in rules")
        elif effect == "level" and value not in self._levels():
            self.add(line, item, f"effect level '{value}' is not one of the levels in rules")

    # Conditions ----------------------------------------------------------------------------

    def _conditions(self) -> None:
        position = {q.key: i for i, q in enumerate(self.v.questions)}
        options = {q.key: {o.key for o in q.options} for q in self.v.questions}
        graph: dict[str, set[str]] = {}
        last_screening = max(
            (i for i, q in enumerate(self.v.questions) if any(o.effects for o in q.options)),
            default=-1,
        )
        for index, question in enumerate(self.v.questions):
            if question.applies_when is None:
                continue
            item = f"question '{question.key}'"
            try:
                condition = parse_condition(question.applies_when)
            except ConditionError as exc:
                self.add(question.line, item, f"applies_when: {exc}")
                continue
            graph[question.key] = set()
            for ref in question_refs(condition):
                self._condition_ref(question, ref.question, ref.options, position, options, graph)
            for part in walk(condition):
                self._derived_ref(question, part, index, last_screening)
        for cycle in _cycles(graph):
            first = self._question_line(cycle[0])
            self.add(
                first,
                f"question '{cycle[0]}'",
                "applies_when conditions form a cycle: " + " -> ".join([*cycle, cycle[0]]),
            )
        cyclic = {key for cycle in _cycles(graph) for key in cycle}
        for key, targets in graph.items():
            for target in targets:
                if key not in cyclic and position[target] > position[key]:
                    self.add(
                        self._question_line(key),
                        f"question '{key}'",
                        f"applies_when refers to '{target}', which is asked later "
                        "(conditions may only look back)",
                    )

    def _condition_ref(
        self,
        question: QuestionSpec,
        key: str,
        wanted: frozenset[str],
        position: dict[str, int],
        options: dict[str, set[str]],
        graph: dict[str, set[str]],
    ) -> None:
        item = f"question '{question.key}'"
        if key.startswith(PROFILE_PREFIX):
            target = key[len(PROFILE_PREFIX) :]
            known = self.profile_options.get(target)
            if known is None:
                self.add(
                    question.line,
                    item,
                    f"applies_when refers to unknown profile question '{target}'",
                )
                return
        elif "." in key:
            self.add(
                question.line,
                item,
                f"applies_when may refer only to this framework's "
                f"questions or to 'profile.<key>', not '{key}'",
            )
            return
        else:
            known = options.get(key)
            if known is None:
                self.add(question.line, item, f"applies_when refers to unknown question '{key}'")
                return
            graph[question.key].add(key)
        for option in sorted(wanted - known):
            self.add(
                question.line, item, f"applies_when: question '{key}' has no option '{option}'"
            )

    def _derived_ref(
        self, question: QuestionSpec, part: Any, index: int, last_screening: int
    ) -> None:
        item = f"question '{question.key}'"
        if isinstance(part, TierIn):
            if self.kind != "tier":
                self.add(question.line, item, "applies_when uses 'tier' outside a tier framework")
            for tier in sorted(part.tiers - self._vocab("tiers")):
                self.add(question.line, item, f"applies_when: unknown tier '{tier}'")
        elif isinstance(part, HasOverlay):
            if part.overlay not in self._vocab("overlays"):
                self.add(question.line, item, f"applies_when: unknown overlay '{part.overlay}'")
        elif isinstance(part, LevelAtLeast):
            if self.kind != "gate":
                self.add(
                    question.line,
                    item,
                    "applies_when uses 'level_at_least' outside a gate framework",
                )
        else:
            return
        if index <= last_screening:
            self.add(
                question.line,
                item,
                "applies_when uses a tier, overlay or level before every "
                "screening question that sets it has been asked",
            )

    def _question_line(self, key: str) -> int:
        return next((q.line for q in self.v.questions if q.key == key), 0)

    # References, quotes and immutability ---------------------------------------------------

    def _source_ref(self, key: str, line: int | None, item: str) -> None:
        if key and key not in self.sources:
            self.add(line, item, f"refers to unknown source '{key}'")

    def _quote(self, quote: str, line: int | None, item: str, source: str) -> None:
        if quote and not source:
            self.add(line, item, "a quote needs the 'source' it is quoted from")
        if quote and len(quote.split()) > MAX_QUOTE_WORDS:
            self.add(
                line, item, f"quote has {len(quote.split())} words; keep it to {MAX_QUOTE_WORDS}"
            )

    def _unchanged_if_published(self) -> None:
        stored = self.context.locked.get((self.v.framework.key, self.v.label))
        if stored is None:
            return
        status, canonical = stored
        mine = version_dict(self.v)
        allowed = {status} | ({"retired"} if status == "published" else set())
        if mine["version"].get("status") not in allowed:
            self.add(
                self.v.line,
                f"version '{self.v.name}'",
                f"is {status} in the database; its status cannot go back to '{self.v.status}'",
            )
        mine["version"]["status"] = canonical["version"]["status"]
        # The framework block (name, standing, ...) describes the framework that every version
        # shares; the newest version's file states it, so an older one may say less.
        mine["framework"] = canonical["framework"]
        for path in _differences(canonical, mine):
            self.add(
                self.v.line,
                f"version '{self.v.name}'",
                f"is {status} and cannot change ({path} differs from the database); "
                "publish a new version instead",
            )


def provenance_problems(version: VersionSpec) -> list[Problem]:
    """Where each practice comes from and what the framework is, in a version still in use.

    A non-retired version of a framework other than the profile needs `standing` and
    `standing_note` on its framework, a `basis` on every question (with the quote that states
    the practice when the basis is `stated`), and a `finding` on every scored question (weight
    above 0, not free text).
    """
    if version.framework.kind == "profile" or version.status == "retired":
        return []
    fw, file = version.framework, version.file
    problems = [
        Problem(file, fw.line, f"framework '{fw.key}'", f"needs '{name}' (what the framework is)")
        for name in ("standing", "standing_note")
        if not getattr(fw, name)
    ]
    for q in version.questions:
        item = f"question '{q.key}'"
        if not q.basis:
            problems.append(
                Problem(file, q.line, item, f"needs a 'basis' ({', '.join(sorted(BASES))})")
            )
        elif q.basis == "stated" and not q.quote:
            problems.append(
                Problem(file, q.line, item, "a 'stated' basis needs the quote that states it")
            )
        if q.weight > 0 and q.kind != "text" and not q.finding:
            problems.append(
                Problem(file, q.line, item, "a scored question needs a 'finding' (the gap, stated)")
            )
    return problems


def _differences(old: Any, new: Any, path: str = "") -> Iterable[str]:
    """Human paths of the first differences between two canonical version dicts."""
    if isinstance(old, dict) and isinstance(new, dict):
        for name in list(dict.fromkeys([*old, *new])):
            yield from _differences(
                old.get(name), new.get(name), f"{path}.{name}" if path else name
            )
        return
    if isinstance(old, list) and isinstance(new, list):
        keyed = all(isinstance(x, dict) and "key" in x for x in [*old, *new])
        if keyed:
            old_map, new_map = {x["key"]: x for x in old}, {x["key"]: x for x in new}
            if list(old_map) != list(new_map):
                yield f"{path} (items added, removed or reordered)"
                return
            for key in old_map:
                yield from _differences(old_map[key], new_map[key], f"{path}['{key}']")
            return
    if old != new:
        yield path


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by depth-first search (one per back edge)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles
