from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlansConfig(AppConfig):
    name = "planhub.plans"
    label = "plans"

    def ready(self) -> None:
        from .builtin_templates import sync_builtin_templates_after_migrate

        post_migrate.connect(sync_builtin_templates_after_migrate, sender=self)
