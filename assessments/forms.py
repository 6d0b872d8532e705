"""Forms validate what people type; services decide what is stored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import QueryDict

from .models import Framework, Role
from .scoring.types import NOT_APPLICABLE, BankQuestion
from .services.assessments import MAX_EVIDENCE_LINKS, MAX_TEXT, AnswerInput


class AssessmentNewForm(forms.Form):
    system_name = forms.CharField(label="AI system name", max_length=200)
    system_description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the system does, for whom, and how it is offered.",
    )
    frameworks = forms.MultipleChoiceField(
        label="Frameworks to include",
        widget=forms.CheckboxSelectMultiple,
        help_text="All are included unless you leave some out. The system profile is always asked.",
    )

    def __init__(self, *args: Any, frameworks: list[Framework], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["frameworks"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(f.key, f.name) for f in frameworks]
        self.initial.setdefault("frameworks", [f.key for f in frameworks])


class AnswerForm(forms.Form):
    """One question's fields, named '<framework>.<question>-<field>' on the page."""

    choices = forms.MultipleChoiceField(required=False)
    text = forms.CharField(required=False, strip=False, max_length=MAX_TEXT)
    note = forms.CharField(required=False, max_length=MAX_TEXT)
    reason = forms.CharField(required=False, max_length=MAX_TEXT)
    evidence = forms.CharField(required=False, max_length=MAX_TEXT)
    version = forms.IntegerField(required=False, min_value=0)

    def __init__(self, data: QueryDict, *, question: BankQuestion) -> None:
        super().__init__(data, prefix=f"{question.framework}.{question.key}")
        self.post = data
        self.question = question
        field = self.fields["choices"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(o.key, o.label) for o in question.options]

    def clean_evidence(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["evidence"].splitlines()]
        links = [link for link in links if link]
        if len(links) > MAX_EVIDENCE_LINKS:
            raise ValidationError(f"Give at most {MAX_EVIDENCE_LINKS} evidence links.")
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    f"“{link[:80]}” is not a web address; evidence links start with https://."
                ) from None
        return links

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = {
            o.key: o.meaning for o in self.question.options if o.key in data.get("choices", [])
        }
        if NOT_APPLICABLE in chosen.values() and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say briefly why this question does not apply.")
        return data

    def answer_input(self) -> AnswerInput:
        data = self.cleaned_data
        return AnswerInput(
            choices=list(data["choices"]),
            text=data["text"],
            note=data["note"],
            reason=data["reason"],
            evidence=list(data["evidence"]),
        )

    @property
    def base_version(self) -> int | None:
        value = self.cleaned_data.get("version")
        return int(value) if value is not None else None

    @property
    def is_empty(self) -> bool:
        """Nothing given at all: the no-JavaScript save skips such questions."""
        return not any(
            self.data.get(self.add_prefix(n), "").strip() for n in self.fields if n != "version"
        ) and not self.post.getlist(self.add_prefix("choices"))

    def raw_choices(self) -> list[str]:
        return self.post.getlist(self.add_prefix("choices"))

    def first_error(self) -> tuple[str, str]:
        """(field, message) of the first error, for the page to link the message to its field."""
        for name, errors in self.errors.items():
            return ("choices" if name == "__all__" else name), str(errors[0])
        return "choices", ""


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ASSESSOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitedUserForm(UserCreationForm):  # type: ignore[type-arg]
    """A new account for someone accepting an invitation."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)
