from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "planhub.live"
    label = "live"
    verbose_name = "Live updates and presence"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
