"""The organisation file's schema (assessments/portability.py), checked before anything is
written: every value typed, bounded and cross-referenced, so a file either imports whole or is
refused with the places that are wrong.

Strict models that forbid unknown fields; text within the limits of the fields it fills
(assessments/limits.py); references (systems, assessments, previous rounds, users) resolved
inside the file; stored results readable as results.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .json_input import JSONRefused, json_check
from .limits import (
    MAX_ACTION_TITLE,
    MAX_EMAIL,
    MAX_EVIDENCE_LINKS,
    MAX_LINK,
    MAX_NOTE,
    MAX_ORGANISATION_NAME,
    MAX_REASON,
    MAX_SYSTEM_DESCRIPTION,
    MAX_SYSTEM_NAME,
    MAX_TEXT,
)
from .scoring.results import Results
from .services.signoff import MAX_COMMENT

SMALL = 32767
LARGE = 2_147_483_647
MAX_NAME = 150  # Django's username, first and last name


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("a date and time written as text, such as 2024-05-01T09:30:00+00:00")
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("a date and time with its offset from UTC, such as +00:00")
    return value


def _username(value: str) -> str:
    try:
        UnicodeUsernameValidator()(value)
    except DjangoValidationError:
        raise ValueError("not a username (letters, digits and @ . + - _ only)") from None
    return value


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("not an email address") from None
    return value


def _password_hash(value: str) -> str:
    try:
        identify_hasher(value)
    except ValueError:
        raise ValueError("not a password hash this installation can read") from None
    return value


def _results(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None:
        try:
            Results.from_json(value).to_json()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValueError("not results this version can read") from None
    return value


def _text(limit: int, least: int = 0) -> StringConstraints:
    return StringConstraints(min_length=least, max_length=limit)


Key = Annotated[str, _text(100, 1)]
Label = Annotated[str, _text(20, 1)]
OrganisationName = Annotated[str, _text(MAX_ORGANISATION_NAME, 1)]
SystemName = Annotated[str, _text(MAX_SYSTEM_NAME, 1)]
Description = Annotated[str, _text(MAX_SYSTEM_DESCRIPTION)]
AnswerText = Annotated[str, _text(MAX_TEXT)]
Note = Annotated[str, _text(MAX_NOTE)]
Reason = Annotated[str, _text(MAX_REASON)]
Link = Annotated[str, _text(MAX_LINK)]
PersonName = Annotated[str, _text(MAX_NAME)]
Short = Annotated[str, _text(100)]
RulesVersion = Annotated[str, _text(20)]
Time = Annotated[dt.datetime, BeforeValidator(_iso_text), AfterValidator(_aware)]
Id = Annotated[int, Field(ge=1, le=LARGE)]
Username = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_NAME), AfterValidator(_username)
]
Email = Annotated[str, StringConstraints(max_length=MAX_EMAIL), AfterValidator(_email)]
RoleName = Literal["owner", "assessor", "viewer"]
QuestionKey = Annotated[tuple[Key, Key, Key], Field(strict=False)]  # a JSON list
Links = Annotated[list[Link], Field(max_length=MAX_EVIDENCE_LINKS)]
Choices = Annotated[list[Key], Field(max_length=100)]
PasswordHash = Annotated[str, _text(128, 1), AfterValidator(_password_hash)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class OrganisationRow(Strict):
    name: OrganisationName
    slug: Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]{1,60}$")]
    created_at: Time = Field(strict=False)
    requires_approval: bool = False  # absent from files written before sign-off


class SystemRow(Strict):
    id: Id
    name: SystemName
    description: Description
    created_at: Time = Field(strict=False)


class AssessmentRow(Strict):
    id: Id
    system: Id
    round: Annotated[int, Field(ge=1, le=SMALL)]
    status: Literal["draft", "submitted"]
    previous: Id | None
    versions: list[Annotated[tuple[Key, Label], Field(strict=False)]]
    revision: Annotated[int, Field(ge=0, le=LARGE)]
    created_by: Username | None
    created_at: Time = Field(strict=False)
    updated_at: Time = Field(strict=False)
    submitted_at: Time | None = Field(strict=False)
    submitted_by: Username | None
    results: Annotated[dict[str, Any] | None, AfterValidator(_results)]
    scoring_rules_version: RulesVersion
    # Sign-off; absent from files written before it existed.
    approval_required: bool = False
    approved_by: Username | None = None
    approved_at: Time | None = Field(default=None, strict=False)
    returned_by: Username | None = None
    returned_at: Time | None = Field(default=None, strict=False)
    return_comment: Reason = ""


class AnswerFields(Strict):
    assessment: Id
    question: QuestionKey
    choices: Choices
    text: AnswerText
    note: Note
    reason: Reason
    evidence: Links
    version: Annotated[int, Field(ge=1, le=LARGE)]
    updated_by: Username | None


class AnswerRow(AnswerFields):
    id: Id
    updated_at: Time = Field(strict=False)


class HistoryRow(AnswerFields):
    answer: Id
    version: Annotated[int, Field(ge=0, le=LARGE)]
    date: Time = Field(strict=False)
    type: Literal["+", "~", "-"]
    change_reason: Short | None
    user: Username | None


class InvitationRow(Strict):
    email: Annotated[Email, StringConstraints(min_length=3)]
    role: RoleName
    token: str | None = None  # never used: every imported invitation gets a new token
    invited_by: Username | None
    created_at: Time = Field(strict=False)
    expires_at: Time = Field(strict=False)
    accepted_at: Time | None = Field(strict=False)
    accepted_by: Username | None


class MemberRow(Strict):
    username: Username
    role: RoleName


class UserRow(Strict):
    username: Username
    email: Email
    first_name: PersonName
    last_name: PersonName
    password: PasswordHash | None = None
    is_active: bool


class ActionFields(Strict):
    title: Annotated[str, _text(MAX_ACTION_TITLE, 1)]
    owner: Username | None
    due: dt.date | None = Field(strict=False)
    status: Literal["open", "in_progress", "done", "risk_accepted"]
    reason: Reason
    accepted_by: Username | None
    accepted_at: Time | None = Field(strict=False)


class ActionHistoryRow(ActionFields):
    date: Time = Field(strict=False)
    type: Literal["+", "~", "-"]
    user: Username | None


class ActionRow(ActionFields):
    id: Id
    assessment: Id
    framework: Key
    question: Key
    carried_from: Id | None
    created_by: Username | None
    created_at: Time = Field(strict=False)
    updated_at: Time = Field(strict=False)
    history: list[ActionHistoryRow]


class SignOffRow(Strict):
    assessment: Id
    step: Literal["submitted", "approved", "returned"]
    by: Username | None
    at: Time = Field(strict=False)
    comment: Annotated[str, _text(MAX_COMMENT)]


class OrganisationFile(Strict):
    format: Literal["govcheck.organisation"]
    version: Literal[1]
    organisation: OrganisationRow
    systems: list[SystemRow]
    assessments: list[AssessmentRow]
    answers: list[AnswerRow]
    history: list[HistoryRow]
    invitations: list[InvitationRow]
    members: list[MemberRow]
    users: list[UserRow]
    actions: list[ActionRow] = []  # files written before action plans have none
    sign_offs: list[SignOffRow] | None = None  # None: read from the assessments' fields

    @model_validator(mode="after")
    def references(self) -> OrganisationFile:
        _unique("systems", [s.id for s in self.systems])
        _unique("assessments", [a.id for a in self.assessments])
        _unique("answers", [x.id for x in self.answers])
        _unique("users", [u.username for u in self.users])
        _unique("members", [m.username for m in self.members])
        _unique("rounds", [(a.system, a.round) for a in self.assessments])
        _unique("answers", [(x.assessment, x.question) for x in self.answers])
        systems = {s.id for s in self.systems}
        assessments = {a.id for a in self.assessments}
        users = {u.username for u in self.users}
        for n, a in enumerate(self.assessments):
            _known(f"assessments[{n}].system", a.system, systems)
            if a.previous is not None:
                _known(f"assessments[{n}].previous", a.previous, assessments)
            for who in (a.created_by, a.submitted_by, a.approved_by, a.returned_by):
                _known(f"assessments[{n}]", who, users)
        for name, rows in (("answers", self.answers), ("history", self.history)):
            for n, x in enumerate(rows):
                _known(f"{name}[{n}].assessment", x.assessment, assessments)
                _known(f"{name}[{n}]", x.updated_by, users)
        for n, h in enumerate(self.history):
            _known(f"history[{n}].user", h.user, users)
        _action_references(self.actions, assessments, users)
        _sign_off_references(self.sign_offs or [], assessments, users)
        for n, m in enumerate(self.members):
            _known(f"members[{n}].username", m.username, users)
        for n, i in enumerate(self.invitations):
            for who in (i.invited_by, i.accepted_by):
                _known(f"invitations[{n}]", who, users)
        return self


def _action_references(rows: list[ActionRow], assessments: set[int], users: set[str]) -> None:
    _unique("actions", [row.id for row in rows])
    numbers = {row.id for row in rows}
    for n, row in enumerate(rows):
        _known(f"actions[{n}].assessment", row.assessment, assessments)
        _known(f"actions[{n}].carried_from", row.carried_from, numbers)
        for who in (row.owner, row.accepted_by, row.created_by, *(h.user for h in row.history)):
            _known(f"actions[{n}]", who, users)


def _sign_off_references(rows: list[SignOffRow], assessments: set[int], users: set[str]) -> None:
    for n, step in enumerate(rows):
        _known(f"sign_offs[{n}].assessment", step.assessment, assessments)
        _known(f"sign_offs[{n}].by", step.by, users)


def _unique(what: str, keys: list[Any]) -> None:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{what}: {key!r} appears twice")
        seen.add(key)


def _known(where: str, key: Any, known: set[Any]) -> None:
    if key is not None and key not in known:
        raise ValueError(f"{where}: {key!r} is not in the file")


def organisation_file_problems(document: Any) -> list[str]:
    """Every problem of the document, each with its place; empty when it can be imported."""
    try:
        json_check(document, refuse_null=True)
    except JSONRefused as exc:
        return [str(exc)]
    try:
        OrganisationFile.model_validate(document)
    except ValidationError as exc:
        return [_problem(e["loc"], e["msg"]) for e in exc.errors()[:20]]
    return []


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{where or 'the file'}: {message}"
