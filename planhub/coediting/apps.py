from django.apps import AppConfig


class CoeditingConfig(AppConfig):
    name = "planhub.coediting"
    label = "coediting"
    verbose_name = "Co-editing drafts"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
