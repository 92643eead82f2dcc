"""PlanHub's rules for django-allauth: who may sign up, how its mail is sent, which address
a request comes from."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.template.loader import render_to_string

from planhub.mail.outbox import queue_mail

from .throttle import client_ip

logger = logging.getLogger(__name__)

# Set in the session by an invitation link (planhub/invitations): its holder may sign up even
# when SIGNUP=invite.
INVITATION_SESSION_KEY = "planhub_invitation"


def mail_available() -> bool:
    """Whether this site sends mail (EMAIL_URL is set): only then are addresses verified and
    passwords reset by e-mail."""
    return bool(settings.EMAIL_URL)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.SIGNUP == "open" or bool(request.session.get(INVITATION_SESSION_KEY))

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        """Every allauth mail (verification, reset, notices) goes to the outbox, sent by the
        worker, with a plain-text and an HTML part. A site without mail sends nothing."""
        kind = "account/" + template_prefix.rsplit("/", 1)[-1]
        if not mail_available():
            logger.info("No EMAIL_URL: the %s mail to %s was not sent", kind, email)
            return
        request = context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request),
             **context_},
        )  # fmt: skip
        html = next(
            (body for body, kind_ in getattr(message, "alternatives", []) if kind_ == "text/html"),
            "",
        )
        if not html:
            html = render_to_string(
                "account/email/_as_html.html", {"subject": message.subject, "text": message.body}
            )
        # Every allauth mail may carry a one-time link (verification, reset, log-in code).
        queue_mail(email, message.subject, message.body, html, kind=kind[:60], holds_secret=True)

    def get_client_ip(self, request) -> str:
        # Behind our own proxies, the address they saw (TRUSTED_PROXIES), never a forwarded
        # address of the client's choosing; a request without a usable peer address still
        # gets something to count (allauth's rate limits refuse it otherwise).
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key, never bound
