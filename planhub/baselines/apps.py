from django.apps import AppConfig


class BaselinesConfig(AppConfig):
    name = "planhub.baselines"
    label = "baselines"
    verbose_name = "Plan versions (baselines)"
