"""Forms of the plan page: an action, and the plan's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from assessments.limits import MAX_ACTION_TITLE, MAX_REASON, StorableText
from assessments.models import Action
from assessments.services.actions import ActionFields

from .selectors import PlanFilters


class OwnerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else str(obj.username)


def _owner_field(form: forms.Form) -> OwnerChoice:
    field = form.fields["owner"]
    assert isinstance(field, OwnerChoice)
    return field


class ActionForm(forms.Form):
    title = forms.CharField(
        max_length=MAX_ACTION_TITLE,
        validators=[StorableText("title")],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What will be done; prefilled from the finding's remediation.",
    )
    owner = OwnerChoice(queryset=User.objects.none(), required=False, empty_label="No owner yet")
    due = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(choices=Action.Status.choices)
    reason = forms.CharField(
        label="Why the risk is accepted",
        required=False,
        max_length=MAX_REASON,
        validators=[StorableText("reason")],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only with “Risk accepted”, which only an owner of the organisation can choose.",
    )

    def __init__(self, *args: Any, members: QuerySet[User], may_accept: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _owner_field(self).queryset = members
        if not may_accept:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = [c for c in Action.Status.choices if c[0] != "risk_accepted"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Action.Status.RISK_ACCEPTED and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the risk is accepted.")
        return data

    def action_fields(self) -> ActionFields:
        data = self.cleaned_data
        return ActionFields(
            data["title"], data["owner"], data["due"], data["status"], data["reason"]
        )


SMALL_SELECT = {"class": "form-select form-select-sm"}


class PlanFiltersForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Action.Status.choices],
        required=False,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    owner = OwnerChoice(
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    framework = forms.ChoiceField(
        choices=[("", "Any framework")], required=False, widget=forms.Select(attrs=SMALL_SELECT)
    )
    overdue = forms.BooleanField(
        label="Overdue only",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self, *args: Any, members: QuerySet[User], frameworks: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        _owner_field(self).queryset = members
        framework = self.fields["framework"]
        assert isinstance(framework, forms.ChoiceField)
        framework.choices = [("", "Any framework"), *frameworks]

    def filters(self) -> PlanFilters:
        if not self.is_valid():
            return PlanFilters()
        data = self.cleaned_data
        owner = data["owner"]
        return PlanFilters(
            status=data["status"],
            owner=owner.pk if owner else None,
            overdue=data["overdue"],
            framework=data["framework"],
        )
