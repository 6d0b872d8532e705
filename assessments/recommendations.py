"""Which frameworks the new-assessment page suggests, from what the profile says, and the one
line that explains each with its standing. The user still chooses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessments.scoring.wording import standing_label, standing_line

# framework key -> (profile question, option, why it is suggested)
RULES: dict[str, tuple[str, str, str]] = {
    "model-law": (
        "jurisdictions",
        "cn",
        "Suggested because the system is developed, provided or used in China.",
    ),
    "sg-genai": (
        "jurisdictions",
        "sg",
        "Suggested because the system is developed, provided or used in Singapore.",
    ),
    "rsp-asl": (
        "activities",
        "train",
        "Suggested because your organisation trains the model: it fits a general-purpose "
        "frontier model most.",
    ),
}


@dataclass(frozen=True)
class FrameworkOffer:
    key: str
    name: str
    standing: str  # the label of its standing, "" when the framework has none
    line: str  # what kind of text it comes from, in one line
    suggested: str  # why it is suggested, "" when it is not
    note: str = ""  # the framework's standing note from the question bank


def recommended(activities: Iterable[str], jurisdictions: Iterable[str]) -> dict[str, str]:
    """The frameworks the profile answers suggest, each with its reason."""
    given = {"activities": set(activities), "jurisdictions": set(jurisdictions)}
    return {
        key: reason
        for key, (question, option, reason) in RULES.items()
        if option in given[question]
    }


def offers(
    frameworks: Sequence[tuple[str, str, str, str]], suggested: dict[str, str]
) -> list[FrameworkOffer]:
    """(key, name, standing, standing note) of each available framework, as the page explains
    it."""
    return [
        FrameworkOffer(
            key,
            name,
            standing_label(standing),
            standing_line(standing),
            suggested.get(key, ""),
            note,
        )
        for key, name, standing, note in frameworks
    ]
