from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "planhub.invitations"
    label = "invitations"
