"""Pure scoring: plain, frozen data in, plain results out. No ORM, request or settings.

`score(bank, answers)` is the entry point and returns `Results` (results.py), whose `to_json()`
is the shape of docs/results-format.md; docs/scoring.md states the rules.
"""

from .engine import score
from .results import Results

__all__ = ["Results", "score"]
