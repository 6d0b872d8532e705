"""Forms read and check the shape of what people send; services decide what is stored."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import QueryDict

from .limits import MAX_EMAIL, MAX_SYSTEM_DESCRIPTION, MAX_SYSTEM_NAME
from .models import Framework, Role
from .scoring.types import AnswerValue, BankQuestion, QRef
from .services.answers import MAX_SENT_BEFORE, AnswerEdit, AnswerRejected


class AssessmentNewForm(forms.Form):
    system_name = forms.CharField(label="AI system name", max_length=MAX_SYSTEM_NAME)
    system_description = forms.CharField(
        label="Description",
        required=False,
        max_length=MAX_SYSTEM_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the system does, for whom, and how it is offered.",
    )
    frameworks = forms.MultipleChoiceField(
        label="Frameworks to include",
        widget=forms.CheckboxSelectMultiple,
        help_text="All are included unless you leave some out. The system profile is always asked.",
    )

    def __init__(
        self,
        *args: Any,
        frameworks: list[Framework],
        profile_choices: dict[str, list[tuple[str, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["frameworks"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(f.key, f.name) for f in frameworks]
        self.initial.setdefault("frameworks", [f.key for f in frameworks])
        # The profile's questions on activities and jurisdictions, when the profile in use asks
        # them: answered here, they suggest frameworks and are kept as the profile's answers.
        for key, (label, help_text) in PROFILE_FIELDS.items():
            choices = (profile_choices or {}).get(key)
            if choices:
                self.fields[key] = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=help_text,
                )


PROFILE_FIELDS = {
    "activities": (
        "What does your organisation do with this system?",
        "Optional here; asked again on the profile page. Training and fine-tuning change a "
        "model's weights; building on a supplier's model through its API or a licence does not.",
    ),
    "jurisdictions": (
        "Where is the system developed, provided or used?",
        "Optional here; asked again on the profile page.",
    ),
}


# Answers: parsed here, validated by the answer service ------------------------------------

SINGLE_FIELDS = ("text", "note", "reason", "evidence", "version")
MAX_VERSION_DIGITS = 9
MAX_PAIRS = 500
UNCONFIRMED_SHAPE = (
    "The answers sent earlier ('unconfirmed') are not in the page's format: "
    "a JSON list of at most {max} lists of [field, value] pairs of text."
)


def answer_name(ref: QRef) -> str:
    """The fields of a question on the page are named '<framework>.<question>-<field>'."""
    return f"{ref[0]}.{ref[1]}"


def answer_prefix(question: BankQuestion) -> str:
    return answer_name(question.ref) + "-"


def answer_typed(data: QueryDict, question: BankQuestion) -> AnswerValue:
    """What the page sent for the question, as typed (to show again beside a refusal)."""
    prefix = answer_prefix(question)

    def text(name: str) -> str:
        return str(data.get(prefix + name, "")).replace("\r\n", "\n")

    return AnswerValue(
        choices=tuple(data.getlist(prefix + "choices")),
        text=text("text"),
        note=text("note"),
        reason=text("reason"),
        evidence=tuple(text("evidence").split("\n")),
    )


def answer_edit_from_post(
    data: QueryDict, *, question: BankQuestion, unconfirmed: bool = False
) -> AnswerEdit:
    """The edit one question's fields ask for (with `unconfirmed`, also the values the page
    sent earlier without a reply); AnswerRejected naming the field when a field is not shaped
    as the page sends it. Only parses: the answer service decides what is stored."""
    prefix = answer_prefix(question)
    names = [prefix + name for name in SINGLE_FIELDS] + (["unconfirmed"] if unconfirmed else [])
    for name in names:
        if len(data.getlist(name)) > 1:
            field = name.removeprefix(prefix)
            raise AnswerRejected(f"The field '{field}' was sent more than once.", field=field)
    raw = str(data.get("unconfirmed", "")) if unconfirmed else ""
    sent_before = _sent_before(raw, question) if raw else ()
    return AnswerEdit(
        question.ref, answer_typed(data, question), _version(data, prefix), sent_before
    )


def _version(data: QueryDict, prefix: str) -> int | None:
    raw = str(data.get(prefix + "version", "")).strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_VERSION_DIGITS):
        raise AnswerRejected(
            "The answer version the page sent is not a whole number; reload the page.",
            field="version",
        )
    return int(raw)


def _sent_before(raw: str, question: BankQuestion) -> tuple[AnswerValue, ...]:
    """The values the page sent earlier without a reply: JSON, [[[name, value], ...], ...]."""
    refused = AnswerRejected(UNCONFIRMED_SHAPE.format(max=MAX_SENT_BEFORE), field="unconfirmed")
    try:
        sent = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, too deep, or an integer too long
        raise refused from None
    if not isinstance(sent, list) or len(sent) > MAX_SENT_BEFORE:
        raise refused
    values = []
    for pairs in sent:
        if not (isinstance(pairs, list) and len(pairs) <= MAX_PAIRS and all(map(_pair, pairs))):
            raise refused
        fields = QueryDict(mutable=True)
        for name, value in pairs:
            fields.appendlist(name, value)
        values.append(answer_typed(fields, question))
    return tuple(values)


def _pair(pair: Any) -> bool:
    return isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=MAX_EMAIL)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ASSESSOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitedUserForm(UserCreationForm):  # type: ignore[type-arg]
    """A new account for someone accepting an invitation."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)
