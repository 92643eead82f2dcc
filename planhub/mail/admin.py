from django.contrib import admin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, what failed and why. Read-only."""

    list_display = ["created_at", "to", "subject", "kind", "state", "attempts", "sent_at", "error"]
    list_filter = ["state", "kind"]
    search_fields = ["to", "subject", "message_id"]
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]

    @admin.display(description="Last error")
    def error(self, mail: OutgoingMail) -> str:
        return mail.last_error[:120]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
