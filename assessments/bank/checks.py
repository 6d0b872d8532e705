"""Checks across items and files, on specs that already passed the schema (`specs.py`).

References resolve, points make sense, tags and effects name the rules, conditions look only
back, published versions stay as they were. Pure: the caller passes what the database already
holds as a `Context`.

Every check of one framework version is a function `(scope) -> problems` listed in
`VERSION_CHECKS`: to add a rule, write one such function and add it to that list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .condition_checks import condition_problems
from .scope import Scope
from .specs import BASES, BankFiles, Problem, QuestionSpec, version_dict

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


# The whole bank ------------------------------------------------------------------------------


def check_bank(files: BankFiles, context: Context) -> list[Problem]:
    """Every problem of files that passed the schema, given what the database holds."""
    sources = set(context.source_keys) | {s.key for _f, s in files.sources}
    problems = [*_source_problems(files, sources), *_jurisdiction_problems(files)]
    # A version in use reads the profile in use (the last one in the files that is not
    # retired); a retired version may read any profile question it was published with.
    profile = dict(context.profile_options)
    every = {key: set(options) for key, options in profile.items()}
    for version in files.versions:
        if version.framework.kind == "profile":
            questions = {q.key: {o.key for o in q.options} for q in version.questions}
            for key, options in questions.items():
                every.setdefault(key, set()).update(options)
            if version.status != "retired":
                profile = questions
    problems.extend(_duplicate_versions(files))
    for version in files.versions:
        read = every if version.status == "retired" else profile
        problems.extend(check_version(Scope(version, sources, read, context)))
    return problems


def check_version(scope: Scope) -> list[Problem]:
    return [problem for check in VERSION_CHECKS for problem in check(scope)]


def _source_problems(files: BankFiles, sources: set[str]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for file, source in files.sources:
        item = f"source '{source.key}'"
        if source.key in seen:
            yield Problem(file, source.line, item, f"duplicate key (also in {seen[source.key]})")
        seen.setdefault(source.key, file)
        if source.linked_from and source.kind != "external":
            yield Problem(file, source.line, item, "only external documents have 'linked_from'")
        elif source.linked_from and source.linked_from not in sources:
            message = f"linked_from: unknown source '{source.linked_from}'"
            yield Problem(file, source.line, item, message)


def _jurisdiction_problems(files: BankFiles) -> Iterator[Problem]:
    seen: set[str] = set()
    for file, place in files.jurisdictions:
        item = f"jurisdiction '{place.key}'"
        if place.key in seen:
            yield Problem(file, place.line, item, "duplicate key")
        seen.add(place.key)
        for key, count in Counter(c.key for c in place.negative_list).items():
            if count > 1:
                message = f"negative-list category '{key}' appears {count} times"
                yield Problem(file, place.line, item, message)


def _duplicate_versions(files: BankFiles) -> Iterator[Problem]:
    seen: dict[tuple[str, str], str] = {}
    for v in files.versions:
        ident = (v.framework.key, v.label)
        if ident in seen:
            message = f"duplicate version (also in {seen[ident]})"
            yield Problem(v.file, v.line, f"version '{v.name}'", message)
        seen.setdefault(ident, v.file)


# One version: framework, rules, keys, sections ----------------------------------------------


def framework_problems(scope: Scope) -> Iterator[Problem]:
    fw, version = scope.version.framework, scope.version
    stored = scope.context.framework_kinds.get(fw.key)
    if stored and stored != fw.kind:
        yield scope.at_framework(f"kind cannot change from '{stored}' to '{fw.kind}'")
    if fw.source:
        yield from scope.source_ref(fw.source, scope.at_framework)
    yield from _quote(scope, fw.standing_quote, fw.source, scope.at_framework)
    if version.status != "draft" and version.published_on is None:
        yield scope.at_version(f"a {version.status} version needs 'published_on'")


def rules_problems(scope: Scope) -> Iterator[Problem]:
    rules, kind = scope.rules, scope.kind
    for name in sorted(scope.version.rules):
        if name not in RULES_BY_KIND[kind]:
            yield scope.at_rules(f"unknown rule '{name}' for a {kind} framework")
    for name, entry in rules.entries():

        def at_entry(message: str, name: str = name, entry: Any = entry) -> Problem:
            return scope.at_rules(message, f"{name} '{entry.name}'")

        if entry.source:
            yield from scope.source_ref(entry.source, at_entry)
        yield from _quote(scope, entry.quote, entry.source, at_entry)
    yield from _rules_of_kind(scope)


def _rules_of_kind(scope: Scope) -> Iterator[Problem]:
    rules, has_questions = scope.rules, bool(scope.version.questions)
    if scope.kind == "tier":
        if has_questions and not rules.tiers:
            yield scope.at_rules("a tier framework needs 'tiers'")
        if rules.default_tier and rules.default_tier not in scope.vocabulary("tiers"):
            yield scope.at_rules(f"default_tier '{rules.default_tier}' is not a tier")
    if scope.kind == "gate":
        if has_questions and not (rules.levels and rules.gates):
            yield scope.at_rules("a gate framework needs 'levels' and 'gates'")
        default = 1 if rules.default_level is None else rules.default_level
        if scope.levels and default not in scope.levels:
            yield scope.at_rules(f"default_level {default} is not a level")


def key_problems(scope: Scope) -> Iterator[Problem]:
    sections = Counter(s.key for s in scope.version.sections)
    questions = Counter(q.key for q in scope.version.questions)
    for section in scope.version.sections:
        if sections[section.key] > 1:
            yield scope.at_section(section, "duplicate key in this version")
    for question in scope.version.questions:
        if questions[question.key] > 1:
            yield scope.at_question(question, "duplicate key in this version")
        options = Counter(o.key for o in question.options)
        for option in question.options:
            if options[option.key] > 1:
                yield scope.at_option(question, option, "duplicate key in this question")


def section_problems(scope: Scope) -> Iterator[Problem]:
    for section in scope.version.sections:

        def at(message: str, section: Any = section) -> Problem:
            return scope.at_section(section, message)

        yield from scope.source_ref(section.source, at)
        yield from _quote(scope, section.quote, section.source, at)


# One version: questions and their options ---------------------------------------------------


def question_problems(scope: Scope) -> Iterator[Problem]:
    for q in scope.version.questions:

        def at(message: str, q: QuestionSpec = q) -> Problem:
            return scope.at_question(q, message)

        if scope.kind != "profile" and not q.source:
            yield at("needs a primary 'source'")
        yield from scope.source_ref(q.source, at)
        yield from _quote(scope, q.quote, q.source, at)
        for key, count in Counter(q.supporting_sources).items():
            yield from scope.source_ref(key, at)
            if key == q.source:
                yield at(f"'{key}' is already the primary source")
            if count > 1:
                yield at(f"supporting source '{key}' listed {count} times")
        yield from _tag_problems(scope, q, at)
        yield from _level_problems(scope, q, at)


def _tag_problems(scope: Scope, q: QuestionSpec, at: Callable[[str], Problem]) -> Iterator[Problem]:
    for tag in q.tags:
        facet, _, value = tag.partition(":")
        if not value or tag in REFERENCE_TAGS:
            continue
        rule = TAG_FACETS.get(facet)
        if rule is None:
            yield at(f"tag '{tag}': unknown facet '{facet}' (use {', '.join(sorted(TAG_FACETS))})")
        elif value not in scope.vocabulary(rule):
            yield at(f"tag '{tag}': '{value}' is not one of the {rule} in rules")


def _level_problems(
    scope: Scope, q: QuestionSpec, at: Callable[[str], Problem]
) -> Iterator[Problem]:
    """A safeguard (a question required from a level on) is a gate framework's, and names its
    area and its gates."""
    if q.required_level is None:
        return
    if scope.kind != "gate":
        yield at("'required_level' is only for gate frameworks")
    elif q.required_level not in scope.levels:
        yield at(f"required_level {q.required_level} is not a level")
    else:
        facets = {tag.partition(":")[0] for tag in q.tags if ":" in tag}
        for facet in ("area", "gate"):
            if facet not in facets:
                yield at(f"a safeguard with 'required_level' needs at least one '{facet}:' tag")


def option_problems(scope: Scope) -> Iterator[Problem]:
    for q in scope.version.questions:
        if q.kind == "text":
            if q.options:
                yield scope.at_question(q, "a free-text question takes no options")
            continue
        yield from _choice_problems(scope, q)
        for option in q.options:
            yield from _one_option(scope, q, option)


def _choice_problems(scope: Scope, q: QuestionSpec) -> Iterator[Problem]:
    if len(q.options) < 2:
        yield scope.at_question(q, "a choice question needs at least two options")
    meanings = Counter(o.meaning for o in q.options)
    for meaning in ("na", "dont_know"):
        if meanings[meaning] > 1:
            yield scope.at_question(q, f"more than one '{meaning}' option")
    plain = [o for o in q.options if o.meaning == "plain"]
    if q.weight > 0 and not plain:
        yield scope.at_question(q, "a scored question needs at least one plain option")
    elif q.weight > 0 and not any((o.points or 0) > 0 for o in plain):
        yield scope.at_question(q, "a scored question needs an option with points above zero")


def _one_option(scope: Scope, q: QuestionSpec, option: Any) -> Iterator[Problem]:
    def at(message: str) -> Problem:
        return scope.at_option(q, option, message)

    if option.meaning == "plain" and q.weight > 0 and option.points is None:
        yield at("scored question: this option needs 'points'")
    if option.meaning != "plain" and option.points is not None:
        yield at(f"a '{option.meaning}' option takes no points")
    allowed = EFFECTS_BY_KIND.get(scope.kind, set())
    for effect, value in option.effects.items():
        if effect not in allowed:
            what = ", ".join(sorted(allowed)) or "none"
            yield at(f"effect '{effect}' is not read by a {scope.kind} framework (allowed: {what})")
        elif value not in scope.effect_values(effect):
            rule = {"tier": "tiers", "overlay": "overlays", "level": "levels"}[effect]
            yield at(f"effect {effect} '{value}' is not one of the {rule} in rules")


# Quotes and published versions ----------------------------------------------------------------


def _quote(
    scope: Scope, quote: str, source: str, at: Callable[[str], Problem]
) -> Iterator[Problem]:
    if quote and not source:
        yield at("a quote needs the 'source' it is quoted from")
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        yield at(f"quote has {words} words; keep it to {MAX_QUOTE_WORDS}")


def unchanged_if_published(scope: Scope) -> Iterator[Problem]:
    version = scope.version
    stored = scope.context.locked.get((version.framework.key, version.label))
    if stored is None:
        return
    status, canonical = stored
    mine = version_dict(version)
    allowed = {status} | ({"retired"} if status == "published" else set())
    if mine["version"].get("status") not in allowed:
        yield scope.at_version(
            f"is {status} in the database; its status cannot go back to '{version.status}'"
        )
    mine["version"]["status"] = canonical["version"]["status"]
    # The framework block (name, standing, ...) describes the framework that every version
    # shares; the newest version's file states it, so an older one may say less.
    mine["framework"] = canonical["framework"]
    for path in differences(canonical, mine):
        yield scope.at_version(
            f"is {status} and cannot change ({path} differs from the database); "
            "publish a new version instead"
        )


def provenance_problems(scope: Scope) -> Iterator[Problem]:
    """Where each practice comes from and what the framework is, in a version still in use.

    A non-retired version of a framework other than the profile needs `standing` and
    `standing_note` on its framework, a `basis` on every question (with the quote that states
    the practice when the basis is `stated`), and a `finding` on every scored question (weight
    above 0, not free text).
    """
    version = scope.version
    if version.framework.kind == "profile" or version.status == "retired":
        return
    fw = version.framework
    for name in ("standing", "standing_note"):
        if not getattr(fw, name):
            yield scope.at_framework(f"needs '{name}' (what the framework is)")
    for q in version.questions:
        if not q.basis:
            yield scope.at_question(q, f"needs a 'basis' ({', '.join(sorted(BASES))})")
        elif q.basis == "stated" and not q.quote:
            yield scope.at_question(q, "a 'stated' basis needs the quote that states it")
        if q.weight > 0 and q.kind != "text" and not q.finding:
            yield scope.at_question(q, "a scored question needs a 'finding' (the gap, stated)")


def differences(old: Any, new: Any, path: str = "") -> Iterable[str]:
    """Human paths of the first differences between two canonical version dicts."""
    if isinstance(old, dict) and isinstance(new, dict):
        for name in dict.fromkeys([*old, *new]):
            yield from differences(old.get(name), new.get(name), f"{path}.{name}" if path else name)
        return
    if _keyed(old) and _keyed(new):
        old_map, new_map = {x["key"]: x for x in old}, {x["key"]: x for x in new}
        if list(old_map) != list(new_map):
            yield f"{path} (items added, removed or reordered)"
            return
        for key in old_map:
            yield from differences(old_map[key], new_map[key], f"{path}['{key}']")
        return
    if old != new:
        yield path


def _keyed(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, dict) and "key" in x for x in value)


# The checks of one framework version, in the order their problems are reported.
VERSION_CHECKS: list[Callable[[Scope], Iterable[Problem]]] = [
    framework_problems,
    rules_problems,
    key_problems,
    section_problems,
    question_problems,
    option_problems,
    condition_problems,
    unchanged_if_published,
    provenance_problems,
]
