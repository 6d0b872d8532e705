"""Pure scoring: plain, frozen data in, plain results out. No ORM, request or settings.

`score(bank, answers)` is the entry point; docs/scoring.md states the rules.
"""

from .engine import score

__all__ = ["score"]
