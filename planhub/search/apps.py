from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "planhub.search"
    label = "search"
