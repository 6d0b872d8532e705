"""The longest text each user-typed field keeps, and the characters no field may hold.

One home for the limits, so that forms, models, the answer service and the imports refuse the
same things with the same words, on SQLite and PostgreSQL alike (PostgreSQL cannot store a null
character; neither database can store a lone surrogate, which a JSON escape such as "\\ud800"
produces). README, "Limits", lists them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

MAX_SYSTEM_NAME = 200
MAX_SYSTEM_DESCRIPTION = 5_000
MAX_ORGANISATION_NAME = 200
MAX_EMAIL = 254
MAX_TEXT = 10_000  # a written answer
MAX_NOTE = 10_000
MAX_REASON = 2_000
MAX_ACTION_TITLE = 500
MAX_EVIDENCE_LINKS = 20
MAX_LINK = 2_000
# The longest JSON text one character can become: "\u0001" for a control character.
MAX_JSON_BYTES_PER_CHARACTER = 6


def encodable(value: str) -> bool:
    """False for text holding a lone surrogate, which no database and no page can carry."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(value: str, what: str, limit: int) -> str | None:
    """Why `value` cannot be kept as the `what` (its length, a null character or a lone
    surrogate), or None."""
    if len(value) > limit:
        return f"The {what} is {len(value):,} characters long; at most {limit:,} are kept."
    if "\x00" in value:
        return f"The {what} contains a null character (\\0)."
    if not encodable(value):
        return f"The {what} contains an invalid character (a lone surrogate such as \\ud800)."
    return None


@deconstructible
class StorableText:
    """Model and form validator: no null character, no lone surrogate."""

    def __init__(self, what: str = "text") -> None:
        self.what = what

    def __call__(self, value: str) -> None:
        problem = text_problem(str(value), self.what, limit=len(str(value)))
        if problem:
            raise ValidationError(problem, code="unstorable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StorableText) and other.what == self.what

    def __hash__(self) -> int:
        return hash(self.what)


def answer_max_characters() -> int:
    """The most characters one stored answer can hold, over all its fields."""
    return MAX_TEXT + MAX_NOTE + MAX_REASON + MAX_EVIDENCE_LINKS * MAX_LINK
