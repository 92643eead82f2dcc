from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _on_log_in(sender, request, user, **kwargs):
    from .models import remember_display_name

    remember_display_name(request, user)


class AccountsConfig(AppConfig):
    name = "planhub.accounts"
    label = "accounts"

    def ready(self):
        user_logged_in.connect(_on_log_in, dispatch_uid="planhub.accounts.display_name")
        from allauth.socialaccount.signals import pre_social_login

        from .reauthentication import note_sso_log_in

        pre_social_login.connect(note_sso_log_in, dispatch_uid="planhub.accounts.signing_sso")
