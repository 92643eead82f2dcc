from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "planhub.exports"
    label = "exports"
