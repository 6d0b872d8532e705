"""Pure scoring: plain, frozen data in, plain results out. No ORM, request or settings.

`score(bank, answers)` (engine.py) is the entry point; docs/scoring.md states the rules.
"""
