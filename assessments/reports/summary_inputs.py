"""What the executive summary reads from the action plan and from the rounds comparison.

The summary shows the five actions that move the most (with owners and due dates) and what
changed since the previous round. Both come from other parts of the app; until those are
connected, these two functions return nothing, and the summary then shows nothing for them
(no placeholder text). The shapes below are what the summary template reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.models import Assessment


@dataclass(frozen=True)
class SummaryAction:
    """An action of the plan as the summary lists it."""

    title: str
    owner: str  # the owner's name as shown
    due: dt.date | None
    status: str  # in words ("Open", "In progress", ...)
    moves: str  # the verdict it would move if done, in words; "" when it moves none


@dataclass(frozen=True)
class FrameworkChange:
    """One framework's result in the previous round and in this one."""

    name: str
    score_before: float | None
    score_after: float | None
    verdict_before: str = ""  # the tier, level or gate decisions in words; "" for maturity
    verdict_after: str = ""


@dataclass(frozen=True)
class RoundChanges:
    """What changed since the previous round of the same system."""

    previous_round: int
    frameworks: tuple[FrameworkChange, ...]
    closed: int  # findings of the previous round that are gone
    opened: int  # findings that are new in this round
    answers_changed: int


def top_actions(assessment: Assessment, limit: int = 5) -> Sequence[SummaryAction]:
    """The actions whose completion would move the most, best first (none until the action
    plan is connected)."""
    return ()


def changes_since_previous(assessment: Assessment) -> RoundChanges | None:
    """What changed since the previous round, or None for a first round (None until the
    rounds comparison is connected)."""
    return None
