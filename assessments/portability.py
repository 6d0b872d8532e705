"""Move one organisation between installations: a self-contained JSON document.

The document holds the organisation, its members and their accounts, invitations, AI systems,
assessments with their stored results, answers and the full answer history, and the action
plans with theirs. Questions are referred to by natural key (framework, version label, question
key), so the target must hold the same question-bank versions; rendered PDFs are caches and are
not exported.

Left out: invitation tokens (a live token is a key to the organisation; import gives every
invitation a new one), and password hashes unless asked for (`include_password_hashes`, for a
migration): members of the new installation set a password through "Forgotten your password?".
Import checks every value of the file first (portability_schema.py) and writes nothing unless
all of it can be imported.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    AISystem,
    Answer,
    Assessment,
    FrameworkVersion,
    Invitation,
    Membership,
    Organisation,
    Question,
)
from .plan.portability import actions_document, actions_from_document
from .portability_schema import organisation_file_problems
from .portability_signoff import sign_offs_document, sign_offs_from_document

FORMAT = "govcheck.organisation"
VERSION = 1
HistoricalAnswer = Answer.history.model


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def organisation_export(
    *, organisation: Organisation, include_password_hashes: bool = False
) -> dict[str, Any]:
    """Everything that belongs to one organisation, ids replaced by keys or local numbers;
    password hashes only when asked for, invitation tokens never."""
    users: dict[int, str] = {}

    def user_ref(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in users:
            users[user_id] = User.objects.get(pk=user_id).username
        return users[user_id]

    memberships = list(organisation.memberships.select_related("user").order_by("user__username"))
    systems = list(organisation.systems.order_by("pk"))
    answers = list(Answer.objects.filter(assessment__organisation=organisation).order_by("pk"))
    # Local numbers instead of database ids, so that export, import, export is identical.
    system_no = {s.pk: n for n, s in enumerate(systems, start=1)}
    answer_no = {a.pk: n for n, a in enumerate(answers, start=1)}
    for membership in memberships:
        users[membership.user_id] = membership.user.username
    assessments = list(
        organisation.assessments.select_related("system")
        .prefetch_related("framework_versions__framework")
        .order_by("pk")
    )
    assessment_no = {a.pk: n for n, a in enumerate(assessments, start=1)}
    questions = {
        q.pk: [q.version.framework.key, q.version.label, q.key]
        for q in Question.objects.filter(answers__assessment__organisation=organisation)
        .select_related("version__framework")
        .distinct()
    }
    history = HistoricalAnswer.objects.filter(assessment__organisation=organisation).order_by(
        "history_date", "history_id"
    )
    questions.update(
        {
            q.pk: [q.version.framework.key, q.version.label, q.key]
            for q in Question.objects.filter(
                pk__in={h.question_id for h in history}
            ).select_related("version__framework")
        }
    )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "organisation": {
            "name": organisation.name,
            "slug": organisation.slug,
            "created_at": _time(organisation.created_at),
            "requires_approval": organisation.requires_approval,
        },
        "systems": [
            {
                "id": system_no[s.pk],
                "name": s.name,
                "description": s.description,
                "created_at": _time(s.created_at),
            }
            for s in systems
        ],
        "assessments": [
            {
                "id": assessment_no[a.pk],
                "system": system_no[a.system_id],
                "round": a.round,
                "status": a.status,
                "previous": assessment_no.get(a.previous_id or 0),
                "versions": sorted([v.framework.key, v.label] for v in a.framework_versions.all()),
                "revision": a.revision,
                "created_by": user_ref(a.created_by_id),
                "created_at": _time(a.created_at),
                "updated_at": _time(a.updated_at),
                "submitted_at": _time(a.submitted_at),
                "submitted_by": user_ref(a.submitted_by_id),
                "results": a.results,
                "scoring_rules_version": a.scoring_rules_version,
                "approval_required": a.approval_required,
                "approved_by": user_ref(a.approved_by_id),
                "approved_at": _time(a.approved_at),
                "returned_by": user_ref(a.returned_by_id),
                "returned_at": _time(a.returned_at),
                "return_comment": a.return_comment,
            }
            for a in assessments
        ],
        "answers": [
            {
                "id": answer_no[x.pk],
                "assessment": assessment_no[x.assessment_id],
                "question": questions[x.question_id],
                "choices": x.choices,
                "text": x.text,
                "note": x.note,
                "reason": x.reason,
                "evidence": x.evidence,
                "version": x.version,
                "updated_by": user_ref(x.updated_by_id),
                "updated_at": _time(x.updated_at),
            }
            for x in answers
        ],
        "history": [
            {
                "answer": answer_no.setdefault(h.id, len(answer_no) + 1),
                "assessment": assessment_no[h.assessment_id],
                "question": questions[h.question_id],
                "choices": h.choices,
                "text": h.text,
                "note": h.note,
                "reason": h.reason,
                "evidence": h.evidence,
                "version": h.version,
                "updated_by": user_ref(h.updated_by_id),
                "date": _time(h.history_date),
                "type": h.history_type,
                "change_reason": h.history_change_reason,
                "user": user_ref(h.history_user_id),
            }
            for h in history
        ],
        "invitations": [
            {
                "email": i.email,
                "role": i.role,
                "invited_by": user_ref(i.invited_by_id),
                "created_at": _time(i.created_at),
                "expires_at": _time(i.expires_at),
                "accepted_at": _time(i.accepted_at),
                "accepted_by": user_ref(i.accepted_by_id),
            }
            for i in organisation.invitations.order_by("created_at", "pk")
        ],
    }
    document["actions"] = actions_document(
        organisation=organisation, assessment_no=assessment_no, user_ref=user_ref
    )
    document["sign_offs"] = sign_offs_document(
        organisation=organisation, assessment_no=assessment_no, user_ref=user_ref
    )
    document["members"] = [{"username": m.user.username, "role": m.role} for m in memberships]
    document["users"] = [
        {
            "username": u.username,
            "email": u.email,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "is_active": u.is_active,
        }
        | ({"password": u.password} if include_password_hashes else {})
        for u in User.objects.filter(pk__in=users).order_by("username")
    ]
    return document


class ImportRefused(ValidationError):
    """The document cannot be imported here; the message says why. Nothing was created."""


@transaction.atomic
def organisation_import(*, document: dict[str, Any]) -> Organisation:
    """Recreate an exported organisation. Existing users with the same username are reused.
    ImportRefused, with nothing written, naming the problems when any value is not valid."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f"Not a {FORMAT} document.")
    if document.get("version") != VERSION:
        raise ImportRefused(f"Not a {FORMAT} version {VERSION} document.")
    problems = organisation_file_problems(document)
    if problems:
        raise ImportRefused(problems)
    slug = document["organisation"]["slug"]
    if Organisation.objects.filter(slug=slug).exists():
        raise ImportRefused(f"An organisation with the slug '{slug}' already exists here.")
    versions = _versions(document)
    questions = _questions(document)
    users = _users(document["users"])
    org_data = document["organisation"]
    organisation = Organisation.objects.create(
        name=org_data["name"],
        slug=slug,
        requires_approval=org_data.get("requires_approval", False),
    )
    Organisation.objects.filter(pk=organisation.pk).update(
        created_at=_parse_time(org_data["created_at"])
    )
    for member in document["members"]:
        Membership.objects.create(
            user=users[member["username"]], organisation=organisation, role=member["role"]
        )
    systems = {}
    for s in document["systems"]:
        systems[s["id"]] = AISystem.objects.create(
            organisation=organisation, name=s["name"], description=s["description"]
        )
        AISystem.objects.filter(pk=systems[s["id"]].pk).update(
            created_at=_parse_time(s["created_at"])
        )
    assessments = _assessments(document, organisation, systems, versions, users)
    answers = _answers(document, assessments, questions, users)
    _history(document, assessments, answers, questions, users)
    actions_from_document(document.get("actions", []), assessments, users)
    sign_offs_from_document(document.get("sign_offs"), assessments, users)
    for i in document["invitations"]:
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=i["email"],
            role=i["role"],
            token=secrets.token_urlsafe(32),  # a copied token would open the original's door
            invited_by=users.get(i["invited_by"] or ""),
            expires_at=dt.datetime.fromisoformat(i["expires_at"]),
            accepted_at=_parse_time(i["accepted_at"]),
            accepted_by=users.get(i["accepted_by"] or ""),
        )
        Invitation.objects.filter(pk=invitation.pk).update(created_at=_parse_time(i["created_at"]))
    return organisation


