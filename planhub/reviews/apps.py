from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "planhub.reviews"
    label = "reviews"

    def ready(self) -> None:
        from . import events  # noqa: F401 - connects the receivers of the plans' signals
