"""Checks of an answers file beyond its shape (docs/answers-format.md): how large a file the
current question bank can need, and whether the system's name and description can be kept.

The size limit is derived, not chosen: a file holding every question of the published bank
with every field at its limit (assessments/limits.py) and every character at its longest JSON
form still imports, so the export of any assessment the application accepts imports again.
"""

from __future__ import annotations

from .limits import (
    MAX_JSON_BYTES_PER_CHARACTER,
    MAX_SYSTEM_DESCRIPTION,
    MAX_SYSTEM_NAME,
    answer_max_characters,
    text_problem,
)
from .models import FrameworkVersion, Question

FILE_OVERHEAD_BYTES = 64_000  # the format's own keys, framework labels, indentation
ANSWER_OVERHEAD_BYTES = 2_000  # one answer's keys, framework and question keys, indentation
FORM_OVERHEAD_BYTES = 64_000  # the multipart envelope of the upload form


def answers_file_max_bytes() -> int:
    """The size of the largest answers file an assessment on the published bank can export."""
    questions = Question.objects.filter(version__status=FrameworkVersion.Status.PUBLISHED).count()
    per_answer = answer_max_characters() * MAX_JSON_BYTES_PER_CHARACTER + ANSWER_OVERHEAD_BYTES
    system = (MAX_SYSTEM_NAME + MAX_SYSTEM_DESCRIPTION) * MAX_JSON_BYTES_PER_CHARACTER
    return FILE_OVERHEAD_BYTES + system + questions * per_answer


def answers_upload_max_bytes() -> int:
    """The largest request the answers upload takes: the largest file and the form around it."""
    return answers_file_max_bytes() + FORM_OVERHEAD_BYTES


def system_problem(name: str, description: str) -> str | None:
    """Why the system's name or description cannot be kept, or None."""
    return text_problem(name, "system name", MAX_SYSTEM_NAME) or text_problem(
        description, "system description", MAX_SYSTEM_DESCRIPTION
    )
