"""Staff-only administration of organisations and (read-only) assessments; the question bank's
is in admin_bank.py."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from . import admin_bank  # noqa: F401 - registers the question bank's admin
from .models import Action, Answer, Assessment, Membership, Organisation


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Staff may look, never change what an organisation answered."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["system", "organisation", "round", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["system__name", "organisation__name"]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["assessment", "question", "version", "updated_by", "updated_at"]
    list_select_related = ["assessment__system", "question"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["assessment", "framework", "question", "title", "owner", "due", "status"]
    list_filter = ["status"]
    list_select_related = ["assessment__system", "owner"]
