from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations, as owners see them on the members page; the link's token is never stored."""

    list_display = ["email", "project", "role", "invited_by", "sent_at", "expires_at", "state"]
    list_filter = ["role", "project"]
    search_fields = ["email", "project__name"]
    readonly_fields = [field.name for field in Invitation._meta.fields]
    list_select_related = ["project", "invited_by"]

    def has_add_permission(self, request):
        return False
