"""PlanHub's rules for single sign-on (django-allauth's social accounts; docs/sso.md).

- A stranger gets an account by SSO under the same rule as the sign-up form (SIGNUP=open, or an
  invitation in the session); otherwise a page says so and nothing is created.
- An SSO log-in whose e-mail belongs to an existing account logs in to that account (and
  connects the provider to it) only when the provider says the address is verified, PlanHub has
  verified it too, and the account is an ordinary, active one. Otherwise a page says that the
  account exists and how to connect the provider from it: linking on an address that either side
  never verified would let whoever registered it first take the account over.
- An address the provider marks verified is stored verified: no verification mail.
- SSO accounts have no usable password (allauth's save_user): they log in through the provider.
"""

import logging

import requests
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess, ProviderException
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import render

from .models import Profile

logger = logging.getLogger(__name__)


class PlanHubOidcProvider(OpenIDConnectProvider):
    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # The first request to the provider (its discovery document) happens here: a provider
        # that is down or answers nonsense is an error page, not a 500.
        try:
            return super().redirect(request, process, next_url=next_url, data=data, **kwargs)
        except (requests.RequestException, KeyError, ValueError) as error:
            return render_authentication_error(request, self, exception=error)

    def sociallogin_from_response(self, request: HttpRequest, response: dict) -> SocialLogin:
        # Claims without the subject (or with an empty one) are an answer PlanHub cannot use:
        # ProviderException makes allauth show its error page instead of a 500.
        try:
            return super().sociallogin_from_response(request, response)
        except (KeyError, ValueError) as error:
            raise ProviderException(f"unusable claims from the provider: {error!r}") from error


def _address_taken(email: str) -> bool:
    return (
        get_user_model()
        .objects.filter(Q(emailaddress__email__iexact=email) | Q(email__iexact=email))
        .exists()
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request: HttpRequest, provider: str, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return PlanHubOidcProvider(request, app=found.app)
        return found

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        if get_account_adapter(request).is_open_for_signup(request):
            return True
        raise ImmediateHttpResponse(
            render(
                request,
                "socialaccount/signup_closed.html",
                {"provider": sociallogin.provider, "email": _first_email(sociallogin)},
                status=403,
            )
        )

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[AbstractUser, str] | None:
        """The existing account this log-in may enter by its e-mail, with that address."""
        for address in sociallogin.email_addresses:
            if not address.verified:
                continue
            owners = {
                verified.user
                for verified in EmailAddress.objects.filter(
                    email__iexact=address.email, verified=True
                ).select_related("user")
            }
            if len(owners) == 1:
                user = owners.pop()
                if user.is_active and not (user.is_staff or user.is_superuser):
                    return user, address.email
        return None

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        # Runs after allauth looked the account up (by provider and subject, then by e-mail
        # through authenticate_by_email). A new log-in whose address some account already uses
        # did not qualify for linking: say so instead of offering a second account.
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        for address in sociallogin.email_addresses:
            if _address_taken(address.email):
                raise ImmediateHttpResponse(
                    render(
                        request,
                        "socialaccount/account_exists.html",
                        {"provider": sociallogin.provider, "email": address.email},
                        status=409,
                    )
                )

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None) -> AbstractUser:
        user = super().save_user(request, sociallogin, form=form)
        profile = Profile.of(user)
        if not profile.display_name and user.get_full_name():
            profile.display_name = user.get_full_name()[
                : Profile._meta.get_field("display_name").max_length
            ]
            profile.save(update_fields=["display_name"])
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # The page tells the person it failed; the reason (a wrong client secret, a provider
        # that is down) is for the administrator, in the log.
        logger.warning(
            "Single sign-on with %s failed: %s %r",
            getattr(getattr(provider, "app", None), "provider_id", provider),
            error,
            exception,
        )


def _first_email(sociallogin: SocialLogin) -> str:
    return sociallogin.email_addresses[0].email if sociallogin.email_addresses else ""
