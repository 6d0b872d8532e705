"""Template tags for verdicts: what would change them, as the sentences the PDF prints too."""

from __future__ import annotations

from django import template

from assessments.scoring.sentences import Verdict
from assessments.scoring.sentences import move_sentences as sentences_of

register = template.Library()


@register.simple_tag
def move_sentences(verdict: Verdict) -> tuple[str, ...]:
    """Each smallest change of answers that moves this tier, level or gate, as a sentence."""
    return sentences_of(verdict)
