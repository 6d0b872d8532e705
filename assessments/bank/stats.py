"""Counts of the question bank's questions by framework and basis, for the docs and the report.

Pure: it takes the versions as read from the files and returns plain counts and text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .specs import VersionSpec

BASIS_ORDER = ("stated", "adapted", "practice", "policy")  # the vocabulary of checks.BASES


@dataclass(frozen=True)
class BasisCounts:
    framework: str
    version: str
    by_basis: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_basis.values())


def basis_counts(versions: Iterable[VersionSpec]) -> list[BasisCounts]:
    """Questions by basis for each framework version in use (not retired, not the profile)."""
    current = [v for v in versions if v.status != "retired" and v.framework.kind != "profile"]
    counts = []
    for v in sorted(current, key=lambda v: (v.framework.order, v.framework.key, v.label)):
        tally = Counter(q.basis for q in v.questions)
        counts.append(BasisCounts(v.framework.key, v.label, {b: tally[b] for b in BASIS_ORDER}))
    return counts


def basis_table(counts: list[BasisCounts]) -> str:
    """The counts as a Markdown table, with a total row."""
    head = ["framework", "version", *BASIS_ORDER, "questions"]
    rows = [
        [f"`{c.framework}`", c.version, *(str(c.by_basis[b]) for b in BASIS_ORDER), str(c.total)]
        for c in counts
    ]
    totals = [sum(c.by_basis[b] for c in counts) for b in BASIS_ORDER]
    rows.append(["all", "", *map(str, totals), str(sum(totals))])
    lines = [head, ["---"] * len(head), *rows]
    return "".join("| " + " | ".join(cells) + " |\n" for cells in lines)
