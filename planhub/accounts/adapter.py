"""PlanHub's rules for django-allauth: who may sign up."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

# Set in the session by an invitation link (planhub/invitations): its holder may sign up even
# when SIGNUP=invite.
INVITATION_SESSION_KEY = "planhub_invitation"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.SIGNUP == "open" or bool(request.session.get(INVITATION_SESSION_KEY))
