from django.apps import AppConfig
from django.core.signals import request_finished


class ExportsConfig(AppConfig):
    name = "planhub.exports"
    label = "exports"

    def ready(self) -> None:
        from planhub.lib.gc_pause import collect_owed_garbage

        request_finished.connect(collect_owed_garbage, dispatch_uid="exports.collect_owed_garbage")
