"""What the checks of one framework version see, and how they name the item a problem concerns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .specs import OptionSpec, Problem, QuestionSpec, Rules, SectionSpec, VersionSpec

if TYPE_CHECKING:
    from .checks import Context


@dataclass
class Scope:
    version: VersionSpec
    sources: set[str]
    profile_options: dict[str, set[str]]
    context: Context

    @property
    def kind(self) -> str:
        return self.version.framework.kind

    @cached_property
    def rules(self) -> Rules:
        return Rules.model_validate(self.version.rules)

    def vocabulary(self, name: str) -> set[str]:
        """The keys of one list of the rules: tiers, overlays, areas, gates or risks."""
        return {entry.key for entry in getattr(self.rules, name)}

    @cached_property
    def levels(self) -> set[int]:
        return {entry.level for entry in self.rules.levels}

    def effect_values(self, effect: str) -> set[str] | set[int]:
        if effect == "level":
            return self.levels
        return self.vocabulary({"tier": "tiers", "overlay": "overlays"}[effect])

    # Naming the item ----------------------------------------------------------------------

    def _problem(self, line: int | None, item: str, message: str, **keys: str) -> Problem:
        return Problem(self.version.file, line or None, item, message, **keys)

    def at_version(self, message: str) -> Problem:
        return self._problem(self.version.line, f"version '{self.version.name}'", message)

    def at_framework(self, message: str) -> Problem:
        framework = self.version.framework
        return self._problem(framework.line, f"framework '{framework.key}'", message)

    def at_rules(self, message: str, entry: str = "") -> Problem:
        item = f"rules of '{self.version.name}'" + (f" {entry}" if entry else "")
        return self._problem(self.version.line, item, message)

    def at_section(self, section: SectionSpec, message: str) -> Problem:
        item = f"section '{section.key}'"
        return self._problem(section.line, item, message, section=section.key)

    def at_question(self, q: QuestionSpec, message: str) -> Problem:
        return self._problem(q.line, f"question '{q.key}'", message, question=q.key)

    def at_option(self, q: QuestionSpec, option: OptionSpec, message: str) -> Problem:
        item = f"question '{q.key}' option '{option.key}'"
        return self._problem(option.line, item, message, question=q.key)

    def source_ref(self, key: str, at: Callable[[str], Problem]) -> Iterator[Problem]:
        if key and key not in self.sources:
            yield at(f"refers to unknown source '{key}'")
