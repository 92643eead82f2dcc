from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "planhub.webhooks"
    label = "webhooks"
