"""Hostile question-bank YAML: how fast, and in how little memory, each is refused.

Run from the repository root:

    .venv/bin/python bench/bench_bank_yaml_limits.py

Prints, for each hostile file and for the largest shipped file, the time to read it (or refuse
it) and the peak memory Python allocated meanwhile. Target (issue 10, finding 5): every hostile
file refused in well under a second and a few megabytes; before the limits, a billion-laughs
alias chain took 27.6 s and 2.8 GB, and deep nesting ended in a RecursionError.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessments.bank.yaml_io import YamlProblem, read_yaml  # noqa: E402


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "billion laughs (9 levels of 9 aliases)": billion_laughs(),
    "flow nesting 400,000 deep": "[" * 400_000 + "]" * 400_000,
    "block nesting 900 deep": "".join(f"{'  ' * i}k{i}:\n" for i in range(900)),
    "sequence nesting 100,000 deep": "- " * 100_000 + "x\n",
    "oversized (5 MB)": "# padding\n" * 500_000,
}


def read(path: Path) -> str:
    try:
        read_yaml(path)
    except YamlProblem as exc:
        return f"refused: {exc.message}"
    return "read"


def measure(path: Path) -> tuple[float, float, str]:
    """Time without tracing (tracemalloc slows Python down), then peak memory with it."""
    start = time.perf_counter()
    outcome = read(path)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    read(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak / 1e6, outcome


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        cases: list[tuple[str, Path]] = []
        for name, text in HOSTILE.items():
            path = Path(folder) / f"{len(cases)}.yaml"
            path.write_text(text)
            cases.append((name, path))
        largest = max((ROOT / "fixtures").rglob("*.yaml"), key=lambda p: p.stat().st_size)
        cases.append(
            (f"largest shipped file ({largest.name}, {largest.stat().st_size:,} B)", largest)
        )
        print(f"{'file':<52} {'time':>9} {'peak':>9}  outcome")
        for name, path in cases:
            elapsed, peak, outcome = measure(path)
            print(f"{name:<52} {elapsed * 1000:7.1f}ms {peak:7.2f}MB  {outcome[:70]}")


if __name__ == "__main__":
    main()
