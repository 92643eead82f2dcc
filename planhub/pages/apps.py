from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The top layer: pages that show several apps' data at once (see the README's layout)."""

    name = "planhub.pages"
    label = "pages"
