from django.contrib import admin

from .models import DigestSchedule, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "title", "read_at", "mail", "mailed_at"]
    list_filter = ["event", "mail"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor", "project", "plan"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "delivery"]
    list_filter = ["event", "delivery"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DigestSchedule)
class DigestScheduleAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "hour", "due_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
