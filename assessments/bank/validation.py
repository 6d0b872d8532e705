"""The one validation of the question bank.

`validate_question_bank`, `load_question_bank` and the admin's publish action all come here: a
file is read and checked against the schema, then the checks across items run with what the
database holds. A draft edited in the admin is turned into the document its file would hold and
goes through exactly the same steps, so a draft that would fail as a file cannot be published.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from assessments.models import FrameworkVersion

from .checks import check_bank
from .db import database_context
from .documents import source_specs, version_document, version_file, with_content
from .quotes import check_recorded
from .read import read_document, read_paths
from .specs import BankFiles, Problem

QUESTION_ITEM = re.compile(r"question '([^']+)'$")


def quotes_record() -> Path:
    """The record of quotes checked against the report's text (see `check_quotes`)."""
    return Path(settings.BASE_DIR) / "fixtures" / "quotes-checked.txt"


def validate_files(files: BankFiles) -> list[Problem]:
    """Schema problems found while reading, or else the problems the checks find."""
    return list(files.problems) or check_bank(files, database_context())


def validate_paths(paths: list[Path]) -> tuple[BankFiles, list[Problem]]:
    files = read_paths(paths)
    return files, validate_files(files)


def validate_draft(version: FrameworkVersion) -> list[Problem]:
    """The problems of a version in the database, as if it were written out and validated."""
    row = with_content(FrameworkVersion.objects.filter(pk=version.pk)).get()
    files = BankFiles()
    read_document(version_file(row.framework.key, row.label), version_document(row), files)
    return validate_files(files) or _unrecorded_quotes(files)


def _unrecorded_quotes(files: BankFiles) -> list[Problem]:
    """A quote typed in the admin cannot be checked against the report here: it must be one
    already in the record of checked quotes."""
    record = quotes_record()
    text = record.read_text(encoding="utf-8") if record.is_file() else ""
    sources = {s.key: s for s in source_specs()}
    _count, found = check_recorded(record=text, files=files, sources=sources)
    problems = []
    for p in found:
        match = QUESTION_ITEM.search(p.item)
        question = match.group(1) if match else ""
        message = f'quote "{p.phrase}": {p.message}'
        problems.append(Problem(p.file, None, p.item, message, question=question))
    return problems
