"""An account made through an invitation link joins the project right after signing up."""

from contextlib import suppress

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from planhub.accounts.adapter import INVITATION_SESSION_KEY

from .models import Invitation, InvitationError


@receiver(user_signed_up, dispatch_uid="invitations.join_after_signup")
def join_after_signup(sender, request, user, **kwargs) -> None:
    token_hash = request.session.pop(INVITATION_SESSION_KEY, None) if request else None
    invitation = Invitation.objects.by_hash(token_hash) if token_hash else None
    if invitation is None:
        return  # resent or removed meanwhile: the link page says what to do
    # Expired or revoked meanwhile: the link page, where sign-up returns, says so.
    with suppress(InvitationError):
        invitation.accept(user)
