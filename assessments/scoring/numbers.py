"""Aggregation and rounding, defined once for every score the results show."""

from __future__ import annotations

from collections.abc import Iterable

SCORE_DECIMALS = 1
PRIORITY_DECIMALS = 2
SHORTFALL_DECIMALS = 4


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of the values weighted by their weights; None when no weight is positive."""
    total_weight = 0.0
    total = 0.0
    for weight, value in pairs:
        if weight > 0:
            total_weight += weight
            total += weight * value
    return None if total_weight == 0 else total / total_weight


def mean(values: Iterable[float]) -> float | None:
    return weighted_mean((1.0, v) for v in values)


def percent(fraction: float | None) -> float | None:
    """A fraction in [0, 1] as a percentage with one decimal, as every score is shown."""
    return None if fraction is None else round(100 * fraction, SCORE_DECIMALS)


def from_percent(score: float | None) -> float | None:
    """A percentage as shown back as a fraction: `percent(from_percent(s)) == s`."""
    return None if score is None else score / 100


def rounded_priority(value: float) -> float:
    return round(value, PRIORITY_DECIMALS)


def rounded_shortfall(value: float) -> float:
    return round(value, SHORTFALL_DECIMALS)


# A score is shown only when at least this share of the applicable scored questions behind it
# is answered ("Don't know" and "Not applicable" count as answered): docs/scoring.md.
THRESHOLD_PERCENT = 80


def enough_answered(answered: int, applicable: int) -> bool:
    """At least THRESHOLD_PERCENT of the applicable scored questions are answered."""
    return applicable > 0 and 100 * answered >= THRESHOLD_PERCENT * applicable
