"""What the executive summary reads from the action plan and from the rounds comparison.

The summary shows the five actions that move the most (with owners and due dates) and what
changed since the previous round. Both are computed once for the whole report (the plan
chapter's rows, the changes chapter's comparison) and turned here into the short shapes the
summary template reads; with no actions or no previous round the summary prints nothing for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.plan.selectors import PlanRow, most_moving
from assessments.results.changes import Changes


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


def summary_actions(rows: Sequence[PlanRow], limit: int) -> tuple[SummaryAction, ...]:
    """The unfinished actions that move the most, best first, as the summary lists them; an
    action whose finding is gone is offered for closing on the plan, not listed here."""
    return tuple(_summary_action(row) for row in most_moving(rows)[:limit])


def _summary_action(row: PlanRow) -> SummaryAction:
    action = row.action
    owner = (action.owner.get_full_name() or action.owner.username) if action.owner else ""
    moves = "; ".join(m.text for m in row.moves.items)
    return SummaryAction(
        title=action.title,
        owner=owner,
        due=action.due,
        status=action.get_status_display(),
        moves=f"{row.framework_name}: {moves}" if moves else "",
    )


def summary_changes(changes: Changes | None) -> RoundChanges | None:
    """The comparison with the previous round, as the summary lists it; None for round 1."""
    if changes is None:
        return None
    return RoundChanges(
        previous_round=changes.previous_round,
        frameworks=tuple(
            FrameworkChange(
                name=f.name,
                score_before=f.score_before,
                score_after=f.score_after,
                verdict_before=_verdict(
                    f.tier_before, f.level_before, [(g.label, g.before) for g in f.gates]
                ),
                verdict_after=_verdict(
                    f.tier_after, f.level_after, [(g.label, g.after) for g in f.gates]
                ),
            )
            for f in changes.frameworks
        ),
        closed=len(changes.closed),
        opened=len(changes.opened),
        answers_changed=len(changes.answers_changed),
    )


def _verdict(tier: str, level: str, gates: Sequence[tuple[str, str]]) -> str:
    """The tier, the required level and each gate's decision, in a few words."""
    parts = [tier and f"tier {tier}", level, *(f"{label}: {d}" for label, d in gates if d)]
    return "; ".join(part for part in parts if part)
