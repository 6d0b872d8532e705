"""Staff administration of the question bank: sources, frameworks, versions, sections, questions.

A published version is shown read-only; admins start a draft from it, edit the draft (options
inline with their question, questions inline with their section, sections inline with their
version), check and publish it (the same validation as the files), compare any two versions,
and download a version as YAML files to put back under fixtures/. The pages of those steps are
in `views/bank_admin.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .bank.validation import validate_draft
from .models import (
    Framework,
    FrameworkVersion,
    Jurisdiction,
    NegativeListCategory,
    Option,
    Question,
    Section,
    Source,
)
from .services.question_bank import framework_version_new_draft
from .views import bank_admin


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
    list_display = ["key", "name", "kind", "standing", "order"]
    list_filter = ["kind", "standing"]
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
    actions = ["publish", "new_draft", "download_yaml"]
    change_form_template = "admin/assessments/frameworkversion/change_form.html"

    def version_of(self, obj: Any) -> FrameworkVersion | None:
        return obj if isinstance(obj, FrameworkVersion) else None

    @admin.display(description="Questions")
    def question_count(self, obj: FrameworkVersion) -> int:
        return obj.questions.count()

    def get_urls(self) -> list[Any]:
        def view(function: Any) -> Any:
            return self.admin_site.admin_view(function)

        name = "assessments_frameworkversion"
        return [
            path("<int:pk>/publish/", view(bank_admin.publish), name=f"{name}_publish"),
            path("<int:pk>/diff/", view(bank_admin.diff), name=f"{name}_diff"),
            path("<int:pk>/download/", view(bank_admin.download), name=f"{name}_download"),
            *super().get_urls(),
        ]

    def _one(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> Any:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.WARNING)
            return None
        return queryset.get()

    @admin.action(description="Check and publish the selected draft")
    def publish(
        self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]
    ) -> HttpResponse | None:
        version = self._one(request, queryset)
        if version is None:
            return None
        url = reverse("admin:assessments_frameworkversion_publish", args=[version.pk])
        return HttpResponseRedirect(url)

    @admin.action(description="New draft from the selected version")
    def new_draft(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> None:
        for version in queryset:
            draft = framework_version_new_draft(version=version)
            self.message_user(request, f"Created draft {draft.framework.key} {draft.label}.")

    @admin.action(description="Download as YAML (a zip in the layout of fixtures/)")
    def download_yaml(
        self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]
    ) -> HttpResponse | None:
        version = self._one(request, queryset)
        if version is None:
            return None
        url = reverse("admin:assessments_frameworkversion_download", args=[version.pk])
        return HttpResponseRedirect(url)


class OptionInline(LockedInline):
    model = Option
    fields = ["order", "key", "label", "points", "meaning", "effects"]


class QuestionInline(LockedInline):
    model = Question
    fields = ["position", "key", "text", "kind", "weight", "required", "basis"]
    show_change_link = True


@admin.register(Section)
class SectionAdmin(LockedAdmin):
    list_display = ["key", "title", "version", "order", "weight"]
    list_filter = ["version__framework", "version__status", "version"]
    search_fields = ["key", "title", "summary"]
    inlines = [QuestionInline]

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
        "basis",
        "preview_link",
    ]
    list_filter = [
        "version__framework",
        "version",
        "section__key",
        "source",
        "basis",
        "kind",
        "required",
    ]
    search_fields = ["key", "text", "guidance", "remediation", "quote", "finding"]
    list_select_related = ["version__framework", "section"]
    filter_horizontal = ["supporting_sources"]
    readonly_fields = ["publish_checks"]
    inlines = [OptionInline]

    def version_of(self, obj: Any) -> FrameworkVersion | None:
        return obj.version if isinstance(obj, Question) else None

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        """A question moves only between the sections of its own version."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        match = request.resolver_match
        pk = match.kwargs.get("object_id") if match else None
        if db_field.name == "section" and field is not None and pk:
            field.queryset = Section.objects.filter(version__questions__pk=pk)
        return field

    @admin.display(description="Text")
    def short_text(self, obj: Question) -> str:
        return obj.text[:80]

    @admin.display(description="Preview")
    def preview_link(self, obj: Question) -> str:
        url = reverse("admin:assessments_question_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview</a>', url)

    @admin.display(description="Checks before publishing")
    def publish_checks(self, obj: Question) -> str:
        """The problems the publish check finds in this question (drafts only)."""
        if obj.pk is None or obj.version.is_locked:
            return "Published: no further checks."
        problems = [p for p in validate_draft(obj.version) if p.question == obj.key]
        if not problems:
            return "No problem found."
        items = format_html_join("", "<li>{}</li>", ((p.message,) for p in problems))
        return format_html('<ul class="errorlist">{}</ul>', items)

    def get_urls(self) -> list[Any]:
        preview = self.admin_site.admin_view(bank_admin.question_preview)
        return [
            path("<int:pk>/preview/", preview, name="assessments_question_preview"),
            *super().get_urls(),
        ]


class CategoryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NegativeListCategory
    extra = 0


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "name", "is_example"]
    inlines = [CategoryInline]
