from django.apps import AppConfig


class LibConfig(AppConfig):
    """Helpers for every app; installed only so that its template tags load everywhere."""

    name = "planhub.lib"
    label = "lib"

    def ready(self) -> None:
        from . import asgi_db  # noqa: F401 - connects its receiver
        from .memory import keep_large_blocks_out_of_the_heap

        keep_large_blocks_out_of_the_heap()  # every process: app servers, worker, commands
