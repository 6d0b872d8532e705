"""Answers in and out as a documented JSON file (docs/answers-format.md).

Export writes one canonical file per assessment; import checks the file's shape first and then
creates a new draft through `assessment_start` and `answers_record` (strict: a file must say
exactly what is stored) in one transaction, so a refused file creates nothing. Export, import,
export gives identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from .answers_checks import answers_file_max_bytes, system_problem
from .json_input import JSONRefused, json_read
from .models import AISystem, Assessment, Framework, FrameworkVersion, Organisation
from .plan.answers_actions import (
    ActionLine,
    ActionsRefused,
    actions_export,
    actions_import,
    actions_parse,
)
from .scoring.types import PROFILE, AnswerValue
from .selectors import answers_for_assessment, bank_for_assessment, pinned_versions
from .services.answers import AnswerEdit, answers_record
from .services.assessments import (
    assessment_round_start,
    assessment_start,
    current_published_versions,
    system_name_free,
)

FORMAT = "govcheck.answers"
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)  # version 2 adds the action plan ("actions"), optional on import
TOP_FIELDS = ("format", "version", "system", "frameworks", "answers")
SYSTEM_FIELDS = ("name", "description")
ANSWER_FIELDS = ("framework", "question", "options", "text", "note", "reason", "evidence")


class AnswersFileRefused(ValueError):
    """A file that cannot be imported; the message names the problem."""


# Export --------------------------------------------------------------------------------


def answers_export(*, assessment: Assessment) -> dict[str, Any]:
    """The assessment's system, pinned versions and every stored answer, in asking order."""
    bank = bank_for_assessment(assessment)
    stored = answers_for_assessment(assessment)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "system": {"name": assessment.system.name, "description": assessment.system.description},
        "frameworks": {v.framework.key: v.label for v in pinned_versions(assessment)},
        "answers": [
            {
                "framework": q.framework,
                "question": q.key,
                "options": list(stored[q.ref].choices),
                "text": stored[q.ref].text,
                "note": stored[q.ref].note,
                "reason": stored[q.ref].reason,
                "evidence": list(stored[q.ref].evidence),
            }
            for q in bank.questions
            if q.ref in stored
        ],
        "actions": actions_export(assessment),
    }


def answers_dump(data: dict[str, Any]) -> str:
    """The canonical text of an answers file: the same data always gives the same bytes."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def answers_filename(assessment: Assessment) -> str:
    return f"answers-{assessment.pk}-round-{assessment.round}.json"


# Reading a file ------------------------------------------------------------------------


@dataclass
class AnswerLine:
    index: int
    framework: str
    question: str
    given: AnswerValue

    @property
    def where(self) -> str:
        return f"answers[{self.index}] ({self.framework}/{self.question})"


@dataclass
class AnswersFile:
    name: str
    description: str
    frameworks: dict[str, str]
    answers: list[AnswerLine] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)


def answers_parse(raw: str | bytes, *, max_bytes: int | None = None) -> AnswersFile:
    """The file's content, checked for shape and types; AnswersFileRefused otherwise."""
    try:
        data = json_read(raw, max_bytes=max_bytes or answers_file_max_bytes())
    except JSONRefused as exc:
        raise AnswersFileRefused(str(exc)) from None
    top = _fields(data, (*TOP_FIELDS, "actions"), "the file", required=TOP_FIELDS)
    if top["format"] != FORMAT:
        raise AnswersFileRefused(f"'format' must be \"{FORMAT}\", not {top['format']!r}.")
    if top["version"] not in READ_VERSIONS or isinstance(top["version"], bool):
        raise AnswersFileRefused(
            f"Format version {top['version']!r} is not supported (only 1 and {FORMAT_VERSION})."
        )
    if top["version"] == 1:
        _fields(top, TOP_FIELDS, "the file")  # actions came with version 2
    system = _fields(top["system"], SYSTEM_FIELDS, "'system'", required=("name",))
    name = _text(system["name"], "system name").strip()
    if not name:
        raise AnswersFileRefused("The system name is empty.")
    description = _text(system.get("description", ""), "system description")
    problem = system_problem(name, description)
    if problem:
        raise AnswersFileRefused(problem)
    try:
        actions = actions_parse(top.get("actions", []))
    except ActionsRefused as exc:
        raise AnswersFileRefused(str(exc)) from None
    return AnswersFile(
        name=name,
        description=description,
        frameworks=_frameworks(top["frameworks"]),
        answers=_answer_lines(top["answers"]),
        actions=actions,
    )


