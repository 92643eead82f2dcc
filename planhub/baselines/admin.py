"""Frozen versions in the admin: read-only (a version is never changed, added or deleted here)."""

from django.contrib import admin

from .models import FrozenSection, PlanVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "plan", "frozen_by_name", "frozen_at", "content_hash")
    list_select_related = ("plan",)
    search_fields = ("name", "title")


@admin.register(FrozenSection)
class FrozenSectionAdmin(ReadOnlyAdmin):
    list_display = ("heading", "version", "position", "section_version", "status")
    list_select_related = ("version",)