def _versions(document: dict[str, Any]) -> dict[tuple[str, str], FrameworkVersion]:
    wanted = {tuple(v) for a in document["assessments"] for v in a["versions"]}
    found = {
        (v.framework.key, v.label): v
        for v in FrameworkVersion.objects.select_related("framework")
        if (v.framework.key, v.label) in wanted
    }
    missing = sorted(wanted - set(found))
    if missing:
        names = ", ".join(f"{f} {label}" for f, label in missing)
        raise ImportRefused(f"Load these question-bank versions first: {names}.")
    return found


def _questions(document: dict[str, Any]) -> dict[tuple[str, str, str], Question]:
    wanted = {tuple(x["question"]) for x in [*document["answers"], *document["history"]]}
    found = {
        (q.version.framework.key, q.version.label, q.key): q
        for q in Question.objects.select_related("version__framework").filter(
            key__in={w[2] for w in wanted}
        )
    }
    missing = sorted(wanted - set(found))
    if missing:
        raise ImportRefused(
            f"Unknown question {'/'.join(missing[0])} (and {len(missing) - 1} more)."
        )
    return found


def _users(rows: list[dict[str, Any]]) -> dict[str, User]:
    users = {}
    for row in rows:
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = User(
                username=row["username"],
                email=row["email"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                is_active=row["is_active"],
            )
            if row.get("password"):
                user.password = row["password"]
            else:
                user.set_unusable_password()  # they choose one through password reset
            user.save()
        users[row["username"]] = user
    return users


def _assessments(
    document: dict[str, Any],
    organisation: Organisation,
    systems: dict[int, AISystem],
    versions: dict[tuple[str, str], FrameworkVersion],
    users: dict[str, User],
) -> dict[int, Assessment]:
    created: dict[int, Assessment] = {}
    for a in document["assessments"]:
        assessment = Assessment.objects.create(
            organisation=organisation,
            system=systems[a["system"]],
            round=a["round"],
            status=a["status"],
            revision=a["revision"],
            results=a["results"],
            scoring_rules_version=a["scoring_rules_version"],
            created_by=users.get(a["created_by"] or ""),
            submitted_by=users.get(a["submitted_by"] or ""),
            submitted_at=_parse_time(a["submitted_at"]),
            approval_required=a.get("approval_required", False),
            approved_by=users.get(a.get("approved_by") or ""),
            approved_at=_parse_time(a.get("approved_at")),
            returned_by=users.get(a.get("returned_by") or ""),
            returned_at=_parse_time(a.get("returned_at")),
            return_comment=a.get("return_comment", ""),
        )
        assessment.framework_versions.set([versions[tuple(v)] for v in a["versions"]])
        created[a["id"]] = assessment
    for a in document["assessments"]:
        Assessment.objects.filter(pk=created[a["id"]].pk).update(
            previous=created.get(a["previous"]) if a["previous"] else None,
            created_at=_parse_time(a["created_at"]),
            updated_at=_parse_time(a["updated_at"]),
        )
    return created


def _answers(
    document: dict[str, Any],
    assessments: dict[int, Assessment],
    questions: dict[tuple[str, str, str], Question],
    users: dict[str, User],
) -> dict[int, int]:
    rows = [
        Answer(
            assessment=assessments[x["assessment"]],
            question=questions[tuple(x["question"])],
            choices=x["choices"],
            text=x["text"],
            note=x["note"],
            reason=x["reason"],
            evidence=x["evidence"],
            version=x["version"],
            updated_by=users.get(x["updated_by"] or ""),
        )
        for x in document["answers"]
    ]
    created = Answer.objects.bulk_create(rows)  # no history rows: history is imported as is
    mapping = {}
    for x, answer in zip(document["answers"], created, strict=True):
        mapping[x["id"]] = answer.pk
        Answer.objects.filter(pk=answer.pk).update(updated_at=_parse_time(x["updated_at"]))
    return mapping


def _history(
    document: dict[str, Any],
    assessments: dict[int, Assessment],
    answers: dict[int, int],
    questions: dict[tuple[str, str, str], Question],
    users: dict[str, User],
) -> None:
    next_id = -1
    rows = []
    for h in document["history"]:
        answer_id = answers.get(h["answer"])
        if answer_id is None:  # the answer was deleted since; keep its history under a new id
            answers[h["answer"]] = answer_id = next_id
            next_id -= 1
        rows.append(
            HistoricalAnswer(
                id=answer_id,
                assessment=assessments[h["assessment"]],
                question=questions[tuple(h["question"])],
                choices=h["choices"],
                text=h["text"],
                note=h["note"],
                reason=h["reason"],
                evidence=h["evidence"],
                version=h["version"],
                updated_by=users.get(h["updated_by"] or ""),
                history_date=_parse_time(h["date"]),
                history_type=h["type"],
                history_change_reason=h["change_reason"],
                history_user=users.get(h["user"] or ""),
            )
        )
    HistoricalAnswer.objects.bulk_create(rows)
