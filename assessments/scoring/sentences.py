"""What would change a result, as one sentence, from the smallest-change search of
explanations.py: "Answering Yes to “…” and “…” would change the deployment gate from Pause to
Proceed." The results page and the PDF print the same sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from .verdicts import GateResult, GatesResult, Move, TierResult

Verdict = TierResult | GatesResult | GateResult


def joined(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def subject_of(verdict: Verdict) -> tuple[str, str]:
    """What a verdict is called in a sentence, and its value now: ("the deployment gate",
    "Pause"), ("the tier", "Filing and information disclosure")."""
    if isinstance(verdict, GateResult):
        return f"the {verdict.key.replace('-', ' ')} gate", verdict.decision_label
    if isinstance(verdict, GatesResult):
        return "the required safety level", verdict.required_level_label
    return "the tier", verdict.label


def move_sentence(move: Move, subject: str, now: str) -> str:
    """The answers a move changes and what it changes, as a sentence. Questions that need the
    same answer are named together."""
    by_answer: dict[str, list[str]] = {}
    for change in move.changes:
        by_answer.setdefault(change.after, []).append(f"\u201c{change.text.strip()}\u201d")
    parts = [f"{_option(after)} to {joined(texts)}" for after, texts in by_answer.items()]
    answering = "; ".join(parts) if len(parts) > 2 else " and ".join(parts)
    if now and now != move.result_label:
        outcome = f"change {subject} from {now} to {move.result_label}"
    else:
        outcome = f"give {subject} {move.result_label}"
    return f"Answering {answering} would {outcome}."


def _option(label: str) -> str:
    """An option as the sentence names it: a one-word label as is ("Yes"), a longer one quoted
    so that it reads apart from the sentence ("“Uses it in its own operations”")."""
    return label if " " not in label.strip() else f"\u201c{label.strip()}\u201d"


def move_sentences(verdict: Verdict) -> tuple[str, ...]:
    """Every smallest change that moves this verdict, as sentences."""
    subject, now = subject_of(verdict)
    explanation = (
        verdict.level_explanation if isinstance(verdict, GatesResult) else verdict.explanation
    )
    return tuple(move_sentence(m, subject, now) for m in explanation.changes)
