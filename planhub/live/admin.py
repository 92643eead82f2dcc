from django.contrib import admin

from .models import Presence


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "section", "last_seen"]
    list_select_related = ["user", "plan", "section"]
    readonly_fields = ["plan", "user", "section", "last_seen"]
