from django.contrib import admin
from django.db.models import Count

from . import drafts
from .models import DiscardedDraft, Draft, DraftUpdate


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Read-only: a draft changes only through its editors (a change here would bypass the
    update log the browsers sync from)."""

    list_display = ["section", "base_version", "edited_by", "edited_at", "stored_updates"]
    list_select_related = ["section", "edited_by"]
    fields = ["section", "base_version", "created_at", "edited_at", "edited_by", "text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(update_count=Count("updates"))

    @admin.display(description="stored updates", ordering="update_count")
    def stored_updates(self, draft) -> int:
        return draft.update_count

    @admin.display(description="text")
    def text(self, draft) -> str:
        heading, body = drafts.draft_text(draft)
        return f"{heading}\n\n{body}" if heading else body

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DiscardedDraft)
class DiscardedDraftAdmin(admin.ModelAdmin):
    list_display = ["section", "base_version", "discarded_by", "discarded_at"]
    list_select_related = ["section", "discarded_by"]
    readonly_fields = [
        "section",
        "heading",
        "body",
        "base_version",
        "edited_at",
        "discarded_by",
        "discarded_at",
    ]
    exclude = ["authors"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DraftUpdate)
class DraftUpdateAdmin(admin.ModelAdmin):
    list_display = ["pk", "draft", "author", "created_at", "size"]
    list_select_related = ["draft__section", "author"]
    fields = ["draft", "author", "created_at", "size"]
    readonly_fields = fields

    @admin.display(description="bytes")
    def size(self, update) -> int:
        return len(update.data)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
