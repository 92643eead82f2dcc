from django.contrib import admin

from .models import Presence


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    """Heartbeats, written by open plan pages only: the admin may look and delete, not add."""

    list_display = ["user", "plan", "section", "last_seen"]
    list_select_related = ["user", "plan", "section"]
    readonly_fields = ["plan", "user", "section", "last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
