from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "planhub.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from .throttle import clear_failures, record_failure

        user_login_failed.connect(record_failure, dispatch_uid="accounts.record_failure")
        user_logged_in.connect(clear_failures, dispatch_uid="accounts.clear_failures")
