from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "planhub.mail"
    label = "mail"
    verbose_name = "Outgoing mail"
