from django.contrib import admin

from .models import Comment, ReviewRequest, SectionDecision, SignOff


class RecordAdmin(admin.ModelAdmin):
    """Decisions are the proof of a review: the admin may look, not add or change them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SectionDecision)
class SectionDecisionAdmin(RecordAdmin):
    list_display = ["section", "reviewer", "decision", "version", "created_at"]
    list_filter = ["decision"]
    list_select_related = ["section", "reviewer"]
    search_fields = ["section__heading", "reviewer__username"]


@admin.register(SignOff)
class SignOffAdmin(RecordAdmin):
    list_display = [
        "slot",
        "printed_name",
        "decision",
        "identity_check",
        "content_hash",
        "created_at",
    ]
    list_filter = ["decision"]
    list_select_related = ["slot", "user"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "section", "author", "created_at", "resolved_at"]
    list_select_related = ["section", "author"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["section", "author", "parent", "resolved_by"]

    def save_model(self, request, obj, form, change):
        if "body" in form.changed_data:  # the stored HTML follows the text
            obj.body_html = obj.rendered(obj.body).html
        super().save_model(request, obj, form, change)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(RecordAdmin):
    list_display = ["plan", "requested_by", "reviewer", "due", "created_at", "cancelled_at"]
    list_select_related = ["plan", "requested_by", "reviewer"]
    search_fields = ["plan__title", "reviewer__username"]
