from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "planhub.accounts"
    label = "accounts"
