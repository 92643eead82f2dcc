from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "planhub.reviews"
    label = "reviews"
