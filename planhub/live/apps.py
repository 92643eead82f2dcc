from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "planhub.live"
    label = "live"
    verbose_name = "Live updates and presence"
