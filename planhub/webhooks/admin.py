from django.contrib import admin

from .models import Delivery, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "project", "format", "active", "created_at"]
    list_filter = ["active", "format"]
    list_select_related = ["project"]
    search_fields = ["url", "project__name"]
    raw_id_fields = ["project", "created_by"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log of every webhook: read-only."""

    list_display = ["created_at", "event", "webhook", "state", "attempts", "response_status"]
    list_filter = ["state", "event"]
    list_select_related = ["webhook__project"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
