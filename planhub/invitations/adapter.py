"""Sign-up through an invitation: the account adapter PlanHub runs with (ACCOUNT_ADAPTER).

The accounts app's adapter opens sign-up to whoever holds an invitation in the session; this
one checks that the invitation can still be used (not revoked, used or expired since the link
was followed), so a withdrawn invitation no longer lets a stranger make an account."""

from django.conf import settings
from django.contrib import messages

from planhub.accounts.adapter import INVITATION_SESSION_KEY, AccountAdapter

from .models import Invitation, InvitationError


class InvitationAccountAdapter(AccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        if settings.SIGNUP == "open":
            return True
        token_hash = request.session.get(INVITATION_SESSION_KEY)
        invitation = Invitation.objects.open().by_hash(token_hash) if token_hash else None
        if invitation is None:
            return False
        try:
            invitation.check_usable()
        except InvitationError as refused:
            self._say_once(request, str(refused))
            return False
        return True

    @staticmethod
    def _say_once(request, reason: str) -> None:
        """Why sign-up closed under the invitee, on the page that says it is closed (asked
        more than once per request)."""
        if not getattr(request, "_invitation_refusal_said", False):
            messages.error(request, reason)
            request._invitation_refusal_said = True
