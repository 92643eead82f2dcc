from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "planhub.notifications"
    label = "notifications"
