from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "planhub.reviews"
    label = "reviews"

    def ready(self) -> None:
        from planhub.plans.models import plan_created

        from .signoffs import create_signoff_slots

        plan_created.connect(create_signoff_slots, dispatch_uid="reviews.create_signoff_slots")
