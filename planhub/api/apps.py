from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "planhub.api"
    label = "api"
    verbose_name = "API"
