"""The "applies when" language of the question bank: parsing and evaluation.

A condition is written in YAML as one of

    {question: KEY, any_of: [OPTION, ...]}      selected options include one of these
    {question: KEY, none_of: [OPTION, ...]}     answered, and none of these is selected
    {tier: [TIER, ...]}                          the framework's tier is one of these
    {overlay: OVERLAY}                           the framework's overlays include this one
    {level_at_least: N}                          the framework's required safety level >= N
    {all: [COND, ...]}  {any: [COND, ...]}  {not: COND}

KEY is a question of the same framework, or ``profile.KEY`` for a profile question. A question
that does not apply counts as unanswered for the conditions of later questions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

PROFILE_PREFIX = "profile."


class ConditionError(ValueError):
    """A condition that is not written in the language above."""


@dataclass(frozen=True, slots=True)
class QuestionIs:
    question: str
    options: frozenset[str]
    negate: bool = False  # none_of


@dataclass(frozen=True, slots=True)
class TierIn:
    tiers: frozenset[str]


@dataclass(frozen=True, slots=True)
class HasOverlay:
    overlay: str


@dataclass(frozen=True, slots=True)
class LevelAtLeast:
    level: int


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition


Condition = QuestionIs | TierIn | HasOverlay | LevelAtLeast | AllOf | AnyOf | Not
Derived = TierIn | HasOverlay | LevelAtLeast


MAX_NESTING = 20  # all/any/not inside one another; far more than any real condition needs


def _string_list(value: Any, what: str) -> frozenset[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConditionError(f"{what} must be a non-empty list of keys")
    return frozenset(value)


def _question(raw: Mapping[str, Any]) -> QuestionIs:
    extra = sorted(set(raw) - {"question", "any_of", "none_of"})
    if extra:
        raise ConditionError(f"unexpected field(s) {', '.join(extra)} in condition")
    if not isinstance(raw["question"], str) or not raw["question"]:
        raise ConditionError("'question' must be a question key")
    if ("any_of" in raw) == ("none_of" in raw):
        raise ConditionError("a question condition needs exactly one of any_of or none_of")
    negate = "none_of" in raw
    operator = "none_of" if negate else "any_of"
    return QuestionIs(raw["question"], _string_list(raw[operator], operator), negate=negate)


def _parts(operator: str, value: Any, depth: int) -> tuple[Condition, ...]:
    if not isinstance(value, list) or not value:
        raise ConditionError(f"'{operator}' must be a non-empty list of conditions")
    return tuple(_parse(v, depth + 1) for v in value)


def _overlay(value: Any, depth: int) -> HasOverlay:
    if not isinstance(value, str):
        raise ConditionError("'overlay' must be one overlay key")
    return HasOverlay(value)


def _level(value: Any, depth: int) -> LevelAtLeast:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConditionError("'level_at_least' must be a whole number")
    return LevelAtLeast(value)


# One parser per operator: (the value written after the operator, nesting depth) -> Condition.
_OPERATORS: dict[str, Callable[[Any, int], Condition]] = {
    "all": lambda value, depth: AllOf(_parts("all", value, depth)),
    "any": lambda value, depth: AnyOf(_parts("any", value, depth)),
    "not": lambda value, depth: Not(_parse(value, depth + 1)),
    "tier": lambda value, depth: TierIn(_string_list(value, "tier")),
    "overlay": _overlay,
    "level_at_least": _level,
}


def parse_condition(raw: Any) -> Condition:
    """Turn the YAML/JSON form into a Condition; raises ConditionError explaining the fault."""
    return _parse(raw, 0)


def _parse(raw: Any, depth: int) -> Condition:
    if depth > MAX_NESTING:
        raise ConditionError(f"conditions may nest at most {MAX_NESTING} levels deep")
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError("a condition must be a mapping such as {question: KEY, any_of: [...]}")
    if "question" in raw:
        return _question(raw)
    if len(raw) != 1:
        raise ConditionError(f"write one operator per condition, not {', '.join(sorted(raw))}")
    ((operator, value),) = raw.items()
    parser = _OPERATORS.get(operator)
    if parser is None:
        raise ConditionError(f"unknown condition operator '{operator}'")
    return parser(value, depth)


def walk(condition: Condition) -> Iterator[Condition]:
    yield condition
    if isinstance(condition, AllOf | AnyOf):
        for part in condition.parts:
            yield from walk(part)
    elif isinstance(condition, Not):
        yield from walk(condition.part)


def question_refs(condition: Condition) -> Iterator[QuestionIs]:
    return (c for c in walk(condition) if isinstance(c, QuestionIs))


def uses_derived(condition: Condition) -> bool:
    return any(isinstance(c, TierIn | HasOverlay | LevelAtLeast) for c in walk(condition))


def resolve_ref(key: str, framework: str) -> tuple[str, str]:
    """'profile.role' -> ('profile', 'role'); 'role' -> (framework, 'role')."""
    if key.startswith(PROFILE_PREFIX):
        return ("profile", key[len(PROFILE_PREFIX) :])
    return (framework, key)


def evaluate(
    condition: Condition,
    *,
    choices_of: Callable[[str], tuple[str, ...] | None],
    derived: Callable[[], tuple[str | None, frozenset[str], int | None]],
) -> bool:
    """True when the condition holds.

    choices_of(key) gives the selected options of an applicable, answered question, or None.
    derived() gives (tier, overlays, level) of the framework; it is only called when needed.
    """
    match condition:
        case QuestionIs(question=key, options=options, negate=negate):
            choices = choices_of(key)
            if choices is None:
                return False
            return any(c in options for c in choices) != negate
        case AllOf(parts=parts):
            return all(evaluate(p, choices_of=choices_of, derived=derived) for p in parts)
        case AnyOf(parts=parts):
            return any(evaluate(p, choices_of=choices_of, derived=derived) for p in parts)
        case Not(part=part):
            return not evaluate(part, choices_of=choices_of, derived=derived)
    return _derived_holds(condition, *derived())


def _derived_holds(
    condition: Condition, tier: str | None, overlays: frozenset[str], level: int | None
) -> bool:
    if isinstance(condition, TierIn):
        return tier in condition.tiers
    if isinstance(condition, HasOverlay):
        return condition.overlay in overlays
    if isinstance(condition, LevelAtLeast):
        return level is not None and level >= condition.level
    raise TypeError(condition)  # pragma: no cover
