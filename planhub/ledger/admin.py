from django.contrib import admin

from .models import LedgerEntry, LedgerHead


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is shown, never changed: the database would refuse it anyway."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["project_id", "seq", "action", "actor_username", "target_type", "created_at"]
    list_filter = ["action"]


@admin.register(LedgerHead)
class LedgerHeadAdmin(ReadOnlyAdmin):
    list_display = ["project_id", "seq", "hash"]
