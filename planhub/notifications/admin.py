from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "title", "read_at"]
    list_filter = ["event"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor", "project", "plan"]