def _fields(
    value: Any, allowed: tuple[str, ...], what: str, required: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AnswersFileRefused(f"{what[0].upper()}{what[1:]} must be a JSON object.")
    unknown = [k for k in value if k not in allowed]
    if unknown:
        raise AnswersFileRefused(f"Unknown field(s) in {what}: {', '.join(map(str, unknown))}.")
    missing = [k for k in required if k not in value]
    if missing:
        raise AnswersFileRefused(f"Missing field(s) in {what}: {', '.join(missing)}.")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise AnswersFileRefused(f"The {what} must be text.")
    return value


def _texts(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnswersFileRefused(f"The {what} must be a list of text.")
    return list(value)


def _frameworks(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise AnswersFileRefused("'frameworks' must map each framework key to a version label.")
    for key, label in value.items():
        _text(label, f"version label of framework '{key}'")
    if not [k for k in value if k != PROFILE]:
        raise AnswersFileRefused("'frameworks' names no framework besides the profile.")
    return dict(value)


def _answer_lines(value: Any) -> list[AnswerLine]:
    if not isinstance(value, list):
        raise AnswersFileRefused("'answers' must be a list.")
    lines = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(value):
        what = f"answers[{index}]"
        raw = _fields(item, ANSWER_FIELDS, what, required=("framework", "question"))
        line = AnswerLine(
            index=index,
            framework=_text(raw["framework"], f"framework of {what}"),
            question=_text(raw["question"], f"question of {what}"),
            given=AnswerValue(
                choices=tuple(_texts(raw.get("options", []), f"options of {what}")),
                text=_text(raw.get("text", ""), f"text of {what}"),
                note=_text(raw.get("note", ""), f"note of {what}"),
                reason=_text(raw.get("reason", ""), f"reason of {what}"),
                evidence=tuple(_texts(raw.get("evidence", []), f"evidence of {what}")),
            ),
        )
        if (line.framework, line.question) in seen:
            raise AnswersFileRefused(f"{line.where}: the question is answered twice.")
        seen.add((line.framework, line.question))
        lines.append(line)
    return lines


# Checking against the question bank, and importing -------------------------------------


def _versions(frameworks: dict[str, str]) -> list[FrameworkVersion]:
    known = set(Framework.objects.filter(key__in=list(frameworks)).values_list("key", flat=True))
    unknown = sorted(set(frameworks) - known)
    if unknown:
        raise AnswersFileRefused(f"Unknown framework(s): {', '.join(unknown)}.")
    try:
        versions = current_published_versions([k for k in frameworks if k != PROFILE])
    except ValidationError as exc:
        raise AnswersFileRefused(" ".join(exc.messages)) from None
    current = {v.framework.key: v.label for v in versions}
    for key, label in frameworks.items():
        if current[key] != label:
            raise AnswersFileRefused(
                f"{key} version '{label}' is not the current published version "
                f"({current[key]}); answers can only be imported into the current one."
            )
    return versions


@transaction.atomic
def answers_import(
    *,
    organisation: Organisation,
    user: User,
    raw: str | bytes,
    round_of: AISystem | None = None,
) -> Assessment:
    """A new draft assessment holding the file's answers: the next round of `round_of`, or
    round 1 of a new system (named as in the file, marked as imported when that name is
    taken); AnswersFileRefused, with nothing created, when the file is malformed or does not
    fit the current question bank."""
    parsed = answers_parse(raw)
    _versions(parsed.frameworks)
    listed = set(parsed.frameworks)
    for line in parsed.answers:
        if line.framework not in listed:
            raise AnswersFileRefused(f"{line.where}: framework not listed in 'frameworks'.")
    keys = [k for k in parsed.frameworks if k != PROFILE]
    assessment = _import_target(organisation, user, parsed, keys, round_of)
    edits = [AnswerEdit((line.framework, line.question), line.given) for line in parsed.answers]
    recorded = answers_record(assessment=assessment, user=user, edits=edits, strict=True)
    for line in parsed.answers:
        refusal = recorded.refused.get((line.framework, line.question))
        if refusal:
            raise AnswersFileRefused(f"{line.where}: {refusal.message}")
    try:
        actions_import(assessment=assessment, user=user, lines=parsed.actions)
    except ActionsRefused as exc:
        raise AnswersFileRefused(str(exc)) from None
    return assessment


def _import_target(
    organisation: Organisation,
    user: User,
    parsed: AnswersFile,
    keys: list[str],
    round_of: AISystem | None,
) -> Assessment:
    if round_of is None:
        name = system_name_free(organisation=organisation, name=parsed.name)
        try:
            return assessment_start(
                organisation=organisation,
                user=user,
                system_name=name,
                system_description=parsed.description,
                framework_keys=keys,
            )
        except ValidationError as exc:
            raise AnswersFileRefused(" ".join(exc.messages)) from None
    if round_of.organisation_id != organisation.pk:
        raise AnswersFileRefused("That AI system belongs to another organisation.")
    try:
        return assessment_round_start(system=round_of, user=user, framework_keys=keys)
    except ValidationError as exc:
        raise AnswersFileRefused(" ".join(exc.messages)) from None
