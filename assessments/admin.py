"""Staff-only administration of the question bank, organisations and (read-only) assessments."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .bank.export import export_files
from .models import (
    Answer,
    Assessment,
    Framework,
    FrameworkVersion,
    Jurisdiction,
    Membership,
    NegativeListCategory,
    Option,
    Organisation,
    Question,
    Section,
    Source,
)
from .selectors import bank_for_versions
from .services.question_bank import framework_version_new_draft, framework_version_publish
from .views.questions import preview_item, render_questions


def _locked(version: FrameworkVersion | None) -> bool:
    return version is not None and version.is_locked


class LockedInline(admin.TabularInline):  # type: ignore[type-arg]
    """Inlines of a published version show their rows but allow no change."""

    extra = 0

    def _parent_locked(self, obj: Any) -> bool:
        version = obj if isinstance(obj, FrameworkVersion) else getattr(obj, "version", None)
        return _locked(version)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._parent_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._parent_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._parent_locked(obj) and super().has_delete_permission(request, obj)


class LockedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows of a published version are shown read-only and cannot be deleted."""

    def version_of(self, obj: Any) -> FrameworkVersion | None:
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(self.version_of(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(self.version_of(obj)) and super().has_delete_permission(request, obj)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "authors", "title", "chapter", "pages"]
    list_filter = ["kind", "chapter"]
    search_fields = ["key", "title", "authors"]
    readonly_fields = ["formatted_citation"]

    @admin.display(description="Citation")
    def formatted_citation(self, obj: Source) -> str:
        return obj.citation()


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "name", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["key", "name"]


class SectionInline(LockedInline):
    model = Section
    fields = ["order", "key", "title", "weight", "source", "quote"]
    show_change_link = True


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(LockedAdmin):
    list_display = ["framework", "label", "status", "published_on", "question_count"]
    list_filter = ["status", "framework"]
    search_fields = ["framework__key", "framework__name", "label", "changelog"]
    inlines = [SectionInline]
    actions = ["publish", "new_draft", "export_yaml"]

    def version_of(self, obj: Any) -> FrameworkVersion | None:
        return obj if isinstance(obj, FrameworkVersion) else None

    @admin.display(description="Questions")
    def question_count(self, obj: FrameworkVersion) -> int:
        return obj.questions.count()

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> None:
        for version in queryset:
            try:
                framework_version_publish(version=version)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"Published {version.framework.key} {version.label}.")

    @admin.action(description="New draft from the selected version")
    def new_draft(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> None:
        for version in queryset:
            draft = framework_version_new_draft(version=version)
            self.message_user(request, f"Created draft {draft.framework.key} {draft.label}.")

    @admin.action(description="Export the selected version as YAML")
    def export_yaml(
        self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to export.", messages.WARNING)
            return None
        version = queryset.get()
        files = export_files(FrameworkVersion.objects.filter(pk=version.pk))
        name = f"frameworks/{version.framework.key}/{version.label}.yaml"
        response = HttpResponse(files[name], content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{version.framework.key}-{version.label}.yaml"'
        )
        return response


class OptionInline(LockedInline):
    model = Option
    fields = ["order", "key", "label", "points", "meaning", "effects"]


@admin.register(Section)
class SectionAdmin(LockedAdmin):
    list_display = ["key", "title", "version", "order", "weight"]
    list_filter = ["version__framework", "version__status"]
    search_fields = ["key", "title", "summary"]

    def version_of(self, obj: Any) -> FrameworkVersion | None:
        return obj.version if isinstance(obj, Section) else None


@admin.register(Question)
class QuestionAdmin(LockedAdmin):
    list_display = [
        "key",
        "short_text",
        "version",
        "section",
        "kind",
        "weight",
        "required",
        "preview_link",
    ]
    list_filter = ["version__framework", "version__status", "kind", "required"]
    search_fields = ["key", "text", "guidance", "remediation", "quote"]
    list_select_related = ["version__framework", "section"]
    filter_horizontal = ["supporting_sources"]
    inlines = [OptionInline]

    def version_of(self, obj: Any) -> FrameworkVersion | None:
        return obj.version if isinstance(obj, Question) else None

    @admin.display(description="Text")
    def short_text(self, obj: Question) -> str:
        return obj.text[:80]

    @admin.display(description="Preview")
    def preview_link(self, obj: Question) -> str:
        url = reverse("admin:assessments_question_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def get_urls(self) -> list[Any]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="assessments_question_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> TemplateResponse:
        """The question as an assessor will see it, with its guidance and citation."""
        question = get_object_or_404(
            Question.objects.select_related("version__framework", "source"), pk=pk
        )
        bank = bank_for_versions([question.version])
        bank_question = bank.question((question.version.framework.key, question.key))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {question.key}",
            "question": bank_question,
            "question_html": render_questions([preview_item(bank_question)], can_edit=True),
            "source": question.source,
            "opts": self.model._meta,
            "preview": True,
        }
        return TemplateResponse(request, "admin/assessments/question_preview.html", context)


class CategoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NegativeListCategory
    extra = 0


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "name", "is_example"]
    inlines = [CategoryInline]


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
