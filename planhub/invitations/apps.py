from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "planhub.invitations"
    label = "invitations"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the sign-up receiver
